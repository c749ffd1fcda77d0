"""How the OpenAPI schema describes our authentication (drf-spectacular extension, loaded at start-up) and
the error answers every operation may give (the schema class in settings)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class TenantTokenScheme(OpenApiAuthenticationExtension):
    target_class = "querela.api.tokens.TenantTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: a token works only in the supplier it was issued in.",
        }


class ErrorOut(serializers.Serializer[dict[str, str]]):
    detail = serializers.CharField(help_text="what was wrong, in the reader's language")
    code = serializers.CharField(required=False, help_text="a stable machine code, where a service refused")


# What any tenant operation may answer besides its success: the token, the role, the tenant or a row that
# isn't there, the rate limits. The schema says so, so that a client (and the schemathesis run in
# `make test`) knows every status code it can get.
_ALWAYS = {
    "401": "No token, or an invalid or expired one.",
    "403": "The role does not allow this.",
    "404": "No such supplier for this token, or nothing of this name in it.",
    "429": "Too many requests: try again after `Retry-After` seconds.",
}
_INVALID = (
    'The input was refused: field errors by field name (`{"place_id": ["…"]}`), or `detail` and `code` '
    "when a rule of the supplier refused it."
)
_CONFLICT = "The complaint is not in a state that allows this step."
_UNSUPPORTED = "The body was sent in a media type this operation does not read."


class QuerelaAutoSchema(AutoSchema):
    """drf-spectacular's schema with the error answers documented next to each operation's success."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors = dict(_ALWAYS)
        writes = self.method in ("POST", "PUT", "PATCH")
        if writes or self._has_query():
            errors["400"] = _INVALID
        if writes:
            errors["415"] = _UNSUPPORTED
        if writes and "{reference}" in self.path:
            errors["409"] = _CONFLICT
        for code, description in errors.items():
            if code not in responses:
                body = OpenApiTypes.OBJECT if code == "400" else ErrorOut
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(body, description=description), code, direction=direction
                )
        return dict(sorted(responses.items()))

    def _has_query(self) -> bool:
        return any(getattr(p, "location", "") == OpenApiParameter.QUERY for p in self.get_override_parameters())

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        # Fields a serializer leaves out for some readers (`schema_optional`) are not promised to all.
        optional = getattr(serializer, "schema_optional", ())
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
        # Input that refuses a field it does not know (`StrictIn`) says so: a misspelt name is a 400.
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False
        return schema
