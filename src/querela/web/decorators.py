"""The wrappers every page goes through: logged in, a role in the tenant, errors made readable.

Each wrapper also records on the view who may use it (`required_permissions`, `is_public_page`), so the
endpoint-coverage test (tests/security/test_endpoint_coverage.py) reads the rule from the view itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from querela.core.errors import NotFound, PermissionDenied
from querela.tenants.access import can, is_platform_operator

View = Callable[..., HttpResponseBase]


def tenant_page(*actions: str) -> Callable[[View], View]:
    """Require a login and every one of `actions` (rows of the permission table) before the view runs;
    with none, any role in the tenant. The view records them as `required_permissions`.

    Name every action the view's services will check for the whole page (an agent who may edit customers
    but not see them can't edit an existing record: "customer.view", "customer.edit"), so a refused role
    is turned away before the form is read.
    """

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = getattr(request, "actor", None)
            if actor is None:
                raise Http404
            if not all(can(actor, action) for action in actions):
                return _forbidden(request, _forbidden_text())
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except PermissionDenied as exc:
                return _forbidden(request, exc.message)

        inner.required_permissions = actions  # type: ignore[attr-defined]
        return inner

    return wrap


def platform_page(view: View) -> View:
    """A page of the platform operator (no tenant): a login, then the operator's role, before the view runs."""

    @functools.wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_platform_operator(request.user):
            return _forbidden(request, _forbidden_text())
        return view(request, *args, **kwargs)

    inner.required_permissions = ("platform.manage_tenants",)  # type: ignore[attr-defined]
    return inner


def _forbidden(request: HttpRequest, message: str) -> HttpResponseBase:
    """A page with the reason and the way back, not a bare line of text."""
    from django.shortcuts import render
    from django.utils.translation import gettext

    return render(request, "error_page.html", {"title": gettext("Not allowed"), "message": message}, status=403)


def _forbidden_text() -> str:
    from django.utils.translation import gettext

    return gettext("Your role does not allow this page.")


def public_page(view: View) -> View:
    """A supplier's public page (`/p/<code>/`): no login; the tenant entered; its language by default.

    An unknown or inactive supplier is a plain 404. A visitor who has not picked a language gets the
    supplier's (a Hungarian utility's site opens in Hungarian); the language switch then wins.
    """

    @functools.wraps(view)
    def inner(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        from django.conf import settings
        from django.utils import translation

        from querela.core import tenancy
        from querela.tenants.models import Tenant

        tenant = Tenant.objects.filter(code=code.upper(), is_active=True).first()
        if tenant is None or code != tenant.code:
            raise Http404
        tenancy.enter_for_request(tenant)
        request.tenant = tenant  # type: ignore[attr-defined]
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(tenant.default_language)
            request.LANGUAGE_CODE = tenant.default_language
        try:
            return view(request, code, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    inner.is_public_page = True  # type: ignore[attr-defined]
    return inner
