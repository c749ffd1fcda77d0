"""What an agent does on a call: start it under a recording id the caller is told, identify the
caller, register the matter (settled on the spot or handed on, with minutes where seed 004 wants
them), and keep the recording for 5 years."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints.models import Complaint
from querela.complaints.services import (
    Upload,
    complaint_attach,
    complaint_register,
    complaint_register_on_spot,
)
from querela.core import clock, tenancy
from querela.core.channels import Channel
from querela.core.errors import NotFound, ValidationFailed
from querela.core.uploads import check_upload, safe_storage_name
from querela.customers.models import ConsumptionPlace, Customer, Invoice
from querela.customers.text import digits, fold
from querela.tenants.access import Actor, require, system_actor

from .identification import PHONE_DIGITS, Facts, Verdict, given_items, judge
from .models import RETENTION_YEARS, Call, Source

# A caller who keeps guessing is not identified by the tenth guess: after this many failed attempts
# the call asks for a supervisor (the console says so) and further attempts are refused.
MAX_FAILED_IDENTIFICATIONS = 5
AUDIO_TYPES = frozenset({"audio/mpeg", "audio/x-wav", "audio/wav", "audio/ogg", "audio/mp4"})


def _retain_until(day: date) -> date:
    try:
        return day.replace(year=day.year + RETENTION_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + RETENTION_YEARS, day=28)


def _new_recording_id(today: date) -> str:
    # Digits only: read out over the phone and typed back without spelling letters.
    return f"{today:%Y%m%d}-{secrets.randbelow(10**6):06d}"


def call_start(*, actor: Actor, recording_id: str = "", caller_number: str = "") -> Call:
    """A call is set up. The telephony system's id is used when it gives one (the same id again is
    the same call: its requests may be retried); otherwise Querela makes one up."""
    require(actor, "call.take")
    tenant = tenancy.current_tenant()
    today = clock.tenant_today(tenant)
    given = recording_id.strip()[:60]
    if given:
        existing = Call.objects.filter(recording_id=given).first()
        if existing is not None:
            return existing
    for _attempt in range(5):
        call = Call(
            recording_id=given or _new_recording_id(today),
            source=Source.TELEPHONY if given else Source.GENERATED,
            agent_id=actor.user_id,
            caller_number=caller_number.strip()[:40],
            started_at=clock.now(),
            retain_until=_retain_until(today),
        )
        try:
            with transaction.atomic():
                call.save()
        except IntegrityError:
            if given:  # created meanwhile by a retried request
                return Call.objects.get(recording_id=given)
            continue
        audit_record(actor=actor, action="call.start", object_type="call", object_id=call.recording_id)
        return call
    raise ValidationFailed(_("No free recording id: try again."), code="recording_id")


def call_get(*, actor: Actor, call_id: int) -> Call:
    """An agent's own calls; a supervisor sees every call of the supplier."""
    require(actor, "call.take")
    calls = Call.objects.all()
    if actor.role != "supervisor":
        calls = calls.filter(Q(agent_id=actor.user_id) | Q(agent__isnull=True))
    call = calls.filter(pk=call_id).select_related("customer").first()
    if call is None:
        raise NotFound(_("Call not found."))
    return call


def call_notice_given(*, actor: Actor, call_id: int) -> Call:
    """The agent confirms the caller was told about the recording and its id (seed 004)."""
    call, first = _stamp_once(actor, call_id, "notice_given_at")
    if first:
        audit_record(actor=actor, action="call.notice_given", object_type="call", object_id=call.recording_id)
    return call


def _stamp_once(actor: Actor, call_id: int, field: str) -> tuple[Call, bool]:
    """Record when something happened on the call, the first time only (and whether this was it)."""
    call = call_get(actor=actor, call_id=call_id)
    if getattr(call, field) is not None:
        return call, False
    setattr(call, field, clock.now())
    call.save(update_fields=[field])
    return call, True


