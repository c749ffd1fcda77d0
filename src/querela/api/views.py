"""API v1: the same services and permission checks as the pages."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from querela.complaints.deadline_selectors import deadline_overview
from querela.complaints.selectors import (
    attachment_open,
    complaint_for_write,
    complaint_list,
    complaint_open,
    timeline_for,
)
from querela.complaints.services import (
    Upload,
    complaint_add_message,
    complaint_add_note,
    complaint_attach,
    complaint_identify,
    complaint_register,
    complaint_update,
)
from querela.complaints.transitions import complaint_transition
from querela.core.errors import ValidationFailed
from querela.core.numbers import is_plain_number
from querela.customers.selectors import customer_open, customer_search, registration_parties
from querela.customers.services import customer_create_with_place
from querela.edit_rules.catalogue import ORIGINALS
from querela.supervision.services import deadline_step
from querela.tenants.tokens import api_token_issue

from .base import TenantAPIView
from .serializers import (
    AttachmentOut,
    ComplaintChangeIn,
    ComplaintDetailOut,
    ComplaintIn,
    ComplaintOut,
    ComplaintPageOut,
    CustomerIn,
    CustomerOut,
    DeadlineIn,
    DeadlineStepOut,
    ExtensionRequestOut,
    IdentifyIn,
    MessageIn,
    NoteIn,
    TimelineOut,
    TokenOut,
    TransitionIn,
)


class BoundedPagination(LimitOffsetPagination):
    max_limit = 200  # one page is never the whole table

    def get_limit(self, request: Request) -> int | None:
        raw = request.query_params.get(self.limit_query_param, "")
        if raw and not is_plain_number(raw, 6):
            return self.default_limit
        return super().get_limit(request)

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param, "")
        return 0 if raw and not is_plain_number(raw, 9) else super().get_offset(request)


class ComplaintCollection(TenantAPIView):
    """Complaints of the tenant: list and search them, or register one received by any channel."""

    permissions_by_method = {"GET": "complaint.list", "POST": "complaint.register"}
    input_fields = {"customer": "customer_number", "place": "place_id", "received_at": "received_at"}

    @extend_schema(
        responses=ComplaintPageOut,
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("q", str),
            OpenApiParameter("limit", int, description="complaints per page (at most 200)"),
            OpenApiParameter("offset", int, description="how many to skip"),
        ],
        summary="List complaints",
        tags=["complaints"],
        operation_id="t_complaints_list",  # a paged answer is not a list to drf-spectacular: named here
    )
    def get(self, request: Request, tenant: str) -> Response:
        qs = complaint_list(
            actor=self.actor, status=request.query_params.get("status"), query=request.query_params.get("q", "")
        )
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ComplaintOut(page, many=True, context={"actor": self.actor}).data)

    @extend_schema(
        request=ComplaintIn, responses={201: ComplaintOut}, summary="Register a complaint", tags=["complaints"]
    )
    def post(self, request: Request, tenant: str) -> Response:
        data = ComplaintIn(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        parties = registration_parties(
            actor=self.actor, customer_number=v.pop("customer_number", ""), place_id=v.pop("place_id", None)
        )
        complaint = complaint_register(actor=self.actor, customer=parties.customer, place=parties.place, **v)
        return Response(ComplaintOut(complaint, context={"actor": self.actor}).data, status=status.HTTP_201_CREATED)


class ComplaintItem(TenantAPIView):
    """One complaint with its timeline (opening it is a view of personal data and is audited), or a person's
    correction of its details."""

    permissions_by_method = {"GET": "complaint.view", "PATCH": "complaint.edit"}

    @extend_schema(responses=ComplaintDetailOut, summary="A complaint with its timeline (audited)", tags=["complaints"])
    def get(self, request: Request, tenant: str, reference: str) -> Response:
        complaint = complaint_open(actor=self.actor, reference=reference)
        out = ComplaintDetailOut(complaint, context={"actor": self.actor}).data
        out["timeline"] = TimelineOut(timeline_for(actor=self.actor, complaint=complaint), many=True).data
        return Response(out)

    @extend_schema(
        request=ComplaintChangeIn,
        responses=ComplaintOut,
        summary="Correct a complaint's details, with the reason (the supplier's edit matrix applies)",
        tags=["complaints"],
    )
    def patch(self, request: Request, tenant: str, reference: str) -> Response:
        data = ComplaintChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields: dict[str, Any] = dict(data.validated_data)
        # The originals go to the service as asked, to be refused there with the reason.
        asked = request.data if isinstance(request.data, dict) else {}
        fields.update({k: asked[k] for k in ORIGINALS["complaint"] if k in asked})
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        complaint = complaint_update(actor=self.actor, complaint_id=complaint.pk, **fields)
        return Response(ComplaintOut(complaint, context={"actor": self.actor}).data)


class ComplaintTransition(TenantAPIView):
    """Move a complaint along the workflow (register, assign, answer, …); the role guard of each move applies."""

    permissions_by_method = {"POST": "complaint.view"}
    input_fields = {"assignee": "assignee_id"}

    @extend_schema(
        request=TransitionIn, responses=ComplaintOut, summary="Move a complaint along the workflow", tags=["complaints"]
    )
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
            decision=data.validated_data.get("decision", ""),
        )
        return Response(ComplaintOut(complaint, context={"actor": self.actor}).data)


class ComplaintNotes(TenantAPIView):
    """Internal notes: for staff only, never shown to the customer."""

    permissions_by_method = {"POST": "complaint.add_note"}

    @extend_schema(request=NoteIn, responses={201: TimelineOut}, summary="Add an internal note", tags=["complaints"])
    def post(self, request: Request, tenant: str, reference: str) -> Response:
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        entry = complaint_add_note(actor=self.actor, complaint_id=complaint.pk, text=data.validated_data["text"])
        return Response(TimelineOut(entry).data, status=status.HTTP_201_CREATED)


class CustomerCollection(TenantAPIView):
    """Search customers (by customer id, meter serial, name or address), or create one."""

    permissions_by_method = {"GET": "customer.view", "POST": "customer.edit"}

    @extend_schema(
        responses=CustomerOut(many=True),
        parameters=[OpenApiParameter("q", str, description="customer id, meter serial, name or address")],
        summary="Search customers",
        tags=["customers"],
    )
    def get(self, request: Request, tenant: str) -> Response:
        results = customer_search(actor=self.actor, query=request.query_params.get("q", ""))
        return Response(CustomerOut(results, many=True).data)

    @extend_schema(request=CustomerIn, responses={201: CustomerOut}, summary="Create a customer", tags=["customers"])
    def post(self, request: Request, tenant: str) -> Response:
        data = CustomerIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        place = {k: v.pop(k) for k in ("address", "postal_code", "city", "region", "service_type", "meter_serials")}
        customer = customer_create_with_place(actor=self.actor, customer=v, place=place)
        return Response(CustomerOut(customer).data, status=status.HTTP_201_CREATED)


class CustomerItem(TenantAPIView):
    """One customer with consumption places and meters. Audited as a view of personal data."""

    permissions_by_method = {"GET": "customer.view"}

    @extend_schema(responses=CustomerOut, summary="A customer (audited)", tags=["customers"])
    def get(self, request: Request, tenant: str, customer_id: int) -> Response:
        customer = customer_open(actor=self.actor, customer_id=customer_id)
        return Response(CustomerOut(customer).data)


class TokenIssue(TenantAPIView):
    """A token for integrations, issued from a logged-in session; it expires (QUERELA_API_TOKEN_DAYS)."""

    permissions_by_method = {"POST": "api.token"}

    @extend_schema(
        request=None, responses={201: TokenOut}, summary="Issue a new API token (replaces the old one)", tags=["tokens"]
    )
    def post(self, request: Request, tenant: str) -> Response:
        return Response({"token": api_token_issue(actor=self.actor)}, status=status.HTTP_201_CREATED)


class ComplaintMessages(TenantAPIView):
    """A message to the customer in the complaint's reply channel (staff), or to the office (the customer)."""

    permissions_by_method = {"POST": "complaint.message"}

    @extend_schema(request=MessageIn, responses={201: TimelineOut}, summary="Send a message", tags=["complaints"])
    def post(self, request: Request, tenant: str, reference: str) -> Response:
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        entry = complaint_add_message(actor=self.actor, complaint_id=complaint.pk, text=data.validated_data["text"])
        return Response(TimelineOut(entry).data, status=status.HTTP_201_CREATED)


