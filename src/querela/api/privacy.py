"""API v1, data protection: the supplier's retention schedule and the last purge's report, for a records
system that keeps its own schedule in step or a monitor that checks the nightly purge ran."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from querela.privacy.models import PurgeRun
from querela.privacy.selectors import purge_runs, retention_schedule

from .base import TenantAPIView


class PeriodOut(serializers.Serializer[Any]):
    document_type = serializers.CharField()
    name = serializers.CharField(help_text="the document type in words, in the language of the request")
    months = serializers.IntegerField(help_text="kept this many months; 0 with `fixed` for the kinds not set here")
    minimum_months = serializers.IntegerField(help_text="the law's floor (seed 004: 60); 0 where there is none")
    configurable = serializers.BooleanField()
    fixed = serializers.CharField(allow_null=True, help_text="how long, for the kinds the supplier does not set")


class RunOut(serializers.ModelSerializer[PurgeRun]):
    report = serializers.JSONField(help_text='per document type: {"due": n, "done": n, "oldest_kept": "YYYY-MM-DD"}')

    class Meta:
        model = PurgeRun
        fields = ["as_of", "state", "started_at", "finished_at", "report"]


class RetentionOut(serializers.Serializer[Any]):
    periods = PeriodOut(many=True)
    last_purge = RunOut(allow_null=True)


class RetentionView(TenantAPIView):
    """The retention period of every kind of document, and the report of the last purge (null before the
    first): per document type how many items were due, how many were removed and the oldest one kept."""

    permissions_by_method = {"GET": "privacy.manage"}

    @extend_schema(responses=RetentionOut, summary="Retention schedule and the last purge", tags=["privacy"])
    def get(self, request: Request, tenant: str) -> Response:
        rows = retention_schedule(actor=self.actor)
        periods = [
            {
                "document_type": r.document_type,
                "name": str(r.label),
                "months": r.months,
                "minimum_months": r.spec.minimum_months,
                "configurable": r.spec.configurable,
                "fixed": str(r.spec.fixed) if r.spec.fixed else None,
            }
            for r in rows
        ]
        last = purge_runs(actor=self.actor).last_real
        return Response(RetentionOut({"periods": periods, "last_purge": last}).data)
