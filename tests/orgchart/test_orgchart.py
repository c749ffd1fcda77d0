"""The org chart (issue 14, item 1): jobs, holders and deputies; who acts for a job on a day; every edit
audited and refused with a reason; another supplier's chart out of reach; the pages by permission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from querela.audit.models import AuditEvent
from querela.audit.vocabulary import names_for
from querela.audit.wording import describe
from querela.core import clock, tenancy
from querela.core.errors import NotFound, PermissionDenied, ValidationFailed
from querela.orgchart.models import Job, JobHolder
from querela.orgchart.selectors import holder_user_ids, holders_of, jobs_of, org_chart, user_may_sign
from querela.orgchart.services import deputy_set, holder_assign, holder_end, job_save
from querela.tenants.models import Membership
from tests.factories import PASSWORD, TenantWorld
from tests.orgchart.helpers import make_job

pytestmark = pytest.mark.django_db

D0 = date(2026, 3, 2)


def _day(n: int) -> date:
    return D0 + timedelta(days=n)


def _client(w: TenantWorld, role: str) -> Client:
    client = Client()
    assert client.login(username=w.users[role].username, password=PASSWORD)
    return client


def _assign(w: TenantWorld, job: Job, role: str, since: date = D0, until: date | None = None) -> JobHolder:
    with tenancy.tenant_scope(w.tenant):
        return holder_assign(
            actor=w.actor("tenant_admin"), job_id=job.pk, user_id=w.users[role].pk, since=since, until=until
        )


def _deputy(w: TenantWorld, job: Job, role: str, start: date, end: date | None, holder: JobHolder | None = None):
    with tenancy.tenant_scope(w.tenant):
        return deputy_set(
            actor=w.actor("tenant_admin"),
            job_id=job.pk,
            user_id=w.users[role].pk,
            starts_on=start,
            ends_on=end,
            reason="Annual leave",
            holder_id=holder.pk if holder else None,
        )


def _who(w: TenantWorld, code: str, on: date) -> list[tuple[str, bool]]:
    with tenancy.tenant_scope(w.tenant):
        return [(a.username, a.deputy) for a in holders_of(code, on=on)]


def test_the_holders_of_a_job_on_a_day_include_the_deputies_standing_in_that_day(world):
    w = world.a
    job = make_job(w)
    handler = _assign(w, job, "handler")
    _assign(w, job, "clerk", since=_day(1), until=_day(4))
    _deputy(w, job, "supervisor", _day(2), _day(3), holder=handler)  # the handler's leave
    _deputy(w, job, "agent", _day(5), None)  # a standing deputy for the job as a whole
    h, c, s, a = (w.users[r].username for r in ("handler", "clerk", "supervisor", "agent"))
    assert _who(w, "BILL-SPEC", D0) == [(h, False)]
    assert _who(w, "bill-spec", _day(1)) == [(h, False), (c, False)]  # the code whatever its case
    assert _who(w, "BILL-SPEC", _day(2)) == [(h, False), (c, False), (s, True)]
    assert _who(w, "BILL-SPEC", _day(4)) == [(h, False), (c, False)]  # the leave's last day was day 3
    assert _who(w, "BILL-SPEC", _day(5)) == [(h, False), (a, True)]  # the clerk's term ended on day 4
    assert _who(w, "BILL-SPEC", D0 - timedelta(days=1)) == []
    assert _who(w, "NO-SUCH-JOB", _day(2)) == []
    with tenancy.tenant_scope(w.tenant):
        on_leave = holders_of("BILL-SPEC", on=_day(2))[-1]
        assert on_leave.stands_in_for == w.users["handler"].username and on_leave.reason == "Annual leave"
        assert holder_user_ids("BILL-SPEC", on=_day(2)) == [w.users[r].pk for r in ("handler", "clerk", "supervisor")]
        # A person whose role at the supplier was removed acts for no job.
        Membership.objects.filter(user=w.users["clerk"]).update(is_active=False)
    assert _who(w, "BILL-SPEC", _day(1)) == [(h, False)]


def test_a_switched_off_job_has_nobody_acting_for_it(world):
    w = world.a
    job = make_job(w)
    _assign(w, job, "handler", until=_day(5))  # a term long over
    with tenancy.tenant_scope(w.tenant):
        job_save(
            actor=w.actor("tenant_admin"),
            job_id=job.pk,
            department_id=w.department.pk,
            title=job.title,
            may_sign=job.may_sign,
            is_active=False,
        )
    assert _who(w, "BILL-SPEC", _day(1)) == []


def test_the_jobs_of_a_person_and_what_they_may_sign(world):
    w = world.a
    billing = make_job(w)
    legal = make_job(w, "LEGAL", title="Legal counsel", may_sign=["opinions"])
    _assign(w, billing, "handler")
    _deputy(w, legal, "handler", _day(1), _day(1))
    with tenancy.tenant_scope(w.tenant):
        assert [(h.job.code, h.deputy) for h in jobs_of(w.users["handler"], on=_day(1))] == [
            ("BILL-SPEC", False),
            ("LEGAL", True),
        ]
        assert [h.job.code for h in jobs_of(w.users["handler"].pk, on=_day(2))] == ["BILL-SPEC"]
        assert user_may_sign(w.users["handler"], "opinions", on=_day(1))
        assert not user_may_sign(w.users["handler"], "opinions", on=_day(2))
        assert user_may_sign(w.users["handler"], "bill_recalculations", on=_day(2))
        assert jobs_of(w.users["agent"], on=_day(1)) == []


def test_who_acts_for_a_job_costs_the_same_queries_however_many_people(world):
    w = world.a
    job = make_job(w)
    counts = []
    for role in ("handler", "clerk", "agent", "supervisor"):
        _assign(w, job, role)
        with tenancy.tenant_scope(w.tenant), CaptureQueriesContext(connection) as captured:
            holders_of("BILL-SPEC", on=_day(1))
            org_chart(on=_day(1))
        counts.append(len(captured))
    assert len(set(counts)) == 1 and counts[0] <= 7, counts


@pytest.mark.parametrize(
    ("attempt", "message"),
    [
        ("consumer_holder", "has no active staff role"),
        ("overlap", "already holds this job"),
        ("dates", "is before the first"),
        ("duplicate_code", "Another job has the code"),
        ("bad_code", "The job code may hold only"),
        ("unknown_right", "Unknown signing right: stamps"),
        ("no_title", "Please give the job title"),
        ("deputy_self", "Nobody can stand in for themselves"),
        ("holder_as_deputy", "a holder is not the job's deputy"),
        ("outside_term", "the deputising must fall within"),
        ("no_reason", "Please give the reason"),
        ("switch_off_in_use", "end their terms first"),
        ("end_before_start", "before the term began"),
    ],
)
def test_every_refusal_says_why(world, attempt, message):
    w = world.a
    job = make_job(w)
    term = _assign(w, job, "handler", until=_day(10))
    admin = w.actor("tenant_admin")
    tries = {
        "consumer_holder": lambda: holder_assign(actor=admin, job_id=job.pk, user_id=w.users["consumer"].pk),
        "overlap": lambda: holder_assign(actor=admin, job_id=job.pk, user_id=w.users["handler"].pk, since=_day(5)),
        "dates": lambda: holder_assign(
            actor=admin, job_id=job.pk, user_id=w.users["clerk"].pk, since=_day(5), until=_day(4)
        ),
        "duplicate_code": lambda: make_job(w, "bill-spec"),
        "bad_code": lambda: make_job(w, "bill spec!"),
        "unknown_right": lambda: make_job(w, "X1", may_sign=["answers", "stamps"]),
        "no_title": lambda: make_job(w, "X2", title="  "),
        "deputy_self": lambda: _deputy(w, job, "handler", _day(1), _day(2), holder=term),
        "holder_as_deputy": lambda: _deputy(w, job, "handler", _day(1), _day(2)),
        "outside_term": lambda: _deputy(w, job, "clerk", _day(8), _day(12), holder=term),
        "no_reason": lambda: deputy_set(
            actor=admin, job_id=job.pk, user_id=w.users["clerk"].pk, starts_on=_day(1), reason=" "
        ),
        "switch_off_in_use": lambda: job_save(
            actor=admin, job_id=job.pk, department_id=w.department.pk, title=job.title, is_active=False
        ),
        "end_before_start": lambda: holder_end(actor=admin, holder_id=term.pk, until=D0 - timedelta(days=1)),
    }
    if attempt == "switch_off_in_use":  # a term running into the future
        _assign(w, job, "clerk", since=clock.tenant_today(w.tenant))
    with tenancy.tenant_scope(w.tenant), translation.override("en"), pytest.raises(ValidationFailed) as refused:
        tries[attempt]()
    assert message in refused.value.message, refused.value.message


def test_every_edit_is_audited_and_reads_in_words(world):
    w = world.a
    job = make_job(w)
    term = _assign(w, job, "handler")
    deputy = _deputy(w, job, "supervisor", _day(1), None, holder=term)
    admin = w.actor("tenant_admin")
    with tenancy.tenant_scope(w.tenant):
        job_save(
            actor=admin,
            job_id=job.pk,
            department_id=w.department.pk,
            title="Senior billing specialist",
            may_sign=["answers"],
        )
        holder_end(actor=admin, holder_id=term.pk, until=_day(3))  # the deputy of this holder ends with them
        deputy.refresh_from_db()
        assert deputy.ends_on == _day(3)
        events = list(AuditEvent.objects.filter(action__startswith="orgchart.").order_by("id"))
        assert [e.action for e in events] == [
            "orgchart.job_create",
            "orgchart.holder_assign",
            "orgchart.deputy_set",
            "orgchart.job_update",
            "orgchart.holder_end",
            "orgchart.deputy_end",
        ]
        assert events[3].changes == {
            "title": ["Billing specialist", "Senior billing specialist"],
            "may_sign": [["answers", "bill_recalculations"], ["answers"]],
        }
        assert {e.actor_id for e in events} == {w.users["tenant_admin"].pk}
        names = names_for(events)
        with translation.override("en"):
            lines = [describe(e, names) for e in events]
    assert lines[0].text == "Org chart: job Senior billing specialist (BILL-SPEC) created"  # named as it is now
    assert (
        lines[1].text == f"Org chart: job holder {w.users['handler'].username} as Senior billing specialist appointed"
    )
    assert lines[3].text == "Org chart: job Senior billing specialist (BILL-SPEC) changed: job title, may sign"
    assert ("May sign", "Answers to complaints, Bill recalculations → Answers to complaints") in lines[3].details
    assert lines[5].text.startswith("Org chart: the deputising of ")


def test_another_suppliers_chart_is_out_of_reach(world):
    a, b = world.a, world.b
    job = make_job(a)
    _assign(a, job, "handler")
    with tenancy.tenant_scope(b.tenant):
        assert holders_of("BILL-SPEC", on=_day(1)) == []
        assert Job.objects.filter(pk=job.pk).count() == 0
        with pytest.raises(NotFound):
            holder_assign(actor=b.actor("tenant_admin"), job_id=job.pk, user_id=b.users["handler"].pk)
        with pytest.raises(ValidationFailed, match="department"):  # A's department is unknown in B
            job_save(actor=b.actor("tenant_admin"), job_id=None, department_id=a.department.pk, code="X", title="X")
    with tenancy.tenant_scope(a.tenant), pytest.raises(ValidationFailed, match="no active staff role"):
        # B's handler holds no role at A.
        holder_assign(actor=a.actor("tenant_admin"), job_id=job.pk, user_id=b.users["handler"].pk)
    admin_b = _client(b, "tenant_admin")
    assert admin_b.get(f"/t/{b.tenant.code}/org-chart/jobs/{job.pk}/").status_code == 404
    assert admin_b.get(f"/t/{a.tenant.code}/org-chart/").status_code == 404
    chart = admin_b.get(f"/t/{b.tenant.code}/org-chart/").content.decode()
    assert "BILL-SPEC" not in chart


@pytest.mark.parametrize("role", ["consumer", "agent", "clerk", "handler", "supervisor", "tenant_admin"])
def test_the_pages_by_permission(world, role):
    w = world.a
    job = make_job(w)
    client = _client(w, role)
    sees = role in ("handler", "supervisor", "tenant_admin")
    manages = role == "tenant_admin"
    assert client.get("/t/AAA/org-chart/").status_code == (200 if sees else 403)
    assert client.get(f"/t/AAA/org-chart/jobs/{job.pk}/").status_code == (200 if sees else 403)
    assert client.get("/t/AAA/org-chart/import/").status_code == (200 if manages else 403)
    posted = client.post(
        "/t/AAA/org-chart/jobs/new/",
        {"department": w.department.pk, "code": f"NEW-{role}", "title": "New job", "is_active": "on"},
    )
    assert posted.status_code == (302 if manages else 403)
    edited = client.post(f"/t/AAA/org-chart/jobs/{job.pk}/", {"department": w.department.pk, "title": "Renamed"})
    assert edited.status_code == (302 if manages else 403)
    with tenancy.tenant_scope(w.tenant):
        assert Job.objects.filter(code=f"NEW-{role}").exists() is manages
        assert Job.objects.get(pk=job.pk).title == ("Renamed" if manages else "Billing specialist")
        if not manages:
            with pytest.raises(PermissionDenied):
                job_save(actor=w.actor(role), job_id=None, department_id=w.department.pk, code="Z", title="Z")
