"""Scanned post and faxes: upload, split by page ranges, one complaint per letter with its own pages."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from querela.audit.models import AuditEvent
from querela.complaints.deadline_schedule import schedule_for
from querela.complaints.models import Complaint
from querela.core import clock, tenancy
from querela.postroom.models import ScanBatch, ScanLetter, ScanStatus
from tests.postroom.files import image_pdf_scan, pdf_scan, tiff_fax

BUDAPEST = ZoneInfo("Europe/Budapest")
pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(world) -> Client:
    c = Client()
    c.force_login(world.a.users["clerk"])
    return c


def _upload(clerk: Client, content: bytes, name: str):
    return clerk.post("/t/AAA/postroom/", {"scan": SimpleUploadedFile(name, content)})


def _letter(i: int, **fields) -> dict[str, str]:
    values = {
        "channel": "post",
        "received_at": "2026-03-02T10:00",
        "reply_channel": "post",
        "sender_name": f"Sender {i}",
        "sender_address": f"4024 Debrecen, Piac utca {i}.",
        "subject": f"Letter {i}",
        **fields,
    }
    return {f"letter{i}-{k}": v for k, v in values.items()}


def _split(clerk, capture, content: bytes, name: str, ranges: str, letters: list[dict]) -> ScanBatch:
    response = _upload(clerk, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    url = response["Location"]
    shown = clerk.post(url, {"step": "ranges", "ranges": ranges})
    assert shown.status_code == 200
    for i in range(len(letters)):
        assert f'name="letter{i}-received_at"' in shown.content.decode()
    data = {"step": "confirm", "ranges": ranges}
    for letter in letters:
        data.update(letter)
    with capture(execute=True):
        done = clerk.post(url, data)
    assert done.status_code == 302, done.content.decode()[:3000]
    batch_id = int(url.rstrip("/").rsplit("/", 1)[-1])
    with tenancy.dangerously_all_tenants():
        return ScanBatch.objects.get(pk=batch_id)


@pytest.fixture
def now_in_budapest(monkeypatch):
    moment = datetime(2026, 3, 3, 9, 15, tzinfo=BUDAPEST)
    monkeypatch.setattr(clock, "now", lambda: moment)
    return moment


def test_a_three_page_pdf_becomes_two_letters_with_their_own_pages(
    world, clerk, django_capture_on_commit_callbacks, now_in_budapest
):
    w = world.a
    batch = _split(
        clerk,
        django_capture_on_commit_callbacks,
        pdf_scan(3),
        "morning-post.pdf",
        "1-2, 3",
        [_letter(0, customer_number=w.customer.customer_number), _letter(1)],
    )
    with tenancy.tenant_scope(w.tenant):
        batch.refresh_from_db()
        assert batch.status == ScanStatus.SPLIT and batch.page_count == 3
        letters = list(ScanLetter.objects.filter(batch=batch).select_related("complaint"))
        assert [(x.first_page, x.last_page) for x in letters] == [(1, 2), (3, 3)]
        first, second = (x.complaint for x in letters)
        assert first.channel == "post" and first.customer == w.customer and first.place == w.place
        assert first.given_customer_number == w.customer.customer_number
        assert second.customer is None and second.contact_name == "Sender 1"
        assert second.mailing_address == "4024 Debrecen, Piac utca 1."
        widths = []
        for c in (first, second):
            attachment = c.attachments.get()
            assert attachment.content_type == "application/pdf"
            with attachment.file.open("rb") as f:
                widths.append([round(float(p.mediabox.width)) for p in PdfReader(io.BytesIO(f.read())).pages])
        assert widths == [[510, 520], [530]]
        # The original stays, byte for byte.
        with batch.file.open("rb") as f:
            assert f.read() == pdf_scan(3)
        registered = AuditEvent.objects.filter(action="complaint.register").values_list("object_id", flat=True)
        assert set(registered) == {first.reference, second.reference}
        assert AuditEvent.objects.filter(action="postroom.split", object_id=str(batch.pk)).exists()
        # Identified and described: registered, and acknowledged in writing by post.
        assert first.status == "registered"
        assert first.timeline.filter(entry_type="outbound", channel="post", data__purpose="acknowledge").exists()
    page = clerk.get(f"/t/AAA/postroom/{batch.pk}/").content.decode()
    assert first.reference in page and second.reference in page


def test_a_two_page_tiff_fax_is_split_into_pdf_pages(world, clerk, django_capture_on_commit_callbacks, now_in_budapest):
    batch = _split(
        clerk,
        django_capture_on_commit_callbacks,
        tiff_fax(2),
        "fax-0302.tif",
        "2, 1",
        [_letter(0, channel="fax"), _letter(1, channel="fax", reply_channel="email", sender_email="b@example.hu")],
    )
    with tenancy.tenant_scope(world.a.tenant):
        batch.refresh_from_db()
        assert batch.content_type == "image/tiff" and batch.page_count == 2
        letters = list(ScanLetter.objects.filter(batch=batch).select_related("complaint"))
        assert [x.pages for x in letters] == ["2", "1"]
        assert [x.complaint.reply_channel for x in letters] == ["post", "email"]  # fax letters: post unless e-mail
        for letter, pixels in zip(letters, (1000, 900), strict=True):
            with letter.complaint.attachments.get().file.open("rb") as f:
                pages = PdfReader(io.BytesIO(f.read())).pages
            assert len(pages) == 1
            assert round(float(pages[0].mediabox.width)) == round(pixels * 72 / 200)  # 200 dpi kept


def test_the_deadline_counts_from_the_typed_receipt_yesterday_2330_local(
    world, clerk, django_capture_on_commit_callbacks, now_in_budapest
):
    """Typed on 3 March at 09:15 for a letter that came in on 2 March at 23:30 Budapest time (22:30 UTC)."""
    w = world.a
    batch = _split(
        clerk,
        django_capture_on_commit_callbacks,
        image_pdf_scan(2),
        "late-letter.pdf",
        "1-2",
        [_letter(0, received_at="2026-03-02T23:30", customer_number=w.customer.customer_number)],
    )
    with tenancy.tenant_scope(w.tenant):
        c = ScanLetter.objects.get(batch=batch).complaint
        assert c.received_at == datetime(2026, 3, 2, 22, 30, tzinfo=UTC)
        assert clock.tenant_date(w.tenant, c.received_at) == date(2026, 3, 2)
        assert schedule_for(c).received_on == date(2026, 3, 2)  # not the 3rd, the day it was typed
        assert c.answer_due == date(2026, 3, 17)  # hu-electricity: 15 calendar days from 2 March
    page = clerk.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "2026-03-02 23:30" in page  # shown in the supplier's time


def test_a_receipt_in_the_future_is_refused_on_its_letter(world, clerk, now_in_budapest):
    response = _upload(clerk, pdf_scan(1), "x.pdf")
    data = {"step": "confirm", "ranges": "1", **_letter(0, received_at="2026-03-04T08:00")}
    page = clerk.post(response["Location"], data)
    assert page.status_code == 400
    assert "The receipt time cannot be in the future." in page.content.decode()
    assert 'aria-describedby="id_letter0-received_at_error' in page.content.decode()
    with tenancy.tenant_scope(world.a.tenant):
        assert not Complaint.objects.exists()


def test_ranges_are_checked_against_the_page_count(world, clerk):
    response = _upload(clerk, pdf_scan(3), "x.pdf")
    page = clerk.post(response["Location"], {"step": "ranges", "ranges": "1-2, 2-4"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "the scan has only 3 pages" in text and "error-summary" in text


@pytest.mark.parametrize(
    ("caps", "content", "name", "says"),
    [
        ({"POSTROOM_MAX_PAGES": 2}, pdf_scan(3), "big.pdf", "more than 2 pages"),
        ({"POSTROOM_MAX_BYTES": 500}, pdf_scan(3), "big.pdf", "the largest scan accepted is 500"),
        ({}, b"just some text, not a scan", "notes.txt", "not a scan. Accepted: PDF, TIFF, JPEG, PNG"),
        ({}, b"%PDF-1.4\n broken", "broken.pdf", "could not be read"),
    ],
)
def test_caps_refuse_the_upload_and_say_why(world, clerk, settings, caps, content, name, says):
    settings.QUERELA = {**settings.QUERELA, **caps}
    response = _upload(clerk, content, name)
    assert response.status_code == 400
    assert says in response.content.decode()
    with tenancy.tenant_scope(world.a.tenant):
        assert not ScanBatch.objects.exists()


def test_a_letter_handed_in_links_its_stamped_receipt(
    world, clerk, django_capture_on_commit_callbacks, now_in_budapest
):
    batch = _split(
        clerk, django_capture_on_commit_callbacks, pdf_scan(1), "desk.pdf", "1", [_letter(0, channel="handed_in")]
    )
    with tenancy.tenant_scope(world.a.tenant):
        c = ScanLetter.objects.get(batch=batch).complaint
    assert c.channel == "handed_in" and c.reply_channel == "post"
    page = clerk.get(f"/t/AAA/postroom/{batch.pk}/").content.decode()
    assert f"/t/AAA/complaints/{c.reference}/receipt.pdf" in page
    assert clerk.get(f"/t/AAA/complaints/{c.reference}/receipt.pdf")["Content-Type"] == "application/pdf"


def test_a_letter_refused_at_registration_registers_none_and_comes_back_to_correct(
    world, clerk, django_capture_on_commit_callbacks, now_in_budapest
):
    w = world.a
    w.tenant.max_attachment_bytes = 800  # the second letter's PDF is larger than this
    w.tenant.save()
    content = image_pdf_scan(2)
    batch = _split(clerk, django_capture_on_commit_callbacks, content, "two.pdf", "1, 2", [_letter(0), _letter(1)])
    with tenancy.tenant_scope(w.tenant):
        batch.refresh_from_db()
        assert batch.status == ScanStatus.FAILED and "Letter 1 (pages 1)" in batch.error
        assert not Complaint.objects.exists() and not ScanLetter.objects.exists()
    page = clerk.get(f"/t/AAA/postroom/{batch.pk}/").content.decode()
    assert "Nothing was registered." in page and 'value="Sender 1"' in page  # what was typed is kept


def test_thumbnails_and_the_original_are_for_staff_of_this_supplier(world, clerk):
    response = _upload(clerk, image_pdf_scan(2), "x.pdf")
    url = response["Location"]
    png = clerk.get(url + "pages/2.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    # The page to read: large enough for a sender's address and a customer id.
    from io import BytesIO

    from PIL import Image

    large = clerk.get(url + "pages/2.png?size=large")
    small_width = Image.open(BytesIO(png.content)).width
    assert Image.open(BytesIO(large.content)).width > 3 * small_width
    assert clerk.get(url + "pages/3.png").status_code == 404
    assert clerk.get(url + "original/").status_code == 200
    consumer = Client()
    consumer.force_login(world.a.users["consumer"])
    assert consumer.get(url).status_code == 403
    other = Client()
    other.force_login(world.b.users["clerk"])
    assert other.get(url.replace("/t/AAA/", "/t/BBB/")).status_code == 404


def test_while_the_job_runs_the_page_shows_its_progress_then_the_letters(world, clerk, now_in_budapest):
    from querela.postroom.services import scan_batch_split

    url = _upload(clerk, pdf_scan(3), "x.pdf")["Location"]
    data = {"step": "confirm", "ranges": "1, 2-3", **_letter(0), **_letter(1)}
    assert clerk.post(url, data).status_code == 302  # the job is queued after commit (not run here)
    page = clerk.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "0 of 3 pages done" in page
    partial = clerk.get(url + "progress/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<progress" in partial.content.decode()
    assert clerk.post(url, data).status_code == 302  # confirmed twice: still one split
    batch_id = int(url.rstrip("/").rsplit("/", 1)[-1])
    with tenancy.tenant_scope(world.a.tenant):
        scan_batch_split(batch_id=batch_id)
        scan_batch_split(batch_id=batch_id)  # a retried job registers nothing twice
        assert Complaint.objects.count() == 2 and ScanLetter.objects.count() == 2
    done = clerk.get(url + "progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "Letters registered" in clerk.get(url).content.decode()
    assert clerk.post(url, data).status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        assert Complaint.objects.count() == 2


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_a_photographed_letter_becomes_a_one_page_pdf(
    world, clerk, django_capture_on_commit_callbacks, now_in_budapest, kind
):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(out, format=kind, dpi=(150, 150))
    batch = _split(
        clerk, django_capture_on_commit_callbacks, out.getvalue(), f"photo.{kind.lower()}", "1", [_letter(0)]
    )
    with tenancy.tenant_scope(world.a.tenant):
        c = ScanLetter.objects.get(batch=batch).complaint
        with c.attachments.get().file.open("rb") as f:
            [only] = PdfReader(io.BytesIO(f.read())).pages
        assert round(float(only.mediabox.width)) == round(1240 * 72 / 150)


def test_an_image_too_large_to_open_safely_is_refused(world, clerk, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    response = _upload(clerk, tiff_fax(1), "huge.tif")
    assert response.status_code == 400 and "too large to open safely" in response.content.decode()
