"""Request plumbing: secure headers and the tenant named in the URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from . import tenancy

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


class SecureHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and request.method == "GET" and request.path.startswith("/t/"):
            # A form's address opened directly (typically after logging in again with ?next=…/note/):
            # back to the page the form belongs to, instead of an empty "method not allowed".
            response = HttpResponseRedirect(request.path.rstrip("/").rsplit("/", 1)[0] + "/")
        # Swagger UI needs inline script for its bootstrap; everything else is same-origin only.
        if not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class TenantMiddleware:
    """Enters the tenant named by the `tenant` URL argument, after checking the user may act in it.

    The membership check itself lives in `querela.tenants.access`; this only scopes the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with tenancy.request_scope():
            return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        code = view_kwargs.get("tenant")
        if code is None:
            return None
        from querela.tenants.access import resolve_request_tenant

        return resolve_request_tenant(request, code)
