"""Minutes of an oral complaint at the front office (seed 004): the form with every element, a preview the
customer reads, both signatures on screen (or typed and confirmed by the clerk), the signed PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.appointments.models import Appointment
from querela.complaints.selectors import complaint_open
from querela.core import clock
from querela.core.errors import QuerelaError
from querela.minutes.models import Capacity, CopyBy, FilingWay, Minutes, ReplyBy
from querela.minutes.selectors import (
    correction_of,
    initial_defaults,
    initial_from_complaint,
    initial_from_minutes,
    known_customer,
    minutes_open,
    minutes_pdf_open,
)
from querela.minutes.services import (
    MAX_PRESENT,
    Facts,
    Signature,
    minutes_correct,
    minutes_edit,
    minutes_sign,
    minutes_take,
)
from querela.minutes.signatures import MAX_DATA_URL
from querela.portal.selectors import matter_find
from querela.tenants.access import Actor, can

from ...decorators import tenant_page
from ...forms import LONG_TEXT, RECEIVED_FORMATS

_WHEN = {
    "input_formats": RECEIVED_FORMATS,
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
}


class MinutesForm(forms.Form):
    required_css_class = "required"
    customer_name = forms.CharField(label=gettext_lazy("Customer name"), max_length=200)
    customer_address = forms.CharField(label=gettext_lazy("Address"), max_length=300)
    customer_number = forms.CharField(label=gettext_lazy("Customer id"), max_length=40, required=False)
    customer_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    customer_phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    filed_at = forms.DateTimeField(label=gettext_lazy("Time of filing"), **_WHEN)  # type: ignore[arg-type]
    filed_place = forms.CharField(label=gettext_lazy("Place of filing"), max_length=300)
    filing_way = forms.ChoiceField(label=gettext_lazy("Way of filing"), choices=FilingWay.choices)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Detailed description"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 6})
    )
    evidence = forms.CharField(
        label=gettext_lazy("Documents and evidence shown"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line."),
    )
    statement = forms.CharField(
        label=gettext_lazy("The supplier's statement on the complaint"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    drawn_up_place = forms.CharField(label=gettext_lazy("Place of the minutes"), max_length=300)
    drawn_up_at = forms.DateTimeField(label=gettext_lazy("Time of the minutes"), **_WHEN)  # type: ignore[arg-type]
    reply_channel = forms.ChoiceField(
        label=gettext_lazy("The complaint continues in writing: the answer goes out"),
        choices=ReplyBy.choices,
        widget=forms.RadioSelect,
    )
    copy_by = forms.ChoiceField(
        label=gettext_lazy("The customer's copy of the minutes"), choices=CopyBy.choices, widget=forms.RadioSelect
    )


class PresentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    capacity = forms.ChoiceField(label=gettext_lazy("Capacity"), choices=Capacity.choices, required=False)


PresentFormSet = forms.formset_factory(
    PresentForm, extra=2, max_num=MAX_PRESENT, absolute_max=MAX_PRESENT, validate_max=True
)


class SignForm(forms.Form):
    recorder_signature = forms.CharField(required=False, max_length=MAX_DATA_URL, widget=forms.HiddenInput)
    recorder_typed_name = forms.CharField(label=gettext_lazy("Or type the name"), required=False, max_length=200)
    recorder_confirmed = forms.BooleanField(label=gettext_lazy("Confirmed by the clerk"), required=False)
    customer_signature = forms.CharField(required=False, max_length=MAX_DATA_URL, widget=forms.HiddenInput)
    customer_typed_name = forms.CharField(label=gettext_lazy("Or type the name"), required=False, max_length=200)
    customer_confirmed = forms.BooleanField(label=gettext_lazy("Confirmed by the clerk"), required=False)
    send_copy = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each pad's fields carry their party in their ids, so two "Or type the name" labels stay distinct.
        self.fields["recorder_typed_name"].widget.attrs["autocomplete"] = "off"
        self.fields["customer_typed_name"].widget.attrs["autocomplete"] = "off"

    def signature(self, party: str) -> Signature:
        d = self.cleaned_data
        return Signature(
            drawn=d[f"{party}_signature"], typed_name=d[f"{party}_typed_name"], confirmed=d[f"{party}_confirmed"]
        )


def _present_initial(rows: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": n, "capacity": c} for n, c in rows]


def _forms(request: HttpRequest, initial: dict[str, Any]) -> tuple[MinutesForm, Any]:
    data = request.POST if request.method == "POST" else None
    form = MinutesForm(data, initial={k: v for k, v in initial.items() if k not in ("present", "evidence")})
    if "evidence" in initial:
        form.initial["evidence"] = "\n".join(initial["evidence"])
    present = PresentFormSet(data, prefix="present", initial=_present_initial(initial.get("present", [])))
    return form, present


def _facts(form: MinutesForm, present: Any) -> Facts:
    d = form.cleaned_data
    rows = [(f.cleaned_data.get("name", ""), f.cleaned_data.get("capacity", "")) for f in present.forms]
    return Facts(
        customer_name=d["customer_name"],
        customer_address=d["customer_address"],
        customer_number=d["customer_number"],
        customer_email=d["customer_email"],
        customer_phone=d["customer_phone"],
        filed_at=d["filed_at"],
        filed_place=d["filed_place"],
        filing_way=d["filing_way"],
        present=[(n, c or Capacity.OTHER) for n, c in rows if n],
        subject=d["subject"],
        description=d["description"],
        evidence=[line for line in d["evidence"].splitlines() if line.strip()],
        statement=d["statement"],
        drawn_up_place=d["drawn_up_place"],
        drawn_up_at=d["drawn_up_at"],
        reply_channel=d["reply_channel"],
        copy_by=d["copy_by"],
    )


def _edit_page(
    request: HttpRequest,
    initial: dict[str, Any],
    save: Any,
    *,
    title: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The minutes form: shown, or validated and handed to `save(facts) -> Minutes`, then the preview."""
    form, present = _forms(request, initial)
    # Both checked, so every error shows at once.
    valid = request.method == "POST" and all([form.is_valid(), present.is_valid()])
    if valid:
        try:
            minutes = save(_facts(form, present))
        except QuerelaError as exc:
            form.add_error(None, exc.message)
        else:
            # The preview says what to do next (no flash message: the page itself is the answer).
            return redirect("web:minutes_detail", tenant=minutes.complaint.tenant.code, minutes_id=minutes.pk)
    return render(
        request,
        "staff/minutes_form.html",
        {"form": form, "present": present, "title": title, **(context or {})},
        status=400 if request.method == "POST" else 200,
    )


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _from_appointment(actor: Actor, appointment_id: str) -> dict[str, Any]:
    """A checked-in visitor: who they are, what about, where and when they came (the desk's booking)."""
    if not appointment_id.isdigit() or not can(actor, "appointment.view"):
        raise Http404
    a = Appointment.objects.filter(pk=int(appointment_id), checked_in_at__isnull=False).select_related("office").first()
    if a is None:
        raise Http404
    matter = matter_find(a.matter) if a.matter else None
    place = f"{a.office.name}, {a.office.address}"
    initial: dict[str, Any] = {
        "customer_name": a.name,
        "customer_number": a.customer_number,
        "customer_email": a.email,
        "customer_phone": a.phone,
        "subject": matter.title if matter else "",
        "filed_place": place,
        "drawn_up_place": place,
        "filed_at": a.starts_at.astimezone(clock.tenant_zone(actor.tenant)).replace(tzinfo=None),
        "filing_way": FilingWay.APPOINTMENT,
        "reply_channel": ReplyBy.EMAIL if a.email else ReplyBy.POST,
    }
    on_file = known_customer(actor, a.customer_number)
    initial["customer_address"] = on_file.get("customer_address", "")
    initial["present"] = [(a.name, Capacity.OWNER), (actor.label, Capacity.STAFF)]
    return initial


