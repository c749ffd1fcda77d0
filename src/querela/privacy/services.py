"""Changing the retention schedule (the officer's page). The other writes live in the modules named for
them: `export.py` (subject exports), `erasure.py` (erasure requests), `purge.py` (the retention purge)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import clock
from querela.core.errors import ValidationFailed
from querela.tenants.access import Actor, require

from .models import RetentionRule
from .schedule import SPECS, check_months
from .selectors import retention_months


class ScheduleRefused(ValidationFailed):
    """A proposed schedule the law or the schedule's own rule refuses; `errors` per document type."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("The schedule was not saved: see the periods marked."), code="schedule_refused")
        self.errors = errors


def retention_set(*, actor: Actor, months: dict[str, int], reason: str) -> dict[str, list[int]]:
    """Set the supplier's periods (months per document type); returns what changed, before and after.
    Every change says why, and is audited with its before/after pair."""
    require(actor, "privacy.manage")
    with transaction.atomic():
        current = retention_months()
        proposed = {**{k: current[k] for k in months}, **months}
        errors = check_months({**{k: v for k, v in current.items() if SPECS[k].configurable}, **proposed})
        if errors:
            raise ScheduleRefused(errors)
        changes = {k: [current[k], v] for k, v in proposed.items() if current[k] != v}
        if not changes:
            return {}
        if not reason.strip():
            raise ValidationFailed(_("Say why the periods change."), code="reason_required")
        now = clock.now()
        for kind, (_before, after) in changes.items():
            RetentionRule.objects.update_or_create(
                document_type=kind, defaults={"months": after, "changed_by_id": actor.user_id, "changed_at": now}
            )
            audit_record(
                actor=actor,
                action="privacy.retention_set",
                object_type="retention_rule",
                object_id=kind,
                changes={"months": changes[kind], "reason": reason.strip()[:500]},
            )
    return changes
