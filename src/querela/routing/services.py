"""Routing a complaint by the rules, and keeping the rules.

`route_complaint` runs inside the transaction that registered or reclassified the complaint (the complaint
hooks, `hooks.py`): the first matching rule sets the department; with a handler pool, a registered complaint
nobody investigates gets a handler of the pool, and a reclassified one whose handler is not of the new
department is handed to the pool. At registration the handler is picked once the registration has committed
(`tasks.py`), so that a call or visit settled on the spot in the same transaction is handed to nobody.
No matching rule leaves the complaint as it is. What routing did is written on the timeline and audited.

The rule edits (create, update, delete, reorder) are the tenant administrator's (`routing.manage`), each
audited in its transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints import hooks
from querela.complaints.models import Category, Complaint, EntryType, Kind
from querela.complaints.timeline import add_entry
from querela.complaints.transitions import apply_transition
from querela.complaints.workflow import OPEN_STATUSES, TRANSITIONS_BY_NAME, Status
from querela.core import tenancy
from querela.core.channels import Channel
from querela.core.errors import NotFound, ValidationFailed
from querela.customers.models import ServiceType
from querela.customers.text import fold
from querela.orgchart.models import Job
from querela.orgchart.selectors import holder_user_ids
from querela.tenants.access import Actor, require
from querela.tenants.models import Department, Membership
from querela.tenants.roles import Role

from .matching import Match, Rule, first_match, least_loaded, round_robin
from .models import Pool, RoutingRule
from .selectors import active_rules, facts_of, forget_rules, needs_place, pool_name, reason_of, rule_of, saved_rules

MAX_NAME = 120
MAX_REGION = 120
_ASSIGN_FROM = TRANSITIONS_BY_NAME["assign"].sources
_CASEWORKERS = [Role.HANDLER.value, Role.SUPERVISOR.value]


# ---------------------------------------------------------------------------------------------------
# Routing a complaint


def route_complaint(complaint: Complaint, actor: Actor, *, reclassified: bool, assign: bool = True) -> Match | None:
    """Route `complaint` (locked, or just created, in the caller's transaction) by the tenant's rules.

    `assign`: pick a pool's handler now; otherwise, when the rule's pool has a handler to give, the pick
    is left to a job after commit (a registration). Returns the rule that matched, or None."""
    rules = active_rules()
    if not rules:
        return None
    match = first_match(rules, facts_of(complaint, with_place=needs_place(rules)))
    if match is None:
        return None
    rule = match.rule
    handler_id: int | None = None
    if rule.pool != Pool.NONE and _may_hand_over(complaint, reclassified):
        if assign:
            handler_id = _pick(rule, complaint)
        else:
            hooks.after_commit("routing:assign", complaint.tenant_id, complaint.pk)
    moves = complaint.department_id != rule.department_id
    hands_over = handler_id is not None and handler_id != complaint.assignee_id
    if not moves and not hands_over:
        return match
    _record(complaint, actor, match, moves=moves, handler_id=handler_id if hands_over else None, again=reclassified)
    if hands_over:
        # The transition writes the assignee and the department, with its own timeline entry and audit.
        apply_transition(complaint, actor, "assign", text="", assignee_id=handler_id, department_id=rule.department_id)
    else:
        complaint.department_id = rule.department_id
        complaint.save(update_fields=["department", "updated_at"])
    return match


def _may_hand_over(complaint: Complaint, reclassified: bool) -> bool:
    if complaint.status == Status.REGISTERED and complaint.assignee_id is None:
        return True
    return reclassified and complaint.assignee_id is not None and complaint.status in _ASSIGN_FROM


def pool_members(rule: Rule) -> list[int]:
    """Who a rule's pool hands complaints to: the people acting for its job today (holders and deputies)
    who are caseworkers, or else its department's active handlers."""
    if rule.pool_job_id:
        code = Job.objects.filter(pk=rule.pool_job_id).values_list("code", flat=True).first()
        acting = holder_user_ids(code) if code else []
        if not acting:
            return []
        people = Membership.objects.filter(user_id__in=acting, is_active=True, role__in=_CASEWORKERS)
    else:
        people = Membership.objects.filter(role=Role.HANDLER, department_id=rule.department_id, is_active=True)
    return sorted(set(people.values_list("user_id", flat=True)))


def _pick(rule: Rule, complaint: Complaint) -> int | None:
    """The pool's handler for the complaint, the rule's turn moved on under its row lock; None when the pool
    is empty, or the complaint's handler already belongs (to the pool or to the department)."""
    members = pool_members(rule)
    current = complaint.assignee_id
    if current is not None and (
        current in members
        or Membership.objects.filter(user_id=current, is_active=True, department_id=rule.department_id).exists()
    ):
        return None
    if not members:
        return None
    locked = list(RoutingRule.objects.select_for_update().filter(pk=rule.id).values_list("cursor", flat=True))
    if not locked:  # the rule was deleted since the set was read
        return None
    cursor = locked[0]
    if rule.pool == Pool.LEAST_LOADED:
        loads = dict(
            Complaint.objects.filter(assignee_id__in=members, status__in=OPEN_STATUSES)
            .values("assignee_id")
            .annotate(n=Count("pk"))
            .values_list("assignee_id", "n")
        )
        chosen = least_loaded(members, loads, cursor)
    else:
        chosen = round_robin(members, cursor)
    if chosen is not None:
        RoutingRule.objects.filter(pk=rule.id).update(cursor=chosen)
    return chosen


def _record(
    complaint: Complaint, actor: Actor, match: Match, *, moves: bool, handler_id: int | None, again: bool
) -> None:
    rule = match.rule
    department = rule.department_name  # from the cached rule set: no read while a registration holds its number
    person = get_user_model().objects.filter(pk=handler_id).first() if handler_id is not None else None
    # Written in the supplier's language, as the deadline watch writes its entries.
    with translation.override(tenancy.current_tenant().default_language):
        words = {"department": department, "rule": rule.name, "reason": reason_of(match), "pool": pool_name(rule.pool)}
        if handler_id is not None:
            words["person"] = (person.get_full_name() or person.username) if person is not None else str(handler_id)
        if moves and handler_id is not None:
            body = _(
                "Routed to %(department)s by the rule “%(rule)s” (%(reason)s) and handed to %(person)s (%(pool)s)."
            )
        elif moves and again:
            body = _("Re-routed to %(department)s by the rule “%(rule)s” (%(reason)s).")
        elif moves:
            body = _("Routed to %(department)s by the rule “%(rule)s” (%(reason)s).")
        else:
            body = _("Handed to %(person)s from the pool of the rule “%(rule)s” (%(pool)s).")
        body = body % words
    routing: dict[str, Any] = {
        "rule": rule.id,
        "rule_name": rule.name,
        "department": rule.department_id,
        "because": [list(c) for c in match.because],
        "reclassified": again,
    }
    if handler_id is not None:
        routing.update(assignee=handler_id, pool=rule.pool)
    add_entry(complaint, actor, EntryType.SYSTEM, body, routing=routing)
    changes: dict[str, Any] = {"rule": rule.name, "because": match.reason}
    if moves:
        changes["department"] = [complaint.department_id, rule.department_id]
    if handler_id is not None:
        changes["assignee"] = [complaint.assignee_id, handler_id]
    audit_record(
        actor=actor, action="complaint.route", object_type="complaint", object_id=complaint.reference, changes=changes
    )


# ---------------------------------------------------------------------------------------------------
# Keeping the rules

EDITABLE = (
    "name",
    "category",
    "kind",
    "channel",
    "service_type",
    "region",
    "department_id",
    "pool",
    "pool_job_id",
    "is_active",
)


def _choice(values: Mapping[str, Any], name: str, allowed: Sequence[str], what: str) -> str:
    value = str(values.get(name) or "").strip()
    if value and value not in allowed:
        raise ValidationFailed(_("Unknown %(what)s: %(value)s.") % {"what": what, "value": value}, code=name)
    return value


def rule_clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """A rule's fields checked and tidied; every refusal says why."""
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        raise ValidationFailed(_("Give the rule a name."), code="name")
    if len(name) > MAX_NAME:
        raise ValidationFailed(_("The name is longer than %(limit)s characters.") % {"limit": MAX_NAME}, code="name")
    region = " ".join(str(values.get("region") or "").split())
    if len(region) > MAX_REGION:
        raise ValidationFailed(
            _("The region is longer than %(limit)s characters.") % {"limit": MAX_REGION}, code="region"
        )
    if region and not fold(region):
        raise ValidationFailed(_("Write the region with letters or digits."), code="region")
    department_id = values.get("department_id")
    if not department_id or not Department.objects.filter(pk=department_id).exists():
        raise ValidationFailed(_("Choose the department complaints go to."), code="department")
    pool = str(values.get("pool") or Pool.NONE)
    if pool not in Pool.values:
        raise ValidationFailed(_("Unknown handler pool."), code="pool")
    pool_job_id = values.get("pool_job_id") or None
    if pool == Pool.NONE and pool_job_id is not None:
        raise ValidationFailed(
            _("A pool from the org chart hands complaints out: choose round robin or least loaded."), code="pool_job"
        )
    if pool == Pool.NONE:
        pool_job_id = None
    elif pool_job_id is not None and not Job.objects.filter(pk=pool_job_id, is_active=True).exists():
        raise ValidationFailed(_("Choose a job of the org chart that is switched on."), code="pool_job")
    return {
        "name": name,
        "category": _choice(values, "category", Category.values, _("category")),
        "kind": _choice(values, "kind", Kind.values, _("kind")),
        "channel": _choice(values, "channel", Channel.values, _("channel")),
        "service_type": _choice(values, "service_type", ServiceType.values, _("service")),
        "region": region,
        "department_id": int(department_id),
        "pool": pool,
        "pool_job_id": int(pool_job_id) if pool_job_id else None,
        "is_active": bool(values.get("is_active", True)),
    }


def _row(rule: RoutingRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in EDITABLE}


def _audit_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """As the audit keeps them: the department by its id (named when read), the job by its title."""
    out = {("department" if k == "department_id" else k): v for k, v in data.items() if k != "pool_job_id"}
    job_id = data.get("pool_job_id")
    out["pool_job"] = Job.objects.filter(pk=job_id).values_list("title", flat=True).first() if job_id else None
    return out


def _open_locked(rule_id: int) -> RoutingRule:
    rule = RoutingRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No such routing rule."))
    return rule


def rule_create(*, actor: Actor, values: Mapping[str, Any], before_id: int | None = None) -> RoutingRule:
    """A new rule, evaluated after the existing ones, or just before the rule `before_id` (a narrower rule
    must come before the broad one that would otherwise catch its complaints)."""
    require(actor, "routing.manage")
    data = rule_clean(values)
    with transaction.atomic():
        if before_id is not None:
            before = _open_locked(before_id)
            rules = list(RoutingRule.objects.select_for_update().filter(position__gte=before.position))
            for r in rules:
                r.position += 1
            RoutingRule.objects.bulk_update(rules, ["position"])
            position = before.position
        else:
            position = (RoutingRule.objects.aggregate(last=Max("position"))["last"] or 0) + 1
        rule = RoutingRule.objects.create(position=position, **data)
        audit_record(
            actor=actor,
            action="routing.rule_create",
            object_type="routing_rule",
            object_id=rule.pk,
            changes={k: [None, v] for k, v in _audit_values(data).items() if v not in (None, "")},
        )
    return rule


def rule_update(*, actor: Actor, rule_id: int, values: Mapping[str, Any]) -> RoutingRule:
    """Change a rule: the fields given (the others stay as they are)."""
    require(actor, "routing.manage")
    with transaction.atomic():
        rule = _open_locked(rule_id)
        before = _row(rule)
        data = rule_clean({**before, **values})
        old, new = _audit_values(before), _audit_values(data)
        changes = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
        if not changes:
            return rule
        for name, value in data.items():
            setattr(rule, name, value)
        rule.save()
        audit_record(
            actor=actor, action="routing.rule_update", object_type="routing_rule", object_id=rule.pk, changes=changes
        )
    return rule


def rule_switch(*, actor: Actor, rule_id: int, on: bool) -> RoutingRule:
    return rule_update(actor=actor, rule_id=rule_id, values={"is_active": on})


def rule_delete(*, actor: Actor, rule_id: int) -> None:
    require(actor, "routing.manage")
    with transaction.atomic():
        rule = _open_locked(rule_id)
        name, pk = rule.name, rule.pk
        rule.delete()
        audit_record(
            actor=actor,
            action="routing.rule_delete",
            object_type="routing_rule",
            object_id=pk,
            changes={"name": name},
        )


def rules_reorder(*, actor: Actor, rule_ids: Sequence[int]) -> None:
    """Put the rules in this order (every rule once): the first is evaluated first."""
    require(actor, "routing.manage")
    with transaction.atomic():
        rules = list(RoutingRule.objects.select_for_update().order_by("position", "pk"))
        before = [r.pk for r in rules]
        wanted = [int(pk) for pk in rule_ids]
        if sorted(wanted) != sorted(before):
            raise ValidationFailed(_("The rules changed meanwhile: reload the page and try again."), code="stale")
        if wanted == before and [r.position for r in rules] == list(range(1, len(rules) + 1)):
            return
        by_pk = {r.pk: r for r in rules}
        for position, pk in enumerate(wanted, start=1):
            by_pk[pk].position = position
        RoutingRule.objects.bulk_update(rules, ["position"])
        forget_rules(tenancy.current_tenant().pk)  # bulk_update sends no signal
        audit_record(
            actor=actor,
            action="routing.reorder",
            object_type="routing_rule",
            object_id="",
            changes={"order": [[by_pk[pk].name for pk in before], [by_pk[pk].name for pk in wanted]]},
        )


def rule_move(*, actor: Actor, rule_id: int, up: bool) -> None:
    """One place earlier (`up`) or later in the evaluation order."""
    order = list(RoutingRule.objects.order_by("position", "pk").values_list("pk", flat=True))
    if rule_id not in order:
        raise NotFound(_("No such routing rule."))
    i = order.index(rule_id)
    j = i - 1 if up else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    rules_reorder(actor=actor, rule_ids=order)


def rules_preview(
    *, actor: Actor, rule_id: int | None, values: Mapping[str, Any], before_id: int | None = None
) -> list[Rule]:
    """The rule set as it would be with this rule saved (a new one goes last, or before `before_id`): for a
    dry run of an edit, nothing written."""
    require(actor, "routing.manage")
    base: dict[str, Any] = {}
    if rule_id is not None:
        found = RoutingRule.objects.filter(pk=rule_id).first()
        if found is None:
            raise NotFound(_("No such routing rule."))
        base = _row(found)
    data = rule_clean({**base, **values})
    rows = list(RoutingRule.objects.order_by("position", "pk").values_list("pk", "is_active"))
    edited = rule_of(
        (
            rule_id or 0,
            data["name"],
            data["department_id"],
            data["category"],
            data["kind"],
            data["channel"],
            data["service_type"],
            data["region"],
            data["pool"],
            data["pool_job_id"],
            Department.objects.filter(pk=data["department_id"]).values_list("name", flat=True).first() or "",
        )
    )
    saved = {r.id: r for r in saved_rules()}
    out = []
    for pk, is_active in rows:
        if rule_id is None and pk == before_id and data["is_active"]:
            out.append(edited)
        if pk == rule_id:
            if data["is_active"]:
                out.append(edited)
        elif is_active and pk in saved:
            out.append(saved[pk])
    if rule_id is None and data["is_active"] and not any(r is edited for r in out):
        out.append(edited)
    return out
