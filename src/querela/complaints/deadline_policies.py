"""Which deadline policy and business calendar a tenant's complaint is counted under (presets and the
tenant's own saved versions)."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.deadlines import engine
from querela.deadlines.calendar import BusinessCalendar
from querela.deadlines.policies import PRESETS, Policy
from querela.tenants.access import Actor, require
from querela.tenants.models import Tenant

from .models import DeadlinePolicy


def policy_for(tenant: Tenant, name: str, version: int | None = None) -> tuple[Policy, int]:
    """A policy by name: the tenant's newest version when `version` is None, exactly `version` otherwise.

    Version 0 is the built-in preset; 1, 2, … are the tenant's saved edits. A complaint keeps the
    version it was registered under, so editing a policy never moves an open complaint's deadline.
    """
    qs = DeadlinePolicy.objects.filter(tenant_id=tenant.pk, name=name)
    if version is None:
        row = qs.order_by("-version").first()
    else:
        row = qs.filter(version=version).first() if version else None
    if row is not None:
        return Policy.from_dict(row.definition), row.version
    if name not in PRESETS:
        raise ValidationFailed(_("Unknown deadline policy %(name)s.") % {"name": name})
    return PRESETS[name], 0


def policy_save(*, actor: Actor, name: str, definition: dict[str, Any], new: bool = False) -> DeadlinePolicy:
    """A tenant administrator copies a preset and edits it: each save is a new version."""
    require(actor, "tenant.configure")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", name):
        raise ValidationFailed(_("A policy name is small letters, digits and dashes."), code="invalid_policy")
    definition = {**definition, "name": name}  # the name it is saved under is its name
    if new and (name in PRESETS or DeadlinePolicy.objects.filter(name=name).exists()):
        raise ValidationFailed(
            _("A policy named %(name)s exists already: open it to change it, or choose another name.") % {"name": name},
            code="policy_exists",
        )
    try:
        policy = Policy.from_dict(definition)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="invalid_policy") from exc
    try:
        calendar_for(tenancy.current_tenant(), policy)  # a country without a holiday calendar stops every registration
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="invalid_policy") from exc
    if empty := [name for name, rule in policy.steps() if rule.period < 1]:
        raise ValidationFailed(
            _("A step must give at least one day: %(steps)s.") % {"steps": ", ".join(empty)}, code="invalid_policy"
        )
    with transaction.atomic():
        last = DeadlinePolicy.objects.filter(name=name).order_by("-version").first()
        row = DeadlinePolicy.objects.create(name=name, version=(last.version + 1) if last else 1, definition=definition)
        audit_record(
            actor=actor,
            action="policy.save",
            object_type="policy",
            object_id=f"{name}@{row.version}",
            changes={"definition": [last.definition if last else None, definition]},
        )
    return row


def calendar_for(tenant: Tenant, policy: Policy) -> BusinessCalendar:
    return _calendar(
        policy.country or tenant.country,
        frozenset(date.fromisoformat(d) for d in tenant.closures),
        frozenset(date.fromisoformat(d) for d in tenant.extra_working_days),
    )


@functools.lru_cache(maxsize=256)
def _calendar(country: str, closures: frozenset[date], extra: frozenset[date]) -> BusinessCalendar:
    # Building a year's holidays is the costly part; calendars are immutable, so share them.
    return BusinessCalendar(country, extra_closures=closures, extra_working_days=extra)


def policy_preview(tenant: Tenant, definition: dict[str, Any], received: datetime) -> list[tuple[str, date | None]]:
    """The due date of each step for a complaint received at `received` under a policy not yet saved:
    what an administrator checks before saving (the same engine, calendar and closures as the real thing)."""
    try:
        policy = Policy.from_dict(definition)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(str(exc), code="policy_invalid") from exc
    cal = calendar_for(tenant, policy)
    sched = engine.compute(policy, cal, tenant.time_zone, received, "complaint", [], now=received)
    return [(s.name, s.due) for s in sched.steps]
