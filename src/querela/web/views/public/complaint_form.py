"""The public complaint form: anyone may complain, with or without an account (seed 000)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from querela.complaints.sector_texts import is_vendor
from querela.core.errors import ValidationFailed
from querela.core.ratelimit import client_address, hit
from querela.portal import pending_uploads
from querela.portal.selectors import MatterView, form_states, matter_find, matter_table, public_status
from querela.portal.services import PublicComplaint, public_complaint_submit
from querela.portal.tracking import tracking_path

from ...decorators import public_page
from .forms import PublicComplaintForm

_SENT = "portal_sent"


def _matter(request: HttpRequest) -> MatterView:
    code = request.POST.get("matter") or request.GET.get("matter") or ""
    found = matter_find(code) if code else next((m for m in matter_table() if m.files_complaint), None)
    if found is None or not found.files_complaint:
        raise Http404
    return found


@public_page
def public_complaint(request: HttpRequest, code: str) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    matter = _matter(request)
    states = form_states(matter)
    vendor = is_vendor(tenant)
    session = request.session
    if request.method != "POST":
        form = PublicComplaintForm(states=states, vendor=vendor, kept=0)
        return _page(request, form, matter, status=200)

    if not hit("public-form", client_address(request), setting="RATE_LIMIT_PUBLIC_FORM"):
        form = PublicComplaintForm(request.POST, states=states, vendor=vendor)
        form.is_valid()
        form.add_error(None, _("Many forms were sent from your network in a short time. Please try again later."))
        return _page(request, form, matter, status=429)
    wanted = set(request.POST.getlist("keep"))
    for k in pending_uploads.kept_files(session):
        if k.key not in wanted:
            pending_uploads.forget(session, k.key)
    documents_kept = [k for k in pending_uploads.kept_files(session) if k.role == "document"]
    form = PublicComplaintForm(request.POST, request.FILES, states=states, vendor=vendor, kept=len(documents_kept))
    if form.is_bot:
        return render(request, "public/refused.html", status=400)
    form.is_valid()
    # Every new file is checked and kept now, whatever else is wrong: a correction never loses a document.
    for role, field in (("document", "documents"), ("poa", "power_of_attorney")):
        for f in request.FILES.getlist(field):
            try:
                pending_uploads.keep(session, tenant, f, role=role)
            except ValidationFailed as exc:
                form.add_error(field if field in form.fields else None, exc.message)
    kept = pending_uploads.kept_files(session)
    if form.cleaned_data.get("acting_for") and not any(k.role == "poa" for k in kept):
        form.add_error("power_of_attorney", _("Attach the power of attorney of the person you act for."))
    if form.errors:
        return _page(request, form, matter, status=400)
    d: dict[str, Any] = form.cleaned_data
    email = (d.get("email") or "").strip().lower()
    if email and not hit("public-form-email", email, setting="RATE_LIMIT_PUBLIC_EMAIL"):
        form.add_error(None, _("Many complaints were sent with this e-mail address in a short time. Please try later."))
        return _page(request, form, matter, status=429)
    submission = PublicComplaint(
        name=d["name"],
        subject=d["subject"],
        description=d["description"],
        reply_channel=d["reply_channel"],
        language=translation.get_language() or tenant.default_language,
        files=kept,
        **{
            k: d.get(k) or ""
            for k in (
                "email",
                "phone",
                "customer_number",
                "acting_for",
                "place_address",
                "mailing_address",
                "meter_serial",
                "ticket_number",
                "product_model",
                "earlier_contacts",
                "proposed_solution",
            )
        },
    )
    try:
        complaint = public_complaint_submit(matter=matter, form=submission)
    except ValidationFailed as exc:
        form.add_error(None, exc.message)
        return _page(request, form, matter, status=400)
    pending_uploads.clear(session)
    session[_SENT] = complaint.pk
    return redirect(reverse("web:public_sent", kwargs={"code": code}))


def _page(request: HttpRequest, form: PublicComplaintForm, matter: MatterView, *, status: int) -> HttpResponse:
    form.describe_errors()
    return render(
        request,
        "public/complaint_form.html",
        {"form": form, "matter": matter, "kept": pending_uploads.kept_files(request.session)},
        status=status,
    )


@public_page
def public_sent(request: HttpRequest, code: str) -> HttpResponse:
    """The confirmation: number, registration date, answer due date, receipt and the private tracking link."""
    complaint_id = request.session.get(_SENT)
    status = public_status(complaint_id) if isinstance(complaint_id, int) else None
    if status is None:
        return redirect("web:public_home", code=code)
    track = tracking_path(code, complaint_id)  # type: ignore[arg-type]
    return render(
        request,
        "public/sent.html",
        {
            "status": status,
            "track": track,
            "track_url": request.build_absolute_uri(track),
            "reply_by_email": status.reply_channel == "email",
        },
    )
