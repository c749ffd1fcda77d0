"""The tenant named in the URL: entered for the request (rows and clock), left when it ends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from querela.core import tenancy

from .access import resolve_request_tenant


class TenantMiddleware:
    """Enters the tenant named by the `tenant` URL argument, after checking the user may act in it.

    The membership check itself lives in `access.resolve_request_tenant`; this only scopes the request.
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
        return resolve_request_tenant(request, code)
