"""The audit log's vocabulary: what the apps above register (their objects' fields and names, labels
of their codes), the labels of the log's own bookkeeping keys, and `names_for`, which looks up in one
query per kind whatever a page of events names by id.

The apps above this one own those rows and labels, so they register them at start-up
(`register_object`, `register_names`, `register_values`, from their `AppConfig.ready`), as the
workflow registers its transitions into the permission table: the audit app imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

NameLookup = Callable[[set[str]], Mapping[str, str]]

# What the apps above register (see the module's docstring).
_MODELS: dict[str, list[type[models.Model]]] = {}
_NAMES: dict[str, NameLookup] = {}
_VALUES: dict[str, Mapping[Any, Any]] = {}


def register_object(object_type: str, *model_classes: type[models.Model], names: NameLookup | None = None) -> None:
    """`object_type` as audit events write it: its fields' names and value labels are read from these
    models; `names` maps object ids to what a person calls the object (one query for a set of ids)."""
    known = _MODELS.setdefault(object_type, [])
    known.extend(m for m in model_classes if m not in known)
    if names is not None:
        _NAMES[object_type] = names


def register_names(kind: str, names: NameLookup) -> None:
    """A name lookup for ids that appear in the changes rather than as the event's object."""
    _NAMES[kind] = names


def register_values(key: str, labels: Mapping[Any, Any]) -> None:
    """Labels of codes that are no model field's choices (deadline steps, extension reasons, roles)."""
    _VALUES[key] = labels


class Event(Protocol):
    """What wording reads of an `AuditEvent` (tests pass lighter objects)."""

    actor_id: int | None
    actor_label: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    changes: Any


# Who acted when it was no person: the labels `system_actor` is given.
AUTOMATIC: dict[str, Promise] = {
    "system": _("Querela (automatic)"),
    "e-mail": _("e-mail intake"),
    "deadline sweep": _("the deadline watch"),
    "message wall link": _("a message wall link"),
    "tracking link": _("a tracking link"),
    "public site": _("the public site"),
    "web form": _("the web form"),
    "command line": _("the command line"),
}

# Names of keys in `changes` that are no model field of the object.
KEY_LABELS: dict[str, Promise] = {
    "account": _("online account"),
    "added": _("added"),
    "administrator": _("first administrator"),
    "answer_due": _("answer date"),
    "assignee": _("assignee"),
    "attachments": _("attachments"),
    "attempt": _("attempt"),
    "call": _("call"),
    "complaint": _("complaint"),
    "customer": _("customer"),
    "internal": _("internal notes included"),
    "copy_by": _("the customer's copy"),
    "corrects": _("corrects minutes"),
    "days": _("days"),
    "deemed_accepted": _("deemed accepted"),
    "definition": _("definition"),
    "documents": _("documents"),
    "due": _("due date"),
    "entry": _("timeline entry"),
    "fields": _("fields"),
    "file": _("file"),
    "items": _("items given"),
    "kept_until": _("kept until"),
    "language": _("language"),
    "letters": _("letters"),
    "message_id": _("Message-ID"),
    "meter": _("meter"),
    "meters": _("meters"),
    "new_account": _("new account"),
    "office": _("office"),
    "rows": _("rows"),
    "created": _("created"),
    "updated": _("updated"),
    "stands_in_for": _("stands in for"),
    "pages": _("pages"),
    "polled_mailbox": _("polled mailbox"),
    "place": _("consumption place"),
    "power_of_attorney": _("power of attorney"),
    "query": _("searched for"),
    "reason": _("reason"),
    "recovery_codes_left": _("recovery codes left"),
    "recording": _("call recording"),
    "registered": _("registered with the minutes"),
    "representative": _("representative"),
    "sha256": _("SHA-256"),
    "shown": _("records shown"),
    "size": _("size (bytes)"),
    "steps": _("steps"),
    "starts_at": _("starts at"),
    "step": _("step"),
    "to": _("to"),
    "url": _("address"),
    "valid_until": _("valid until"),
    "version": _("version"),
    "with": _("identified with"),
    # An export's filters.
    "action": _("action kind"),
    "person": _("person"),
    "object": _("object"),
    "since": _("from"),
    "until": _("until"),
}
# A key whose meaning depends on the action.
_ACTION_KEY_LABELS: dict[tuple[str, str], Promise] = {
    ("minutes.sign", "recorder"): _("recorder signed"),
    ("minutes.sign", "customer"): _("customer signed"),
}

_ITEMS = {
    "customer_number": _("customer id"),
    "meter_serial": _("meter serial number"),
    "invoice_number": _("invoice number"),
    "name": _("name"),
    "address": _("address"),
    "phone": _("phone"),
    "email": _("e-mail"),
    "new_customer": _("a new customer record"),
}
_SIGNED = {"drawn": _("signature drawn on screen"), "typed": _("name typed and confirmed")}
VALUE_LABELS: dict[str, Mapping[str, Promise]] = {"with": _ITEMS, "items": _ITEMS}
# Labels of values whose meaning depends on the action (wording.py adds the export's action kinds).
ACTION_VALUES: dict[tuple[str, str], Mapping[str, Any]] = {
    ("minutes.sign", "recorder"): _SIGNED,
    ("minutes.sign", "customer"): _SIGNED,
}

# Keys in `changes` whose values are ids of something with a name: the kind of name to look up.
_NAMED_KEYS = {"assignee": "user", "customer": "customer", "shown": "customer", "department": "department"}
_ACTION_NAMED_KEYS: dict[tuple[str, str], str | None] = {
    ("complaint.update", "customer"): "customer_pk",  # complaint_update keeps the customer's and place's pk
    ("complaint.update", "place"): "place",
    ("minutes.sign", "customer"): None,  # how the customer signed, not who
    ("personal_data.export", "person"): "user",
    ("tenant.onboard", "administrator"): "username",
}


