"""The call-center console (seeds 001, 003, 004): a call under a recording id the caller is told, the
caller identified before any personal data shows, the matter registered and settled or handed on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.audit.services import audit_personal_data
from querela.calls.identification import ITEMS
from querela.calls.models import Call
from querela.calls.selectors import customer_for_call
from querela.calls.services import (
    call_attach_audio,
    call_end,
    call_get,
    call_notice_given,
    call_register,
    call_start,
    caller_identify,
)
from querela.complaints.services import Upload
from querela.core.channels import Channel
from querela.core.errors import QuerelaError, ValidationFailed
from querela.portal.selectors import matter_find
from querela.portal.services import phone_matter_refuse

from ...decorators import tenant_page
from ...feedback import refuse_on_form
from ...forms import CallerIdentifyForm, CallRegisterForm, CallStartForm, RecordingUploadForm
from ..agent import registration_given

ITEM_LABELS = {name: CallerIdentifyForm.base_fields[name].label for name in ITEMS}


@require_POST
@tenant_page("call.take")
def call_start_view(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = CallStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The recording id or the number is too long."))
        return redirect("web:tenant_home", tenant=tenant)
    call = call_start(actor=actor, **form.cleaned_data)
    return redirect("web:call_console", tenant=tenant, call_id=call.pk)


def _page(request: HttpRequest, call: Call, status: int = 200, **extra: Any) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    customer = customer_for_call(call)
    if customer is not None:
        # The identified caller's record is on screen: a view of personal data.
        audit_personal_data(
            actor=actor, what="view", object_type="customer", object_id=customer.customer_number, call=call.recording_id
        )
    context = {
        "call": call,
        "customer": customer,
        "identified_with": [ITEM_LABELS.get(i, _("a new customer record")) for i in call.identified_with],
        "identify_form": CallerIdentifyForm(),
        "form": CallRegisterForm(initial={"customer": customer.pk if customer else None}),
        "complaints": customer.complaints.order_by("-received_at")[:20] if customer else [],
        "upload_form": RecordingUploadForm(),
        "register_action": "",
        **extra,
    }
    return render(request, "staff/call.html", context, status=status)


@tenant_page("call.take")
def call_console(request: HttpRequest, tenant: str, call_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    return _page(request, call_get(actor=actor, call_id=call_id))


@require_POST
@tenant_page("call.take")
def call_notice(request: HttpRequest, tenant: str, call_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    call_notice_given(actor=actor, call_id=call_id)
    return redirect("web:call_console", tenant=tenant, call_id=call_id)


@require_POST
@tenant_page("call.take")
def call_identify(request: HttpRequest, tenant: str, call_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = CallerIdentifyForm(request.POST)
    if form.is_valid():
        try:
            result = caller_identify(actor=actor, call_id=call_id, given=form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            if result.identified:
                messages.success(request, result.message)
                return redirect("web:call_console", tenant=tenant, call_id=call_id)
            form.add_error(None, result.message)
    # What the agent typed stays in the form; nothing from the records is shown.
    return _page(request, call_get(actor=actor, call_id=call_id), status=400, identify_form=form)


@require_POST
@tenant_page("call.take", "complaint.register")
def call_register_view(request: HttpRequest, tenant: str, call_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    call = call_get(actor=actor, call_id=call_id)
    form = CallRegisterForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            given = registration_given(actor, data)
            matter = matter_find(data["matter"]) if data.get("matter") else None
            if matter is not None and not matter.by_phone:
                # Seed 001: arrears and balances are never given by phone; refused, told where, logged.
                refused = phone_matter_refuse(
                    actor=actor, matter=matter, channel=Channel.PHONE, call_recording=call.recording_id, **given
                )
                said = refused.redirect_explanation or matter.text  # in the caller's language
                messages.warning(request, _("Not a phone matter. Tell the caller: %(text)s") % {"text": said})
                return redirect("web:complaint_detail", tenant=tenant, reference=refused.reference)
            complaint = call_register(
                actor=actor,
                call_id=call.pk,
                kind=data["kind"],
                outcome=data.get("outcome") or "back_office",
                answer=data["answer"],
                confirm_in_writing=data["confirm_in_writing"],
                customer_disagrees=data["customer_disagrees"],
                minutes_waived=data["minutes_waived"],
                statement=data["statement"],
                **given,
            )
        except ValidationFailed as exc:
            refuse_on_form(form, exc)  # a place or representative not of this supplier: beside it
        else:
            messages.success(request, _("Registered as %(ref)s.") % {"ref": complaint.reference})
            return redirect("web:complaint_detail", tenant=tenant, reference=complaint.reference)
    return _page(request, call, status=400, form=form)


@require_POST
@tenant_page("call.take")
def call_recording_upload(request: HttpRequest, tenant: str, call_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = RecordingUploadForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["audio"]
        try:
            call_attach_audio(actor=actor, call_id=call_id, upload=Upload(f.name, f, f.size))
        except QuerelaError as exc:
            form.add_error("audio", exc.message)
        else:
            messages.success(request, _("The recording is stored; it is kept for 5 years."))
            return redirect("web:call_console", tenant=tenant, call_id=call_id)
    return _page(request, call_get(actor=actor, call_id=call_id), status=400, upload_form=form)


@require_POST
@tenant_page("call.take")
def call_end_view(request: HttpRequest, tenant: str, call_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    call_end(actor=actor, call_id=call_id)
    messages.success(request, _("Call ended."))
    return redirect("web:tenant_home", tenant=tenant)
