"""The audit log in words: what each event says, in the reader's language, with people and things named.

`WORDING` holds a sentence for every action code the services write (`tests/audit/test_wording.py`
scans the source so that none is missed); `describe(event, names)` turns one event into a `Line`: the
sentence, and what changed, each field by its name and each value by its label. An unknown code still
reads as a sentence, never as JSON. `names` comes from `vocabulary.names_for(events)`: one query per
kind of thing named, for a whole page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .vocabulary import ACTION_VALUES, Event, Names, field_label, model_of, named_kind, names_for, value_label

K = TypeVar("K")

# ---------------------------------------------------------------------------------------------------
# The table

Context = dict[str, Any]
Choice = Promise | Callable[[Context], str | Promise]
Sentence = Choice | Mapping[str, Choice]


def _registration(ctx: Context) -> Promise:
    # "complaint.register" is written by the registration (status None → received) and by the
    # workflow's `register` transition (awaiting information → registered).
    if ctx.get("before_code") is None:
        return _("Complaint %(ref)s registered (%(channel)s)")
    return _("Complaint %(ref)s: status %(before)s → %(after)s (identified and complete)")


def _routed(ctx: Context) -> Promise:
    # Routing (issue 14) moved the complaint to another department, or only handed it to a pool's handler.
    if ctx.get("department"):
        return _("Complaint %(ref)s routed to %(department)s by the rule %(rule)s")
    return _("Complaint %(ref)s handed to %(assignee)s by the routing rule %(rule)s")


def _flag(ctx: Context) -> Promise:
    if ctx.get("note"):
        return _("Complaint %(ref)s flagged for a person: %(note)s")
    return _("Complaint %(ref)s: flag cleared")


def _record_viewed(ctx: Context) -> Promise:
    if ctx.get("call"):
        return _("%(customer)s's record viewed by %(who)s (call %(call)s)")
    return _("%(customer)s's record viewed by %(who)s")


def _search(ctx: Context) -> str:
    count = int(ctx.get("count") or 0)
    return ngettext(
        "Customer search by %(who)s showed %(count)s record",
        "Customer search by %(who)s showed %(count)s records",
        count,
    )


def _identified(ctx: Context) -> Promise:
    if ctx.get("new_customer"):
        return _("Call %(ref)s: a new customer record made for the caller, %(customer)s")
    return _("Call %(ref)s: caller identified as %(customer)s (by %(items)s)")


def _minutes_drawn_up(ctx: Context) -> Promise:
    if ctx.get("corrects"):
        return _("Minutes of complaint %(complaint)s corrected: version %(version)s drawn up")
    return _("Minutes of complaint %(complaint)s drawn up")


def _role_given(ctx: Context) -> Promise:
    if ctx.get("new_account"):
        return _("Account made for %(person)s, with the role %(role)s")
    return _("%(person)s given the role %(role)s")


def _batch_closed(ctx: Context) -> str:
    return ngettext(
        "Print batch %(ref)s closed and made into one PDF: %(letters)s letter; pages: %(pages)s",
        "Print batch %(ref)s closed and made into one PDF: %(letters)s letters; pages: %(pages)s",
        int(ctx.get("letters") or 0),
    )


def _batch_posted(ctx: Context) -> str:
    return ngettext(
        "Print batch %(ref)s posted on %(posted_on)s (%(letters)s letter)",
        "Print batch %(ref)s posted on %(posted_on)s (%(letters)s letters)",
        int(ctx.get("letters") or 0),
    )


def _subject_export_downloaded(ctx: Context) -> Promise:
    if ctx.get("customer"):
        return _("Everything held about %(customer)s downloaded by %(who)s (data-subject export)")
    return _("%(object)s downloaded by %(who)s: everything held about an online account")


_PERSONAL_DATA_SEEN = _("Personal data (%(object)s) seen by %(who)s")

WORDING: dict[str, Sentence] = {
    # A complaint's life. Transitions (workflow.TRANSITIONS) are written as "complaint.<transition>".
    "complaint.register": _registration,
    "complaint.request_info": _(
        "Complaint %(ref)s: status %(before)s → %(after)s (information asked from the customer)"
    ),
    "complaint.resume": _("Complaint %(ref)s: status %(before)s → %(after)s (the information asked for arrived)"),
    "complaint.assign": _("Complaint %(ref)s: status %(before)s → %(after)s, assigned to %(assignee)s"),
    "complaint.start_investigation": _("Complaint %(ref)s: status %(before)s → %(after)s"),
    "complaint.answer": _("Complaint %(ref)s: status %(before)s → %(after)s"),
    "complaint.close": _("Complaint %(ref)s: status %(before)s → %(after)s"),
    "complaint.resolve_on_spot": _("Complaint %(ref)s: status %(before)s → %(after)s (answered on the spot)"),
    "complaint.refuse_by_phone": _(
        "Complaint %(ref)s: status %(before)s → %(after)s (not a phone matter: the caller was told where it is settled)"
    ),
    "complaint.reopen": _("Complaint %(ref)s: status %(before)s → %(after)s (the customer disputes the answer)"),
    "complaint.escalate": _("Complaint %(ref)s: status %(before)s → %(after)s (escalated to a supervisor)"),
    "complaint.redirect": _("Complaint %(ref)s: status %(before)s → %(after)s (not a complaint: redirected)"),
    "complaint.update": _("Complaint %(ref)s changed: %(fields)s"),
    "complaint.route": _routed,
    "complaint.note": _("Internal note added to complaint %(ref)s"),
    "complaint.message_in": _("Message from the customer added to complaint %(ref)s"),
    "complaint.message_out": _("Message to the customer on complaint %(ref)s"),
    "complaint.attach": _("File %(file)s attached to complaint %(ref)s"),
    "complaint.flag": _flag,
    "complaint.recording_request": _("Complaint %(ref)s: the customer asked for a copy of the call recording"),
    # Deadlines: a person's actions, then the deadline watch ("deadline.<policy on_miss>").
    "complaint.acknowledge": _("Complaint %(ref)s: receipt acknowledged to the customer"),
    "complaint.progress": _("Complaint %(ref)s: progress update sent to the customer"),
    "complaint.extend": _("Complaint %(ref)s: answer date extended by %(days)s days, %(before_date)s → %(after_date)s"),
    "complaint.reschedule": _("Complaint %(ref)s: new target date, %(before_date)s → %(after_date)s"),
    "deadline.due_soon": _("Complaint %(ref)s: reminder, the %(step)s is due on %(due)s"),
    "deadline.breach": _("Complaint %(ref)s missed its %(step)s deadline (%(due)s); the supervisors were told"),
    "deadline.deemed_accepted": _("Complaint %(ref)s was not answered by %(due)s: by law it is deemed accepted"),
    "deadline.reschedule": _("Complaint %(ref)s missed its target date (%(due)s): the customer must get a new date"),
    # Personal data seen ("personal_data.<what>", audit_personal_data), by the kind of thing seen.
    "personal_data.view": {
        "customer": _record_viewed,
        "complaint": _("Complaint %(ref)s viewed by %(who)s"),
        "minutes": _("Minutes of complaint %(complaint)s viewed by %(who)s"),
        "": _PERSONAL_DATA_SEEN,
    },
    "personal_data.search": {"customer": _search, "": _PERSONAL_DATA_SEEN},
    "personal_data.download": {
        "attachment": _("File %(file)s of complaint %(complaint)s downloaded by %(who)s"),
        "representative": _("Power of attorney of %(customer)s's representative downloaded by %(who)s"),
        "inbound_message": _("Original e-mail %(object)s downloaded by %(who)s"),
        "complaint": _("Receipt of complaint %(ref)s downloaded by %(who)s"),
        "minutes": _("Minutes of complaint %(complaint)s downloaded by %(who)s (PDF)"),
        "scan_batch": _("Scanned post %(file)s downloaded by %(who)s"),
        "print_batch": _("Print batch %(ref)s downloaded by %(who)s (PDF)"),
        "stored_letter": _("Letter of complaint %(complaint)s downloaded by %(who)s (PDF)"),
        "subject_export": _subject_export_downloaded,
        "": _PERSONAL_DATA_SEEN,
    },
    "personal_data.preview": {
        "attachment": _("Preview of file %(file)s of complaint %(complaint)s seen by %(who)s"),
        "": _PERSONAL_DATA_SEEN,
    },
    "personal_data.letter": _("Letter of complaint %(ref)s opened for printing by %(who)s"),
    "personal_data.export": {
        "audit_log": _("Audit log exported by %(who)s"),
        "access_log": _("Personal-data access log exported by %(who)s"),
        "": _PERSONAL_DATA_SEEN,
    },
    # Calls.
    "call.start": _("Call %(ref)s started by %(who)s"),
    "call.notice_given": _("Call %(ref)s: the caller was told that the call is recorded"),
    "call.identified": _identified,
    "call.identification_failed": _("Call %(ref)s: the caller could not be identified (attempt %(attempt)s)"),
    "call.recording_stored": _("Recording of call %(ref)s stored (%(file)s)"),
    "call.recording_linked": _("Recording of call %(ref)s linked from the telephony system"),
    "call.end": _("Call %(ref)s ended"),
    "call.minutes_waived": _(
        "Complaint %(ref)s: the customer agreed that the recording of call %(call)s stands for the minutes"
    ),
    "call.recording_purged": _("Recording of call %(ref)s deleted after its 5 years (kept until %(kept_until)s)"),
    # Customers and consumer accounts.
    "customer.create": _("Customer record of %(customer)s created"),
    "customer.update": _("Customer record of %(customer)s changed: %(fields)s"),
    "customer.link": _("%(customer)s's record linked to the online account %(account)s"),
    "place.create": _("Consumption place %(place)s added to %(customer)s's record"),
    "place.update": _("Consumption place %(place)s of %(customer)s corrected"),
    "meter.add": _("Meter %(meter)s added at consumption place %(place)s of %(customer)s"),
    "meter.update": _("Meter %(meter)s at consumption place %(place)s of %(customer)s corrected"),
    "meter.replace": _("Meter at consumption place %(place)s of %(customer)s replaced: the new one is %(meter)s"),
    "representative.add": _("Representative %(name)s added to %(customer)s's record"),
    "account.signup": _("Online account of %(person)s created on the public site"),
    "account.verify": _("E-mail address of %(person)s's online account confirmed"),
    "account.password_reset": _("Password of %(person)s's online account reset"),
    "account.password_set": _("%(person)s set their password from the invitation link"),
    "account.locked": _("Account of %(person)s locked after wrong passwords; the unlock link was mailed"),
    "account.unlocked": _("%(person)s unlocked their account from the e-mailed link"),
    # Two-step sign-in (issue 16, mfa/): written in the log of each supplier the person holds a role at.
    "mfa.setup": _("%(person)s set up two-step sign-in with an authenticator app"),
    "mfa.verified": _("%(person)s passed the second step of sign-in (a code or a security key)"),
    "mfa.recovery_used": _("%(person)s signed in with a recovery code"),
    "mfa.failed": _("Wrong two-step sign-in code for %(person)s"),
    "mfa.locked": _("Too many wrong two-step sign-in codes for %(person)s: the sign-in was stopped"),
    "mfa.recovery_new": _("%(person)s made new recovery codes; the old ones no longer work"),
    "mfa.reset_own": _("%(person)s removed their authenticator app from two-step sign-in"),
    "mfa.reset": _("Two-step sign-in of %(person)s reset by %(who)s"),
    "mfa.key_added": _("%(person)s added a security key to two-step sign-in"),
    "mfa.key_removed": _("%(person)s removed a security key from two-step sign-in"),
    "mfa.password_failed": _("Wrong password given to change the two-step sign-in of %(person)s"),
    # Appointments at the customer office.
    "appointment.book": _("Appointment for %(visitor)s booked at %(office)s for %(starts_at)s"),
    "appointment.check_in": _("%(visitor)s arrived for the appointment"),
    "appointment.reschedule": _("Appointment for %(visitor)s moved: %(before_time)s → %(after_time)s"),
    "appointment.cancel": _("Appointment for %(visitor)s cancelled"),
    "appointment.office": _("Office %(office)s changed: %(fields)s"),
    # Minutes, post room, e-mail.
    "minutes.create": _minutes_drawn_up,
    "minutes.update": _("Minutes of complaint %(complaint)s edited: %(fields)s"),
    "minutes.sign": _("Minutes of complaint %(complaint)s signed (version %(version)s)"),
    "minutes.copy_sent": _("Copy of the minutes of complaint %(complaint)s e-mailed to %(to)s"),
    "consultation.ask": _("Complaint %(complaint)s: %(party)s consulted, due %(due)s"),
    "consultation.answer": _("Complaint %(complaint)s: consultation of %(party)s answered"),
    "consultation.cancel": _("Complaint %(complaint)s: consultation of %(party)s cancelled"),
    # Supervision: extensions decided by a second person (four eyes), the quality review.
    "extension.request": _("Complaint %(ref)s: an extension of the answer deadline by %(days)s days requested"),
    "extension.approve": _(
        "Complaint %(ref)s: the requested extension by %(days)s days approved, %(before_date)s → %(after_date)s"
    ),
    "extension.refuse": _("Complaint %(ref)s: the requested extension by %(days)s days refused"),
    "quality.sample": _("Answered complaints drawn at random for quality review (%(object)s)"),
    "quality.review": _("Complaint %(complaint)s reviewed for quality by %(who)s"),
    "quality.checklist": _("Quality review checklist changed"),
    "postroom.upload": _("Scanned post %(file)s uploaded (%(pages)s pages)"),
    "postroom.split": _("Scanned post %(file)s split into %(letters)s complaints"),
    "printing.letter_store": _("Complaint %(complaint)s: letter kept as a PDF (%(channel)s)"),
    "printing.batch_open": _("Print batch %(ref)s opened"),
    "printing.batch_close": _batch_closed,
    "printing.batch_dispatch": _batch_posted,
    "inbound.release": _("Held e-mail %(object)s let through by %(who)s"),
    # The supplier's public site and administration.
    "portal.matter": _("Public site: matter %(ref)s changed: %(fields)s"),
    "portal.profile": _("Public site contacts and form changed: %(fields)s"),
    "tenant.create": _("Supplier %(ref)s created"),
    "tenant.onboard": _("Supplier %(ref)s set up by the platform operator; its first administrator was invited"),
    "tenant.configure": _("Settings of %(ref)s changed: %(fields)s"),
    "department.create": _("Department %(name)s created"),
    "membership.set": _role_given,
    "membership.deactivate": _("%(person)s's role removed"),
    "policy.save": _("Deadline policy %(ref)s saved"),
    "api.token_issue": _("API token issued to %(person)s"),
    "remedies.load": _("Remedy bodies of the supplier's country loaded from the presets"),
    "remedies.body_created": _("Remedy body %(name)s added"),
    "remedies.body_changed": _("A remedy body changed: %(fields)s"),
    "answer_template.created": _("Answer template %(name)s added"),
    "answer_template.changed": _("An answer template changed: %(fields)s"),
    # The work instruction library (issue 14): defaults loaded, instructions written, each edit a version.
    "instructions.load": _("Default work instructions of the supplier's sector loaded"),
    "instructions.create": _("Work instruction %(ref)s added"),
    "instructions.version": _("Work instruction %(ref)s: version %(version)s saved"),
    # The org chart (issue 14): jobs, their holders and deputies, the CSV import.
    "orgchart.job_create": _("Org chart: %(object)s created"),
    "orgchart.job_update": _("Org chart: %(object)s changed: %(fields)s"),
    "orgchart.holder_assign": _("Org chart: %(object)s appointed"),
    "orgchart.holder_end": _("Org chart: the term of %(object)s ends"),
    "orgchart.deputy_set": _("Org chart: %(object)s named deputy"),
    "orgchart.deputy_end": _("Org chart: the deputising of %(object)s ends"),
    "orgchart.department_rename": _("Org chart: department renamed to %(name)s"),
    "orgchart.import": _("Org chart imported from the file %(file)s"),
    # Restricted data changes (issue 14): the administrator's matrix of who may change which field, and when.
    "edit_rules.set": _("Who may change what: %(object)s changed"),
    "edit_rules.reset": _("Who may change what: %(object)s back to the default"),
    # The checklist on a case (issue 14): a work instruction's steps on a complaint.
    "checklist.attach": _("Complaint %(complaint)s: checklist of %(instruction)s attached (%(steps)s steps)"),
    "checklist.close": _("Complaint %(complaint)s: %(steps)s open checklist steps closed (%(reason)s)"),
    "checklist.done": _("Complaint %(complaint)s: checklist step %(step)s done"),
    "checklist.not_applicable": _("Complaint %(complaint)s: checklist step %(step)s not applicable"),
    "checklist.choose": _("Complaint %(complaint)s: the checklist follows another instruction"),
    "checklist.reassign": _("Complaint %(complaint)s: checklist step %(step)s handed to someone else"),
    "checklist.override": _("Complaint %(complaint)s: answer allowed with the checklist open by a supervisor"),
    # Routing rules (issue 14): the administrator's rules, in the order they are evaluated.
    "routing.rule_create": _("Routing rule %(name)s added"),
    "routing.rule_update": _("Routing: %(object)s changed: %(fields)s"),
    "routing.rule_delete": _("Routing rule %(name)s deleted"),
    "routing.reorder": _("Routing rules put in a new order"),
    # Data protection (issue 16): subject exports, erasure requests, the retention schedule and its purge.
    "privacy.export_request": _("Export of everything held about a person requested (%(object)s)"),
    "privacy.export_built": _("Data-subject export %(ref)s built"),
    "privacy.erasure": _("%(customer)s erased on request (what the law keeps stays until its day)"),
    "privacy.complaint_erase": _("Complaint %(ref)s anonymised"),
    "privacy.purge": _("Data protection: %(object)s deleted"),
    "privacy.purge_run": _("Retention purge done"),
    "privacy.purge_waiting": _(
        "Nightly purge only counted: retention periods were shortened and wait for a confirmed dry run"
    ),
    "privacy.retention_set": _("Data protection: %(object)s changed"),
}

# The action kinds a reader filters by: a label and the code prefixes it covers.
ACTION_GROUPS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "complaint": (_("Complaints"), ("complaint.", "consultation.", "extension.", "checklist.")),
    "deadline": (_("Deadline watch"), ("deadline.",)),
    "personal_data": (_("Personal data seen"), ("personal_data.",)),
    "call": (_("Calls"), ("call.",)),
    "customer": (_("Customers"), ("customer.", "place.", "meter.", "representative.")),
    "account": (_("Online accounts"), ("account.",)),
    "appointment": (_("Appointments"), ("appointment.",)),
    "minutes": (_("Minutes"), ("minutes.",)),
    "postroom": (_("Post room"), ("postroom.", "printing.")),
    "inbound": (_("E-mail"), ("inbound.",)),
    "quality": (_("Quality review"), ("quality.",)),
    "instructions": (_("Work instructions"), ("instructions.",)),
    "orgchart": (_("Org chart"), ("orgchart.",)),
    "routing": (_("Routing rules"), ("routing.",)),
    "mfa": (_("Two-step sign-in"), ("mfa.",)),
    "privacy": (_("Data protection"), ("privacy.",)),
    "admin": (
        _("Administration"),
        (
            "tenant.",
            "department.",
            "membership.",
            "policy.",
            "api.",
            "portal.",
            "remedies.",
            "answer_template.",
            "edit_rules.",
        ),
    ),
}


# An export records its filters: the action kind by its label.
ACTION_VALUES[("personal_data.export", "action")] = {key: label for key, (label, _prefixes) in ACTION_GROUPS.items()}


def group_of(action: str) -> str | None:
    for key, (_label, prefixes) in ACTION_GROUPS.items():
        if action.startswith(prefixes):
            return key
    return None


_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_LONGEST = 200


def _format(value: object, names: Names, *, object_type: str, key: str, action: str) -> str:
    """One value as a person reads it: a name for an id, a label for a code, a local time for a UTC one."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(_format(v, names, object_type=object_type, key=key, action=action) for v in value)
    if isinstance(value, dict):
        # Settings kept as a structure (a policy's definition, the form's fields): what they hold, briefly.
        return _short("; ".join(f"{k}: {_plain(v)}" for k, v in value.items()))
    named = named_kind(action, key)
    if named is not None:
        name = names.of(named, value)
        if name:
            return name
    label = value_label(object_type, key, value, action)
    if label is not None:
        return label
    text = str(value)
    if _DATETIME.match(text):
        try:
            return names.local(datetime.fromisoformat(text)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return text
    if _DIGEST.match(text):
        return text[:12] + "…"
    return _short(text)


def _plain(value: object) -> str:
    if isinstance(value, dict | list):
        return "…"
    return "—" if value is None else str(value)


def _short(text: str) -> str:
    return text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…"


def _is_pair(key: str, value: object) -> bool:
    # Before/after pairs are lists of two; a few keys hold plain lists (items, meters, letters, shown).
    return isinstance(value, list) and len(value) == 2 and key not in _LIST_KEYS


_LIST_KEYS = frozenset({"items", "with", "shown", "letters", "fields"})


def change_lines(event: Event, names: Names) -> list[tuple[str, str]]:
    """What changed, as (field, "before → after") or (field, value) rows, in the reader's language."""
    changes = event.changes
    if not changes:
        return []
    if not isinstance(changes, dict):
        return [("", _short(_plain(changes)))]
    rows = []
    for key, value in changes.items():
        label = field_label(event.object_type, key, event.action)
        fmt = {"object_type": event.object_type, "key": key, "action": event.action}
        if _is_pair(key, value):
            before, after = value
            if before in (None, "", []) and after in (None, "", []):
                continue  # nothing on either side (a registration with no customer)
            if isinstance(before, dict) and isinstance(after, dict):
                keys = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
                rows.append((label, gettext("changed: %(keys)s") % {"keys": ", ".join(keys) or "—"}))
                continue
            rows.append((label, f"{_format(before, names, **fmt)} → {_format(after, names, **fmt)}"))
        elif key == "fields" and isinstance(value, list):
            rows.append((label, ", ".join(field_label(event.object_type, str(v)) for v in value)))
        else:
            rows.append((label, _format(value, names, **fmt)))
    return rows


# ---------------------------------------------------------------------------------------------------
# Sentences


@dataclass(frozen=True)
class Line:
    """One event in words: the sentence, and what changed."""

    text: str
    details: list[tuple[str, str]]


def _after(value: object) -> object:
    return value[1] if isinstance(value, list) and len(value) == 2 else value


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _context(event: Event, names: Names) -> Context:
    ch: dict[str, Any] = event.changes if isinstance(event.changes, dict) else {}
    kind, oid = event.object_type, event.object_id

    def fmt(key: str, value: object) -> str:
        return _format(value, names, object_type=kind, key=key, action=event.action)

    ctx: Context = {"ref": oid, "who": names.actor(event), "object": object_name(event, names)}
    status = ch.get("status")
    if isinstance(status, list) and len(status) == 2:
        ctx["before_code"] = status[0]
        ctx["before"] = _lower_first(fmt("status", status[0]))
        ctx["after"] = _lower_first(fmt("status", status[1]))
    complaint = ch.get("complaint") or (oid if kind == "complaint" else None)
    if not complaint and kind == "minutes":
        complaint = names.of(kind, oid)
    if complaint:
        ctx["complaint"] = complaint
    number: object = oid if kind == "customer" else None
    if number is None and named_kind(event.action, "customer") == "customer":
        number = _after(ch.get("customer"))
    if number:
        ctx["customer"] = names.of("customer", number) or str(number)
        if "new_customer" in (ch.get("with") or []):
            ctx["new_customer"] = True
    if kind == "user":
        ctx["person"] = names.of("user" if oid.isdigit() else "username", oid) or oid
    if kind in ("appointment",):
        ctx["visitor"] = names.of(kind, oid) or oid
    if kind == "office":
        ctx["office"] = names.of(kind, oid) or oid
    if kind == "scan_batch":
        ctx["file"] = names.of(kind, oid) or oid
    for key in ("call", "recording"):
        if ch.get(key):
            ctx["call"] = ch[key]
    for key in (
        "file",
        "days",
        "attempt",
        "version",
        "to",
        "pages",
        "corrects",
        "new_account",
        "party",
        "posted_on",
        "rule",
    ):
        if ch.get(key) not in (None, ""):
            ctx[key] = ch[key]
    for key in (
        "channel",
        "step",
        "due",
        "kept_until",
        "office",
        "place",
        "account",
        "representative",
        "name",
        "meter",
        "department",
    ):
        if ch.get(key) not in (None, ""):
            ctx[key] = fmt(key, _after(ch[key]))
    if "step" in ctx:
        ctx["step"] = _lower_first(ctx["step"])
    if "assignee" in ch:
        ctx["assignee"] = fmt("assignee", _after(ch["assignee"]))
    if "role" in ch:
        ctx["role"] = _lower_first(fmt("role", _after(ch["role"])))
    if "representative" in ctx:
        ctx["name"] = ctx["representative"]
    if isinstance(ch.get("answer_due"), list) and len(ch["answer_due"]) == 2:
        ctx["before_date"], ctx["after_date"] = (fmt("answer_due", v) for v in ch["answer_due"])
    if isinstance(ch.get("starts_at"), list) and len(ch["starts_at"]) == 2:
        ctx["before_time"], ctx["after_time"] = (fmt("starts_at", v) for v in ch["starts_at"])
        ctx["starts_at"] = ctx["after_time"]
    if "needs_attention" in ch:
        ctx["note"] = _short(str(_after(ch["needs_attention"]) or ""))
    if isinstance(ch.get("shown"), list):
        ctx["count"] = len(ch["shown"])
    if isinstance(ch.get("letters"), list):
        ctx["letters"] = len(ch["letters"])
    if isinstance(ch.get("with") or ch.get("items"), list):
        ctx["items"] = fmt("with", ch.get("with") or ch.get("items"))
    if isinstance(ch.get("fields"), list):
        ctx["fields"] = ", ".join(_lower_first(field_label(kind, str(f))) for f in ch["fields"]) or "—"
    elif "fields" not in ctx:
        keys = [k for k in ch if k not in ("complaint", "version")]
        ctx["fields"] = ", ".join(_lower_first(field_label(kind, k, event.action)) for k in keys) or "—"
    return ctx


def object_name(event: Event, names: Names) -> str:
    """What the event is about, as a person calls it: "complaint HU-2026-000123", "Kovács Anna"."""
    kind, oid = event.object_type, event.object_id
    if kind == "user":
        return names.of("user" if oid.isdigit() else "username", oid) or oid
    name = names.of(kind, oid)
    model = model_of(kind)
    noun = str(model._meta.verbose_name) if model is not None else kind.replace("_", " ")
    if name:
        return f"{noun} {name}" if kind not in ("customer", "appointment") else name
    return f"{noun} {oid}".strip()


def _sentence_for(event: Event) -> Sentence | None:
    wording = WORDING.get(event.action)
    if isinstance(wording, Mapping):
        return wording.get(event.object_type) or wording.get("")
    return wording


def describe(event: Event, names: Names) -> Line:
    """One event in the reader's language (the active translation), with people and things named."""
    details = change_lines(event, names)
    ctx = _context(event, names)
    wording = _sentence_for(event)
    if wording is not None:
        template = wording(ctx) if callable(wording) else wording
        try:
            return Line(str(template) % ctx, details)
        except (KeyError, TypeError, ValueError):
            pass  # a field the sentence needs is missing from this (older) event: the generic line
    return Line(_generic(event, ctx), details)


def _generic(event: Event, ctx: Context) -> str:
    what = capfirst(event.action.replace(".", ": ").replace("_", " "))
    return gettext("%(what)s (%(object)s), by %(who)s") % {"what": what, "object": ctx["object"], "who": ctx["who"]}


def word_changes(
    *, action: str, object_type: str, changes: Mapping[K, Any], zone: tzinfo | None = None
) -> dict[K, list[tuple[str, str]]]:
    """Changes kept outside the log in the same shape (a complaint's timeline entries, written with their
    audit event by `complaint_update`), worded alike: the names they mention looked up once for all."""
    bare = {key: _Bare(action=action, object_type=object_type, changes=c) for key, c in changes.items()}
    names = names_for(bare.values(), zone=zone)
    return {key: change_lines(event, names) for key, event in bare.items()}


@dataclass
class _Bare:
    """Changes without an event around them (a timeline entry's)."""

    action: str
    object_type: str
    changes: Any
    object_id: str = ""
    actor_id: int | None = None
    actor_label: str = ""
    actor_role: str = ""
