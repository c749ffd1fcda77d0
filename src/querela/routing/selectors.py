"""Reading routing rules: the rule set a registration follows (cached), the rule list for its page, the facts
routing reads of a complaint, and the dry run of a rule set against the complaints of a month."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from querela.complaints.models import Category, Complaint, Kind
from querela.core import clock, tenancy
from querela.core.channels import Channel
from querela.core.replica import on_replica
from querela.customers.models import ConsumptionPlace, ServiceType
from querela.tenants.models import Department

from .matching import CONDITIONS, Facts, Match, Rule, first_match
from .models import Pool, RoutingRule

log = logging.getLogger(__name__)

# A registration reads the tenant's rule set from the cache (Redis or the shared file cache): no statement
# while the complaint's number is held. Every write to a rule forgets it at once and again at commit;
# the lifetime bounds what a reader racing a writer could have put back (and how long a department renamed by
# the org chart's bulk import, which sends no signal, keeps its old name in routing's timeline entries).
CACHE_SECONDS = 300
# The dry run evaluates at most this many complaints of the window (the page says so) …
DRY_RUN_CAP = 20_000
# … and the page lists this many of them (the summary counts them all).
DRY_RUN_SHOWN = 1_000

_FIELDS = (
    "pk",
    "name",
    "department_id",
    "category",
    "kind",
    "channel",
    "service_type",
    "region",
    "pool",
    "pool_job_id",
    "department__name",
)


def _key(tenant_id: int) -> str:
    return f"querela:routing:rules:{tenant_id}"


def rule_of(row: Sequence[Any]) -> Rule:
    pk, name, department_id, category, kind, channel, service_type, region, pool, pool_job_id, department_name = row
    return Rule(
        id=pk,
        name=name,
        department_id=department_id,
        category=category,
        kind=kind,
        channel=channel,
        service_type=service_type,
        region=region,
        pool=pool,
        pool_job_id=pool_job_id,
        department_name=department_name,
    )


def saved_rules() -> list[Rule]:
    """The switched-on rules in evaluation order with their departments' names, read now: one query."""
    return [rule_of(row) for row in RoutingRule.objects.filter(is_active=True).values_list(*_FIELDS)]


def active_rules() -> list[Rule]:
    """The rule set a complaint is routed by: from the cache, else read (one query) and cached."""
    tenant = tenancy.current_tenant()
    key = _key(tenant.pk)
    try:
        cached = cache.get(key)
    except Exception:  # the cache is an optimisation: routing reads the database without it
        log.warning("routing rules: cache unavailable", exc_info=True)
        cached = None
    if isinstance(cached, list):
        return cached
    rules = saved_rules()
    try:
        cache.set(key, rules, CACHE_SECONDS)
    except Exception:
        log.warning("routing rules: cache unavailable", exc_info=True)
    return rules


def forget_rules(tenant_id: int) -> None:
    """A rule (or a department's name) was written: the cached set is dropped now (this transaction's own
    registrations read it anew) and once more at commit (a reader in between may have cached the old one)."""

    def drop() -> None:
        try:
            cache.delete(_key(tenant_id))
        except Exception:
            log.warning("routing rules: cache unavailable", exc_info=True)

    drop()
    transaction.on_commit(drop)


def facts_of(complaint: Complaint, *, with_place: bool = True) -> Facts:
    """What routing reads of a complaint: its classification, and its consumption place's service and
    region (read only when a rule asks for them: `with_place`)."""
    place = complaint.place if with_place and complaint.place_id else None
    return Facts(
        category=complaint.category,
        kind=complaint.kind,
        channel=complaint.channel,
        service_type=place.service_type if place else "",
        region=place.region if place else "",
    )


def needs_place(rules: Sequence[Rule]) -> bool:
    return any(r.region or r.service_type for r in rules)


# ---------------------------------------------------------------------------------------------------
# In words


_LABELS: dict[str, dict[str, Any]] = {
    "category": dict(Category.choices),
    "kind": dict(Kind.choices),
    "channel": dict(Channel.choices),
    "service_type": dict(ServiceType.choices),
}


def condition_label(name: str) -> str:
    return str(getattr(RoutingRule._meta.get_field(name), "verbose_name", name))


def value_label(name: str, value: str) -> str:
    labels = _LABELS.get(name)
    return str(labels.get(value, value)) if labels else value


def conditions_text(because: Sequence[tuple[str, str]]) -> str:
    """In the reader's language: "category Billing, county/region Hajdú-Bihar"; none: "any complaint"."""
    if not because:
        return _("any complaint")
    return ", ".join(f"{condition_label(name)} {value_label(name, value)}" for name, value in because)


def facts_text(facts: Facts) -> str:
    """What is known, by its labels: "Billing · Complaint · E-mail · Electricity · Hajdú-Bihar"."""
    return " · ".join(value_label(name, getattr(facts, name)) for name in CONDITIONS if getattr(facts, name))


def reason_of(match: Match) -> str:
    return conditions_text(match.because)


# ---------------------------------------------------------------------------------------------------
# The rule list


@dataclass(frozen=True)
class RuleRow:
    rule: RoutingRule
    conditions: str
    pool: str
    first: bool
    last: bool


