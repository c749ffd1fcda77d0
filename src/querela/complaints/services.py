"""Every write to a complaint. Views, the API, the CLI, intake channels and tasks all call these.

Each service runs in one transaction, writes its audit event in that transaction, and schedules
side effects (mail, tasks) with `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from querela.audit.services import audit_batch, audit_batch_rename, audit_record
from querela.core import clock, tenancy
from querela.core.channels import Channel
from querela.core.errors import PermissionDenied, QuerelaError, ValidationFailed
from querela.customers.models import ConsumptionPlace, Customer, Representative
from querela.customers.text import fold
from querela.edit_rules.catalogue import COMPLAINT_FACTS, EDITABLE, is_original
from querela.edit_rules.services import check_changes
from querela.tenants.access import Actor, require
from querela.tenants.models import Membership
from querela.tenants.roles import Role

from . import hooks
from .attachments import store_attachment
from .deadline_actions import acknowledge_new_message, acknowledge_new_schedule
from .deadline_schedule import deadlines_recompute
from .language import complaint_language
from .models import GIVEN_FIELDS, Attachment, Category, Complaint, EntryType, Kind, TimelineEntry
from .references import is_provisional, next_reference, provisional_reference
from .search import search_refresh, search_text_of
from .sector_texts import is_identified
from .timeline import add_entry, as_system, is_system, lock_complaint
from .transitions import apply_transition
from .workflow import SYSTEM, Status


class _Blank:
    name = email = phone = ""


@dataclass(frozen=True)
class Upload:
    filename: str
    stream: IO[bytes]
    size: int


RECEIVED_AT_MOST_DAYS_AGO = 3653  # ten years


def complaint_register(
    *,
    actor: Actor,
    channel: str,
    subject: str,
    description: str = "",
    received_at: datetime | None = None,
    kind: str = Kind.COMPLAINT,
    category: str = Category.OTHER,
    customer: Customer | None = None,
    place: ConsumptionPlace | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    reply_channel: str | None = None,
    uploads: Sequence[Upload] = (),
    needs_attention: str = "",
    inbound_data: dict[str, Any] | None = None,
    acknowledge: bool = False,
    ask_for_information: str = "",
    savepoint: bool = True,
    call_recording: str = "",
    representative: Representative | None = None,
    given: dict[str, str] | None = None,
    acknowledge_postscript: Any = None,
    language: str = "",
) -> Complaint:
    """Register whatever came in. Identified complaints go straight to *registered*.

    `received_at` is the registration time under the records rules: when the letter or mail arrived,
    not when someone typed it in. `acknowledge` sends the automatic confirmation (online channels).
    `given`: the form's own facts (GIVEN_FIELDS). `acknowledge_postscript(complaint)` adds a sentence to
    the automatic message once the number is known (the public form's tracking link).
    """
    tenant = tenancy.current_tenant()
    if actor.role == Role.CONSUMER:
        require(actor, "complaint.file_own")
        if customer is None or customer.user_id != actor.user_id:
            raise PermissionDenied(_("You can file complaints only about your own consumption places."))
    elif not is_system(actor):
        require(actor, "complaint.register")
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."))
    if not subject.strip():
        raise ValidationFailed(_("A subject is required."), code="subject_required")
    if place is not None and (customer is None or place.customer_id != customer.pk):
        raise ValidationFailed(_("The consumption place does not belong to this customer."), code="place_mismatch")
    answer_by = reply_channel or _default_reply_channel(channel, customer)
    has_address = contact_email or (representative or _Blank).email or (customer or _Blank).email
    # A person registering can fix it now; mail without a readable sender is still registered (and flagged).
    if answer_by == Channel.EMAIL and not has_address and not is_system(actor):
        raise ValidationFailed(_("To answer by e-mail, an e-mail address is needed."), code="email_required")
    if representative is not None and (customer is None or representative.customer_id != customer.pk):
        raise ValidationFailed(_("The representative does not act for this customer."), code="representative_mismatch")
    received_at = received_at or clock.now()
    if received_at > clock.now() + timedelta(minutes=5):  # a little clock skew between machines is fine
        raise ValidationFailed(
            _("The receipt time cannot be in the future."), code="received_in_future", field="received_at"
        )
    if received_at < clock.now() - timedelta(days=RECEIVED_AT_MOST_DAYS_AGO):
        # A mistyped year ("0147", "1926"): no complaint waits that long, and its deadlines would mean nothing.
        raise ValidationFailed(
            _("The receipt time is more than ten years ago: check the year."),
            code="received_long_ago",
            field="received_at",
        )
    if (
        channel in (Channel.PHONE, Channel.IN_PERSON)
        and customer is None
        and not (contact_name.strip() and (contact_phone.strip() or contact_email.strip()))
    ):
        # An oral complaint from someone not on file: without a name and a way to reach them, no answer can go out.
        raise ValidationFailed(
            _("Write down the caller's name and a phone number or e-mail address."), code="contact_required"
        )
    if representative is not None and not representative.may_act_on(received_at.date()):
        # Seed 000: acting for someone needs a power of attorney; a person checks before answering.
        needs_attention = "; ".join(
            filter(None, [needs_attention, _("Filed by a representative without a valid power of attorney.")])
        )
    from .deadline_policies import policy_for

    _policy, policy_version = policy_for(tenant, tenant.deadline_policy)
    # One transaction, and the audit events of the registration (the complaint, its first step, the
    # acknowledgement) written together at its end.
    # `savepoint=False`: the caller's transaction is all or nothing anyway (a received e-mail).
    # The reference number is taken last (`_number`): the counter row stays locked until commit, so
    # everything that does not need the number is done before it.
    with transaction.atomic(savepoint=savepoint), audit_batch():
        complaint = Complaint(
            reference=provisional_reference(),
            channel=channel,
            received_at=received_at,
            kind=kind,
            kind_confirmed=not is_system(actor),
            category=category,
            subject=one_line(subject)[:300],
            description=description,
            customer=customer,
            place=place,
            contact_name=contact_name or (representative or customer or _Blank).name,
            contact_email=contact_email or (representative or _Blank).email or (customer or _Blank).email,
            contact_phone=contact_phone or (representative or customer or _Blank).phone,
            reply_channel=reply_channel or _default_reply_channel(channel, customer),
            call_recording=call_recording.strip()[:60],
            representative=representative,
            policy_name=tenant.deadline_policy,
            policy_version=policy_version,
            needs_attention=needs_attention[:300],
            created_by_id=actor.user_id,
            language=language,
            **_given(given),
        )
        complaint.save()
        # The conversation so far is the mail being registered: what a reply in this transaction threads to.
        complaint.fresh_thread = [str((inbound_data or {}).get("message_id") or "")]
        entry = add_entry(complaint, actor, EntryType.INBOUND, description, channel=channel, **(inbound_data or {}))
        _store_uploads(complaint, actor, entry, uploads)
        audit_record(
            actor=actor,
            action="complaint.register",
            object_type="complaint",
            object_id=complaint.reference,
            changes={
                "channel": [None, channel],
                "kind": [None, kind],
                "category": [None, category],
                "customer": [None, customer.customer_number if customer else None],
                "status": [None, Status.RECEIVED],
            },
        )
        if description.strip() and (customer is not None or is_identified(complaint)):
            apply_transition(complaint, as_system(actor), "register", text="")
        acknowledging = (
            acknowledge
            and complaint.status == Status.REGISTERED
            and bool(complaint.contact_email or complaint.reply_channel != "email")
        )
        asked = bool(ask_for_information and complaint.status == Status.RECEIVED)
        if asked:
            # An automatic request for the data that identifies the complainant (seed 000: identify
            # first, then investigate), in the reply channel: it quotes the number, so it is taken now.
            _number(complaint, tenant)
            text = " ".join(filter(None, [ask_for_information, _postscript(acknowledge_postscript, complaint)]))
            apply_transition(complaint, as_system(actor), "request_info", text=text, automatic=True)
        if acknowledging:
            # The confirmation's date, its steps and one engine run for the whole registration; then
            # the number, and the message that quotes it.
            acknowledge_new_schedule(complaint)
            _number(complaint, tenant)
            acknowledge_new_message(
                complaint, as_system(actor), postscript=_postscript(acknowledge_postscript, complaint)
            )
        else:
            # The steps exist from the start, even before any event; a new complaint has none to read
            # (unless asking for information just recorded its first event).
            deadlines_recompute(complaint, rows=None if asked else [], fresh=not asked)
            _number(complaint, tenant)
        hooks.run("registered", complaint)
        complaint.fresh_thread = None
    return complaint


def _given(given: dict[str, str] | None) -> dict[str, str]:
    """The form's own facts, trimmed to their columns; an unknown name is a programming error."""
    out: dict[str, str] = {}
    for name, value in (given or {}).items():
        if name not in GIVEN_FIELDS:
            raise TypeError(f"{name!r} is not a field a complainant gives")
        limit = getattr(Complaint._meta.get_field(name), "max_length", None)
        text = (value or "").strip()
        out[name] = text[:limit] if limit else text
    return out


def _postscript(make: Any, complaint: Complaint) -> str:
    return str(make(complaint)) if make is not None else ""


def _number(complaint: Complaint, tenant: Any) -> None:
    """Give a complaint being registered its reference number, and write what its registration left in
    memory (the due date of a fresh schedule) with it: two statements, the counter's lock until commit."""
    if not is_provisional(complaint.reference):
        return
    provisional = complaint.reference
    complaint.reference = next_reference(tenant, complaint.received_at.astimezone(_tz(tenant)).year)
    complaint.search_text = search_text_of(complaint)  # with the number: "000024" finds it
    Complaint.objects.filter(pk=complaint.pk).update(
        reference=complaint.reference,
        answer_due=complaint.answer_due,
        next_due=complaint.next_due,
        next_remind=complaint.next_remind,
        search_text=complaint.search_text,
    )
    audit_batch_rename(object_type="complaint", old_id=provisional, new_id=complaint.reference)


def _store(complaint: Complaint, actor: Actor, entry: TimelineEntry, upload: Upload) -> Attachment:
    return store_attachment(
        complaint=complaint,
        filename=upload.filename,
        stream=upload.stream,
        size=upload.size,
        uploaded_by_id=actor.user_id,
        entry=entry,
    )


def _store_uploads(complaint: Complaint, actor: Actor, entry: TimelineEntry, uploads: Sequence[Upload]) -> None:
    """A person uploading gets the refusal as an error. What arrived by mail is checked the same way,
    but a refused file (an .exe, one over the size limit) must not cost the complaint: it stays in the
    kept original message, and the refusal is written on the complaint for a person to see."""
    refused: list[str] = []
    for upload in uploads:
        try:
            _store(complaint, actor, entry, upload)
        except ValidationFailed as exc:
            if not is_system(actor):
                raise
            refused.append(exc.message)
    if refused:
        note = _("Not stored as attachments (kept in the original message): %(why)s") % {"why": " ".join(refused)}
        add_entry(complaint, actor, EntryType.SYSTEM, note)
        complaint_flag(actor=actor, complaint_id=complaint.pk, note=note)
        complaint.refresh_from_db(fields=["needs_attention"])


def _tz(tenant: Any) -> Any:
    return clock.tenant_zone(tenant)


def _default_reply_channel(channel: str, customer: Customer | None = None) -> str:
    # An answer goes out in the same form the complaint came in (seed 004). An oral complaint
    # that could not be settled continues as a written one: the way the customer asked to be
    # answered (seed 000's form), else by post.
    if channel in (Channel.PHONE, Channel.IN_PERSON, Channel.HANDED_IN):
        preferred = customer.preferred_channel if customer else ""
        return preferred if preferred in (Channel.POST, Channel.EMAIL) else Channel.POST
    # The message wall is answered on the wall (postroom.wall: the thread behind a signed link, and a notice).
    return channel


# What a person may ever change after registration (`edit_rules.catalogue`); who and when is the tenant's
# matrix (`edit_rules.services.check_changes`). The originals (the customer's own words…) are no one's to change.
EDITABLE_FIELDS = EDITABLE["complaint"]
_TEXT_FIELDS = ("contact_name", "contact_email", "contact_phone", *COMPLAINT_FACTS)


def one_line(text: str) -> str:
    """A subject is one line: line breaks (pasted, or sent through the API) would end up in the header
    of every mail about the complaint, where a mail library refuses them."""
    return " ".join(text.split())


def complaint_reclassify(*, actor: Actor, complaint_id: int, reason: str, **fields: Any) -> Complaint:
    """A person corrects the kind, category or reply channel. A new kind or category needs a reason
    (it changes the deadline and who handles it); who may, and when, is the tenant's edit matrix (by
    default a complaint someone else has is theirs to reclassify, or a supervisor's)."""
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        reclassified = any(name in fields and fields[name] != getattr(complaint, name) for name in ("kind", "category"))
        if reclassified and not reason.strip():
            raise ValidationFailed(_("Say why the kind or category changes."), code="reason_required")
        return complaint_update(actor=actor, complaint_id=complaint_id, reason=reason.strip()[:500], **fields)


def complaint_update(*, actor: Actor, complaint_id: int, reason: str = "", **fields: Any) -> Complaint:
    """Change the classification, identification, contact details or the form facts; one before/after pair
    per field in the audit (`reason`: why, written with them). A person's change needs its reason and the
    tenant's edit matrix to allow it (`edit_rules`); the originals are refused for everyone."""
    reason = reason.strip()[:500]
    for name in fields:
        if is_original("complaint", name):  # the customer's own words, the receipt…: kept as received
            check_changes(actor, "complaint", [name])
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        if not is_system(actor):  # e-mail intake identifies the customer from a reply
            require(actor, "complaint.edit", complaint)
        if "kind" in fields and fields["kind"] not in Kind.values:
            raise ValidationFailed(_("Unknown kind."))
        if "category" in fields and fields["category"] not in Category.values:
            raise ValidationFailed(_("Unknown category."))
        if "reply_channel" in fields and fields["reply_channel"] not in Channel.values:
            raise ValidationFailed(_("Unknown channel."))
        customer = fields.get("customer", complaint.customer)
        place = fields.get("place", complaint.place if "customer" not in fields else None)
        if place is not None and (customer is None or place.customer_id != customer.pk):
            raise ValidationFailed(_("The consumption place does not belong to this customer."))
        if "subject" in fields:
            fields["subject"] = one_line(str(fields["subject"]))[:300]
            if not fields["subject"]:
                raise ValidationFailed(_("A subject is required."), code="subject_required")
        for name in _TEXT_FIELDS:
            if name in fields:
                longest = getattr(Complaint._meta.get_field(name), "max_length", None)
                fields[name] = str(fields[name] or "").strip()[:longest]
        if fields.get("contact_email"):
            try:
                validate_email(fields["contact_email"])
            except DjangoValidationError as exc:
                raise ValidationFailed(_("Enter a valid e-mail address."), code="invalid_email") from exc
        changes: dict[str, Any] = {}
        for name, value in fields.items():
            old = getattr(complaint, name)
            if old != value:
                changes[name] = [_plain(old), _plain(value)]
        if changes and not is_system(actor):
            # Seed 003: who may change what was received or entered, and when; every change says why.
            check_changes(actor, "complaint", changes, assignee_id=complaint.assignee_id)
            if not reason.strip():
                raise ValidationFailed(_("Say why the complaint's details change."), code="reason_required")
        for name in changes:
            setattr(complaint, name, fields[name])
        if "customer" in fields and "place" not in fields:
            complaint.place = place
        if "kind" in fields:
            complaint.kind_confirmed = True
        if not changes:
            return complaint
        complaint.save()
        search_refresh(complaint)  # a customer or place named now is searchable by name and address
        add_entry(complaint, actor, EntryType.SYSTEM, reason, changes=changes)
        audit_record(
            actor=actor,
            action="complaint.update",
            object_type="complaint",
            object_id=complaint.reference,
            changes={**changes, "reason": reason} if reason else changes,
        )
        if "category" in changes or "kind" in changes:
            # What follows from the classification is redone: routing to a department in this transaction,
            # the work instruction's checklist after commit (the apps above register on the hook).
            hooks.run("category_changed", complaint)
    return complaint


def complaint_identify(*, actor: Actor, complaint_id: int, query: str) -> Complaint:
    """Link a complaint to the customer named by a customer id or meter serial (read out on the phone,
    or sent after an information request). A meter gives its consumption place; so does a customer
    with a single place."""
    from querela.customers.selectors import customer_by_identifiers, customer_search

    q = query.strip()
    customer = customer_by_identifiers(customer_numbers=[q], meter_serials=[q]) if q else None
    if customer is None and len(fold(q)) >= 3:
        # Not an exact number: the agent's search (name, address, phone); only one match links.
        found = list(customer_search(actor=actor, query=q, limit=6))
        if len(found) > 1:
            names = "; ".join(f"{c.name} ({c.customer_number})" for c in found[:5])
            raise ValidationFailed(
                _("Several customers match: %(names)s. Give the customer id.") % {"names": names}, code="ambiguous"
            )
        customer = found[0] if found else None
    if customer is None:
        raise ValidationFailed(_("No customer has this customer id or meter serial number."), code="not_found")
    place = ConsumptionPlace.objects.filter(customer=customer, meters__serial__iexact=q).first()
    if place is None:
        places = list(ConsumptionPlace.objects.filter(customer=customer)[:2])
        place = places[0] if len(places) == 1 else None
    # The reason every change gives (seed 003): what the person was told the customer is.
    reason = _("Identified by %(query)s.") % {"query": q}
    return complaint_update(actor=actor, complaint_id=complaint_id, customer=customer, place=place, reason=reason)


def _plain(value: Any) -> Any:
    if isinstance(value, (Customer, ConsumptionPlace)):
        return str(value.pk)
    return value


def complaint_add_note(*, actor: Actor, complaint_id: int, text: str) -> TimelineEntry:
    if not text.strip():
        raise ValidationFailed(_("The note is empty."))
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        require(actor, "complaint.add_note", complaint)
        entry = add_entry(complaint, actor, EntryType.NOTE, text)
        audit_record(actor=actor, action="complaint.note", object_type="complaint", object_id=complaint.reference)
    return entry


def complaint_add_message(
    *,
    actor: Actor,
    complaint_id: int,
    text: str,
    uploads: Sequence[Upload] = (),
    channel: str = "",
    reopen: bool = True,
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    """A message between customer and office. From the customer it completes an information request and
    reopens an answered complaint; `reopen=False` (automatic mail such as an out-of-office) changes nothing."""
    if not text.strip() and not uploads:
        raise ValidationFailed(_("The message is empty."))
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        from_customer = actor.role in (Role.CONSUMER, SYSTEM)
        if not is_system(actor):
            require(actor, "complaint.message", complaint)
        entry_type = EntryType.INBOUND if from_customer else EntryType.OUTBOUND
        entry = add_entry(
            complaint,
            actor,
            entry_type,
            text,
            channel=channel or (Channel.WEB if from_customer else complaint.reply_channel),
            **(data or {}),
        )
        _store_uploads(complaint, actor, entry, uploads)
        audit_record(
            actor=actor,
            action="complaint.message_in" if from_customer else "complaint.message_out",
            object_type="complaint",
            object_id=complaint.reference,
            changes={"attachments": len(uploads)},
        )
        if reopen and from_customer and complaint.status == Status.AWAITING_INFO and complaint.customer_id is not None:
            # The customer's answer to our request: the complaint is complete now, and the deadline
            # counts from today (restart/pause policies), not from whenever a person gets to it.
            complaint_complete_info(complaint, as_system(actor))
        elif reopen and from_customer and complaint.status == Status.AWAITING_INFO:
            # Not yet identified: a person reads the reply, identifies the customer and goes on.
            with translation.override(complaint.tenant.default_language):
                note = _("The customer replied to the request for information: identify them and continue.")
            complaint_flag(actor=as_system(actor), complaint_id=complaint.pk, note=note)
            complaint.refresh_from_db(fields=["needs_attention"])
        if reopen and from_customer and complaint.status in (Status.ANSWERED, Status.CLOSED):
            # The customer's message is the reason; it is already on the timeline.
            apply_transition(complaint, as_system(actor), "reopen", text=text or entry_type, record_text=False)
        hooks.run("outbound" if not from_customer else "inbound", complaint)
    return entry


def complaint_complete_info(complaint: Complaint, actor: Actor) -> None:
    """Information has arrived: back to the handler who asked for it, or on to registration."""
    action = "resume" if complaint.assignee_id is not None else "register"
    apply_transition(complaint, actor, action, text="")


def complaint_attach(*, actor: Actor, complaint_id: int, upload: Upload) -> Attachment:
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        require(actor, "complaint.attach", complaint)
        entry = add_entry(complaint, actor, EntryType.ATTACHMENT, upload.filename)
        attachment = _store(complaint, actor, entry, upload)
        audit_record(
            actor=actor,
            action="complaint.attach",
            object_type="complaint",
            object_id=complaint.reference,
            changes={"file": upload.filename, "sha256": attachment.sha256, "size": attachment.size},
        )
    return attachment


def handlers_of_tenant() -> list[Any]:
    user_ids = Membership.objects.filter(is_active=True, role__in=[Role.HANDLER, Role.SUPERVISOR]).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids).order_by("username"))


