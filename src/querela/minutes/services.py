"""Taking, signing and correcting minutes of an oral complaint (seed 004).

Minutes are drawn up as a draft (for a complaint already registered, or registering the in-person complaint
with them through the one registration service), shown to the customer, then signed on screen by the
recorder and the customer. Signing renders the PDF, attaches it to the complaint, turns the complaint's
answer to the written channel chosen, and e-mails the customer a copy after commit when asked. Signed
minutes never change; a correction is a new version.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints.models import Category, Complaint
from querela.complaints.services import Upload, complaint_attach, complaint_register, complaint_update
from querela.complaints.timeline import as_system, lock_complaint
from querela.core import clock, tenancy
from querela.core.channels import Channel
from querela.core.errors import NotFound, ValidationFailed
from querela.customers.selectors import customer_by_identifiers
from querela.customers.text import fold
from querela.tenants.access import Actor, require

from .models import Capacity, CopyBy, FilingWay, Minutes, MinutesSigned, ReplyBy
from .pdf import minutes_pdf
from .signatures import signature_png
from .tasks import send_minutes_copy

# Complaints made orally: the ones minutes are taken of (seed 004: in person, and phone calls not settled).
ORAL_CHANNELS = frozenset({Channel.IN_PERSON, Channel.PHONE})
MAX_PRESENT = 20
MAX_EVIDENCE = 50


@dataclass(frozen=True)
class Facts:
    """What the minutes say: every element seed 004 lists (the signatures come when signing)."""

    customer_name: str
    customer_address: str
    filed_at: datetime
    filed_place: str
    filing_way: str
    present: Sequence[tuple[str, str]]  # (name, capacity)
    subject: str
    description: str
    statement: str
    drawn_up_place: str
    drawn_up_at: datetime
    reply_channel: str = ReplyBy.POST
    copy_by: str = CopyBy.PRINT
    customer_number: str = ""
    customer_email: str = ""
    customer_phone: str = ""
    evidence: Sequence[str] = ()


FACT_FIELDS = tuple(Facts.__dataclass_fields__)


@dataclass(frozen=True)
class Signature:
    """One party's signature: the pad's PNG data URL, or a typed name the clerk confirmed."""

    drawn: str = ""
    typed_name: str = ""
    confirmed: bool = False


def _text(value: str, limit: int) -> str:
    return " ".join(value.split())[:limit]


def _values(facts: Facts) -> dict[str, Any]:
    """The facts checked and trimmed to their columns; the first missing element is named."""
    values: dict[str, Any] = asdict(facts)
    for name, limit in (
        ("customer_name", 200),
        ("customer_address", 300),
        ("customer_number", 40),
        ("customer_email", 254),
        ("customer_phone", 40),
        ("filed_place", 300),
        ("subject", 300),
        ("drawn_up_place", 300),
    ):
        values[name] = _text(str(values[name] or ""), limit)
    values["description"] = str(facts.description or "").strip()
    values["statement"] = str(facts.statement or "").strip()
    required = {
        "customer_name": _("the customer's name"),
        "customer_address": _("the address"),
        "filed_place": _("the place of filing"),
        "subject": _("the subject"),
        "description": _("the detailed description"),
        "statement": _("the supplier's statement"),
        "drawn_up_place": _("the place of the minutes"),
    }
    for name, label in required.items():
        if not values[name]:
            raise ValidationFailed(_("The minutes need %(what)s.") % {"what": label}, code=f"{name}_required")
    if facts.filing_way not in FilingWay.values:
        raise ValidationFailed(_("Unknown way of filing."), code="filing_way")
    if facts.reply_channel not in ReplyBy.values:
        raise ValidationFailed(_("The answer goes out by post or by e-mail."), code="reply_channel")
    if facts.copy_by not in CopyBy.values:
        raise ValidationFailed(_("Unknown way of handing over the copy."), code="copy_by")
    if (facts.reply_channel == ReplyBy.EMAIL or facts.copy_by == CopyBy.EMAIL) and not values["customer_email"]:
        raise ValidationFailed(_("To send it by e-mail, an e-mail address is needed."), code="email_required")
    if values["customer_email"]:
        try:
            validate_email(values["customer_email"])
        except DjangoValidationError:
            raise ValidationFailed(_("Enter a valid e-mail address."), code="email_invalid") from None
    late = clock.now() + timedelta(minutes=5)
    if facts.filed_at > late or facts.drawn_up_at > late:
        raise ValidationFailed(_("The minutes cannot be dated in the future."), code="future")
    present = [(_text(n or "", 200), c) for n, c in facts.present if (n or "").strip()]
    if not present:
        raise ValidationFailed(_("Name who was present, with their capacity."), code="present_required")
    if len(present) > MAX_PRESENT:
        raise ValidationFailed(_("At most %(n)s people can be listed as present.") % {"n": MAX_PRESENT})
    if any(c not in Capacity.values for _n, c in present):
        raise ValidationFailed(_("Unknown capacity."), code="capacity")
    values["present"] = [{"name": n, "capacity": c} for n, c in present]
    evidence = [_text(e, 300) for e in facts.evidence if e.strip()]
    if len(evidence) > MAX_EVIDENCE:
        raise ValidationFailed(_("At most %(n)s documents can be listed.") % {"n": MAX_EVIDENCE})
    values["evidence"] = evidence
    return values


def _register(actor: Actor, values: dict[str, Any], category: str) -> Complaint:
    """The complaint the visitor makes, registered with its minutes: the one registration service."""
    number = values["customer_number"]
    customer = customer_by_identifiers(customer_numbers=[number]) if number else None
    return complaint_register(
        actor=actor,
        channel=Channel.PHONE if values["filing_way"] == FilingWay.PHONE else Channel.IN_PERSON,
        subject=values["subject"],
        description=values["description"],
        received_at=values["filed_at"],
        category=category,
        customer=customer,
        contact_name=values["customer_name"],
        contact_email=values["customer_email"],
        contact_phone=values["customer_phone"],
        reply_channel=values["reply_channel"],
        given={
            "given_customer_number": "" if customer else number,
            "mailing_address": "" if customer and customer.mailing_address else values["customer_address"],
        },
        acknowledge=True,
    )


def minutes_take(
    *, actor: Actor, facts: Facts, complaint_id: int | None = None, category: str = Category.OTHER
) -> Minutes:
    """Draw up minutes (a draft to show the customer before both sign). Without `complaint_id` the
    in-person complaint is registered with them."""
    require(actor, "minutes.take")
    values = _values(facts)
    with transaction.atomic():
        if complaint_id is None:
            complaint = _register(actor, values, category)
        else:
            complaint = lock_complaint(complaint_id)
            if complaint.channel not in ORAL_CHANNELS:
                raise ValidationFailed(
                    _("Minutes are taken of complaints made in person or by phone."), code="not_oral"
                )
        minutes = Minutes.objects.create(complaint=complaint, version=1, created_by_id=actor.user_id, **values)
        audit_record(
            actor=actor,
            action="minutes.create",
            object_type="minutes",
            object_id=minutes.pk,
            changes={"complaint": complaint.reference, "version": 1, "registered": complaint_id is None},
        )
    return minutes


def _lock(minutes_id: int) -> Minutes:
    minutes = (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("complaint__tenant", "complaint__customer", "supersedes")
        .filter(pk=minutes_id)
        .first()
    )
    if minutes is None:
        raise NotFound(_("Minutes not found."))
    return minutes


def minutes_edit(*, actor: Actor, minutes_id: int, facts: Facts) -> Minutes:
    """Change a draft before it is signed; signed minutes refuse (a correction is a new version)."""
    require(actor, "minutes.take")
    values = _values(facts)
    with transaction.atomic():
        minutes = _lock(minutes_id)
        if minutes.is_signed:
            raise MinutesSigned()
        changed = sorted(k for k, v in values.items() if getattr(minutes, k) != v)
        for name, value in values.items():
            setattr(minutes, name, value)
        minutes.save()
        audit_record(
            actor=actor,
            action="minutes.update",
            object_type="minutes",
            object_id=minutes.pk,
            changes={"fields": changed},
        )
    return minutes


def minutes_correct(*, actor: Actor, minutes_id: int, facts: Facts) -> Minutes:
    """A correction of signed minutes: a new draft version that supersedes them; the old stays as it was."""
    require(actor, "minutes.take")
    values = _values(facts)
    with transaction.atomic():
        old = _lock(minutes_id)
        if not old.is_signed:
            raise ValidationFailed(_("These minutes are not signed yet: change the draft instead."), code="draft")
        if Minutes.objects.filter(supersedes=old).exists():
            raise ValidationFailed(_("This version has already been corrected."), code="already_corrected")
        minutes = Minutes.objects.create(
            complaint=old.complaint,
            version=old.version + 1,
            supersedes=old,
            created_by_id=actor.user_id,
            **values,
        )
        audit_record(
            actor=actor,
            action="minutes.create",
            object_type="minutes",
            object_id=minutes.pk,
            changes={"complaint": old.complaint.reference, "version": minutes.version, "corrects": old.pk},
        )
    return minutes


def _sign(minutes: Minutes, party: str, signature: Signature, clerk: str) -> str:
    """Put one party's signature on the minutes; how it was given ("drawn" or "typed")."""
    if signature.drawn:
        setattr(minutes, f"{party}_signature", signature_png(signature.drawn))
        setattr(minutes, f"{party}_typed_name", "")
        setattr(minutes, f"{party}_confirmed_by", "")
        return "drawn"
    typed = _text(signature.typed_name, 200)
    if typed and signature.confirmed and party == "customer" and not _may_sign(minutes, typed):
        raise ValidationFailed(
            _("“%(name)s” is neither the customer nor anyone listed as present: type the name of who signs.")
            % {"name": typed},
            code="customer_signature_name",
        )
    if typed and signature.confirmed:
        setattr(minutes, f"{party}_signature", None)
        setattr(minutes, f"{party}_typed_name", typed)
        setattr(minutes, f"{party}_confirmed_by", clerk)
        return "typed"
    who = _("The recorder") if party == "recorder" else _("The customer")
    raise ValidationFailed(
        _("%(who)s has not signed: draw the signature, or type the name and tick the clerk's confirmation.")
        % {"who": who},
        code=f"{party}_signature_required",
    )


