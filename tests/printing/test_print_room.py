"""Answering (issue 13): every letter is a PDF kept on the case; answers by post gather in a print batch;
the batch becomes one PDF for the printing room; the day it was posted is written on each complaint."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.test import Client
from pypdf import PdfReader

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint, EntryType, TimelineEntry
from querela.complaints.services import complaint_add_message, complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import clock, tenancy
from querela.core.errors import NotFound, PermissionDenied, ValidationFailed
from querela.printing import tasks
from querela.printing.models import PrintBatch, StoredLetter
from querela.printing.selectors import letters_to_store
from querela.printing.services import batch_close, batch_dispatch, letter_store
from tests.factories import PASSWORD, TenantWorld
from tests.instructions.helpers import checklist_waived

# The letters are stored by a job after the message's transaction commits: the commits must happen.
pytestmark = pytest.mark.django_db(transaction=True)


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _read(letter: StoredLetter) -> bytes:
    with letter.file.open("rb") as f:
        return f.read()


def _answered(w: TenantWorld, *, channel: str, text: str, subject: str = "Számla") -> tuple[Complaint, TimelineEntry]:
    """A complaint that came in by `channel`, answered there by the handler (the answer: its reply channel)."""
    c = complaint_register(
        actor=w.actor("agent"), channel=channel, subject=subject, description="Hibás.", customer=w.customer
    )
    h = w.actor("handler")
    complaint_transition(actor=h, complaint_id=c.pk, action="assign")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    checklist_waived(w, c.pk)
    complaint_transition(actor=h, complaint_id=c.pk, action="answer", text=text)
    return c, c.timeline.get(entry_type=EntryType.OUTBOUND, data__purpose="answer")


def _by_post(w: TenantWorld, text: str, *, complaint: Complaint | None = None) -> StoredLetter:
    """A letter by post written on a complaint: its letter, as the job stored it after the commit."""
    if complaint is None:
        complaint = complaint_register(
            actor=w.actor("agent"), channel="post", subject="Levél", description="Postán.", customer=w.customer
        )
    entry = complaint_add_message(actor=w.actor("handler"), complaint_id=complaint.pk, text=text, channel="post")
    return StoredLetter.objects.get(entry=entry)


def _client(w: TenantWorld, role: str) -> Client:
    client = Client()
    assert client.login(username=w.users[role].username, password=PASSWORD)
    return client


def test_an_answer_by_post_is_kept_as_a_pdf_and_joins_the_open_batch(in_a):
    w = in_a
    w.customer.mailing_address = "4400 Nyíregyháza, Petőfi utca 1."
    w.customer.save()
    answer = "Őszintén sajnáljuk: a novemberi számlát helyesbítettük, a különbözetet jóváírtuk."
    c, entry = _answered(w, channel="post", text=answer)
    letter = StoredLetter.objects.get(entry=entry)
    assert letter.complaint_id == c.pk and letter.channel == "post"
    pdf = _read(letter)
    assert letter.sha256 == hashlib.sha256(pdf).hexdigest() and letter.size == len(pdf)
    text = _text(pdf)
    for words in ("Őszintén sajnáljuk", "különbözetet jóváírtuk", c.reference, "Nyíregyháza"):
        assert words in text, words
    assert letter.recipient_name == w.customer.name and "Nyíregyháza" in letter.address
    assert letter.batch is not None and letter.batch.is_open and letter.batch.number == 1
    event = AuditEvent.objects.get(action="printing.letter_store", object_id=str(letter.pk))
    assert event.changes["complaint"] == c.reference and event.changes["sha256"] == letter.sha256
    assert AuditEvent.objects.filter(action="printing.batch_open", object_id="1").exists()


def test_an_answer_by_e_mail_is_kept_as_a_pdf_too_and_the_case_file_serves_it(in_a):
    w = in_a
    c, entry = _answered(w, channel="email", text="Your bill was corrected; the difference is credited.")
    letter = StoredLetter.objects.get(entry=entry)
    assert letter.channel == "email" and letter.batch is None  # mailed, not printed
    text = _text(_read(letter))
    assert "the difference is credited" in text and w.customer.email in text
    # The case file's letter link gives the letter kept, for an e-mail too (no letter was made before).
    response = _client(w, "handler").get(f"/t/{w.tenant.code}/complaints/{c.reference}/letters/{entry.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == _read(letter)
    assert AuditEvent.objects.filter(action="personal_data.letter", object_id=c.reference).exists()


def test_every_message_to_the_customer_is_kept_once_whatever_the_job_runs(in_a):
    w = in_a
    letter = _by_post(w, "Első levél.")
    files_before = letter.file.name
    # The job again (a retry, the sweep): nothing new.
    tasks.store_letter_task(w.tenant.pk, letter.entry_id)
    assert letter_store(entry_id=letter.entry_id) == letter
    assert StoredLetter.objects.filter(entry_id=letter.entry_id).count() == 1
    assert StoredLetter.objects.get(entry_id=letter.entry_id).file.name == files_before
    assert AuditEvent.objects.filter(action="printing.letter_store").count() == StoredLetter.objects.count()
    assert letters_to_store() == []  # nothing left for the sweep
    # A phone call's "message" is no letter; an internal note neither.
    call = complaint_register(
        actor=w.actor("agent"), channel="phone", subject="Hívás", description="Telefonon.", customer=w.customer
    )
    said = complaint_add_message(actor=w.actor("handler"), complaint_id=call.pk, text="Told.", channel="phone")
    assert not StoredLetter.objects.filter(entry=said).exists()
    assert letter_store(entry_id=said.pk) is None


def test_a_lost_job_is_picked_up_by_the_sweep(in_a, monkeypatch):
    w = in_a
    monkeypatch.setattr(tasks, "store_letter_task", lambda *ids: None)  # the worker died after the commit
    c = complaint_register(actor=w.actor("agent"), channel="post", subject="Levél", description="Postán.")
    entry = complaint_add_message(actor=w.actor("handler"), complaint_id=c.pk, text="Elveszett?", channel="post")
    assert not StoredLetter.objects.filter(entry=entry).exists()
    TimelineEntry.objects.filter(pk=entry.pk).update(created_at=clock.now() - timedelta(minutes=10))
    assert (w.tenant.pk, entry.pk) in letters_to_store()
    monkeypatch.undo()
    tasks.store_letters_sweep.call_local()
    assert StoredLetter.objects.get(entry=entry).batch is not None


def test_only_letters_by_post_go_to_the_print_room(in_a):
    w = in_a
    c = complaint_register(actor=w.actor("agent"), channel="fax", subject="Fax", description="Faxon.")
    fax = complaint_add_message(actor=w.actor("handler"), complaint_id=c.pk, text="Faxon válaszolunk.", channel="fax")
    kept = StoredLetter.objects.get(entry=fax)
    assert kept.channel == "fax" and kept.batch is None  # sent from the fax machine, not posted
    assert "Faxon válaszolunk." in _text(_read(kept))


def test_closing_a_batch_makes_one_pdf_of_all_its_letters_pages_in_order(in_a):
    w = in_a
    long_text = "\n\n".join(f"Bekezdés {n}: a mérőállás ellenőrzése megtörtént." for n in range(90))
    first = _by_post(w, "Az első levél szövege.")
    second = _by_post(w, long_text)  # more than one page
    third = _by_post(w, "A harmadik levél szövege.")
    assert second.page_count > 1
    assert {first.batch_id, second.batch_id, third.batch_id} == {first.batch_id}
    batch = batch_close(actor=w.actor("clerk"), batch_id=first.batch_id, expected_letters=3)
    assert not batch.is_open and batch.closed_by_id == w.users["clerk"].pk
    with batch.pdf.open("rb") as f:
        pdf = f.read()
    assert batch.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == batch.page_count == first.page_count + second.page_count + third.page_count
    texts = [page.extract_text() for page in pages]
    assert "Az első levél" in texts[0] and "A harmadik levél" in texts[-1]
    event = AuditEvent.objects.get(action="printing.batch_close", object_id=str(batch.number))
    assert len(event.changes["letters"]) == 3 and event.changes["pages"] == len(pages)
    # Closed once; the next letter by post opens batch 2.
    with pytest.raises(ValidationFailed):
        batch_close(actor=w.actor("clerk"), batch_id=batch.pk)
    assert _by_post(w, "A következő.").batch.number == 2


def test_a_batch_that_changed_since_it_was_seen_is_not_closed(in_a):
    w = in_a
    letter = _by_post(w, "Egy.")
    _by_post(w, "Kettő.")
    with pytest.raises(ValidationFailed) as refused:
        batch_close(actor=w.actor("handler"), batch_id=letter.batch_id, expected_letters=1)
    assert refused.value.code == "changed"
    assert PrintBatch.objects.get(pk=letter.batch_id).is_open


def test_the_posting_day_is_recorded_and_written_on_each_complaints_timeline(in_a):
    w = in_a
    a, b = _by_post(w, "Első."), _by_post(w, "Második.")
    batch = batch_close(actor=w.actor("handler"), batch_id=a.batch_id)
    today = clock.tenant_today(w.tenant)
    with pytest.raises(ValidationFailed):
        batch_dispatch(actor=w.actor("handler"), batch_id=batch.pk, day=today + timedelta(days=1))
    batch = batch_dispatch(actor=w.actor("clerk"), batch_id=batch.pk, day=today)
    batch.refresh_from_db()
    assert batch.dispatched_on == today and batch.dispatched_by_id == w.users["clerk"].pk
    for letter in (a, b):
        note = TimelineEntry.objects.get(complaint=letter.complaint, data__event="printing.batch_dispatch")
        assert note.entry_type == EntryType.NOTE and today.isoformat() in note.body
        assert note.data["letter"] == letter.pk and note.data["posted_on"] == today.isoformat()
    event = AuditEvent.objects.get(action="printing.batch_dispatch", object_id=str(batch.number))
    assert event.changes["posted_on"] == today.isoformat() and len(event.changes["letters"]) == 2
    with pytest.raises(ValidationFailed):  # recorded once
        batch_dispatch(actor=w.actor("clerk"), batch_id=batch.pk, day=today)
    # Staff see it on the case; the customer does not (an internal note).
    page = _client(w, "handler").get(f"/t/{w.tenant.code}/complaints/{a.complaint.reference}/").content.decode()
    assert today.isoformat() in page and "print batch 1" in page


def test_the_print_room_page_from_letter_to_posting_day(in_a):
    w = in_a
    letter = _by_post(w, "Postán küldjük.")
    clerk = _client(w, "clerk")
    base = f"/t/{w.tenant.code}/printing"
    room = clerk.get(f"{base}/").content.decode()
    assert letter.complaint.reference in room and f"{base}/letters/{letter.pk}.pdf" in room
    assert "Print room" in clerk.get(f"/t/{w.tenant.code}/").content.decode()  # in the menu
    preview = clerk.get(f"{base}/{letter.batch_id}/close/")
    assert preview.status_code == 200 and letter.complaint.reference in preview.content.decode()
    assert PrintBatch.objects.get(pk=letter.batch_id).is_open  # looking closes nothing
    one = clerk.get(f"{base}/letters/{letter.pk}.pdf")
    assert one.status_code == 200 and b"".join(one.streaming_content) == _read(letter)
    closed = clerk.post(f"{base}/{letter.batch_id}/close/", {"letters": "1"})
    assert closed.status_code == 302
    batch = PrintBatch.objects.get(pk=letter.batch_id)
    assert not batch.is_open
    pdf = clerk.get(f"{base}/{batch.pk}/batch.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Postán küldjük." in _text(b"".join(pdf.streaming_content))
    assert AuditEvent.objects.filter(action="personal_data.download", object_type="print_batch").exists()
    today = clock.tenant_today(w.tenant)
    clerk.post(f"{base}/{batch.pk}/posted/", {"posted_on": today.isoformat(), "next": "room"})
    batch.refresh_from_db()
    assert batch.dispatched_on == today
    assert today.isoformat() in clerk.get(f"{base}/{batch.pk}/").content.decode()


def test_another_tenant_can_neither_see_nor_close_the_batch(world):
    a, b = world.a, world.b
    with tenancy.tenant_scope(a.tenant):
        letter = _by_post(a, "Titkos levél.")
        reference = letter.complaint.reference
    paths = (
        f"{letter.batch_id}/",
        f"{letter.batch_id}/close/",
        f"{letter.batch_id}/batch.pdf",
        f"letters/{letter.pk}.pdf",
    )
    for role in ("handler", "supervisor", "clerk"):
        outsider = _client(b, role)
        assert outsider.get(f"/t/{a.tenant.code}/printing/").status_code == 404
        for path in paths:
            assert outsider.get(f"/t/{a.tenant.code}/printing/{path}").status_code == 404, path
            # Their own tenant's address with A's ids: not found either.
            assert outsider.get(f"/t/{b.tenant.code}/printing/{path}").status_code == 404, path
        closing = outsider.post(f"/t/{b.tenant.code}/printing/{letter.batch_id}/close/", {"letters": "1"})
        assert closing.status_code == 404
        assert reference not in outsider.get(f"/t/{b.tenant.code}/printing/").content.decode()
    with tenancy.tenant_scope(b.tenant), pytest.raises(NotFound):
        batch_close(actor=b.actor("handler"), batch_id=letter.batch_id)
    with tenancy.tenant_scope(a.tenant):
        assert PrintBatch.objects.get(pk=letter.batch_id).is_open


@pytest.mark.parametrize("role", ["agent", "tenant_admin", "consumer"])
def test_a_role_without_the_print_room_is_refused(world, role):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        letter = _by_post(w, "Levél.")
    client = _client(w, role)
    base = f"/t/{w.tenant.code}/printing"
    for path in ("/", f"/{letter.batch_id}/", f"/{letter.batch_id}/close/", f"/letters/{letter.pk}.pdf"):
        assert client.get(base + path).status_code == 403, path
    assert client.post(f"{base}/{letter.batch_id}/close/", {"letters": "1"}).status_code == 403
    assert "/printing/" not in client.get(f"/t/{w.tenant.code}/").content.decode()  # not in the menu
    with tenancy.tenant_scope(w.tenant):
        with pytest.raises(PermissionDenied):
            batch_close(actor=w.actor(role), batch_id=letter.batch_id)
        assert PrintBatch.objects.get(pk=letter.batch_id).is_open
