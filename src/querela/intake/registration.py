"""Turning a stored mail into a complaint or a timeline entry: matching, threading, flagging."""

from __future__ import annotations

import io
import logging
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from querela.complaints.models import Complaint
from querela.complaints.receiving import complaint_receive_email
from querela.complaints.sector_texts import identification_request
from querela.complaints.services import Upload
from querela.core import clock
from querela.core.uploads import usable_file_name
from querela.customers.models import ConsumptionPlace, Customer, Representative
from querela.customers.selectors import customer_by_identifiers
from querela.tenants.access import system_actor

from .email.identifiers import strip_subject_prefixes
from .email.parse import ParsedEmail, parse_message
from .limits import may_auto_reply, over_intake_limit
from .models import InboundMessage, InboundStatus, OutboundEmail
from .sender_auth import verified_by_mta

log = logging.getLogger(__name__)


def inbound_process(*, inbound_id: int) -> InboundMessage | None:
    """Process one stored message once. Safe to call again: a processed one is left as it is."""
    with transaction.atomic():
        msg = InboundMessage.objects.select_for_update().select_related("tenant").filter(pk=inbound_id).first()
        if msg is None or msg.status != InboundStatus.PENDING:
            return msg
        with msg.raw.open("rb") as fh:
            raw = fh.read()
        parsed = parse_message(raw, country=msg.tenant.country)
        msg.subject = (parsed.subject or "")[:500]
        msg.from_address = (parsed.from_address or "")[:320]
        msg.sender_key = msg.from_address.lower()
        # Notes the intake writes on complaints ("needs a person: …") are read by the supplier's staff.
        with translation.override(msg.tenant.default_language):
            _register(msg, parsed)
        msg.processed_at = clock.now()
        msg.save()
    return msg


MAX_ATTEMPTS = 3


def inbound_failed(*, inbound_id: int, reason: str) -> bool:
    """Count a failed try; after the last one keep the raw mail quarantined with the reason. True then."""
    InboundMessage.objects.filter(pk=inbound_id).update(attempts=F("attempts") + 1, problem=reason[:4000])
    return bool(
        InboundMessage.objects.filter(pk=inbound_id, status=InboundStatus.PENDING, attempts__gte=MAX_ATTEMPTS).update(
            status=InboundStatus.QUARANTINED
        )
    )


_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "application/pdf": ".pdf"}


def _uploads(parsed: ParsedEmail) -> list[Upload]:
    """Every named attachment, and the nameless images and documents too (a scan pasted into the mail
    is evidence like any other): they get a name from their content id or position, as does one whose
    name is not a file's (`..`): no one can be asked to rename it."""
    uploads = [
        Upload(
            filename=a.filename if a.filename and usable_file_name(a.filename) else f"attachment-{i + 1}",
            stream=io.BytesIO(a.payload),
            size=a.size,
        )
        for i, a in enumerate(parsed.attachments)
        if a.size
    ]
    for i, part in enumerate(parsed.unnamed_parts):
        if not part.size or not part.content_type.startswith(("image/", "application/")):
            continue
        stem = (part.content_id or "").split("@")[0].strip() or f"inline-{i + 1}"
        name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)[:80]
        uploads.append(
            Upload(
                filename=name + _EXTENSIONS.get(part.content_type, ""), stream=io.BytesIO(part.payload), size=part.size
            )
        )
    return uploads


def _automatic(msg: InboundMessage, parsed: ParsedEmail) -> bool:
    """Mail no one should answer (RFC 3834): auto-replies and lists by their headers, and bounces by
    their null envelope sender or their mailer-daemon address even when they carry no DSN."""
    if parsed.auto_submitted:
        return True
    if msg.mail_from == "<>":  # the SMTP server keeps the null reverse-path as written
        return True
    local = (parsed.from_address or "").split("@")[0].lower()
    return local in ("mailer-daemon", "postmaster")


def _text(parsed: ParsedEmail) -> str:
    return parsed.text or parsed.subject or ""


# Defects that cost nothing readable: the receipt time is ours and the stored key stands in for a
# Message-ID. Flagging such mail for a person would bury the mail that really needs one.
_HARMLESS_DEFECTS = (
    "missing Date header",
    "unreadable Date header",
    "missing Message-ID header",
    "UTF-8 text labelled",  # read correctly; the label was wrong, not the text
)