def named_kind(action: str, key: str) -> str | None:
    if (action, key) in _ACTION_NAMED_KEYS:
        return _ACTION_NAMED_KEYS[(action, key)]
    return _NAMED_KEYS.get(key)


# ---------------------------------------------------------------------------------------------------
# Names


@dataclass
class Names:
    """What a set of events names, looked up once: `found[kind][id]` → what a person calls it."""

    found: dict[str, dict[str, str]] = field(default_factory=dict)
    zone: tzinfo | None = None

    def of(self, kind: str, key: object) -> str | None:
        if key is None or key == "":
            return None
        return self.found.get(kind, {}).get(str(key))

    def actor(self, event: Event) -> str:
        """The person by name; an automatic step by what it is."""
        name = self.of("user", event.actor_id)
        if name:
            return name
        if event.actor_id is None and event.actor_label in AUTOMATIC:
            return str(AUTOMATIC[event.actor_label])
        return event.actor_label or str(AUTOMATIC["system"])

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone) if self.zone is not None else moment


def _wanted(event: Event) -> Iterator[tuple[str, str]]:
    if event.actor_id is not None:
        yield "user", str(event.actor_id)
    kind, oid = event.object_type, event.object_id
    if kind == "user":
        yield ("user" if oid.isdigit() else "username"), oid
    elif oid and kind in _NAMES:
        yield kind, oid
    changes = event.changes if isinstance(event.changes, dict) else {}
    for key, value in changes.items():
        named = named_kind(event.action, key)
        if named is not None:
            for v in value if isinstance(value, list) else [value]:
                if v is not None and v != "" and not isinstance(v, dict | list):
                    yield named, str(v)


def names_for(events: Iterable[Event], *, zone: tzinfo | None = None) -> Names:
    """Names for every id the events mention: one query per kind of thing, however many events.

    Runs in the tenant's scope, so the registered lookups (tenant-scoped managers) never name another
    supplier's rows."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        for kind, key in _wanted(event):
            wanted.setdefault(kind, set()).add(key)
    names = Names(zone=zone)
    people = _people(wanted.pop("user", set()), wanted.pop("username", set()))
    names.found.update(people)
    for kind, keys in wanted.items():
        lookup = _NAMES.get(kind)
        if lookup is not None and keys:
            names.found[kind] = {str(k): str(v) for k, v in lookup(keys).items()}
    return names


def _people(ids: set[str], usernames: set[str]) -> dict[str, dict[str, str]]:
    numbers = numeric_ids(ids)
    if not numbers and not usernames:
        return {}
    by_id: dict[str, str] = {}
    by_username: dict[str, str] = {}
    rows = get_user_model().objects.filter(Q(pk__in=numbers) | Q(username__in=usernames))
    for pk, username, first, last in rows.values_list("pk", "username", "first_name", "last_name"):
        name = f"{first} {last}".strip() or username
        by_id[str(pk)] = name
        by_username[username] = name
    return {"user": by_id, "username": by_username}


# ---------------------------------------------------------------------------------------------------
# Labels and values


def field_label(object_type: str, key: str, action: str = "") -> str:
    """A changed field by its verbose name ("reply channel"), a bookkeeping key by its own."""
    if (action, key) in _ACTION_KEY_LABELS:
        return capfirst(str(_ACTION_KEY_LABELS[(action, key)]))
    model_field = _model_field(object_type, key)
    # A field with no verbose name of its own is named by Django after the attribute, in English: a
    # foreign key such as `customer`. Those are named here, in the reader's language.
    named = getattr(model_field, "verbose_name", None)
    if named and (isinstance(named, Promise) or key not in KEY_LABELS):
        return capfirst(str(named))
    if key in KEY_LABELS:
        return capfirst(str(KEY_LABELS[key]))
    return capfirst(key.replace("_", " "))


def model_of(object_type: str) -> type[models.Model] | None:
    known = _MODELS.get(object_type)
    return known[0] if known else None


def _model_field(object_type: str, key: str) -> Any:
    for model in _MODELS.get(object_type, ()):
        try:
            return model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
    return None


def _translated(label: Any) -> str:
    # Lazy labels translate themselves; registered plain strings are message ids marked with gettext_noop.
    return str(label) if isinstance(label, Promise) else gettext(str(label))


def value_label(object_type: str, key: str, value: object, action: str = "") -> str | None:
    """The label of a coded value (a status, a channel, a step), or None when the value is no code."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    code = str(value)
    for labels in (ACTION_VALUES.get((action, key)), VALUE_LABELS.get(key)):
        if labels is not None and code in labels:
            return _translated(labels[code])
    model_field = _model_field(object_type, key)
    if model_field is not None and getattr(model_field, "choices", None):
        choices = dict(model_field.flatchoices)
        if code in choices:
            return _translated(choices[code])
    registered = _VALUES.get(key)
    if registered is not None and code in registered:
        return _translated(registered[code])
    return None


def role_name(code: str) -> str:
    """The role an actor acted in, by its label; an automatic step as such."""
    if code == "system":
        return gettext("automatic")
    labels = _VALUES.get("role", {})
    return _translated(labels[code]) if code in labels else code


def numeric_ids(keys: Iterable[str]) -> list[int]:
    """The keys that are row ids (for a registered name lookup by primary key)."""
    return [int(k) for k in keys if k.isascii() and k.isdigit() and len(k) <= 18]
