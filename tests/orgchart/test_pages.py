"""The org chart's pages: the chart on a day, a job with its holders and deputies, the administrator's forms,
and the CSV upload that shows what will change before anything is written."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from querela.core import clock, tenancy
from querela.orgchart.models import Deputy, Job, JobHolder
from tests.factories import PASSWORD, TenantWorld
from tests.orgchart.helpers import csv_bytes

pytestmark = pytest.mark.django_db


def _client(w: TenantWorld, role: str = "tenant_admin") -> Client:
    client = Client()
    assert client.login(username=w.users[role].username, password=PASSWORD)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_administrator_builds_a_job_from_the_pages(world):
    w = world.a
    admin = _client(w)
    assert "/t/AAA/org-chart/" in admin.get("/t/AAA/admin/").content.decode()  # linked from the admin page
    new = admin.post(
        "/t/AAA/org-chart/jobs/new/",
        {
            "department": w.department.pk,
            "code": "BILL-SPEC",
            "title": "Billing specialist",
            "duties": "Checks bills and recalculates them.",
            "may_sign": ["answers", "bill_recalculations"],
            "is_active": "on",
        },
    )
    with tenancy.tenant_scope(w.tenant):
        job = Job.objects.get(code="BILL-SPEC")
    assert new.status_code == 302 and new["Location"] == f"/t/AAA/org-chart/jobs/{job.pk}/"
    today = clock.tenant_today(w.tenant).isoformat()
    added = admin.post(
        f"/t/AAA/org-chart/jobs/{job.pk}/holders/",
        {"holder-user": w.users["handler"].pk, "holder-since": today},
        follow=True,
    )
    assert "aaa-handler holds the job from" in _text(added), _text(added)[:3000]
    with tenancy.tenant_scope(w.tenant):
        term = JobHolder.objects.get(job=job)
    deputy = admin.post(
        f"/t/AAA/org-chart/jobs/{job.pk}/deputies/",
        {
            "deputy-user": w.users["supervisor"].pk,
            "deputy-holder": term.pk,
            "deputy-starts_on": today,
            "deputy-reason": "Annual leave",
        },
    )
    assert deputy.status_code == 302
    page = _text(admin.get(f"/t/AAA/org-chart/jobs/{job.pk}/"))
    assert "Checks bills and recalculates them." in page and "Answers to complaints, Bill recalculations" in page
    assert "aaa-handler" in page and "Annual leave" in page
    chart = _text(_client(w, "handler").get("/t/AAA/org-chart/"))
    assert "Billing specialist BILL-SPEC" in chart and "aaa-supervisor (for aaa-handler)" in chart
    # A refusal comes back as a message on the page, not an error page.
    again = admin.post(
        f"/t/AAA/org-chart/jobs/{job.pk}/holders/",
        {"holder-user": w.users["handler"].pk, "holder-since": today},
        follow=True,
    )
    assert "already holds this job" in _text(again)
    ended = admin.post(f"/t/AAA/org-chart/holders/{term.pk}/end/", {"until": today}, follow=True)
    assert "The term ends as set." in _text(ended)
    with tenancy.tenant_scope(w.tenant):
        assert str(JobHolder.objects.get(pk=term.pk).until) == today
        assert str(Deputy.objects.get(job=job).ends_on) == today


def test_the_upload_shows_what_will_change_and_imports_only_when_confirmed(world):
    w = world.a
    admin = _client(w)
    data = csv_bytes(
        "billing,Billing,BILL-SPEC,Billing specialist,answers,aaa-handler,aaa-supervisor",
        "legal,Legal,LEGAL,Legal counsel,opinions,aaa-tenant_admin,",
    )
    preview = admin.post("/t/AAA/org-chart/import/", {"file": SimpleUploadedFile("chart.csv", data, "text/csv")})
    text = _text(preview)
    assert preview.status_code == 200 and "What the import will change" in text
    assert "New job BILL-SPEC: Billing specialist, in Billing; may sign: Answers to complaints" in text
    assert "aaa-supervisor stands in for aaa-handler as BILL-SPEC" in text
    with tenancy.tenant_scope(w.tenant):
        assert not Job.objects.exists()  # nothing written by the preview
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    assert admin.post("/t/AAA/org-chart/import/confirm/", {"token": "forged"}).status_code == 302
    with tenancy.tenant_scope(w.tenant):
        assert not Job.objects.exists()
    done = admin.post("/t/AAA/org-chart/import/confirm/", {"token": token}, follow=True)
    assert "The org chart was imported: 6 created, 0 updated." in _text(done)
    with tenancy.tenant_scope(w.tenant):
        assert set(Job.objects.values_list("code", flat=True)) == {"BILL-SPEC", "LEGAL"}
    # The preview is spent: confirming twice imports nothing more.
    twice = admin.post("/t/AAA/org-chart/import/confirm/", {"token": token}, follow=True)
    assert "no longer open" in _text(twice)


def test_a_bad_upload_lists_every_error_by_row_and_offers_no_import(world):
    w = world.a
    admin = _client(w)
    data = csv_bytes(
        "billing,Billing,BILL-SPEC,,answers,,", "billing,Billing,X,T,stamps,,", "billing,Billing,Y,T,answers,nobody,"
    )
    page = admin.post("/t/AAA/org-chart/import/", {"file": SimpleUploadedFile("bad.csv", data, "text/csv")})
    text = _text(page)
    assert "The file can't be imported" in text and "3 errors: nothing will be imported" in text
    assert "Row 2: The job title is missing." in text
    assert "Row 3: Unknown signing right: stamps." in text and "Row 4: There is no user “nobody”." in text
    assert 'name="token"' not in page.content.decode()
    refused = admin.post("/t/AAA/org-chart/import/", {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04zz")})
    assert "spreadsheet file" in _text(refused)


class _Markup(HTMLParser):
    """Ids, label targets and form fields of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append((str(a.get("id") or ""), str(a.get("name") or "")))


def test_every_field_of_the_pages_has_a_label_and_no_id_repeats(world):
    w = world.a
    admin = _client(w)
    admin.post(
        "/t/AAA/org-chart/import/",
        {"file": SimpleUploadedFile("c.csv", csv_bytes("billing,Billing,J,Job,answers,aaa-handler,aaa-clerk"))},
    )
    admin.post("/t/AAA/org-chart/import/confirm/", {"token": admin.session["orgchart_import"]["token"]})
    with tenancy.tenant_scope(w.tenant):
        job = Job.objects.get()
    for url in (
        "/t/AAA/org-chart/",
        f"/t/AAA/org-chart/jobs/{job.pk}/",
        "/t/AAA/org-chart/jobs/new/",
        "/t/AAA/org-chart/import/",
    ):
        markup = _Markup()
        markup.feed(admin.get(url).content.decode())
        repeated = {i for i in markup.ids if markup.ids.count(i) > 1}
        assert not repeated, (url, repeated)
        unlabelled = [f for f in markup.fields if f[0] not in markup.label_for and f[1] != "language"]
        assert not unlabelled, (url, unlabelled)
