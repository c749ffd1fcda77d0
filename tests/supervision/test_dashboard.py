"""The team dashboard (issue 13): backlog by state and age, due this week, breaches and deemed accepted,
load per handler, overdue consultations; each number links to the worklist listing exactly what it counts;
a fixed number of statements; supervisors only; one tenant's figures only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from querela.complaints.models import Complaint
from querela.consultations.models import Consultation
from querela.consultations.services import consultation_ask
from querela.core import clock, tenancy
from querela.supervision.selectors import team_dashboard
from querela.tenants.models import Membership
from querela.web.charts import bar_chart
from tests.factories import TenantWorld

from .helpers import client_for, complaint, listed

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="([^"#][^"]*)" data-(figure|cell|load|overdue)="([^"]+)">(?:<span class="n">)?(\d+)')


def _team(w: TenantWorld) -> dict[str, Complaint]:
    """A small team's backlog: every age bucket, overdue ones, one answered late, one deemed accepted."""
    made = {
        "new": complaint(w, days_ago=1),  # registered, unassigned, 0–7 days
        "week": complaint(w, days_ago=3, status="assigned"),  # handler, 0–7
        "fortnight": complaint(w, days_ago=10, status="investigating"),  # handler, 8–15, answer due in 5 days
        "late_open": complaint(w, days_ago=25, status="investigating"),  # handler, 16–30, overdue
        "old": complaint(w, days_ago=40, status="assigned", handler="supervisor"),  # supervisor, 31+, overdue
        "answered_late": complaint(w, days_ago=25, status="answered"),  # answered after its due date
        "answered_on_time": complaint(w, days_ago=2, status="answered"),
    }
    with tenancy.tenant_scope(w.tenant):
        Complaint.objects.filter(pk=made["old"].pk).update(deemed_accepted=True)
        # Its next step falls due today (the stored key the worklist sorts by).
        Complaint.objects.filter(pk=made["week"].pk).update(next_due=clock.tenant_today(w.tenant))
        k = consultation_ask(
            actor=w.actor("handler"),
            complaint_id=made["fortnight"].pk,
            question="Please test the meter.",
            department_id=w.department.pk,
        )
        Consultation.objects.filter(pk=k.pk).update(due_on=clock.tenant_today(w.tenant) - timedelta(days=2))
    return made


def test_the_numbers_match_the_data(world):
    w = world.a
    made = _team(w)
    complaint(world.b, days_ago=3, status="assigned")  # another supplier's: never counted here
    with tenancy.tenant_scope(w.tenant):
        board = team_dashboard(actor=w.actor("supervisor"))
        today = clock.tenant_today(w.tenant)
        week_end = today + timedelta(days=6 - today.weekday())
        opened = Complaint.objects.exclude(status__in=["answered", "closed", "redirected"])
        due_this_week = opened.filter(next_due__gte=today, next_due__lte=week_end).count()
    cells = {row.status: [c.n for c in row.cells] for row in board.backlog}
    assert cells["registered"] == [1, 0, 0, 0]
    assert cells["assigned"] == [1, 0, 0, 1]
    assert cells["investigating"] == [0, 1, 1, 0]
    assert [f.n for f in board.bucket_totals] == [2, 1, 1, 1]
    assert board.open_total.n == 5
    assert board.open_overdue.n == 2  # late_open and old
    assert board.answered_late.n == 1
    assert board.deemed_accepted.n == 1
    assert board.unassigned.n == 1
    assert board.due_this_week.n == due_this_week >= 1
    assert board.consultations_overdue == 1 and board.consultations[0].complaint_id == made["fortnight"].pk
    load = {h.user.username: (h.open.n, h.overdue.n) for h in board.load}
    assert load == {w.users["handler"].username: (3, 1), w.users["supervisor"].username: (1, 1)}


