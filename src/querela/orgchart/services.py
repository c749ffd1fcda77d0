"""Editing the org chart: jobs, terms of their holders, deputies. Each write is one transaction with its
audit event; every refusal says why (`ValidationFailed`). The CSV import is `importing.py`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import clock, tenancy
from querela.core.errors import NotFound, ValidationFailed
from querela.tenants.access import Actor, require
from querela.tenants.models import Department, Membership

from .csvfile import JOB_CODE, MAX_DUTIES, MAX_NAME
from .models import Deputy, Job, JobHolder, SignCapability
from .selectors import STAFF, person_name

MAX_REASON = 300


def require_manage(actor: Actor) -> None:
    """The tenant administrator edits the chart. The system actor — built only by server-side code such as
    `querela orgchart import`, never from a request — may too: whoever runs the command holds the server."""
    if actor.role == "system":
        return
    require(actor, "orgchart.manage")


def _today() -> date:
    return clock.tenant_today(tenancy.current_tenant())


def _fmt(day: date | None) -> str:
    return day.isoformat() if day else _("until further notice")


def clean_may_sign(values: Iterable[str]) -> list[str]:
    wanted = {str(v).strip().lower() for v in values if str(v).strip()}
    unknown = sorted(wanted - set(SignCapability.values))
    if unknown:
        raise ValidationFailed(
            _("Unknown signing right: %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(SignCapability.values)},
            code="may_sign",
        )
    return [c for c in SignCapability.values if c in wanted]


def _text(value: str, what: str, *, limit: int, required: bool = True, code: str) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ValidationFailed(_("Please give %(what)s.") % {"what": what}, code=code)
    if len(text) > limit:
        raise ValidationFailed(
            _("%(what)s is longer than %(limit)s characters.") % {"what": what.capitalize(), "limit": limit},
            code=f"{code}_too_long",
        )
    return text


def staff_member(user_id: int | None, what: str) -> Any:
    """The user, who must hold an active staff role at this supplier."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        raise ValidationFailed(_("Choose %(what)s.") % {"what": what}, code="user")
    if not Membership.objects.filter(user_id=user.pk, is_active=True, role__in=STAFF).exists():
        raise ValidationFailed(
            _("%(person)s has no active staff role at this supplier.") % {"person": person_name(user)},
            code="not_staff",
        )
    return user


def _overlaps(start: date, end: date | None, start_field: str, end_field: str) -> Q:
    """Rows whose [start, end] range meets [start, end] (an empty end: open)."""
    q = Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start})
    if end is not None:
        q &= Q(**{f"{start_field}__lte": end})
    return q


# ---------------------------------------------------------------------------------------------------
# Jobs


def job_save(
    *,
    actor: Actor,
    job_id: int | None,
    department_id: int | None,
    title: str,
    code: str = "",
    duties: str = "",
    may_sign: Iterable[str] = (),
    is_active: bool = True,
) -> Job:
    """Create a job (`job_id` None) or change one. Its code names it in work instructions, so it is given
    once, when the job is created, and never changes."""
    require_manage(actor)
    title = _text(title, _("the job title"), limit=MAX_NAME, code="title")
    duties = (duties or "").strip()
    if len(duties) > MAX_DUTIES:
        raise ValidationFailed(_("The duties are longer than %(limit)s characters.") % {"limit": MAX_DUTIES})
    signs = clean_may_sign(may_sign)
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    if department is None:
        raise ValidationFailed(_("Choose the job's department."), code="department")
    with transaction.atomic():
        if job_id is None:
            code = (code or "").strip()
            if not JOB_CODE.fullmatch(code):
                raise ValidationFailed(
                    _("The job code may hold only letters, digits and - _ . (at most 40), starting with one."),
                    code="code",
                )
            if Job.objects.annotate(code_lower=Lower("code")).filter(code_lower=code.lower()).exists():
                raise ValidationFailed(_("Another job has the code %(code)s.") % {"code": code}, code="duplicate")
            job = Job(code=code)
            before: dict[str, Any] = {}
        else:
            found = Job.objects.select_for_update().filter(pk=job_id).first()
            if found is None:
                raise NotFound(_("No such job."))
            job = found
            before = {
                "department": job.department_id,
                "title": job.title,
                "duties": job.duties,
                "may_sign": list(job.may_sign or []),
                "is_active": job.is_active,
            }
        after = {
            "department": department.pk,
            "title": title,
            "duties": duties,
            "may_sign": signs,
            "is_active": bool(is_active),
        }
        if job_id is not None and before["is_active"] and not is_active:
            _refuse_deactivation(job)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if job_id is not None and not changes:
            return job
        job.department = department
        job.title, job.duties, job.may_sign, job.is_active = title, duties, signs, bool(is_active)
        try:
            with transaction.atomic():
                job.save()
        except IntegrityError as exc:
            raise ValidationFailed(_("Another job has the code %(code)s.") % {"code": job.code}) from exc
        if job_id is None:
            changes = {"code": [None, job.code], **changes}
        audit_record(
            actor=actor,
            action="orgchart.job_create" if job_id is None else "orgchart.job_update",
            object_type="job",
            object_id=job.pk,
            changes=changes,
        )
    return job