def complaint_flag(*, actor: Actor, complaint_id: int, note: str) -> None:
    """Ask a person to look: the reason is added to what is already flagged (never overwrites it)."""
    note = " ".join(note.split())
    if not note:
        return
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        if note in complaint.needs_attention:
            return
        before = complaint.needs_attention
        complaint.needs_attention = "; ".join(filter(None, [before, note]))[:300]
        complaint.save(update_fields=["needs_attention"])
        audit_record(
            actor=actor,
            action="complaint.flag",
            object_type="complaint",
            object_id=complaint.reference,
            changes={"needs_attention": [before, complaint.needs_attention]},
        )


def complaint_request_recording(*, actor: Actor, complaint_id: int) -> TimelineEntry:
    """The customer asks for the recording of their phone call (seed 004: free of charge, kept 5 years).

    It is a message from the customer on the timeline, marked so the office sees the request and the
    customer sees it was asked; asking twice adds nothing."""
    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        require(actor, "complaint.message", complaint)
        if not complaint.call_recording:
            raise ValidationFailed(_("This complaint has no call recording."), code="no_recording")
        earlier = TimelineEntry.objects.filter(complaint=complaint, data__request="recording_copy").first()
        if earlier is not None:
            return earlier
        with translation.override(complaint_language(complaint)):
            text = _("Please send me a free copy of the recording of my call (id %(id)s).") % {
                "id": complaint.call_recording
            }
            flag = _("The customer asks for a copy of call recording %(id)s (free of charge).") % {
                "id": complaint.call_recording
            }
        entry = add_entry(complaint, actor, EntryType.INBOUND, text, channel=Channel.WEB, request="recording_copy")
        complaint.needs_attention = "; ".join(filter(None, [complaint.needs_attention, flag]))[:300]
        complaint.save(update_fields=["needs_attention", "updated_at"])
        audit_record(
            actor=actor, action="complaint.recording_request", object_type="complaint", object_id=complaint.reference
        )
    return entry


