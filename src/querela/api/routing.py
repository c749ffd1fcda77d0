"""API v1, routing rules: the supplier's rules in the order they are evaluated, for an integration that shows
where a kind of complaint goes, or keeps the rules in step with another system's."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from querela.routing.models import RoutingRule
from querela.routing.selectors import rules_for_api

from .base import TenantAPIView


class RoutingRuleOut(serializers.ModelSerializer[RoutingRule]):
    department = serializers.CharField(source="department.code", help_text="the department's code")
    department_name = serializers.CharField(source="department.name")
    pool_job = serializers.CharField(
        source="pool_job.code",
        allow_null=True,
        default=None,
        help_text="the org chart job whose people form the pool; null: the department's handlers",
    )

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "position",
            "name",
            "is_active",
            "category",
            "kind",
            "channel",
            "service_type",
            "region",
            "department",
            "department_name",
            "pool",
            "pool_job",
        ]


class RoutingRuleCollection(TenantAPIView):
    """Every routing rule, switched off ones too, in evaluation order: the first active rule whose conditions
    all hold (an empty condition holds for anything) sends a complaint to its department and handler pool."""

    permissions_by_method = {"GET": "routing.manage"}

    @extend_schema(responses=RoutingRuleOut(many=True), summary="List the routing rules", tags=["routing"])
    def get(self, request: Request, tenant: str) -> Response:
        return Response(RoutingRuleOut(rules_for_api(), many=True).data)
