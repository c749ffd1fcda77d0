"""A complaint followed by its private link: status and messages, no account needed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from querela.audit.services import audit_personal_data
from querela.documents.receipts import receipt_pdf
from querela.portal.selectors import public_status
from querela.portal.tracking import tracking_read
from querela.tenants.access import system_actor

from ...decorators import public_page


def _invalid(request: HttpRequest) -> HttpResponse:
    # Expired, altered or invented: one answer, so a link tells nothing about what exists.
    return render(request, "public/track_invalid.html", status=404)


@public_page
def public_track(request: HttpRequest, code: str, token: str) -> HttpResponse:
    complaint_id = tracking_read(code, token)
    status = public_status(complaint_id) if complaint_id is not None else None
    if status is None:
        return _invalid(request)
    actor = system_actor(request.tenant, label="tracking link")  # type: ignore[attr-defined]
    audit_personal_data(actor=actor, what="view", object_type="complaint", object_id=status.reference)
    return render(request, "public/track.html", {"status": status, "token": token})


@public_page
def public_receipt(request: HttpRequest, code: str, token: str) -> HttpResponse:
    complaint_id = tracking_read(code, token)
    if complaint_id is None:
        return _invalid(request)
    pdf = receipt_pdf(complaint_id, language=translation.get_language() or "")
    if pdf is None:
        return _invalid(request)
    actor = system_actor(request.tenant, label="tracking link")  # type: ignore[attr-defined]
    audit_personal_data(actor=actor, what="download", object_type="complaint", object_id=pdf.reference)
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.reference}.pdf"'
    return response
