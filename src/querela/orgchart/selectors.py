"""Reading the org chart: who acts for a job on a day (its holders and its deputies), what a person's jobs
are, the whole chart for its page. A fixed number of queries each, whatever the chart's size.

Every reader runs in the current tenant's scope and counts only staff whose role at the supplier is still
active: a person whose membership was removed no longer acts for any job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from querela.core import clock, tenancy
from querela.tenants.models import Department, Membership
from querela.tenants.roles import STAFF_ROLES

from .models import Deputy, Job, JobHolder, SignCapability

STAFF = [str(r) for r in STAFF_ROLES]


@dataclass(frozen=True)
class Acting:
    """One person acting for a job on a day: a holder, or a deputy (for one holder, or for the job)."""

    user_id: int
    username: str
    name: str
    job_code: str
    deputy: bool = False
    stands_in_for: str = ""  # a deputy of one holder: that holder's name
    until: date | None = None  # the last day of the term or of the deputising; None: until further notice
    reason: str = ""
    row_id: int = 0  # the JobHolder's or the Deputy's


@dataclass(frozen=True)
class HeldJob:
    """A job a person holds, or stands in for, on a day."""

    job: Job
    deputy: bool
    since: date
    until: date | None
    stands_in_for: str = ""


@dataclass
class JobView:
    job: Job
    holders: list[Acting] = field(default_factory=list)
    deputies: list[Acting] = field(default_factory=list)

    @property
    def may_sign_labels(self) -> list[str]:
        return capability_labels(self.job.may_sign)


@dataclass
class DepartmentView:
    department: Department
    jobs: list[JobView] = field(default_factory=list)


def today() -> date:
    return clock.tenant_today(tenancy.current_tenant())


def capability_labels(codes: Iterable[str]) -> list[str]:
    labels = dict(SignCapability.choices)
    return [str(labels.get(c, c)) for c in codes]


def _name(user: Any) -> str:
    return f"{user.first_name} {user.last_name}".strip() or str(user.username)


def _active_staff() -> Exists:
    return Exists(Membership.objects.filter(user_id=OuterRef("user_id"), is_active=True, role__in=STAFF))


def _on(on: date, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": on}))


def job_by_code(code: str) -> Job | None:
    """The job with this code, whatever its case (codes are unique per tenant regardless of case)."""
    return Job.objects.annotate(code_lower=Lower("code")).filter(code_lower=(code or "").strip().lower()).first()


def holders_of(job_code: str, *, on: date | None = None) -> list[Acting]:
    """Who acts for the job on the day (today in the tenant's calendar by default): its holders, then the
    deputies standing in that day. A work instruction's step assigned to a job goes to all of them. An
    unknown or inactive job has none. Three queries."""
    job = job_by_code(job_code)
    if job is None or not job.is_active:
        return []
    on = on or today()
    holders = (
        JobHolder.objects.filter(_on(on, "since", "until"), job=job)
        .filter(_active_staff())
        .select_related("user")
        .order_by("since", "pk")
    )
    out = [
        Acting(
            user_id=h.user_id,
            username=h.user.username,
            name=_name(h.user),
            job_code=job.code,
            until=h.until,
            row_id=h.pk,
        )
        for h in holders
    ]
    deputies = (
        Deputy.objects.filter(_on(on, "starts_on", "ends_on"), job=job)
        .filter(_active_staff())
        .select_related("user", "holder__user")
        .order_by("starts_on", "pk")
    )
    out += [
        Acting(
            user_id=d.user_id,
            username=d.user.username,
            name=_name(d.user),
            job_code=job.code,
            deputy=True,
            stands_in_for=_name(d.holder.user) if d.holder_id and d.holder else "",
            until=d.ends_on,
            reason=d.reason,
            row_id=d.pk,
        )
        for d in deputies
    ]
    return out


def holder_user_ids(job_code: str, *, on: date | None = None) -> list[int]:
    """The distinct people acting for the job on the day, holders first (for assigning a step)."""
    seen: dict[int, None] = {}
    for acting in holders_of(job_code, on=on):
        seen.setdefault(acting.user_id, None)
    return list(seen)


def jobs_of(user: Any, *, on: date | None = None) -> list[HeldJob]:
    """The jobs a person (a user or their id) holds on the day, then those they stand in for. Two queries."""
    user_id = getattr(user, "pk", user)
    on = on or today()
    held = [
        HeldJob(job=h.job, deputy=False, since=h.since, until=h.until)
        for h in JobHolder.objects.filter(_on(on, "since", "until"), user_id=user_id, job__is_active=True)
        .select_related("job__department")
        .order_by("job__title", "pk")
    ]
    held += [
        HeldJob(
            job=d.job,
            deputy=True,
            since=d.starts_on,
            until=d.ends_on,
            stands_in_for=_name(d.holder.user) if d.holder_id and d.holder else "",
        )
        for d in Deputy.objects.filter(_on(on, "starts_on", "ends_on"), user_id=user_id, job__is_active=True)
        .select_related("job__department", "holder__user")
        .order_by("job__title", "pk")
    ]
    return held


def user_may_sign(user: Any, capability: str, *, on: date | None = None) -> bool:
    """Whether a job the person holds or stands in for on the day may sign this kind of document."""
    return any(capability in (held.job.may_sign or []) for held in jobs_of(user, on=on))


def org_chart(*, on: date | None = None, include_inactive: bool = False) -> list[DepartmentView]:
    """Departments → jobs → the holders and deputies of the day, for the chart's page. Four queries."""
    on = on or today()
    departments = {d.pk: DepartmentView(d) for d in Department.objects.order_by("name", "pk")}
    jobs: QuerySet[Job] = Job.objects.order_by("title", "code")
    if not include_inactive:
        jobs = jobs.filter(is_active=True)
    views: dict[int, JobView] = {}
    for job in jobs:
        views[job.pk] = JobView(job)
        if job.department_id in departments:
            departments[job.department_id].jobs.append(views[job.pk])
    for h in (
        JobHolder.objects.filter(_on(on, "since", "until"), job_id__in=list(views))
        .filter(_active_staff())
        .select_related("user")
        .order_by("since", "pk")
    ):
        views[h.job_id].holders.append(
            Acting(
                user_id=h.user_id,
                username=h.user.username,
                name=_name(h.user),
                job_code=views[h.job_id].job.code,
                until=h.until,
                row_id=h.pk,
            )
        )
    for d in (
        Deputy.objects.filter(_on(on, "starts_on", "ends_on"), job_id__in=list(views))
        .filter(_active_staff())
        .select_related("user", "holder__user")
        .order_by("starts_on", "pk")
    ):
        views[d.job_id].deputies.append(
            Acting(
                user_id=d.user_id,
                username=d.user.username,
                name=_name(d.user),
                job_code=views[d.job_id].job.code,
                deputy=True,
                stands_in_for=_name(d.holder.user) if d.holder_id and d.holder else "",
                until=d.ends_on,
                reason=d.reason,
                row_id=d.pk,
            )
        )
    return list(departments.values())


def job_open(job_id: int) -> Job | None:
    return Job.objects.select_related("department").filter(pk=job_id).first()


def job_terms(job: Job) -> list[JobHolder]:
    """Every term of the job, past, current and future, newest first (the job's page)."""
    return list(JobHolder.objects.filter(job=job).select_related("user").order_by("-since", "-pk"))


def job_deputies(job: Job) -> list[Deputy]:
    return list(Deputy.objects.filter(job=job).select_related("user", "holder__user").order_by("-starts_on", "-pk"))


def staff_choices() -> list[tuple[int, str]]:
    """People with an active staff role at the supplier, for the holder and deputy forms."""
    rows = (
        Membership.objects.filter(is_active=True, role__in=STAFF)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [(m.user_id, f"{_name(m.user)} ({m.user.username})") for m in rows]


def person_name(user: Any) -> str:
    return _name(user)
