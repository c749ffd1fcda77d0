"""What a signed-in consumer sees of their own complaints: their words, our messages, what comes next."""

from __future__ import annotations

from django.test import Client

from querela.complaints.models import Complaint, EntryType
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy


def _phoned_in(w, **extra):
    with tenancy.tenant_scope(w.tenant):
        return complaint_register(
            actor=w.actor("agent"),
            channel="phone",
            subject="Magas számla",
            description="A novemberi számla túl magas.",
            customer=w.customer,
            place=w.place,
            reply_channel="email",
            call_recording="REC-2026-0042",
            **extra,
        )


def _consumer(w) -> Client:
    client = Client()
    client.force_login(w.users["consumer"])
    return client


def test_the_consumer_page_uses_consumer_words_only(world):
    w = world.a
    c = _phoned_in(w)
    with tenancy.tenant_scope(w.tenant):
        from querela.complaints.services import complaint_add_note

        complaint_add_note(actor=w.actor("handler"), complaint_id=c.pk, text="Belső megjegyzés a panaszosról")
    page = _consumer(w).get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "A novemberi számla túl magas." in page and "Being investigated" in page
    for staff_words in (
        "Text the customer or the file will read",
        "Belső megjegyzés",
        "aaa-agent",
        "Internal note",
        "Timeline",
        "Classification",
    ):
        assert staff_words not in page, staff_words
    assert "REC-2026-0042" in page and "Ask for a free copy" in page


def test_asking_for_the_call_recording_once_and_the_office_sees_it(world):
    w = world.a
    c = _phoned_in(w)
    client = _consumer(w)
    for _ in range(2):
        assert client.post(f"/t/AAA/complaints/{c.reference}/recording/").status_code == 302
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(pk=c.pk)
        asks = c.timeline.filter(data__request="recording_copy")
        assert asks.count() == 1 and "REC-2026-0042" in asks.get().body
    assert "call recording REC-2026-0042" in c.needs_attention
    page = client.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "You asked for a copy on" in page
    other = Client()
    other.force_login(world.b.users["consumer"])
    assert other.post(f"/t/AAA/complaints/{c.reference}/recording/").status_code == 404


def test_the_consumer_disputes_an_answer_and_it_is_escalated(world):
    w = world.a
    c = _phoned_in(w)
    with tenancy.tenant_scope(w.tenant):
        handler = w.actor("handler")
        complaint_transition(
            actor=w.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=handler.user_id
        )
        complaint_transition(actor=handler, complaint_id=c.pk, action="start_investigation")
        complaint_transition(actor=handler, complaint_id=c.pk, action="answer", text="A számla helyes.")
    client = _consumer(w)
    page = client.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "Do you disagree with our answer?" in page and "A számla helyes." in page
    client.post(f"/t/AAA/complaints/{c.reference}/do/", {"action": "escalate", "text": "Nem értek egyet."})
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(pk=c.pk)
        assert c.status == "escalated"
        assert c.timeline.filter(body__contains="Nem értek egyet.").exists()


def test_an_account_without_a_customer_is_sent_to_link_one_not_to_an_empty_form(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        from querela.customers.models import Customer

        Customer.objects.filter(user=w.users["consumer"]).update(user=None)
    page = _consumer(w).get("/t/AAA/").content.decode()
    assert "first link your customer record" in page and 'name="place"' not in page
    assert "/t/AAA/account/customers/" in page


def test_the_consumer_list_is_in_consumer_words(world):
    w = world.a
    c = _phoned_in(w)
    with tenancy.tenant_scope(w.tenant):
        complaint_transition(
            actor=w.actor("handler"), complaint_id=c.pk, action="request_info", text="Kérjük a mérőállást."
        )
    page = _consumer(w).get("/t/AAA/").content.decode()
    assert "Waiting for your reply" in page and 'class="list stack"' in page
    assert EntryType.NOTE not in page


def test_a_signed_in_consumer_may_be_answered_in_their_account_without_mail(world):
    from querela.intake.models import OutboundEmail

    w = world.a
    response = _consumer(w).post(
        "/t/AAA/file/",
        {
            "place": w.place.pk,
            "category": "billing",
            "subject": "Számla",
            "description": "Kétszer számláztak.",
            "reply_channel": "web",
        },
    )
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        assert c.reply_channel == "web"
        ack = c.timeline.get(entry_type=EntryType.OUTBOUND)
        assert ack.channel == "web" and not OutboundEmail.objects.exists()
    page = _consumer(w).get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert c.reference in page and ack.body.split(".")[0] in page


def test_the_office_sends_the_recording_and_the_consumer_sees_when(world):
    import io

    w = world.a
    c = _phoned_in(w)
    consumer = _consumer(w)
    consumer.post(f"/t/AAA/complaints/{c.reference}/recording/")
    handler = Client()
    handler.force_login(w.users["handler"])
    page = handler.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "asked for a copy" in page
    audio = io.BytesIO(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64)
    audio.name = "REC-2026-0042.wav"
    sent = handler.post(f"/t/AAA/complaints/{c.reference}/recording/send/", {"text": "", "documents": audio})
    assert sent.status_code == 302
    followed = handler.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "The recording was sent to the customer." in followed, followed[followed.find('class="messages"') :][:600]
    mine = consumer.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "The copy was sent to you on" in mine


def test_a_signed_in_consumers_file_survives_a_refused_form(world):
    import io
    import re

    w = world.a
    client = _consumer(w)
    doc = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    doc.name = "szamla.pdf"
    data = {"place": w.place.pk, "category": "billing", "description": "Kétszer.", "reply_channel": "email"}
    refused = client.post("/t/AAA/file/", {**data, "subject": "", "documents": doc})
    assert refused.status_code == 400 and "szamla.pdf" in refused.content.decode()
    key = re.search(r'name="keep" value="([^"]+)"', refused.content.decode()).group(1)
    assert client.post("/t/AAA/file/", {**data, "subject": "Számla", "keep": key}).status_code == 302
    with tenancy.tenant_scope(w.tenant):
        assert [a.filename for a in Complaint.objects.get().attachments.all()] == ["szamla.pdf"]
