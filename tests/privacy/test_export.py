"""Data-subject export (GDPR art. 15): the officer asks on the page, the job builds the ZIP, the page shows
it ready, the download holds everything about the person — and nothing of another customer or supplier."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from querela.audit.models import AuditEvent
from querela.complaints.services import complaint_add_note, complaint_register
from querela.core import tenancy
from querela.privacy.export import subject_export_build
from querela.privacy.models import ExportState, SubjectExport
from tests.calls.audio import WAV
from tests.privacy.helpers import client_of, rich_customer

pytestmark = pytest.mark.django_db


def _export_through_the_page(w, capture, **form) -> tuple[SubjectExport, zipfile.ZipFile]:
    client = client_of(w, "tenant_admin")
    with capture(execute=True):  # the job runs once the request's transaction commits
        response = client.post(f"/t/{w.tenant.code}/privacy/exports/", form)
    assert response.status_code == 302, response.content.decode()[:500]
    with tenancy.tenant_scope(w.tenant):
        export = SubjectExport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Download the ZIP file" in page
    download = client.get(f"/t/{w.tenant.code}/privacy/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    return export, zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))


def _all_text(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_the_export_holds_everything_about_the_customer_and_nothing_of_anyone_else(
    world, django_capture_on_commit_callbacks
):
    w, b = world.a, world.b
    with tenancy.tenant_scope(w.tenant):
        person = rich_customer(w)
        complaint_add_note(actor=w.actor("handler"), complaint_id=person.open.pk, text="Internal: Anna is difficult")
        complaint_register(
            actor=w.actor("agent"), channel="post", subject="Béla's own trouble", customer=w.other_customer
        )
    with tenancy.tenant_scope(b.tenant):
        rich_customer(b, prefix="BBB ")
    # Someone looked at her record: the access log in the export says so.
    client_of(w, "handler").get(f"/t/{w.tenant.code}/customers/{w.customer.pk}/")

    _export, archive = _export_through_the_page(
        w, django_capture_on_commit_callbacks, customer=w.customer.customer_number
    )
    names = archive.namelist()
    text = _all_text(archive)

    index = archive.read("index.html").decode()
    for section in (
        "Customer record",
        "Complaints",
        "Messages",
        "Letters and answers sent",
        "Files",
        "Minutes",
        "Calls and recordings",
        "E-mails as received",
        "Appointments",
        "Who saw or changed the data",
    ):
        assert section in index, section
    for name in names:
        if name != "index.html":
            assert f'href="{name}"' in index, f"{name} is not listed in the index"
    record = json.loads(archive.read("customer_record.json"))
    assert record["name"] == "Kovács Anna AAA" and record["email"] == "anna@aaa.example"
    assert record["consumption_places"][0]["meters"][0]["serial"] == "AAA-METER-1"
    complaints = {c["subject"]: c for c in json.loads(archive.read("complaints.json"))}
    assert {"Old bill of Anna", "Recent meter of Anna", "Open matter of Anna", "Visit of Anna"} <= set(complaints)
    assert any("Message to Anna about the old bill" in e["text"] for e in complaints["Old bill of Anna"]["timeline"])
    assert archive.read("files/" + person.old.reference + "/anna-bill.txt") == b"ANNA OLD BILL"
    assert any(n.startswith("letters/") and n.endswith(".pdf") for n in names)
    assert any(n.startswith("minutes/") and n.endswith(".pdf") for n in names)
    assert archive.read("recordings/anna-call.wav") == WAV
    assert b"I write about my invoice" in archive.read(next(n for n in names if n.startswith("mail/")))
    access = archive.read("access_log.csv").decode()
    assert "viewed by" in access and w.customer.customer_number in access
    rows = len(list(csv.reader(io.StringIO(access.lstrip("\ufeff"))))) - 1  # less the header
    assert rows > 1
    index = archive.read("index.html").decode()
    section = index[index.index("Who saw or changed the data</h2>") :]
    assert f"{rows} items" in section[:600]  # the index counts rows, not the chunks they were written in
    # By default the timeline is the customer's own view: no internal notes.
    assert "Anna is difficult" not in text
    # Nothing of the other customer, nor of the other supplier.
    assert "Béla" not in text and "Nagy" not in text
    assert "BBB" not in text and "Supplier BBB" not in text

    with tenancy.tenant_scope(w.tenant):
        actions = list(AuditEvent.objects.filter(object_type="subject_export").values_list("action", flat=True))
    assert sorted(actions) == ["personal_data.download", "privacy.export_built", "privacy.export_request"]


def test_internal_notes_are_in_it_when_the_officer_asks(world, django_capture_on_commit_callbacks):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(actor=w.actor("agent"), channel="email", subject="Noted", customer=w.customer)
        complaint_add_note(actor=w.actor("handler"), complaint_id=c.pk, text="Internal: call back on Monday")
    _export, archive = _export_through_the_page(
        w, django_capture_on_commit_callbacks, customer=w.customer.customer_number, include_internal="on"
    )
    assert "call back on Monday" in archive.read("complaints.json").decode()


def test_an_online_account_is_exported_with_every_record_linked_to_it(world, django_capture_on_commit_callbacks):
    w = world.a
    _export, archive = _export_through_the_page(
        w, django_capture_on_commit_callbacks, account="AAA-Consumer@example.test"
    )
    account = json.loads(archive.read("account.json"))
    assert account["username"] == "aaa-consumer" and account["customer_records"] == [w.customer.customer_number]
    assert json.loads(archive.read("customer_record.json"))["name"] == "Kovács Anna AAA"
    assert "account_activity.csv" in archive.namelist()


def test_the_page_shows_progress_while_the_job_builds_and_building_twice_does_nothing(world):
    w = world.a
    client = client_of(w, "tenant_admin")
    response = client.post(f"/t/{w.tenant.code}/privacy/exports/", {"customer": w.customer.customer_number})
    with tenancy.tenant_scope(w.tenant):
        export = SubjectExport.objects.get()
    # Not committed in this test: the job has not run; the page polls the progress box.
    page = client.get(response["Location"]).content.decode()
    assert "Building the export" in page and "hx-get" in page
    with tenancy.tenant_scope(w.tenant):
        assert subject_export_build(export.pk) is not None
        built = SubjectExport.objects.get()
        assert built.state == ExportState.READY and built.steps_done == built.steps_total > 0
        assert subject_export_build(export.pk) is None  # a retried job leaves a built export alone
        assert AuditEvent.objects.filter(action="privacy.export_built").count() == 1
    progress = client.get(f"/t/{w.tenant.code}/privacy/exports/{export.pk}/progress/")
    assert progress.status_code == 204 and progress["HX-Refresh"] == "true"


def test_an_unknown_customer_is_refused_on_the_form(world):
    w = world.a
    response = client_of(w, "tenant_admin").post(f"/t/{w.tenant.code}/privacy/exports/", {"customer": "NOPE-1"})
    assert response.status_code == 400
    assert "No customer with this customer id." in response.content.decode()
    # Another supplier's customer id is as unknown as a made-up one.
    response = client_of(w, "tenant_admin").post(
        f"/t/{w.tenant.code}/privacy/exports/", {"customer": world.b.customer.customer_number}
    )
    assert response.status_code == 400
    with tenancy.tenant_scope(w.tenant):
        assert not SubjectExport.objects.exists()


def test_a_handler_cannot_export_or_download(world, django_capture_on_commit_callbacks):
    w = world.a
    export, _archive = _export_through_the_page(
        w, django_capture_on_commit_callbacks, customer=w.customer.customer_number
    )
    handler = client_of(w, "handler")
    assert (
        handler.post(f"/t/{w.tenant.code}/privacy/exports/", {"customer": w.customer.customer_number}).status_code
        == 403
    )
    assert handler.get(f"/t/{w.tenant.code}/privacy/exports/{export.pk}/download/").status_code == 403
    # The other supplier's administrator does not even learn that the export exists.
    other = client_of(world.b, "tenant_admin")
    assert other.get(f"/t/{w.tenant.code}/privacy/exports/{export.pk}/download/").status_code == 404
    assert other.get(f"/t/{world.b.tenant.code}/privacy/exports/{export.pk}/download/").status_code == 404