@tenant_page("minutes.take")
def minutes_new(request: HttpRequest, tenant: str) -> HttpResponse:
    """An in-person complaint at the front office: registered together with its minutes."""
    actor = _actor(request)
    initial = initial_defaults(actor)
    appointment = request.GET.get("appointment", "")
    if appointment:
        initial.update(_from_appointment(actor, appointment))
    return _edit_page(
        request,
        initial,
        lambda facts: minutes_take(actor=actor, facts=facts),
        title=_("Minutes of an in-person complaint"),
    )


@tenant_page("minutes.take")
def minutes_for_complaint(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    """Minutes of a complaint already registered (made in person or by phone, not settled)."""
    actor = _actor(request)
    complaint = complaint_open(actor=actor, reference=reference)
    return _edit_page(
        request,
        initial_from_complaint(actor, complaint),
        lambda facts: minutes_take(actor=actor, facts=facts, complaint_id=complaint.pk),
        title=_("Minutes of complaint %(ref)s") % {"ref": complaint.reference},
        context={"complaint": complaint},
    )


@tenant_page("minutes.take")
def minutes_edit_view(request: HttpRequest, tenant: str, minutes_id: int) -> HttpResponse:
    actor = _actor(request)
    minutes = minutes_open(actor=actor, minutes_id=minutes_id)
    if minutes.is_signed:
        messages.error(request, _("Signed minutes cannot be changed. Write a correction (a new version) instead."))
        return redirect("web:minutes_detail", tenant=tenant, minutes_id=minutes.pk)
    return _edit_page(
        request,
        initial_from_minutes(minutes),
        lambda facts: minutes_edit(actor=actor, minutes_id=minutes.pk, facts=facts),
        title=_("Minutes of complaint %(ref)s") % {"ref": minutes.complaint.reference},
        context={"complaint": minutes.complaint, "minutes": minutes},
    )


@tenant_page("minutes.take")
def minutes_correct_view(request: HttpRequest, tenant: str, minutes_id: int) -> HttpResponse:
    """A correction: a new version filled with what the signed one says; the signed one stays."""
    actor = _actor(request)
    minutes = minutes_open(actor=actor, minutes_id=minutes_id)
    existing = correction_of(minutes)
    if existing is not None:
        return redirect("web:minutes_detail", tenant=tenant, minutes_id=existing.pk)
    initial = initial_from_minutes(minutes)
    initial["drawn_up_at"] = initial_defaults(actor)["drawn_up_at"]
    return _edit_page(
        request,
        initial,
        lambda facts: minutes_correct(actor=actor, minutes_id=minutes.pk, facts=facts),
        title=_("Correction of the minutes of complaint %(ref)s (version %(v)s)")
        % {"ref": minutes.complaint.reference, "v": minutes.version + 1},
        context={"complaint": minutes.complaint, "corrects": minutes},
    )


def _detail(request: HttpRequest, minutes: Minutes, sign_form: SignForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "staff/minutes_detail.html",
        {
            "m": minutes,
            "complaint": minutes.complaint,
            "present": minutes.present_rows(),
            "sign_form": sign_form,
            "correction": correction_of(minutes) if minutes.is_signed else None,
        },
        status=status,
    )


@tenant_page("minutes.take")
def minutes_detail(request: HttpRequest, tenant: str, minutes_id: int) -> HttpResponse:
    """A draft: the preview to read with the customer, and the signatures. Signed: the record and its PDF."""
    minutes = minutes_open(actor=_actor(request), minutes_id=minutes_id)
    return _detail(request, minutes, SignForm())


@require_POST
@tenant_page("minutes.take")
def minutes_sign_view(request: HttpRequest, tenant: str, minutes_id: int) -> HttpResponse:
    actor = _actor(request)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            minutes = minutes_sign(
                actor=actor,
                minutes_id=minutes_id,
                recorder=form.signature("recorder"),
                customer=form.signature("customer"),
                send_copy=form.cleaned_data["send_copy"],
            )
        except QuerelaError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("web:minutes_detail", tenant=tenant, minutes_id=minutes.pk)
    minutes = minutes_open(actor=actor, minutes_id=minutes_id)
    return _detail(request, minutes, form, status=400)


@tenant_page("minutes.take")
def minutes_pdf(request: HttpRequest, tenant: str, minutes_id: int) -> HttpResponse:
    """The signed PDF, to print the customer's copy."""
    minutes = minutes_pdf_open(actor=_actor(request), minutes_id=minutes_id)
    assert minutes.pdf is not None
    with minutes.pdf.file.open("rb") as f:
        response = HttpResponse(f.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{minutes.pdf.filename}"'
    return response