def _refuse_deactivation(job: Job) -> None:
    today = _today()
    holders = JobHolder.objects.filter(_overlaps(today, None, "since", "until"), job=job).exists()
    deputies = Deputy.objects.filter(_overlaps(today, None, "starts_on", "ends_on"), job=job).exists()
    if holders or deputies:
        raise ValidationFailed(
            _("People still hold or stand in for this job from today on: end their terms first, then switch it off."),
            code="job_in_use",
        )


# ---------------------------------------------------------------------------------------------------
# Holders


def _check_term(first: date, last: date | None) -> None:
    if last is not None and last < first:
        raise ValidationFailed(
            _("The last day (%(until)s) is before the first (%(since)s).") % {"until": last, "since": first},
            code="dates",
        )


def _active_job_locked(job_id: int) -> Job:
    """The job, locked for the change (inside the caller's transaction); refused when missing or off."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such job."))
    if not job.is_active:
        raise ValidationFailed(_("This job is switched off: switch it on first."), code="job_inactive")
    return job


def holder_assign(
    *, actor: Actor, job_id: int, user_id: int | None, since: date | None = None, until: date | None = None
) -> JobHolder:
    """Put a staff member in a job from `since` (today by default) to `until` (the last day; empty: until
    further notice). A person holds a job at most once at a time."""
    require_manage(actor)
    since = since or _today()
    _check_term(since, until)
    with transaction.atomic():
        job = _active_job_locked(job_id)
        user = staff_member(user_id, _("the staff member"))
        clash = (
            JobHolder.objects.filter(_overlaps(since, until, "since", "until"), job=job, user=user)
            .order_by("since")
            .first()
        )
        if clash is not None:
            raise ValidationFailed(
                _("%(person)s already holds this job from %(since)s to %(until)s.")
                % {"person": person_name(user), "since": clash.since, "until": _fmt(clash.until)},
                code="overlap",
            )
        holder = JobHolder.objects.create(job=job, user=user, since=since, until=until, created_by_id=actor.user_id)
        audit_record(
            actor=actor,
            action="orgchart.holder_assign",
            object_type="job_holder",
            object_id=holder.pk,
            changes={"job": job.code, "person": user.username, "since": since, "until": until},
        )
    return holder


def holder_end(*, actor: Actor, holder_id: int, until: date) -> JobHolder:
    """End a term on `until` (its last day). Deputies standing in for this holder end with it."""
    require_manage(actor)
    with transaction.atomic():
        holder = JobHolder.objects.select_for_update().select_related("job", "user").filter(pk=holder_id).first()
        if holder is None:
            raise NotFound(_("No such job holder."))
        if until < holder.since:
            raise ValidationFailed(
                _("The last day (%(until)s) is before the term began (%(since)s).")
                % {"until": until, "since": holder.since},
                code="dates",
            )
        if holder.until is not None and holder.until <= until:
            raise ValidationFailed(
                _("This term already ends on %(until)s.") % {"until": holder.until}, code="already_ended"
            )
        before = holder.until
        holder.until = until
        holder.save(update_fields=["until"])
        audit_record(
            actor=actor,
            action="orgchart.holder_end",
            object_type="job_holder",
            object_id=holder.pk,
            changes={"job": holder.job.code, "person": holder.user.username, "until": [before, until]},
        )
        for deputy in Deputy.objects.select_for_update().filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=until), holder=holder
        ):
            _end_deputy(actor, deputy, max(until, deputy.starts_on))
    return holder


# ---------------------------------------------------------------------------------------------------
# Deputies


def deputy_set(
    *,
    actor: Actor,
    job_id: int,
    user_id: int | None,
    starts_on: date | None,
    reason: str,
    ends_on: date | None = None,
    holder_id: int | None = None,
) -> Deputy:
    """Someone stands in for the job (`holder_id` empty) or for one of its holders, from `starts_on` to
    `ends_on` (the last day; empty: until further notice), for a stated reason."""
    require_manage(actor)
    reason = _text(reason, _("the reason"), limit=MAX_REASON, code="reason")
    starts_on = starts_on or _today()
    _check_term(starts_on, ends_on)
    with transaction.atomic():
        job = _active_job_locked(job_id)
        user = staff_member(user_id, _("the deputy"))
        holder = None
        if holder_id is not None:
            holder = JobHolder.objects.select_related("user").filter(pk=holder_id, job=job).first()
            if holder is None:
                raise ValidationFailed(_("The person stood in for must hold this job."), code="holder")
            if holder.user_id == user.pk:
                raise ValidationFailed(_("Nobody can stand in for themselves."), code="self")
            if starts_on < holder.since or (holder.until is not None and (ends_on is None or ends_on > holder.until)):
                raise ValidationFailed(
                    _("%(person)s holds the job from %(since)s to %(until)s: the deputising must fall within.")
                    % {"person": person_name(holder.user), "since": holder.since, "until": _fmt(holder.until)},
                    code="outside_term",
                )
        elif JobHolder.objects.filter(_overlaps(starts_on, ends_on, "since", "until"), job=job, user=user).exists():
            raise ValidationFailed(
                _("%(person)s holds this job then: a holder is not the job's deputy.") % {"person": person_name(user)},
                code="holder_as_deputy",
            )
        clash = (
            Deputy.objects.filter(_overlaps(starts_on, ends_on, "starts_on", "ends_on"), job=job, user=user)
            .filter(holder=holder)
            .first()
        )
        if clash is not None:
            raise ValidationFailed(
                _("%(person)s already stands in here from %(since)s to %(until)s.")
                % {"person": person_name(user), "since": clash.starts_on, "until": _fmt(clash.ends_on)},
                code="overlap",
            )
        deputy = Deputy.objects.create(
            job=job,
            holder=holder,
            user=user,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            created_by_id=actor.user_id,
        )
        audit_record(
            actor=actor,
            action="orgchart.deputy_set",
            object_type="deputy",
            object_id=deputy.pk,
            changes={
                "job": job.code,
                "person": user.username,
                "stands_in_for": holder.user.username if holder else "",
                "since": starts_on,
                "until": ends_on,
                "reason": reason,
            },
        )
    return deputy


def deputy_end(*, actor: Actor, deputy_id: int, ends_on: date) -> Deputy:
    require_manage(actor)
    with transaction.atomic():
        deputy = Deputy.objects.select_for_update().filter(pk=deputy_id).first()
        if deputy is None:
            raise NotFound(_("No such deputy."))
        if ends_on < deputy.starts_on:
            raise ValidationFailed(
                _("The last day (%(until)s) is before the deputising began (%(since)s).")
                % {"until": ends_on, "since": deputy.starts_on},
                code="dates",
            )
        if deputy.ends_on is not None and deputy.ends_on <= ends_on:
            raise ValidationFailed(
                _("This deputising already ends on %(until)s.") % {"until": deputy.ends_on}, code="already_ended"
            )
        _end_deputy(actor, deputy, ends_on)
    return deputy


def _end_deputy(actor: Actor, deputy: Deputy, ends_on: date) -> None:
    before = deputy.ends_on
    deputy.ends_on = ends_on
    deputy.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="orgchart.deputy_end",
        object_type="deputy",
        object_id=deputy.pk,
        changes={"until": [before, ends_on]},
    )
