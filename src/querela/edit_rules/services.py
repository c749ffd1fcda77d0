"""Enforcing the matrix, and the administrator's changes to it.

`check_changes` is what every service that changes a record after registration calls with the fields that
actually change (complaints, customers, places, meters): an original is refused for everyone, a field the
person's role may not change now is refused with a sentence they can act on. It narrows the permission
table (the caller's `require` still runs first), never widens it: a job's row lets the job's holders and
deputies of the day change a field in addition to what their role allows, within that permission.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core.errors import NotFound, PermissionDenied, ValidationFailed
from querela.orgchart.models import Job
from querela.orgchart.selectors import jobs_of
from querela.tenants.access import Actor, require
from querela.tenants.permissions import roles_for
from querela.tenants.roles import Role

from .catalogue import (
    AFTER_ASSIGNMENT,
    ASSIGNED_OBJECTS,
    ASSIGNEE,
    BASE_PERMISSION,
    OBJECTS,
    OWN,
    is_editable,
    is_original,
    whens_for,
)
from .decide import why_not
from .defaults import default_when
from .labels import OBJECT_LABELS, ORIGINAL_REFUSALS, field_label
from .models import FieldRule


class ChangeRefused(PermissionDenied):
    """A field the person may not change (now): `field` names it, so a form can say so beside it."""

    code = "change_refused"

    def __init__(self, message: str, *, field: str, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


def check_changes(actor: Actor, object_type: str, fields: Iterable[str], *, assignee_id: int | None = None) -> None:
    """Refuse the change unless the actor may change every one of these fields of the object now.

    `fields`: the names that change (a dict's keys will do); `assignee_id`: the complaint's assignee, for
    complaints and their messages. An original is refused first, whoever asks (code ``original``); a field
    nobody may ever change here is a `ValidationFailed`; a cell that does not allow it, a `ChangeRefused`."""
    names = list(fields)
    for name in names:
        if is_original(object_type, name):
            raise ChangeRefused(str(ORIGINAL_REFUSALS[(object_type, name)]), field=name, code="original")
    unknown = sorted(n for n in names if not is_editable(object_type, n))
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    refused = _refusals(actor, object_type, names, assignee_id)
    if refused:
        name = next(n for n in names if n in refused)
        raise ChangeRefused(refused[name], field=name)


def locked_fields(
    actor: Actor, object_type: str, fields: Iterable[str], *, assignee_id: int | None = None
) -> dict[str, str]:
    """The fields among these the actor may not change now, each with the reason (for a form to show them
    read-only with it)."""
    names = list(fields)
    out = {n: str(ORIGINAL_REFUSALS[(object_type, n)]) for n in names if is_original(object_type, n)}
    return out | _refusals(actor, object_type, [n for n in names if is_editable(object_type, n)], assignee_id)


def _refusals(actor: Actor, object_type: str, names: list[str], assignee_id: int | None) -> dict[str, str]:
    if not names:
        return {}
    assigned = object_type in ASSIGNED_OBJECTS and assignee_id is not None
    is_assignee = assigned and actor.user_id is not None and assignee_id == actor.user_id
    rows = list(
        FieldRule.objects.filter(object_type=object_type, field__in=names).values("field", "role", "job_id", "when")
    )
    own_cells = {r["field"]: r["when"] for r in rows if r["role"] and r["role"] == actor.role}
    held: set[int] | None = None
    refused: dict[str, str] = {}
    for name in names:
        when = own_cells.get(name) or default_when(object_type, name, actor.role)
        why = why_not(when, assigned=assigned, is_assignee=is_assignee)
        if not why:
            continue
        by_job = [r for r in rows if r["job_id"] is not None and r["field"] == name]
        if by_job:
            if held is None:  # the jobs the person holds or stands in for today: read once, only when needed
                held = {h.job.pk for h in jobs_of(actor.user_id)} if actor.user_id is not None else set()
            if any(
                r["job_id"] in held and not why_not(r["when"], assigned=assigned, is_assignee=is_assignee)
                for r in by_job
            ):
                continue
        refused[name] = refusal(actor.role, object_type, name, when, why, assignee_id=assignee_id)
    return refused


def refusal(role: str, object_type: str, field: str, when: str, why: str, *, assignee_id: int | None = None) -> str:
    """The sentence that says why a role may not change a field now."""
    labels = dict(Role.choices)
    who = str(labels.get(role, role))
    values = {"role": who[:1].lower() + who[1:], "field": field_label(object_type, field)}
    if why in ("assigned", "other_assignee"):
        values["name"] = _person(assignee_id)
    if why == "assigned":
        return (
            _("A %(role)s may change the %(field)s only until the complaint is assigned; it is assigned to %(name)s.")
            % values
        )
    if why == "other_assignee" and when == OWN:
        return (
            _(
                "A %(role)s may change the %(field)s only until the complaint is assigned, then only as its "
                "assignee; it is assigned to %(name)s."
            )
            % values
        )
    if why == "other_assignee" and when == ASSIGNEE:
        return _("Only the complaint's assignee may change the %(field)s; it is assigned to %(name)s.") % values
    if why == "not_assigned" and when == ASSIGNEE:
        return _("Only the complaint's assignee may change the %(field)s, and nobody is assigned yet.") % values
    if why == "not_assigned" and when == AFTER_ASSIGNMENT:
        return _("A %(role)s may change the %(field)s only once the complaint is assigned.") % values
    return _("A %(role)s may not change the %(field)s.") % values


def _person(user_id: int | None) -> str:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        return _("someone else")
    return str(user.get_full_name() or user.get_username())


# ---------------------------------------------------------------------------------------------------
# The administrator's matrix


def roles_of(object_type: str) -> list[str]:
    """The roles whose cells mean something for the object: those the permission table lets change it."""
    allowed = roles_for(BASE_PERMISSION[object_type])
    return [r for r in Role.values if r in allowed and r not in (Role.CONSUMER, Role.PLATFORM_OPERATOR)]


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationFailed(_("Say why the rule changes."), code="reason_required")
    return text[:500]


def _cell(object_type: str, field: str) -> None:
    if object_type not in OBJECTS:
        raise ValidationFailed(_("Unknown kind of record."), code="unknown_object")
    if is_original(object_type, field):
        raise ValidationFailed(
            _("%(field)s is an original, kept as received: nobody may change it.")
            % {"field": field_label(object_type, field)[:1].upper() + field_label(object_type, field)[1:]},
            code="original",
        )
    if not is_editable(object_type, field):
        raise ValidationFailed(_("Unknown field."), code="unknown_field")


def _who(rule: FieldRule) -> dict[str, Any]:
    return {"role": rule.role} if rule.role else {"job": str(rule.job)}


def rule_set(
    *,
    actor: Actor,
    object_type: str,
    field: str,
    when: str,
    reason: str,
    role: str = "",
    job_id: int | None = None,
) -> FieldRule | None:
    """Set one cell for the tenant: a role's "when" instead of the default, or a job's row. Audited with the
    "when" before and after and the reason. A role's cell set back to its default drops the tenant's row
    (None is returned); setting what is already there changes nothing."""
    require(actor, "edit_rules.manage")
    _cell(object_type, field)
    if bool(role) == (job_id is not None):
        raise ValidationFailed(_("Choose a role or a job."), code="role_or_job")
    if role and role not in roles_of(object_type):
        raise ValidationFailed(
            _(
                "The permission table does not let this role change %(object)s records at all: "
                "the matrix only says when, within it."
            )
            % {"object": str(OBJECT_LABELS[object_type]).lower()},
            code="role_not_allowed",
        )
    if when not in whens_for(object_type):
        raise ValidationFailed(_("This choice does not apply to this kind of record."), code="unknown_when")
    why = _reason(reason)
    job = None
    if job_id is not None:
        job = Job.objects.filter(pk=job_id, is_active=True).first()
        if job is None:
            raise ValidationFailed(_("No such job in the org chart."), code="unknown_job")
    with transaction.atomic():
        rule = (
            FieldRule.objects.select_for_update(of=("self",))
            .select_related("job")
            .filter(object_type=object_type, field=field, role=role, job=job)
            .first()
        )
        default = default_when(object_type, field, role) if role else None
        before = rule.when if rule is not None else default
        if when == before:
            return rule
        if rule is not None and when == default:
            rule.delete()
            rule = None
        elif rule is not None:
            rule.when, rule.reason, rule.changed_by = when, why, actor.user
            rule.save()
        else:
            try:
                with transaction.atomic():
                    rule = FieldRule.objects.create(
                        object_type=object_type,
                        field=field,
                        role=role,
                        job=job,
                        when=when,
                        reason=why,
                        changed_by=actor.user,
                    )
            except IntegrityError as exc:
                raise ValidationFailed(_("Someone changed this rule meanwhile: look again."), code="conflict") from exc
        audit_record(
            actor=actor,
            action="edit_rules.set",
            object_type="field_rule",
            object_id=f"{object_type}.{field}",
            changes={**({"role": role} if role else {"job": str(job)}), "when": [before, when], "reason": why},
        )
    return rule


def rule_reset(*, actor: Actor, rule_id: int, reason: str) -> None:
    """Drop one of the tenant's cells: a role's goes back to the default, a job's row is removed. Audited."""
    require(actor, "edit_rules.manage")
    why = _reason(reason)
    with transaction.atomic():
        rule = FieldRule.objects.select_for_update(of=("self",)).select_related("job").filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(_("This rule is no longer there."))
        after = default_when(rule.object_type, rule.field, rule.role) if rule.role else None
        changes = {**_who(rule), "when": [rule.when, after], "reason": why}
        key = f"{rule.object_type}.{rule.field}"
        rule.delete()
        audit_record(actor=actor, action="edit_rules.reset", object_type="field_rule", object_id=key, changes=changes)
