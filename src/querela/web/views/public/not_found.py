"""The not-found page under a supplier's public site, in that site's language."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from querela.tenants.models import Tenant

_PUBLIC = re.compile(r"^/p/([A-Z]{2,5})/")


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """A mistyped address under /p/OPT/ reads in Hungarian, as the rest of that site, unless the visitor
    chose a language; elsewhere the visitor's language as usual."""
    match = _PUBLIC.match(request.path)
    if match and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        tenant = Tenant.objects.filter(code=match.group(1), is_active=True).only("default_language").first()
        if tenant is not None:
            with translation.override(tenant.default_language):
                return render(request, "404.html", status=404)
    return render(request, "404.html", status=404)
