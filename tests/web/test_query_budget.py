"""The hot pages cost a fixed number of SQL statements however many rows they show: a later N+1 (one
query per row) fails here. The budgets are today's counts; lower them when a page gets cheaper."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from querela.complaints.services import Upload, complaint_add_message, complaint_add_note, complaint_register
from querela.core import tenancy
from querela.customers.models import Customer
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _client(role: str) -> Client:
    c = Client()
    assert c.login(username=f"aaa-{role}", password=PASSWORD)
    return c


def _statements(client: Client, url: str) -> int:
    client.get(url)  # the first request of a session pays for one-off work (session, caches)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _complaints(w, n: int) -> list:
    out = []
    for i in range(n):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="phone",
            subject=f"Kovács panasz {i}",
            description="Magas a számla.",
            customer=w.customer,
            place=w.place,
        )
        out.append(c)
    return out


def _grow_case(w, c, n: int) -> None:
    for i in range(n):
        complaint_add_note(actor=w.actor("handler"), complaint_id=c.pk, text=f"Jegyzet {i}")
        complaint_add_message(
            actor=w.actor("consumer"),
            complaint_id=c.pk,
            text=f"Üzenet {i}",
            uploads=[Upload(f"f{i}.txt", io.BytesIO(b"meter photo notes"), 17)],
        )


@pytest.mark.parametrize(
    ("role", "url", "budget"),
    [
        # By due date: the dated page, then the undated rows when it is not full (two seeks), each as
        # ids first, then those rows with their joins; +1: the page's checklist progress (issue 14).
        ("handler", "/t/AAA/complaints/", 11),
        ("handler", "/t/AAA/complaints/?view=unassigned&channel=phone&category=billing&from=2020-01-01", 11),
        ("handler", "/t/AAA/complaints/?q=Panasz&order=received", 10),
        ("supervisor", "/t/AAA/", 18),  # the desk: figures, lists, overdue consultations
        ("clerk", "/t/AAA/", 6),  # the customer office: today's visits, registered by me
        ("consumer", "/t/AAA/", 7),
    ],
)
def test_lists_cost_the_same_for_few_and_many_rows(world, role, url, budget) -> None:
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        _complaints(w, 2)
    client = _client(role)
    few = _statements(client, url)
    with tenancy.tenant_scope(w.tenant):
        _complaints(w, 8)
    many = _statements(client, url)
    assert many == few, f"{url}: {few} statements for 2 rows, {many} for 10"
    assert many <= budget, many


def test_the_case_file_costs_the_same_for_a_short_and_a_long_history(world) -> None:
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        (c,) = _complaints(w, 1)
        _grow_case(w, c, 1)
    handler = _client("handler")
    url = f"/t/AAA/complaints/{c.reference}/"
    few = _statements(handler, url)
    with tenancy.tenant_scope(w.tenant):
        _grow_case(w, c, 6)
    many = _statements(handler, url)
    assert many == few, f"case file: {few} statements, then {many} with a longer history"
    assert many <= 15, many  # +1: the checklist on the case (issue 14), one query


@pytest.mark.parametrize("role", ["clerk", "agent"])  # the desk sees the people; a call, only that they exist
def test_the_customer_search_costs_the_same_for_few_and_many_hits(world, role) -> None:
    w = world.a
    searcher = Client(HTTP_HX_REQUEST="true")  # typed into the search box, results while typing
    assert searcher.login(username=f"aaa-{role}", password=PASSWORD)
    url = "/t/AAA/customers/?q=Kov"
    few = _statements(searcher, url)
    with tenancy.tenant_scope(w.tenant):
        for i in range(8):
            Customer.objects.create(customer_number=f"KQ-{i}", name=f"Kovács {i}", email=f"k{i}@example.hu")
    many = _statements(searcher, url)
    assert many == few, f"search: {few} statements, then {many} with more hits"
    assert many <= 15, many


def _chart(w, first: int, n: int) -> None:
    """n more jobs, each with a holder and a deputy."""
    from datetime import date

    from querela.orgchart.services import deputy_set, holder_assign
    from tests.orgchart.helpers import make_job

    admin = w.actor("tenant_admin")
    with tenancy.tenant_scope(w.tenant):
        for i in range(first, first + n):
            job = make_job(w, code=f"JOB-{i}", title=f"Job {i}")
            holder_assign(actor=admin, job_id=job.pk, user_id=w.users["handler"].pk)
            deputy_set(
                actor=admin,
                job_id=job.pk,
                holder_id=None,
                user_id=w.users["supervisor"].pk,
                starts_on=date(2020, 1, 1),
                ends_on=None,
                reason="Standing deputy",
            )


def test_the_org_chart_costs_the_same_for_a_small_and_a_large_chart(world) -> None:
    w = world.a
    _chart(w, 0, 2)
    admin = _client("tenant_admin")
    few = _statements(admin, "/t/AAA/org-chart/")
    _chart(w, 2, 10)
    many = _statements(admin, "/t/AAA/org-chart/")
    assert many == few, f"org chart: {few} statements for 2 jobs, {many} for 12"
    assert many <= 10, many  # session, user, membership, the tenant's cells, its jobs


@pytest.mark.parametrize("url", ["/t/AAA/instructions/", "/t/AAA/instructions/?category=billing"])
def test_the_instruction_library_costs_the_same_for_few_and_many_instructions(world, url) -> None:
    from querela.instructions.models import WorkInstruction
    from querela.instructions.services import instructions_seed

    w = world.a
    handler = _client("handler")
    with tenancy.tenant_scope(w.tenant):
        WorkInstruction.objects.all().delete()
        instructions_seed(sector="electricity", language="hu")
        kept = list(WorkInstruction.objects.order_by("pk").values_list("pk", flat=True)[:3])
        WorkInstruction.objects.exclude(pk__in=kept).delete()
    few = _statements(handler, url)
    with tenancy.tenant_scope(w.tenant):
        WorkInstruction.objects.all().delete()
        instructions_seed(sector="electricity", language="hu")
    many = _statements(handler, url)
    assert many == few, f"{url}: {few} statements for 3 instructions, {many} for the whole set"
    assert many <= 8, many


def test_the_case_file_with_a_checklist_costs_the_same_as_steps_are_worked(world) -> None:
    from querela.instructions.checklists import checklist_attach, checklist_step_done
    from querela.instructions.models import ChecklistStep

    w = world.a
    with tenancy.tenant_scope(w.tenant):
        (c,) = _complaints(w, 1)
        c.category = "billing"
        c.save(update_fields=["category"])
        checklist_attach(c)
        steps = list(ChecklistStep.objects.filter(complaint=c).order_by("position"))
    assert len(steps) >= 3
    handler = _client("supervisor")
    url = f"/t/AAA/complaints/{c.reference}/"
    few = _statements(handler, url)
    with tenancy.tenant_scope(w.tenant):
        for s in steps[:2]:  # one stays open: the forms to work it and hand it on stay on the page
            checklist_step_done(
                actor=w.actor("supervisor"),
                step_id=s.pk,
                note="Checked.",
                uploads=[Upload(f"evidence-{s.pk}.txt", io.BytesIO(b"evidence"), 8)],
            )
    many = _statements(handler, url)
    assert many == few, f"case file with a checklist: {few} statements, then {many} with steps done with files"
    assert many <= 18, many  # the case file's 14, job titles, staff to hand a step to, instructions to choose, override


def test_the_change_matrix_costs_the_same_for_few_and_many_tenant_cells(world) -> None:
    from querela.edit_rules.catalogue import EDITABLE
    from querela.edit_rules.services import rule_set

    w = world.a
    admin = _client("tenant_admin")

    def cells(fields: list[str]) -> None:
        with tenancy.tenant_scope(w.tenant):
            for field in fields:
                rule_set(
                    actor=w.actor("tenant_admin"),
                    object_type="complaint",
                    field=field,
                    role="agent",
                    when="never",
                    reason="Only the desk corrects this.",
                )

    fields = list(EDITABLE["complaint"])
    cells(fields[:1])
    few = _statements(admin, "/t/AAA/edit-rules/")
    cells(fields[1:8])
    many = _statements(admin, "/t/AAA/edit-rules/")
    assert many == few, f"change matrix: {few} statements with one own cell, {many} with eight"
    assert many <= 10, many  # session, user, membership, the tenant's cells, its jobs


def test_find_a_person_costs_the_same_for_few_and_many_hits(world) -> None:
    w = world.a
    officer = _client("dpo")
    url = "/t/AAA/privacy/people/?q=Kov"
    few = _statements(officer, url)
    with tenancy.tenant_scope(w.tenant):
        for i in range(8):
            Customer.objects.create(customer_number=f"KP-{i}", name=f"Kovács {i}", email=f"p{i}@example.hu")
    many = _statements(officer, url)
    assert many == few, f"find a person: {few} statements, then {many} with more hits"
    assert many <= 15, many  # the search's few lookups, its places, and the audit row of what was shown


def test_own_two_step_page_costs_the_same_for_one_key_and_many(world) -> None:
    from querela.core import clock
    from querela.mfa.models import SecurityKey

    handler = world.a.users["handler"]

    def keys(first: int, n: int) -> None:
        for i in range(first, first + n):
            SecurityKey.objects.create(
                user=handler, name=f"Key {i}", credential_id=f"cred-{i}", public_key=b"k", created_at=clock.now()
            )

    client = _client("handler")
    keys(0, 1)
    one = _statements(client, "/account/two-step/")
    keys(1, 6)
    many = _statements(client, "/account/two-step/")
    assert many == one, f"two-step page: {one} statements with one key, {many} with seven"
    assert many <= 6, many  # session, user, the app, the keys, the recovery codes, memberships (the zone)