def rule_rows() -> list[RuleRow]:
    """Every rule in evaluation order, switched off ones too, with its conditions and pool in words: one query."""
    rules = list(RoutingRule.objects.select_related("department", "pool_job").order_by("position", "pk"))
    rows = []
    for n, r in enumerate(rules):
        conditions = conditions_text([(name, getattr(r, name)) for name in CONDITIONS if getattr(r, name)])
        rows.append(RuleRow(r, conditions, pool_text(r), first=n == 0, last=n == len(rules) - 1))
    return rows


def pool_name(pool: str) -> str:
    """A pool in a few words, for a sentence."""
    if pool == Pool.ROUND_ROBIN:
        return _("round robin")
    if pool == Pool.LEAST_LOADED:
        return _("least loaded")
    return _("no assignment")


def pool_text(rule: RoutingRule) -> str:
    if rule.pool == Pool.NONE:
        return pool_name(rule.pool)
    how = pool_name(rule.pool)
    if rule.pool_job is not None:
        return _("%(how)s over the people acting for %(job)s") % {"how": how, "job": rule.pool_job.title}
    return _("%(how)s over the department's handlers") % {"how": how}


def rule_open(rule_id: int) -> RoutingRule | None:
    return RoutingRule.objects.filter(pk=rule_id).select_related("department", "pool_job").first()


def known_regions(limit: int = 500) -> list[str]:
    """The regions of the tenant's consumption places, for the form's suggestions: one query."""
    return list(
        ConsumptionPlace.objects.exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()[:limit]
    )


def rules_for_api() -> list[RoutingRule]:
    return list(RoutingRule.objects.select_related("department", "pool_job").order_by("position", "pk"))


# ---------------------------------------------------------------------------------------------------
# The dry run


@dataclass(frozen=True)
class DryRunRow:
    reference: str
    received_at: datetime
    facts: Facts
    facts_text: str  # the facts in words
    current: str  # the department it is in now ("" none)
    target: str  # where the rules would send it ("" no rule matches: it stays)
    rule: str
    reason: str
    moves: bool


@dataclass
class DryRun:
    since: datetime
    until: datetime
    evaluated: int = 0
    capped: bool = False
    moving: int = 0
    unmatched: int = 0
    listable: int = 0  # the complaints the table would list (every one, or those that would move)
    per_department: list[tuple[str, int]] = field(default_factory=list)
    rows: list[DryRunRow] = field(default_factory=list)
    cap: int = DRY_RUN_CAP
    shown: int = DRY_RUN_SHOWN

    @property
    def more_rows(self) -> int:
        return max(0, self.listable - len(self.rows))


def last_month(tenant: Any) -> tuple[datetime, datetime]:
    """The last calendar month in the tenant's time zone, as [since, until)."""
    zone = clock.tenant_zone(tenant)
    today = clock.tenant_today(tenant)
    first_of_this = date(today.year, today.month, 1)
    first_of_last = date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)
    return (
        datetime.combine(first_of_last, time.min, tzinfo=zone),
        datetime.combine(first_of_this, time.min, tzinfo=zone),
    )


@on_replica
def dry_run(
    rules: Sequence[Rule],
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    only_moving: bool = False,
    cap: int = DRY_RUN_CAP,
    shown: int = DRY_RUN_SHOWN,
) -> DryRun:
    """Where each complaint received in [since, until) (default: last calendar month) would go under
    `rules` — the saved set or one being edited — and where it is now; nothing is changed.

    Linear in the complaints: one streamed query over the (tenant, received_at) index, at most `cap` of
    them, plus one for the department names. `rows` keeps the first `shown` (only those that would move,
    with `only_moving`); the counts cover every complaint evaluated."""
    if since is None or until is None:
        since, until = last_month(tenancy.current_tenant())
    result = DryRun(since=since, until=until, cap=cap, shown=shown)
    names = dict(Department.objects.values_list("pk", "name"))
    columns = (
        "reference",
        "received_at",
        "category",
        "kind",
        "channel",
        "place__service_type",
        "place__region",
        "department_id",
    )
    stream = (
        Complaint.objects.filter(received_at__gte=since, received_at__lt=until)
        .order_by("received_at", "pk")
        .values_list(*columns)[: cap + 1]
    )
    counts: Counter[str] = Counter()
    reasons: dict[int, str] = {}  # a rule's reason, worded once
    worded: dict[Facts, str] = {}
    for reference, received_at, category, kind, channel, service_type, region, department_id in stream.iterator(
        chunk_size=2000
    ):
        if result.evaluated == cap:
            result.capped = True
            break
        result.evaluated += 1
        facts = Facts(category, kind, channel, service_type or "", region or "")
        match = first_match(rules, facts)
        current = names.get(department_id, "") if department_id else ""
        if match is None:
            result.unmatched += 1
            target, rule, reason, moves = "", "", "", False
        else:
            target_id = match.rule.department_id
            target = names.get(target_id, "")
            counts[target] += 1
            rule = match.rule.name
            if match.rule.id not in reasons:
                reasons[match.rule.id] = reason_of(match)
            reason = reasons[match.rule.id]
            moves = target_id != department_id
        if moves:
            result.moving += 1
        if moves or not only_moving:
            result.listable += 1
            if len(result.rows) < shown:
                if facts not in worded:
                    worded[facts] = facts_text(facts)
                row = DryRunRow(reference, received_at, facts, worded[facts], current, target, rule, reason, moves)
                result.rows.append(row)
    result.per_department = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return result