def complaint_resolve_on_spot(*, actor: Actor, complaint_id: int, answer: str, confirm_in_writing: bool) -> Complaint:
    """The agent or clerk settled it during the call or the visit (seeds 001, 004).

    The answer as said is recorded; a written confirmation follows in the reply channel when the matter
    is important or the customer asks for it (seed 001: confirmed in writing)."""
    from .transitions import apply_transition

    with transaction.atomic():
        complaint = lock_complaint(complaint_id)
        apply_transition(complaint, actor, "resolve_on_spot", text=answer)
        if confirm_in_writing:
            with translation.override(complaint_language(complaint)):
                letter = _("As agreed with you on %(day)s, under complaint %(ref)s:") % {
                    "day": clock.tenant_date(complaint.tenant, clock.now()).isoformat(),
                    "ref": complaint.reference,
                }
            add_entry(
                complaint,
                actor,
                EntryType.OUTBOUND,
                f"{letter}\n\n{answer.strip()}",
                channel=complaint.reply_channel,
                purpose="on_spot_confirmation",
            )
            hooks.run("outbound", complaint)
    return complaint


def complaint_register_on_spot(*, actor: Actor, answer: str, confirm_in_writing: bool, **register: Any) -> Complaint:
    """A call or a visit registered and settled at once: no acknowledgement promising a later answer,
    the answer as said, and the written confirmation when asked for — all or nothing."""
    if not answer.strip():
        raise ValidationFailed(_("Write down the answer you gave."), code="answer_required")
    with transaction.atomic():
        complaint = complaint_register(actor=actor, acknowledge=False, **register)
        return complaint_resolve_on_spot(
            actor=actor, complaint_id=complaint.pk, answer=answer, confirm_in_writing=confirm_in_writing
        )


