"""The library's pages: caseworkers read, the administrator edits in forms (steps added, removed and
reordered; documents), each save a new version; the blank forms print as PDF."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from querela.core import tenancy
from querela.instructions.models import WorkInstruction
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def _form_data(instruction: WorkInstruction, **over: Any) -> dict[str, Any]:
    """The edit form as the page posts it, with every step and document as shown."""
    steps = list(instruction.steps.all())
    documents = list(instruction.documents.all())
    data: dict[str, Any] = {
        "category": instruction.category,
        "channel": instruction.channel,
        "service_type": instruction.service_type,
        "segment": instruction.segment,
        "title": instruction.title,
        "purpose": instruction.purpose,
        "reason": "",
        "steps-TOTAL_FORMS": str(len(steps) + 2),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "documents-TOTAL_FORMS": str(len(documents) + 1),
        "documents-INITIAL_FORMS": str(len(documents)),
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
    }
    for n, s in enumerate(steps):
        data |= {
            f"steps-{n}-check_code": s.check_code,
            f"steps-{n}-title": s.title,
            f"steps-{n}-how_to": s.how_to,
            f"steps-{n}-job_code": s.job_code,
            f"steps-{n}-evidence": s.evidence,
            f"steps-{n}-days": str(s.days),
            f"steps-{n}-ORDER": str(s.position),
        }
        if s.mandatory:
            data[f"steps-{n}-mandatory"] = "on"
    for n in (len(steps), len(steps) + 1):  # the empty rows, as a browser sends them
        data |= {f"steps-{n}-check_code": "", f"steps-{n}-days": "2", f"steps-{n}-mandatory": "on"}
    for n, d in enumerate(documents):
        data |= {f"documents-{n}-title": d.title, f"documents-{n}-body": d.body}
    return data | over


def test_caseworkers_read_the_library_and_an_instruction(world):
    with tenancy.tenant_scope(world.a.tenant):
        i = WorkInstruction.objects.get(code="EL-MTR-01", language="en")
    for role in ("handler", "supervisor", "tenant_admin"):
        c = _client(f"aaa-{role}")
        page = c.get("/t/AAA/instructions/").content.decode()
        assert "Meter suspected of measuring too much" in page and "EL-MTR-01" in page
        detail = c.get(f"/t/AAA/instructions/{i.pk}/").content.decode()
        assert "Have the meter tested at an accredited laboratory" in detail and "METER-TECH" in detail
        assert ("Edit (saves a new version)" in detail) == (role == "tenant_admin")
    filtered = _client("aaa-handler").get("/t/AAA/instructions/?category=damage").content.decode()
    assert "EL-DMG-01" in filtered and "EL-MTR-01" not in filtered
    assert "Work instructions" in _client("aaa-tenant_admin").get("/t/AAA/admin/").content.decode()


@pytest.mark.parametrize("role", ["agent", "clerk", "consumer"])
def test_other_roles_are_refused_the_library(world, role):
    assert _client(f"aaa-{role}").get("/t/AAA/instructions/").status_code == 403


def test_a_supervisor_reads_but_may_not_edit(world):
    with tenancy.tenant_scope(world.a.tenant):
        i = WorkInstruction.objects.get(code="EL-MTR-01", language="en")
        data = _form_data(i, title="Changed", reason="Mine")
    c = _client("aaa-supervisor")
    assert c.get(f"/t/AAA/instructions/{i.pk}/edit/").status_code == 403
    assert c.post(f"/t/AAA/instructions/{i.pk}/edit/", data).status_code == 403
    assert c.post("/t/AAA/instructions/load/", {"language": "hu"}).status_code == 403
    with tenancy.tenant_scope(world.a.tenant):
        assert WorkInstruction.objects.filter(code="EL-MTR-01").count() == 1


def test_the_administrator_reorders_removes_and_adds_steps_as_a_new_version(world):
    with tenancy.tenant_scope(world.a.tenant):
        v1 = WorkInstruction.objects.get(code="EL-MTR-01", language="en")
        titles = [s.title for s in v1.steps.all()]
        data = _form_data(v1, reason="The lab test comes first now.")
    assert len(titles) == 4
    data |= {"steps-2-ORDER": "0", "steps-3-DELETE": "on"}  # the lab test first; the recalculation out
    n = len(titles)
    data |= {
        f"steps-{n}-check_code": "recording_review",
        f"steps-{n}-title": "Listen to the call",
        f"steps-{n}-how_to": "Find the recording.",
        f"steps-{n}-job_code": "CS-LEAD",
        f"steps-{n}-evidence": "Notes.",
        f"steps-{n}-days": "1",
        f"steps-{n}-ORDER": "9",
    }
    c = _client("aaa-tenant_admin")
    assert c.get(f"/t/AAA/instructions/{v1.pk}/edit/").status_code == 200
    response = c.post(f"/t/AAA/instructions/{v1.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenancy.tenant_scope(world.a.tenant):
        v2 = WorkInstruction.objects.get(code="EL-MTR-01", language="en", is_current=True)
        assert v2.version == 2 and v2.change_reason == "The lab test comes first now."
        assert [s.title for s in v2.steps.all()] == [titles[2], titles[0], titles[1], "Listen to the call"]
        assert [s.title for s in WorkInstruction.objects.get(pk=v1.pk).steps.all()] == titles
    page = c.get(response["Location"]).content.decode()
    assert "Saved as version 2." in page and "The lab test comes first now." in page
    # The old version still opens, marked as no longer in use; "edit" on it opens the current one.
    old = c.get(f"/t/AAA/instructions/{v1.pk}/").content.decode()
    assert "no longer in use" in old and titles[3] in old
    assert c.get(f"/t/AAA/instructions/{v1.pk}/edit/")["Location"].endswith(f"/instructions/{v2.pk}/edit/")


def test_a_save_without_a_reason_is_refused_with_the_field_marked(world):
    with tenancy.tenant_scope(world.a.tenant):
        v1 = WorkInstruction.objects.get(code="EL-MTR-02", language="en")
        data = _form_data(v1, title="Changed")
        half = _form_data(v1, reason="r") | {"steps-0-evidence": ""}
    response = _client("aaa-tenant_admin").post(f"/t/AAA/instructions/{v1.pk}/edit/", data)
    assert response.status_code == 400 and "Please correct the fields marked below." in response.content.decode()
    response = _client("aaa-tenant_admin").post(f"/t/AAA/instructions/{v1.pk}/edit/", half)
    assert response.status_code == 400 and "Fill this in, or empty the whole step." in response.content.decode()
    with tenancy.tenant_scope(world.a.tenant):
        assert WorkInstruction.objects.filter(code="EL-MTR-02").count() == 1


def test_the_administrator_writes_a_new_instruction(world):
    data = {
        "code": "OWN-01",
        "language": "en",
        "category": "other",
        "title": "Our own check",
        "purpose": "",
        "reason": "",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-check_code": "case_history_review",
        "steps-0-title": "Read the history",
        "steps-0-how_to": "Open the record.",
        "steps-0-job_code": "CMP-OFFICER",
        "steps-0-evidence": "The list.",
        "steps-0-days": "2",
        "steps-0-mandatory": "on",
        "steps-1-days": "2",
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-0-title": "Summary",
        "documents-0-body": "{reference} — {customer_name}",
    }
    c = _client("aaa-tenant_admin")
    assert c.get("/t/AAA/instructions/new/").status_code == 200
    assert c.post("/t/AAA/instructions/new/", data).status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        made = WorkInstruction.objects.get(code="OWN-01")
        assert made.steps.count() == 1 and made.documents.get().title == "Summary"


def test_the_blank_document_prints_as_pdf(world):
    with tenancy.tenant_scope(world.a.tenant):
        i = WorkInstruction.objects.get(code="EL-DMG-01", language="en")
        d = i.documents.first()
    response = _client("aaa-handler").get(f"/t/AAA/instructions/{i.pk}/documents/{d.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    with tenancy.tenant_scope(world.b.tenant):
        theirs = WorkInstruction.objects.get(code="EL-DMG-01", language="en")
        their_doc = theirs.documents.first()
    assert _client("aaa-handler").get(f"/t/AAA/instructions/{i.pk}/documents/{their_doc.pk}.pdf").status_code == 404
    assert _client("aaa-handler").get(f"/t/AAA/instructions/{theirs.pk}/").status_code == 404


def test_the_administrator_loads_another_languages_set(world):
    c = _client("aaa-tenant_admin")
    response = c.post("/t/AAA/instructions/load/", {"language": "ro"}, follow=True)
    assert "instructions were added." in response.content.decode()
    with tenancy.tenant_scope(world.a.tenant):
        assert WorkInstruction.objects.filter(language="ro").count() >= 30


def test_the_pages_label_every_field_once(world):
    """Accessible markup without a browser: ids are unique and every label points at a field on the page."""
    import re

    with tenancy.tenant_scope(world.a.tenant):
        i = WorkInstruction.objects.get(code="EL-MTR-01", language="en")
    c = _client("aaa-tenant_admin")
    for url in ("/t/AAA/instructions/", f"/t/AAA/instructions/{i.pk}/", f"/t/AAA/instructions/{i.pk}/edit/"):
        html = c.get(url).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (url, sorted({x for x in ids if ids.count(x) > 1}))
        assert set(re.findall(r'\sfor="([^"]+)"', html)) <= set(ids), url
        assert '<html lang="' in html and "<h1>" in html