def _may_sign(minutes: Minutes, typed: str) -> bool:
    """The customer's side is signed by the customer or by someone present for them (a proxy, the owner)."""
    said = fold(typed)
    names = [minutes.customer_name, *(name for name, _capacity in minutes.present_rows())]
    return any(said == fold(name) for name in names if name)


def minutes_sign(
    *, actor: Actor, minutes_id: int, recorder: Signature, customer: Signature, send_copy: bool = False
) -> Minutes:
    """Both sign: the PDF is made and attached to the complaint, the answer goes out in the written channel
    chosen, and the customer's copy is e-mailed after commit (`send_copy`: the clerk confirmed the address
    after seeing the preview). The recorder is the signed-in clerk."""
    require(actor, "minutes.take")
    tenant = tenancy.current_tenant()
    with transaction.atomic():
        minutes = _lock(minutes_id)
        if minutes.is_signed:
            raise MinutesSigned()
        if minutes.copy_by == CopyBy.EMAIL and not send_copy:
            raise ValidationFailed(
                _("Confirm that the copy is to be e-mailed to %(to)s.") % {"to": minutes.customer_email},
                code="confirm_send",
            )
        clerk = actor.label
        ways = {
            party: _sign(minutes, party, sig, clerk) for party, sig in (("recorder", recorder), ("customer", customer))
        }
        minutes.recorder_id = actor.user_id
        minutes.recorder_name = clerk
        minutes.signed_at = clock.now()
        pdf = minutes_pdf(minutes)
        complaint = minutes.complaint
        attachment = complaint_attach(
            actor=actor,
            complaint_id=complaint.pk,
            upload=Upload(f"minutes-{complaint.reference}-v{minutes.version}.pdf", io.BytesIO(pdf), len(pdf)),
        )
        minutes.pdf = attachment
        minutes.pdf_sha256 = attachment.sha256
        minutes.save()
        # The case continues as a written complaint (seed 004), answered as chosen on the minutes: the
        # customer's choice on a signed document, carried on by Querela (not a person's correction, which
        # the edit matrix would judge; the audit log keeps who signed).
        complaint_update(
            actor=as_system(actor),
            complaint_id=complaint.pk,
            reply_channel=minutes.reply_channel,
            reason=_("As chosen on the signed minutes."),
        )
        audit_record(
            actor=actor,
            action="minutes.sign",
            object_type="minutes",
            object_id=minutes.pk,
            changes={
                "complaint": complaint.reference,
                "version": minutes.version,
                "recorder": ways["recorder"],
                "customer": ways["customer"],
                "sha256": attachment.sha256,
                "copy_by": minutes.copy_by,
            },
        )
        if minutes.copy_by == CopyBy.EMAIL:
            transaction.on_commit(lambda: send_minutes_copy(tenant.pk, minutes.pk))
    return minutes
