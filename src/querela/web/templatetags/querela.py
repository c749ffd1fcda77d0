"""Display names for codes stored in rows (statuses, roles, automatic authors), in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.complaints.workflow import Status
from querela.tenants.access import can
from querela.tenants.roles import Role

register = template.Library()

# Timeline authors that are not people: the labels the intake, the sweep and automatic replies write.
_AUTOMATIC_AUTHORS = {
    "system": gettext_lazy("Querela (automatic)"),
    "e-mail": gettext_lazy("E-mail intake"),
    "deadline sweep": gettext_lazy("Deadline watch"),
    "message wall": gettext_lazy("Online message wall"),
}


@register.filter
def may(actor: object, action: str) -> bool:
    """`{% if actor|may:"complaint.list" %}`: what a page shows follows the permission table, never a
    comparison with a role name."""
    return actor is not None and can(actor, action)  # type: ignore[arg-type]


@register.filter
def status_label(code: str) -> str:
    try:
        return str(Status(code).label)
    except ValueError:
        return code


@register.filter
def role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code


@register.filter
def author_name(label: str) -> str:
    return str(_AUTOMATIC_AUTHORS.get(label, label or _("unknown")))


@register.filter
def timeline_changes(entries: Any) -> dict[int, list[tuple[str, str]]]:
    """`{% with changed=timeline|timeline_changes %}`: the field changes some entries carry (an edit of
    the classification or the customer), worded as the audit log words them, names looked up once."""
    from django.utils import timezone

    from querela.audit.wording import word_changes

    changed = {
        e.pk: e.data["changes"]
        for e in entries
        if isinstance(e.data, dict) and isinstance(e.data.get("changes"), dict) and e.data["changes"]
    }
    if not changed:
        return {}
    return word_changes(
        action="complaint.update", object_type="complaint", changes=changed, zone=timezone.get_current_timezone()
    )


@register.filter
def get_item(mapping: object, key: object) -> object:
    """`{{ days|get_item:day }}`: a dict's value by a key from the context (a date, an id)."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def consumer_stage(complaint: Any) -> str:
    """The status as the complainant reads it ("Waiting for your reply"), never the office's word."""
    from querela.portal.selectors import stage_for

    return stage_for(complaint)[0]
