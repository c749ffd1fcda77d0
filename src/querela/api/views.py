"""API v1: the same services and permission checks as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from querela.audit.services import audit_record
from querela.complaints.selectors import complaint_for_write, complaint_list, complaint_open, timeline_for
from querela.complaints.services import complaint_add_note, complaint_register, complaint_transition
from querela.core.errors import ValidationFailed
from querela.customers.models import ConsumptionPlace, Customer
from querela.customers.selectors import customer_get, customer_search

from .base import TenantAPIView
from .serializers import ComplaintDetailOut, ComplaintIn, ComplaintOut, CustomerOut, NoteIn, TimelineOut, TransitionIn
from .tokens import api_token_issue


class ComplaintCollection(TenantAPIView):
    permissions_by_method = {"GET": "complaint.list", "POST": "complaint.register"}

    @extend_schema(
        responses=ComplaintOut(many=True),
        parameters=[OpenApiParameter("status", str), OpenApiParameter("q", str)],
        summary="List complaints",
    )
    def get(self, request: Request, tenant: str) -> Response:
        qs = complaint_list(
            actor=self.actor, status=request.query_params.get("status"), query=request.query_params.get("q", "")
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ComplaintOut(page, many=True).data)

    @extend_schema(request=ComplaintIn, responses={201: ComplaintOut}, summary="Register a complaint")
    def post(self, request: Request, tenant: str) -> Response:
        data = ComplaintIn(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        customer = None
        if v.pop("customer_number", ""):
            customer = Customer.objects.filter(customer_number=data.validated_data["customer_number"]).first()
            if customer is None:
                raise ValidationFailed("No customer with this customer id.", code="unknown_customer")
        place_id = v.pop("place_id", None)
        place = ConsumptionPlace.objects.filter(pk=place_id).first() if place_id else None
        complaint = complaint_register(actor=self.actor, customer=customer, place=place, **v)
        return Response(ComplaintOut(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintItem(TenantAPIView):
    permissions_by_method = {"GET": "complaint.view"}

    @extend_schema(responses=ComplaintDetailOut, summary="A complaint with its timeline (audited)")
    def get(self, request: Request, tenant: str, reference: str) -> Response:
        complaint = complaint_open(actor=self.actor, reference=reference)
        out = ComplaintDetailOut(complaint).data
        out["timeline"] = TimelineOut(timeline_for(actor=self.actor, complaint=complaint), many=True).data
        return Response(out)


class ComplaintTransition(TenantAPIView):
    permissions_by_method = {"POST": "complaint.view"}

    @extend_schema(request=TransitionIn, responses=ComplaintOut, summary="Move a complaint along the workflow")
    def post(self, request: Request, tenant: str, reference: str) -> Response:
        data = TransitionIn(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        complaint = complaint_transition(
            actor=self.actor,
            complaint_id=complaint.pk,
            action=data.validated_data["action"],
            text=data.validated_data["text"],
            assignee_id=data.validated_data.get("assignee_id"),
        )
        return Response(ComplaintOut(complaint).data)


class ComplaintNotes(TenantAPIView):
    permissions_by_method = {"POST": "complaint.add_note"}

    @extend_schema(request=NoteIn, responses={201: TimelineOut}, summary="Add an internal note")
    def post(self, request: Request, tenant: str, reference: str) -> Response:
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        entry = complaint_add_note(actor=self.actor, complaint_id=complaint.pk, text=data.validated_data["text"])
        return Response(TimelineOut(entry).data, status=status.HTTP_201_CREATED)


class CustomerCollection(TenantAPIView):
    permissions_by_method = {"GET": "customer.search"}

    @extend_schema(
        responses=CustomerOut(many=True),
        parameters=[OpenApiParameter("q", str, description="customer id, meter serial, name or address")],
        summary="Search customers",
    )
    def get(self, request: Request, tenant: str) -> Response:
        results = customer_search(actor=self.actor, query=request.query_params.get("q", ""))
        return Response(CustomerOut(results, many=True).data)


class CustomerItem(TenantAPIView):
    permissions_by_method = {"GET": "customer.view"}

    @extend_schema(responses=CustomerOut, summary="A customer (audited)")
    def get(self, request: Request, tenant: str, customer_id: int) -> Response:
        customer = customer_get(actor=self.actor, customer_id=customer_id)
        audit_record(
            actor=self.actor, action="personal_data.view", object_type="customer", object_id=customer.customer_number
        )
        return Response(CustomerOut(customer).data)


class TokenIssue(TenantAPIView):
    permissions_by_method = {"POST": "api.token"}

    @extend_schema(request=None, responses={201: dict}, summary="Issue a new API token (replaces the old one)")
    def post(self, request: Request, tenant: str) -> Response:
        return Response({"token": api_token_issue(actor=self.actor)}, status=status.HTTP_201_CREATED)