def test_every_number_links_to_the_list_of_what_it_counts(world):
    w = world.a
    made = _team(w)
    complaint(world.b, days_ago=3, status="assigned")
    client = client_for(w, "supervisor")
    response = client.get(f"/t/{w.tenant.code}/supervision/")
    assert response.status_code == 200
    html = response.content.decode()
    links = LINK.findall(html)
    assert len(links) >= 15, links
    for href, _kind, name, shown in links:
        href = href.replace("&amp;", "&")
        refs = listed(client, href)
        assert len(refs) == int(shown), (name, href, shown, refs)
        assert all(r.startswith(w.tenant.code) for r in refs)
    # A few by hand: the answered-late list is that one complaint; the old bucket is the deemed one.
    by_name = {name: href.replace("&amp;", "&") for href, _k, name, _n in links}
    assert listed(client, by_name["answered_late"]) == {made["answered_late"].reference}
    assert made["week"].reference in listed(client, by_name["due_this_week"])
    assert listed(client, by_name["assigned-3"]) == {made["old"].reference}
    assert listed(client, by_name["open_overdue"]) == {made["late_open"].reference, made["old"].reference}
    assert listed(client, by_name[str(w.users["supervisor"].pk)]) == {made["old"].reference}


def test_charts_are_accessible_images_with_the_numbers_as_text(world):
    w = world.a
    _team(w)
    html = client_for(w, "supervisor").get(f"/t/{w.tenant.code}/supervision/").content.decode()
    for chart in ("chart-age", "chart-load"):
        assert f'id="{chart}" role="img" aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
    assert '<desc id="chart-age-desc">0–7 days: 2; 8–15 days: 1; 16–30 days: 1; over 30 days: 1</desc>' in html
    assert "<table" in html and "<caption" in html


def test_a_chart_escapes_its_labels():
    svg = str(bar_chart(chart_id="c", title="T <x>", rows=[("<script>", 3), ("B & C", 0)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "B &amp; C" in svg
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_a_fixed_number_of_statements_whatever_the_backlog(world):
    w = world.a
    complaint(w, days_ago=1)
    complaint(w, days_ago=3, status="assigned")
    with tenancy.tenant_scope(w.tenant):
        actor = w.actor("supervisor")
        with CaptureQueriesContext(connection) as few:
            team_dashboard(actor=actor)
    _team(w)
    other = get_user_model().objects.create_user("aaa-handler-2", "", "x")
    with tenancy.tenant_scope(w.tenant):
        Membership.objects.create(user=other, role="handler")
    complaint(w, days_ago=12, status="assigned")
    with tenancy.tenant_scope(w.tenant), CaptureQueriesContext(connection) as many:
        board = team_dashboard(actor=actor)
    assert len(board.load) == 3
    assert len(few) == len(many) <= 6, [q["sql"] for q in many.captured_queries]


@pytest.mark.parametrize("role", ["agent", "clerk", "handler", "tenant_admin", "consumer"])
def test_other_roles_are_refused(world, role):
    response = client_for(world.a, role).get(f"/t/{world.a.tenant.code}/supervision/")
    assert response.status_code == 403


def test_another_tenants_supervisor_finds_nothing(world):
    response = client_for(world.b, "supervisor").get(f"/t/{world.a.tenant.code}/supervision/")
    assert response.status_code == 404


def test_bulk_reassign_moves_a_handlers_open_complaints(world):
    w = world.a
    made = _team(w)
    client = client_for(w, "supervisor")
    response = client.post(
        f"/t/{w.tenant.code}/supervision/reassign/",
        {"from_user": w.users["handler"].pk, "to_user": w.users["supervisor"].pk, "only_overdue": "on"},
        follow=True,
    )
    assert "1 complaint reassigned." in response.content.decode()
    with tenancy.tenant_scope(w.tenant):
        assert Complaint.objects.get(pk=made["late_open"].pk).assignee_id == w.users["supervisor"].pk
        assert Complaint.objects.get(pk=made["week"].pk).assignee_id == w.users["handler"].pk
    client.post(
        f"/t/{w.tenant.code}/supervision/reassign/",
        {"from_user": w.users["handler"].pk, "to_user": w.users["supervisor"].pk},
    )
    with tenancy.tenant_scope(w.tenant):
        assert not Complaint.objects.filter(
            assignee=w.users["handler"], status__in=["assigned", "investigating"]
        ).exists()
        # An answered complaint is not moved.
        assert Complaint.objects.get(pk=made["answered_late"].pk).assignee_id == w.users["handler"].pk
    refused = client_for(w, "handler").post(
        f"/t/{w.tenant.code}/supervision/reassign/",
        {"from_user": w.users["supervisor"].pk, "to_user": w.users["handler"].pk},
    )
    assert refused.status_code == 403
