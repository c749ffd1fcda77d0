"""Request plumbing: secure headers (the tenant named in the URL is `tenants.middleware`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

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
        if _personal(request):
            # Pages and downloads with personal data are never kept by a browser or a proxy: the next
            # person at a shared office computer must not find them in the cache or behind "Back".
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def _personal(request: HttpRequest) -> bool:
    """What a signed-in person, an API client or a tracking link reads; not static files or the login page."""
    path = request.path
    if path.startswith(("/t/", "/api/v1/t/", "/platform/")) or (path.startswith("/p/") and "/track/" in path):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and not path.startswith("/static/"))
