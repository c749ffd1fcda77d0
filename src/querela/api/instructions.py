"""API v1, work instructions: the supplier's library as it stands (current versions), for an integration
that shows the checks of a complaint's category in another system, or keeps the library in step with one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from querela.instructions.models import DocumentTemplate, InstructionStep, WorkInstruction
from querela.instructions.selectors import instructions_with_steps

from .base import TenantAPIView


class StepOut(serializers.ModelSerializer[InstructionStep]):
    check = serializers.CharField(source="check_code", help_text="a code of the fixed vocabulary of checks")
    job_code = serializers.CharField(help_text="the org chart job whose holders do the step")

    class Meta:
        model = InstructionStep
        fields = ["position", "check", "title", "how_to", "job_code", "evidence", "mandatory", "days"]


class DocumentOut(serializers.ModelSerializer[DocumentTemplate]):
    class Meta:
        model = DocumentTemplate
        fields = ["position", "title", "body"]


class InstructionOut(serializers.ModelSerializer[WorkInstruction]):
    steps = StepOut(many=True, read_only=True)
    documents = DocumentOut(many=True, read_only=True)

    class Meta:
        model = WorkInstruction
        fields = [
            "code",
            "version",
            "language",
            "category",
            "channel",
            "service_type",
            "segment",
            "title",
            "purpose",
            "created_at",
            "steps",
            "documents",
        ]


class InstructionCollection(TenantAPIView):
    """The current version of every work instruction: per complaint category, the checks to run in order,
    the job doing each, the evidence each must produce, and the justifying documents (text with placeholders)."""

    permissions_by_method = {"GET": "instructions.view"}

    @extend_schema(
        responses=InstructionOut(many=True),
        parameters=[
            OpenApiParameter("category", str, description="only this complaint category (e.g. billing)"),
            OpenApiParameter("language", str, description="only the instructions written in this language"),
        ],
        summary="List the work instructions",
        tags=["instructions"],
    )
    def get(self, request: Request, tenant: str) -> Response:
        rows: Any = instructions_with_steps(
            category=request.query_params.get("category", ""), language=request.query_params.get("language", "")
        )
        return Response(InstructionOut(rows, many=True).data)
