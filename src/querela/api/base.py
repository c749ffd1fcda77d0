"""The base of every tenant API view: authenticate, resolve the actor, enter the tenant, map errors."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from querela.core import tenancy
from querela.core.errors import InvalidTransition, NotFound, PermissionDenied, QuerelaError, ValidationFailed
from querela.core.ratelimit import client_address
from querela.tenants.access import Actor, actor_for, can
from querela.tenants.models import ApiToken, Tenant

_STATUS = {
    PermissionDenied: status.HTTP_403_FORBIDDEN,
    NotFound: status.HTTP_404_NOT_FOUND,
    InvalidTransition: status.HTTP_409_CONFLICT,
    ValidationFailed: status.HTTP_400_BAD_REQUEST,
}


def querela_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationFailed) and exc.field:
        # A refusal about one input ("no such consumption place here") is a field error of the body, as a
        # serializer's own would be, under the name the request used for it.
        name = getattr(context.get("view"), "input_fields", {}).get(exc.field)
        if name:
            return Response({name: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, QuerelaError):
        code = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), status.HTTP_400_BAD_REQUEST)
        return Response({"code": exc.code, "detail": exc.message}, status=code)
    return exception_handler(exc, context)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """An address under the API that names no operation (or an id that is no number): JSON like every
    other answer of the API, not the site's not-found page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


class TenantAPIView(APIView):
    # Subclasses name a row of the permission table per HTTP method in `permissions_by_method`.
    # (A comment, not a docstring: the OpenAPI schema shows docstrings as operation descriptions.)

    permissions_by_method: dict[str, str] = {}
    # A service's name for an input (`QuerelaError.field`) -> the body field that carried it here.
    input_fields: dict[str, str] = {}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        code = str(kwargs.get("tenant", "")).upper()
        if isinstance(request.auth, ApiToken):
            # A token works in the tenant it was issued in (read with it); elsewhere it is a stranger.
            tenant = request.auth.tenant if request.auth.tenant.code == code and request.auth.tenant.is_active else None
        else:
            tenant = Tenant.objects.filter(code=code, is_active=True).first()
        if tenant is None:
            raise Http404
        actor = actor_for(request.user, tenant, ip=client_address(request))
        if actor is None:
            raise Http404  # same answer as an unknown tenant
        tenancy.enter_for_request(tenant)
        self.actor: Actor = actor
        needed = self.permissions_by_method.get(request.method or "GET")
        if needed and not can(actor, needed):
            raise exceptions.PermissionDenied(_("Your role does not allow this."))