def _register(msg: InboundMessage, parsed: ParsedEmail) -> None:
    actor = system_actor(msg.tenant, label="e-mail")
    sender = (parsed.from_address or msg.mail_from or "").lower()
    if parsed.oversize:
        msg.status = InboundStatus.QUARANTINED
        msg.problem = _("Too large to read (%(size)d bytes); kept as received for a person.") % {"size": msg.size}
        return
    complaint, why, token = find_thread(msg, parsed, sender)
    # Anyone can write any From: only our MTA's authentication result or a reply quoting one of our
    # random Message-IDs makes the sender the customer.
    trusted = cast("list[str]", settings.QUERELA["TRUSTED_AUTHSERV_IDS"])
    msg.sender_verified = bool(token) or bool(
        verified_by_mta(parsed.from_address, parsed.authentication_results, trusted)
    )
    problems = [d for d in parsed.defects if not d.startswith(_HARMLESS_DEFECTS)]
    if _automatic(msg, parsed):
        # Out-of-office, bounces, lists: kept (on the complaint if it threads), never answered.
        msg.status = InboundStatus.AUTO
        if complaint is not None:
            msg.complaint = complaint_receive_email(
                actor=actor, thread=complaint, text=_text(parsed), uploads=_uploads(parsed), verified=False
            )
        return
    if not msg.released and (held := over_intake_limit(msg)):
        msg.status = InboundStatus.HELD
        msg.problem = held
        return
    notes = _notes(msg, parsed, problems)
    if complaint is not None:
        customer, place = None, None
        if msg.sender_verified and complaint.customer_id is None:
            # Our request for data answered: the customer id or meter serial in the reply identifies.
            customer, place = _identified(parsed, sender)
            notes.append(_identity_doubt(customer, sender))
        elif not msg.sender_verified:
            notes.append(
                _("Sender not verified (%(sender)s): the message was added but changed nothing; a person decides.")
                % {"sender": parsed.from_address or sender}
            )
        msg.complaint = complaint_receive_email(
            actor=actor,
            thread=complaint,
            text=_text(parsed),
            uploads=_uploads(parsed),
            inbound_data={"inbound_id": msg.pk, "message_id": msg.message_id},
            verified=msg.sender_verified,
            customer=customer,
            place=place,
            notes=[n for n in notes if n],
        )
        msg.status = InboundStatus.ATTACHED
        return
    _register_new(msg, parsed, sender, why, notes)


def _identified(parsed: ParsedEmail, sender: str) -> tuple[Customer | None, ConsumptionPlace | None]:
    serials = parsed.identifiers.get("meter_serial", [])
    customer = customer_by_identifiers(
        email=sender, customer_numbers=parsed.identifiers.get("customer_id", []), meter_serials=serials
    )
    return customer, _place(customer, serials)


def _notes(msg: InboundMessage, parsed: ParsedEmail, problems: list[str]) -> list[str]:
    """What a person must know before answering this mail."""
    notes: list[str] = []
    if parsed.sender_doubt:
        notes.append(
            _("Sender unclear (%(why)s): check who wrote before answering; nothing was sent automatically.")
            % {"why": parsed.sender_doubt}
        )
    if msg.reused_message_id:
        notes.append(_("Its Message-ID was already used by a different message: check it is genuine."))
    if problems:
        notes.append(_("Malformed e-mail: %s") % "; ".join(problems))
    return notes


def _register_new(msg: InboundMessage, parsed: ParsedEmail, sender: str, why: str, notes: list[str]) -> None:
    actor = system_actor(msg.tenant, label="e-mail")
    numbers = parsed.identifiers.get("customer_id", [])
    serials = parsed.identifiers.get("meter_serial", [])
    customer = customer_by_identifiers(customer_numbers=numbers, meter_serials=serials)
    if customer is None and sender:
        customer = customer_by_identifiers(email=sender)
        if customer is not None and not msg.sender_verified:
            notes.append(
                _("Matched to the customer by the sender address alone, which is not verified: check the identity.")
            )
    place = _place(customer, serials)
    # RFC 3834: nothing automatic to an unclear sender, to a list, or twice to one sender in the period.
    automatic_ok = not parsed.sender_doubt and not parsed.from_list and may_auto_reply(msg.tenant, sender)
    if customer is None and sender and not automatic_ok:
        notes.append(_("Not identified, and no automatic request for data was sent: ask the customer."))
    ask = ""
    if customer is None and sender and automatic_ok:
        with translation.override(msg.tenant.default_language):
            ask = identification_request(msg.tenant)
    msg.complaint = complaint_receive_email(
        actor=actor,
        thread=None,
        subject=strip_subject_prefixes(parsed.subject or "") or _("(no subject)"),
        text=_text(parsed),
        received_at=msg.received_at,
        customer=customer,
        place=place,
        contact_name=parsed.from_name or "",
        contact_email=parsed.from_address or sender,
        uploads=_uploads(parsed),
        verified=msg.sender_verified,
        notes=[n for n in (why, _identity_doubt(customer, sender), *notes) if n],
        inbound_data={"inbound_id": msg.pk, "message_id": msg.message_id},
        acknowledge=automatic_ok,
        ask_for_information=ask,
    )
    msg.status = InboundStatus.REGISTERED