@dataclass(frozen=True)
class Identification:
    identified: bool
    customer: Customer | None
    confirmed: tuple[str, ...]
    message: str


def _facts(customer: Customer) -> Facts:
    places = list(customer.places.all())
    return Facts.of(
        customer_number=customer.customer_number,
        name=customer.name,
        phone=customer.phone,
        email=customer.email,
        meter_serials=[m.serial for p in places for m in p.meters.all()],
        invoice_numbers=customer.invoices.values_list("number", flat=True),
        addresses=[f"{p.postal_code} {p.city} {p.address}" for p in places],
    )


def _candidates(items: dict[str, str], limit: int = 20) -> list[Customer]:
    """Customers the items could be about, each through an index: the id, a meter, an invoice, the
    e-mail, the phone, or the name's first word."""
    cond = Q()
    if v := items.get("customer_number"):
        cond |= Q(customer_number__iexact=v.replace(" ", ""))
    if v := items.get("meter_serial"):
        cond |= Q(places__meters__serial__iexact=v.replace(" ", ""))
    if v := items.get("invoice_number"):
        cond |= Q(pk__in=Invoice.objects.filter(number__iexact=v.replace(" ", "")).values("customer_id"))
    if v := items.get("email"):
        cond |= Q(email__iexact=v.strip())
    if (v := digits(items.get("phone", ""))) and len(v) >= 6:
        cond |= Q(search_key__contains=v[-PHONE_DIGITS:])
    if v := fold(items.get("name", "")):
        cond |= Q(search_key__startswith=v.split()[0])
    if v := fold(items.get("address", "")):
        cond |= Q(pk__in=ConsumptionPlace.objects.filter(search_key__contains=v).values("customer_id"))
    if not cond:
        return []
    return list(Customer.objects.filter(cond).distinct().prefetch_related("places__meters").order_by("pk")[:limit])


def caller_identify(*, actor: Actor, call_id: int, given: dict[str, str]) -> Identification:
    """Check what the caller said against the records. Identified only when exactly one customer
    fits the supplier's rule (the customer id, or `identify_items_required` other items); the agent
    learns which items matched, never what the record holds. Every attempt is audited."""
    call = call_get(actor=actor, call_id=call_id)
    tenant = tenancy.current_tenant()
    items = given_items(given)
    if call.failed_identifications >= MAX_FAILED_IDENTIFICATIONS:
        raise ValidationFailed(
            _("Too many failed attempts on this call: ask a supervisor, or invite the caller to the office."),
            code="identify_locked",
        )
    if not items:
        raise ValidationFailed(_("Type what the caller told you."), code="nothing_given")
    required = tenant.identify_items_required
    verdicts: list[tuple[Customer, Verdict]] = [
        (c, judge(_facts(c), items, required=required)) for c in _candidates(items)
    ]
    fits = [(c, v) for c, v in verdicts if v.identified]
    with transaction.atomic():
        if len(fits) == 1:
            customer, verdict = fits[0]
            call.customer = customer
            call.identified_with = list(verdict.confirmed)
            call.identified_at = clock.now()
            call.save(update_fields=["customer", "identified_with", "identified_at"])
            audit_record(
                actor=actor,
                action="call.identified",
                object_type="call",
                object_id=call.recording_id,
                changes={"customer": customer.customer_number, "with": list(verdict.confirmed)},
            )
            return Identification(True, customer, verdict.confirmed, _("The caller is identified."))
        call.failed_identifications += 1
        call.save(update_fields=["failed_identifications"])
        audit_record(
            actor=actor,
            action="call.identification_failed",
            object_type="call",
            object_id=call.recording_id,
            changes={"items": sorted(items), "attempt": call.failed_identifications},
        )
    if len(fits) > 1:
        message = _("This fits more than one customer: ask for the customer id.")
    else:
        message = _(
            "Not identified: ask for the customer id on the bill, or %(n)s other items (meter serial, invoice number, "
            "full name, address, phone, e-mail). Give no personal data."
        ) % {"n": required}
    return Identification(False, None, (), message)


