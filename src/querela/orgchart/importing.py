"""Importing a large supplier's org chart from CSV (`csvfile.py` reads it): all or nothing.

The file is read and checked first, row by row and against the chart as it stands; with any error nothing
is written and the report lists every error with its row. Otherwise everything is written in one
transaction with its audit events (one INSERT for all of them). The import adds and updates, never removes:
departments are created or renamed, jobs created or changed (and switched on), holders put in their jobs
from the import day, deputies named from the import day until further notice. A term or a job the file
does not mention stays as it is. A dry run (the upload page's preview) reports the same without writing.

Linear in the file's size: a fixed number of queries (user names are looked up 500 at a time), bulk writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from querela.audit.services import audit_batch, audit_record
from querela.core import clock, tenancy
from querela.core.errors import ValidationFailed
from querela.tenants.access import Actor
from querela.tenants.models import Department, Membership

from .csvfile import MAX_BYTES, MAX_ROWS, ChartFile, ChartRow, RowError, read_chart
from .models import Deputy, Job, JobHolder, SignCapability
from .selectors import STAFF, capability_labels, person_name
from .services import require_manage

KINDS = ("department", "job", "holder", "deputy")
_CHUNK = 500
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Change:
    row: int
    kind: str  # one of KINDS
    created: bool  # False: an existing one updated
    text: str


@dataclass
class ImportReport:
    filename: str = ""
    sha256: str = ""
    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, kind: str, *, created: bool) -> int:
        return sum(1 for c in self.changes if c.kind == kind and c.created is created)

    @property
    def created(self) -> dict[str, int]:
        return {k: self.count(k, created=True) for k in KINDS}

    @property
    def updated(self) -> dict[str, int]:
        return {k: self.count(k, created=False) for k in KINDS}

    def summary(self) -> list[tuple[str, int, int]]:
        """(what, created, updated) per kind, in words, for the page and the command line."""
        labels = {
            "department": _("Departments"),
            "job": _("Jobs"),
            "holder": _("Job holders"),
            "deputy": _("Deputies"),
        }
        return [(labels[k], self.created[k], self.updated[k]) for k in KINDS]


def orgchart_import_csv(
    *,
    actor: Actor,
    stream: IO[bytes],
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read the file, check it, and (unless `dry_run`, or with any error) write it in one transaction.

    Raises `ValidationFailed` when the file as a whole is refused (too large, too many rows, not CSV text,
    the header wrong); row errors are in the report, and then nothing is written."""
    require_manage(actor)
    data = stream.read(MAX_BYTES + 1)
    if not isinstance(data, bytes):
        data = str(data).encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(limit)s MB; split it into files of at most %(rows)s rows.")
            % {"limit": MAX_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}"},
            code="file_too_large",
        )
    total = max(1, data.count(b"\n") - 1)  # about the rows under the header, for a progress bar
    parsed = read_chart(
        data,
        capabilities=SignCapability.values,
        progress=(lambda n: progress(min(n, total), total)) if progress else None,
    )
    if parsed.refusal:
        raise ValidationFailed(parsed.refusal, code="file")
    total = max(1, parsed.data_rows)
    report = ImportReport(
        filename=(filename or "")[-200:], sha256=hashlib.sha256(data).hexdigest(), rows=parsed.data_rows
    )
    report.errors = list(parsed.errors)
    if dry_run:
        _Plan(parsed, report).check()
        return report
    try:
        with transaction.atomic():
            plan = _Plan(parsed, report)
            plan.check()
            if report.errors:
                return report
            with audit_batch():
                plan.apply(actor)
    except IntegrityError as exc:
        raise ValidationFailed(
            _("The org chart changed while the file was being imported; nothing was written. Import it again."),
            code="conflict",
        ) from exc
    report.applied = True
    if progress is not None:
        progress(total, total)
    return report


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Plan:
    """What the file changes, worked out against the chart as it stands (a fixed number of queries)."""

    def __init__(self, parsed: ChartFile, report: ImportReport) -> None:
        self.parsed = parsed
        self.report = report
        self.today: date = clock.tenant_today(tenancy.current_tenant())
        self.new_departments: dict[str, Department] = {}
        self.renamed: list[tuple[Department, str, str]] = []
        self.new_jobs: dict[str, Job] = {}
        self.updated_jobs: list[tuple[Job, dict[str, list[Any]]]] = []
        self._seen_departments: set[str] = set()
        self.job_department: dict[str, str] = {}  # job key → department key
        self.new_holders: list[tuple[str, Any]] = []  # (job key, user)
        self.new_deputies: list[tuple[str, Any, Any]] = []  # (job key, holder's user or None, deputy)

    # -- reading what stands

    def _load(self) -> None:
        departments = list(Department.objects.order_by("pk"))
        self.departments: dict[str, Department] = {d.code: d for d in departments}
        for d in departments:
            self.departments.setdefault(d.code.lower(), d)
        self.jobs: dict[str, Job] = {}
        for job in Job.objects.order_by("pk"):
            self.jobs.setdefault(job.code.lower(), job)
        names = {r.holder_username for r in self.parsed.rows if r.holder_username}
        names |= {r.deputy_username for r in self.parsed.rows if r.deputy_username}
        self.users: dict[str, Any] = {}
        self.staff: set[int] = set()
        User = get_user_model()
        for chunk in _chunks(sorted(names)):
            found = list(User.objects.filter(username__in=chunk))
            self.users.update({u.username: u for u in found})
            self.staff |= set(
                Membership.objects.filter(
                    user_id__in=[u.pk for u in found], is_active=True, role__in=STAFF
                ).values_list("user_id", flat=True)
            )
        current = Q(until__isnull=True) | Q(until__gte=self.today)
        self.terms: dict[tuple[int, int], JobHolder] = {}
        for h in JobHolder.objects.filter(current).order_by("since", "pk"):
            self.terms.setdefault((h.job_id, h.user_id), h)
        self.standing: set[tuple[int, int | None, int]] = set(
            Deputy.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.today)).values_list(
                "job_id", "holder_id", "user_id"
            )
        )

    # -- checking, row by row

    def check(self) -> None:
        self._load()
        names: dict[str, str] = {}
        for row in self.parsed.rows:
            if row.department_name:
                names.setdefault(row.department_code.lower(), row.department_name)
        for row in self.parsed.rows:
            self._department(row, names)
            self._job(row)
        planned_holders: set[tuple[str, int]] = set()
        for row in self.parsed.rows:
            if row.holder_username:
                self._holder(row, planned_holders)
        planned_deputies: set[tuple[str, int | None, int]] = set()
        for row in self.parsed.rows:
            if row.deputy_username:
                self._deputy(row, planned_holders, planned_deputies)
        self.report.errors.sort(key=lambda e: e.row)

    def _error(self, row: ChartRow, message: str) -> None:
        self.report.errors.append(RowError(row.row, message))

    def _change(self, row: ChartRow, kind: str, created: bool, text: str) -> None:
        self.report.changes.append(Change(row.row, kind, created, text))

    def _department(self, row: ChartRow, names: dict[str, str]) -> None:
        key = row.department_code.lower()
        if key in self.new_departments or key in self._seen_departments:
            return
        self._seen_departments.add(key)
        existing = self.departments.get(row.department_code) or self.departments.get(key)
        name = names.get(key, "")
        if existing is not None:
            if name and name != existing.name:
                self.renamed.append((existing, existing.name, name))
                self._change(
                    row,
                    "department",
                    False,
                    _("Department %(code)s renamed: %(before)s → %(after)s")
                    % {"code": existing.code, "before": existing.name, "after": name},
                )
            return
        if not name:
            self._error(row, _("Department %(code)s is new: give its name.") % {"code": row.department_code})
            return
        self.new_departments[key] = Department(code=row.department_code, name=name)
        self._change(
            row,
            "department",
            True,
            _("New department %(code)s: %(name)s") % {"code": row.department_code, "name": name},
        )

    def _department_name(self, key: str) -> str:
        dep = self.new_departments.get(key) or self.departments.get(key)
        return dep.name if dep is not None else key

    def _job(self, row: ChartRow) -> None:
        key = row.job_key
        if key in self.job_department:
            return
        department_key = row.department_code.lower()
        self.job_department[key] = department_key
        existing = self.jobs.get(key)
        signs = list(row.may_sign)
        if existing is None:
            self.new_jobs[key] = Job(
                code=row.job_code, title=row.job_title, duties=row.duties or "", may_sign=signs, is_active=True
            )
            self._change(
                row,
                "job",
                True,
                _("New job %(code)s: %(title)s, in %(department)s; may sign: %(signs)s")
                % {
                    "code": row.job_code,
                    "title": row.job_title,
                    "department": self._department_name(department_key),
                    "signs": ", ".join(capability_labels(signs)) or "—",
                },
            )
            return
        department = self.departments.get(row.department_code) or self.departments.get(department_key)
        changes: dict[str, list[Any]] = {}
        if department is None or department.pk != existing.department_id:
            # A department new in this file gets its id when it is written (`apply`).
            changes["department"] = [existing.department_id, department.pk if department else None]
        if row.job_title != existing.title:
            changes["title"] = [existing.title, row.job_title]
        if signs != list(existing.may_sign or []):
            changes["may_sign"] = [list(existing.may_sign or []), signs]
        if row.duties is not None and row.duties != existing.duties:
            changes["duties"] = [existing.duties, row.duties]
        if not existing.is_active:
            changes["is_active"] = [False, True]
        if not changes:
            return
        self.updated_jobs.append((existing, changes))
        words = {
            "department": _("department"),
            "title": _("title"),
            "may_sign": _("signing rights"),
            "duties": _("duties"),
            "is_active": _("switched on again"),
        }
        self._change(
            row,
            "job",
            False,
            _("Job %(code)s changed: %(fields)s")
            % {"code": existing.code, "fields": ", ".join(str(words[k]) for k in changes)},
        )

    def _staff(self, row: ChartRow, username: str) -> Any:
        user = self.users.get(username)
        if user is None:
            self._error(row, _("There is no user “%(name)s”.") % {"name": username})
            return None
        if user.pk not in self.staff:
            self._error(row, _("%(name)s has no active staff role at this supplier.") % {"name": username})
            return None
        return user

    def _holds(self, job_key: str, user_id: int, planned: set[tuple[str, int]]) -> bool:
        job = self.jobs.get(job_key)
        return (job_key, user_id) in planned or (job is not None and (job.pk, user_id) in self.terms)

    def _holder(self, row: ChartRow, planned: set[tuple[str, int]]) -> None:
        user = self._staff(row, row.holder_username)
        if user is None or self._holds(row.job_key, user.pk, planned):
            return
        planned.add((row.job_key, user.pk))
        self.new_holders.append((row.job_key, user))
        self._change(
            row,
            "holder",
            True,
            _("%(person)s holds %(code)s from %(since)s")
            % {"person": person_name(user), "code": row.job_code, "since": self.today},
        )

    def _deputy(self, row: ChartRow, holders: set[tuple[str, int]], planned: set[tuple[str, int | None, int]]) -> None:
        deputy = self._staff(row, row.deputy_username)
        holder = self.users.get(row.holder_username) if row.holder_username else None
        if deputy is None or (row.holder_username and holder is None):
            return
        if holder is None and self._holds(row.job_key, deputy.pk, holders):
            self._error(
                row,
                _("%(name)s holds job %(code)s: a holder is not the job's deputy.")
                % {"name": row.deputy_username, "code": row.job_code},
            )
            return
        key = (row.job_key, holder.pk if holder else None, deputy.pk)
        if key in planned:
            return
        job = self.jobs.get(row.job_key)
        if job is not None:
            term = self.terms.get((job.pk, holder.pk)) if holder else None
            if (job.pk, term.pk if term else None, deputy.pk) in self.standing:
                return
        planned.add(key)
        self.new_deputies.append((row.job_key, holder, deputy))
        values = {"person": person_name(deputy), "code": row.job_code, "since": self.today}
        if holder is not None:
            text = _("%(person)s stands in for %(holder)s as %(code)s from %(since)s") % {
                **values,
                "holder": person_name(holder),
            }
        else:
            text = _("%(person)s stands in for %(code)s from %(since)s") % values
        self._change(row, "deputy", True, text)

    # -- writing

    def apply(self, actor: Actor) -> None:
        tenant = tenancy.current_tenant()
        now = clock.now()
        report = self.report
        for dep in self.new_departments.values():
            dep.tenant = tenant
        Department.objects.bulk_create(list(self.new_departments.values()))
        for key, dep in self.new_departments.items():
            self.departments[key] = dep
            audit_record(
                actor=actor,
                action="department.create",
                object_type="department",
                object_id=dep.code,
                changes={"name": [None, dep.name]},
            )
        for dep, before, after in self.renamed:
            dep.name = after
            audit_record(
                actor=actor,
                action="orgchart.department_rename",
                object_type="department",
                object_id=dep.code,
                changes={"name": [before, after]},
            )
        Department.objects.bulk_update([d for d, _b, _a in self.renamed], ["name"])
        for key, job in self.new_jobs.items():
            job.tenant = tenant
            job.department = self.departments[self.job_department[key]]
        Job.objects.bulk_create(list(self.new_jobs.values()))
        for key, job in self.new_jobs.items():
            self.jobs[key] = job
            audit_record(
                actor=actor,
                action="orgchart.job_create",
                object_type="job",
                object_id=job.pk,
                changes={
                    "code": [None, job.code],
                    "department": [None, job.department_id],
                    "title": [None, job.title],
                    "duties": [None, job.duties],
                    "may_sign": [None, job.may_sign],
                    "is_active": [None, True],
                },
            )
        for job, changes in self.updated_jobs:
            if "department" in changes:
                changes["department"][1] = self.departments[self.job_department[job.code.lower()]].pk
            for name, (_before, after) in changes.items():
                setattr(job, "department_id" if name == "department" else name, after)
            job.updated_at = now
            audit_record(
                actor=actor, action="orgchart.job_update", object_type="job", object_id=job.pk, changes=changes
            )
        Job.objects.bulk_update(
            [j for j, _c in self.updated_jobs], ["department", "title", "duties", "may_sign", "is_active", "updated_at"]
        )
        holders = [
            JobHolder(tenant=tenant, job=self.jobs[key], user=user, since=self.today, created_by_id=actor.user_id)
            for key, user in self.new_holders
        ]
        JobHolder.objects.bulk_create(holders)
        for h in holders:
            self.terms[(h.job_id, h.user_id)] = h
            audit_record(
                actor=actor,
                action="orgchart.holder_assign",
                object_type="job_holder",
                object_id=h.pk,
                changes={"job": h.job.code, "person": h.user.username, "since": h.since, "until": None},
            )
        reason = _("Named in the org chart file %(file)s") % {"file": report.filename or "CSV"}
        deputies = []
        stood_in_for = []
        for key, holder_user, user in self.new_deputies:
            stood_in_for.append(holder_user.username if holder_user is not None else "")
            job = self.jobs[key]
            term = self.terms.get((job.pk, holder_user.pk)) if holder_user is not None else None
            deputies.append(
                Deputy(
                    tenant=tenant,
                    job=job,
                    holder=term,
                    user=user,
                    starts_on=max(self.today, term.since) if term else self.today,
                    reason=reason[:300],
                    created_by_id=actor.user_id,
                )
            )
        Deputy.objects.bulk_create(deputies)
        for d, holder_name in zip(deputies, stood_in_for, strict=True):
            audit_record(
                actor=actor,
                action="orgchart.deputy_set",
                object_type="deputy",
                object_id=d.pk,
                changes={
                    "job": d.job.code,
                    "person": d.user.username,
                    "stands_in_for": holder_name,
                    "since": d.starts_on,
                    "until": None,
                    "reason": d.reason,
                },
            )
        audit_record(
            actor=actor,
            action="orgchart.import",
            object_type="tenant",
            object_id=tenant.code,
            changes={
                "file": report.filename or "CSV",
                "sha256": report.sha256,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
            },
        )