BULK_LIMIT = 200


def complaints_assign(*, actor: Actor, complaint_ids: Sequence[int], assignee_id: int) -> tuple[int, list[str]]:
    """A supervisor gives several complaints to one handler at once. Each is its own transition (its
    own transaction, audit and deadline effects), so one that can't move doesn't hold back the rest;
    the refusals come back with the reference and the reason. An assignee who may not take complaints
    here is refused once, before any moves; a complaint id that names none here is named among the refusals."""
    from .transitions import assignee_membership, complaint_transition

    require(actor, "complaint.assign_others")
    if len(complaint_ids) > BULK_LIMIT:
        raise ValidationFailed(_("At most %(n)s complaints at once.") % {"n": BULK_LIMIT}, code="bulk_limit")
    if assignee_membership(assignee_id) is None:
        raise ValidationFailed(
            _("The assignee must be a complaint handler or supervisor of this supplier."),
            code="unknown_assignee",
            field="assignee",
        )
    done, refused = 0, []
    references = dict(Complaint.objects.filter(pk__in=complaint_ids).values_list("pk", "reference"))
    for pk in complaint_ids:
        if pk not in references:
            refused.append(_("Complaint %(id)s: no such complaint here.") % {"id": pk})
            continue
        try:
            complaint_transition(actor=actor, complaint_id=pk, action="assign", assignee_id=assignee_id)
        except QuerelaError as exc:  # a state it can't be assigned from, an assignee who may not take it
            refused.append(f"{references[pk]}: {exc.message}")
        else:
            done += 1
    return done, refused