def identified_customer(call: Call) -> Customer | None:
    """The customer the caller proved to be on this call, if any."""
    return call.customer if call.identified_at else None


def call_attach_audio(*, actor: Actor, call_id: int, upload: Upload) -> Call:
    """The recording as a file (an export from the telephony system, or an agent's upload)."""
    call = call_get(actor=actor, call_id=call_id)
    return _store_audio(actor, call, upload)


def _store_audio(actor: Actor, call: Call, upload: Upload) -> Call:
    content_type = check_upload(
        tenancy.current_tenant(), filename=upload.filename, stream=upload.stream, size=upload.size
    )
    if content_type not in AUDIO_TYPES:
        raise ValidationFailed(_("A call recording must be an audio file (MP3, WAV, OGG or M4A)."), code="not_audio")
    call.audio.save(safe_storage_name(upload.filename), File(upload.stream), save=False)
    call.audio_name = upload.filename[:200]
    call.audio_size = upload.size
    call.purged_at = None
    call.save(update_fields=["audio", "audio_name", "audio_size", "purged_at"])
    audit_record(
        actor=actor,
        action="call.recording_stored",
        object_type="call",
        object_id=call.recording_id,
        changes={"file": call.audio_name, "size": call.audio_size},
    )
    return call


def telephony_recording(
    *, actor: Actor, recording_id: str, url: str = "", upload: Upload | None = None, caller_number: str = ""
) -> Call:
    """The telephony system reports a call's recording through the API: its address there, or the
    file itself. A call it never announced is created here (the id is the telephony system's)."""
    require(actor, "call.take")
    if not recording_id.strip():
        raise ValidationFailed(_("The recording id is missing."), code="recording_id")
    call = call_start(actor=actor, recording_id=recording_id, caller_number=caller_number)
    if url:
        if not url.startswith("https://") and not url.startswith("http://"):
            raise ValidationFailed(_("The recording address must be an http(s) URL."), code="recording_url")
        call.audio_url = url[:500]
        call.save(update_fields=["audio_url"])
        audit_record(
            actor=actor,
            action="call.recording_linked",
            object_type="call",
            object_id=call.recording_id,
            changes={"url": call.audio_url},
        )
    if upload is not None:
        call = _store_audio(actor, call, upload)
    return call


def call_end(*, actor: Actor, call_id: int) -> Call:
    call, first = _stamp_once(actor, call_id, "ended_at")
    if first:
        audit_record(actor=actor, action="call.end", object_type="call", object_id=call.recording_id)
    return call


def call_register(
    *,
    actor: Actor,
    call_id: int,
    kind: str,
    outcome: str,
    answer: str = "",
    confirm_in_writing: bool = False,
    customer_disagrees: bool = False,
    minutes_waived: bool = False,
    statement: str = "",
    **given: Any,
) -> Complaint:
    """A matter raised on this call, registered through the one registration service.

    Seed 004: the caller must have heard about the recording and its id first. Settled on the spot
    when possible; a matter handed on, or one where the customer disagrees with the answer, gets
    minutes — unless the recording holds every element and the customer consents, which the agent
    records here."""
    from .minutes import call_minutes_pdf

    call = call_get(actor=actor, call_id=call_id)
    if call.notice_given_at is None:
        raise ValidationFailed(
            _("First tell the caller that the call is recorded under id %(id)s, and confirm it.")
            % {"id": call.recording_id},
            code="recording_notice",
        )
    if given.get("customer") is not None and given["customer"] != identified_customer(call):
        raise ValidationFailed(_("Identify the caller before registering for a customer."), code="not_identified")
    if outcome == "on_spot" and customer_disagrees:
        raise ValidationFailed(
            _("The customer disagrees with the answer: hand it to the back office; minutes are taken."),
            code="disagrees",
        )
    given.update(channel=Channel.PHONE, call_recording=call.recording_id)
    with transaction.atomic():
        if outcome == "on_spot":
            complaint = complaint_register_on_spot(
                actor=actor, kind=kind, answer=answer, confirm_in_writing=confirm_in_writing, **given
            )
        else:
            complaint = complaint_register(actor=actor, kind=kind, acknowledge=True, **given)
            if minutes_waived:
                call.minutes_waived = True
                call.save(update_fields=["minutes_waived"])
                audit_record(
                    actor=actor,
                    action="call.minutes_waived",
                    object_type="complaint",
                    object_id=complaint.reference,
                    changes={"recording": call.recording_id},
                )
            else:
                pdf = call_minutes_pdf(
                    complaint=complaint, call=call, agent=actor.label, statement=statement, disagrees=customer_disagrees
                )
                complaint_attach(
                    actor=actor,
                    complaint_id=complaint.pk,
                    upload=Upload(f"minutes-{complaint.reference}.pdf", io.BytesIO(pdf), len(pdf)),
                )
    return complaint