def inbound_release(*, actor: Any, inbound_id: int) -> InboundMessage:
    """A person lets held mail through the intake limits: it is registered as any other mail."""
    from querela.audit.services import audit_record
    from querela.tenants.access import require

    require(actor, "mail.release")
    with transaction.atomic():
        msg = InboundMessage.objects.select_for_update().filter(pk=inbound_id).first()
        if msg is None or msg.status != InboundStatus.HELD:
            from querela.core.errors import NotFound

            raise NotFound(_("No held message with this number."))
        msg.status, msg.released, msg.problem = InboundStatus.PENDING, True, ""
        msg.save(update_fields=["status", "released", "problem"])
        audit_record(actor=actor, action="inbound.release", object_type="inbound_message", object_id=str(msg.pk))
    processed = inbound_process(inbound_id=inbound_id)
    assert processed is not None
    return processed


def _identity_doubt(customer: Customer | None, sender: str) -> str:
    """The bill's customer id identifies a customer (seeds 000, 001), but whoever read it from someone
    else's bill could quote it too: when the mail comes from another address than the one on file,
    a person checks before personal data goes into an answer."""
    if customer is None or not customer.email or not sender or sender == customer.email.lower():
        return ""
    known = {customer.email.lower()} | {
        e.lower() for e in Representative.objects.filter(customer=customer).values_list("email", flat=True) if e
    }
    if sender in known:
        return ""
    return _(
        "Identified by the number quoted, but written from %(sender)s, not from the address on file: "
        "check the identity before answering."
    ) % {"sender": sender}


def _place(customer: Customer | None, serials: list[str]) -> ConsumptionPlace | None:
    if customer is None:
        return None
    for serial in serials:
        place = ConsumptionPlace.objects.filter(customer=customer, meters__serial__iexact=serial).first()
        if place:
            return place
    places = list(ConsumptionPlace.objects.filter(customer=customer)[:2])
    return places[0] if len(places) == 1 else None


def is_party(complaint: Complaint, sender: str) -> bool:
    """The customer, their representative, or whoever wrote to us on this complaint before."""
    if not sender:
        return False
    emails = {complaint.contact_email.lower()}
    if complaint.customer:
        emails.add(complaint.customer.email.lower())
        emails |= {
            e.lower()
            for e in Representative.objects.filter(customer=complaint.customer).values_list("email", flat=True)
        }
    emails |= {
        e.lower() for e in InboundMessage.objects.filter(complaint=complaint).values_list("from_address", flat=True)
    }
    return sender in (emails - {""})


def find_thread(msg: InboundMessage, parsed: ParsedEmail, sender: str) -> tuple[Complaint | None, str, bool]:
    """(complaint, "", token) when the mail continues one; (None, reason, False) when it must stand alone.

    `token` is true when the mail quotes one of our own Message-IDs of that complaint: random, so only
    someone who received our mail can quote it — proof of the sender that a From header is not.

    Only a party joins a complaint, whether the mail names it by its headers or by a reference number:
    anyone else gets a new item flagged for a person, never a look at someone else's case.
    """
    refused = ""
    header_ids = [i for i in [parsed.in_reply_to, *parsed.references] if i]
    if header_ids:
        hit = OutboundEmail.objects.filter(message_id__in=header_ids).select_related("complaint").first()
        complaint: Any = hit.complaint if hit else None
        if complaint is None:
            earlier = InboundMessage.objects.filter(message_id__in=header_ids, complaint__isnull=False).first()
            complaint = earlier.complaint if earlier else None
        if complaint is not None:
            if is_party(complaint, sender):
                return complaint, "", hit is not None and hit.complaint_id == complaint.pk
            refused = _("Replies to complaint %(ref)s, but the sender is not a party to it.") % {
                "ref": complaint.reference
            }
    code = msg.tenant.code
    for ref in parsed.complaint_refs:
        if not ref.startswith(code + "-"):
            continue
        complaint = Complaint.objects.filter(reference=ref).first()
        if complaint is None:
            continue
        if is_party(complaint, sender):
            return complaint, "", False
        refused = refused or _("Quotes reference %(ref)s, but the sender is not a party to that complaint.") % {
            "ref": ref
        }
    return None, refused, False