class ComplaintIdentify(TenantAPIView):
    """Link the complaint to the customer named by a customer id or meter serial number."""

    permissions_by_method = {"POST": "complaint.edit"}

    @extend_schema(request=IdentifyIn, responses=ComplaintOut, summary="Identify the customer", tags=["complaints"])
    def post(self, request: Request, tenant: str, reference: str) -> Response:
        data = IdentifyIn(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        complaint = complaint_identify(actor=self.actor, complaint_id=complaint.pk, query=data.validated_data["query"])
        return Response(ComplaintOut(complaint, context={"actor": self.actor}).data)


class ComplaintDeadlines(TenantAPIView):
    """Each deadline step's due date and state; acknowledge, report progress, extend or reschedule."""

    permissions_by_method = {"GET": "complaint.list", "POST": "complaint.deadlines"}

    @extend_schema(responses=DeadlineStepOut(many=True), summary="Deadlines of a complaint", tags=["deadlines"])
    def get(self, request: Request, tenant: str, reference: str) -> Response:
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        return Response(DeadlineStepOut(deadline_overview(complaint)["steps"], many=True).data)

    @extend_schema(
        request=DeadlineIn,
        responses={200: DeadlineStepOut(many=True), 202: ExtensionRequestOut},
        summary="Take a deadline step",
        tags=["deadlines"],
    )
    def post(self, request: Request, tenant: str, reference: str) -> Response:
        data = DeadlineIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        # Where the supplier wants four eyes, an extension becomes a request a supervisor decides (202).
        pending = deadline_step(actor=self.actor, complaint_id=complaint.pk, **d)
        if pending is not None:
            return Response({"extension_request": pending.pk, "state": pending.state}, status=202)
        complaint.refresh_from_db()
        return Response(DeadlineStepOut(deadline_overview(complaint)["steps"], many=True).data)


class ComplaintAttachments(TenantAPIView):
    """The complaint's files: list them, or upload one (multipart field `file`); the tenant's limits apply."""

    permissions_by_method = {"GET": "complaint.view", "POST": "complaint.attach"}
    parser_classes = [MultiPartParser]

    @extend_schema(responses=AttachmentOut(many=True), summary="Files of a complaint", tags=["attachments"])
    def get(self, request: Request, tenant: str, reference: str) -> Response:
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        return Response(AttachmentOut(complaint.attachments.order_by("pk"), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: AttachmentOut},
        summary="Upload a file",
        tags=["attachments"],
    )
    def post(self, request: Request, tenant: str, reference: str) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(_("Send the file in the multipart field “file”."), code="file_required")
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        attachment = complaint_attach(
            actor=self.actor,
            complaint_id=complaint.pk,
            upload=Upload(filename=upload.name or "attachment", stream=upload, size=upload.size or 0),
        )
        return Response(AttachmentOut(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownload(TenantAPIView):
    """The bytes of one file (audited as a view of personal data)."""

    permissions_by_method = {"GET": "complaint.view"}

    @extend_schema(
        responses={(200, "application/octet-stream"): bytes}, summary="Download a file", tags=["attachments"]
    )
    def get(self, request: Request, tenant: str, reference: str, attachment_id: int) -> FileResponse:
        complaint = complaint_for_write(actor=self.actor, reference=reference)
        attachment = attachment_open(actor=self.actor, complaint=complaint, attachment_id=attachment_id)
        response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename)
        response["Content-Type"] = "application/octet-stream"
        return response