def recordings_purge(*, today: date | None = None) -> int:
    """Delete recordings whose 5 years are over (the call's row stays: the id on old complaints still
    says what it was). Runs in the tenant in scope; idempotent."""
    tenant = tenancy.current_tenant()
    day = today or clock.tenant_today(tenant)
    done = 0
    for call in (
        Call.objects.filter(retain_until__lt=day, purged_at__isnull=True).exclude(audio="", audio_url="").iterator()
    ):
        if call.audio:
            call.audio.delete(save=False)
        call.audio_url = ""
        call.purged_at = clock.now()
        call.save(update_fields=["audio", "audio_url", "purged_at"])
        audit_record(
            actor=system_actor(tenant),
            action="call.recording_purged",
            object_type="call",
            object_id=call.recording_id,
            changes={"kept_until": call.retain_until.isoformat()},
        )
        done += 1
    return done


def call_new_customer(*, actor: Actor, call_id: int, customer: Customer) -> Call:
    """The caller was not on file; the agent has just created their record from what they said."""
    call = call_get(actor=actor, call_id=call_id)
    if call.identified_at is None:
        call.customer = customer
        call.identified_with = ["new_customer"]
        call.identified_at = clock.now()
        call.save(update_fields=["customer", "identified_with", "identified_at"])
        audit_record(
            actor=actor,
            action="call.identified",
            object_type="call",
            object_id=call.recording_id,
            changes={"customer": customer.customer_number, "with": ["new_customer"]},
        )
    return call


def recording_copy_send(*, actor: Actor, complaint_id: int, text: str, uploads: list[Upload]) -> Complaint:
    """Deliver the free copy of a call recording the customer asked for (seed 004), in the reply
    channel, on the timeline. The stored recording goes with it by itself; a recording kept only in
    the telephony system is attached by the person sending (Querela does not fetch from outside)."""
    from querela.complaints.services import complaint_add_message

    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None or not complaint.call_recording:
        raise ValidationFailed(_("This complaint has no call recording."), code="no_recording")
    call = Call.objects.filter(recording_id=complaint.call_recording).first()
    files = list(uploads)
    if call is not None and call.purged_at is not None:
        raise ValidationFailed(
            _("The recording was deleted at the end of its retention period (%(day)s).")
            % {"day": call.retain_until.isoformat()},
            code="recording_purged",
        )
    stored = call is not None and bool(call.audio)
    if not stored and not files:
        raise ValidationFailed(
            _("The recording is not stored in Querela: attach the file from the telephony system."),
            code="recording_missing",
        )
    with transaction.atomic():
        if stored and call is not None:
            files.insert(
                0, Upload(call.audio_name or f"{call.recording_id}.audio", call.audio.open("rb"), call.audio_size)
            )
        try:
            complaint_add_message(
                actor=actor,
                complaint_id=complaint.pk,
                text=text or _("The copy of the recording of your call, free of charge."),
                uploads=files,
                data={"purpose": "recording_copy"},
            )
        finally:
            if stored and call is not None:
                call.audio.close()
    return complaint
