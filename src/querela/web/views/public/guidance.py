"""A supplier's public front page: what is your matter about, and where it is settled."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from querela.appointments.models import Office
from querela.complaints.sector_texts import is_vendor
from querela.portal.models import Route
from querela.portal.selectors import matter_find, matter_table, portal_profile

from ...decorators import public_page


@public_page
def public_home(request: HttpRequest, code: str) -> HttpResponse:
    matters = matter_table()
    groups = [
        (route, [m for m in matters if m.route == route])
        for route in (Route.COMPLAINT_FORM, Route.FAULT_LINE, Route.CONTACT, Route.IN_PERSON)
    ]
    return render(
        request,
        "public/home.html",
        {
            "groups": [(r, ms) for r, ms in groups if ms],
            "profile": portal_profile(),
            "Route": Route,
            "vendor": is_vendor(request.tenant),  # type: ignore[attr-defined]
        },
    )


@public_page
def public_matter(request: HttpRequest, code: str, matter: str) -> HttpResponse:
    """Where one matter goes: the form for a complaint; otherwise who settles it and how — nothing is registered."""
    found = matter_find(matter)
    if found is None:
        raise Http404
    if found.files_complaint:
        return redirect(f"{request.path.rsplit('/matter/', 1)[0]}/complaint/?matter={found.code}")
    booking = found.route == Route.IN_PERSON and Office.objects.filter(is_active=True).exists()
    return render(
        request,
        "public/matter.html",
        {"matter": found, "profile": portal_profile(), "Route": Route, "booking": booking},
    )
