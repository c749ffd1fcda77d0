"""API v1, calls: the telephony system announces a call under its own recording id and reports where
the recording is kept (or uploads it), so complaints carry the id the caller was told (seed 004)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from querela.calls.models import Call
from querela.calls.services import call_start, telephony_recording
from querela.complaints.services import Upload

from .base import TenantAPIView


class CallIn(serializers.Serializer[Any]):
    recording_id = serializers.CharField(max_length=60)
    caller_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class RecordingIn(serializers.Serializer[Any]):
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False)


class CallOut(serializers.ModelSerializer[Call]):
    class Meta:
        model = Call
        fields = ["recording_id", "source", "caller_number", "started_at", "retain_until", "audio_url", "purged_at"]


class CallCollection(TenantAPIView):
    """Announce a call as it is set up (the same recording id again is the same call)."""

    permissions_by_method = {"POST": "call.take"}

    @extend_schema(request=CallIn, responses={201: CallOut}, summary="A call is set up", tags=["calls"])
    def post(self, request: Request, tenant: str) -> Response:
        data = CallIn(data=request.data)
        data.is_valid(raise_exception=True)
        call = call_start(actor=self.actor, **data.validated_data)
        return Response(CallOut(call).data, status=status.HTTP_201_CREATED)


class CallRecording(TenantAPIView):
    """Where the telephony system keeps a call's recording (`url`), or the file itself (multipart
    `file`); kept 5 years from the call, then deleted by the nightly purge."""

    permissions_by_method = {"POST": "call.take"}
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(request=RecordingIn, responses=CallOut, summary="Report a call's recording", tags=["calls"])
    def post(self, request: Request, tenant: str, recording_id: str) -> Response:
        data = RecordingIn(data=request.data)
        data.is_valid(raise_exception=True)
        f = data.validated_data.get("file")
        call = telephony_recording(
            actor=self.actor,
            recording_id=recording_id,
            url=data.validated_data["url"],
            upload=Upload(f.name or "recording", f, f.size or 0) if f else None,
        )
        return Response(CallOut(call).data)
