"""Documents enclosed with an answer (issue 13): added on the answer page, named on the preview, attached to
the e-mail the customer gets (a real SMTP conversation), listed on the printed letter; too large or foreign
ones are refused with the reason."""

from __future__ import annotations

import email
import io
import re
from email import policy

import pytest
from django.test import Client
from pypdf import PdfReader

from querela.complaints import answers
from querela.complaints.models import Attachment
from querela.core import tenancy
from querela.intake.models import OutboundEmail
from querela.intake.outbound import outbound_send
from tests.factories import PASSWORD
from tests.intake_django.test_outbound import smtp_sink  # noqa: F401  (the fixture: a real SMTP server)

from .helpers import investigating

pytestmark = pytest.mark.django_db

DIGEST = re.compile(r'name="previewed" value="([0-9a-f]{64})"')


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 140, 200)).save(out, format="PNG")
    return out.getvalue()


PHOTO = _photo()


def _client() -> Client:
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    return client


def _upload(client: Client, url: str, name: str, content: bytes, **form) -> str:
    f = io.BytesIO(content)
    f.name = name
    return client.post(url, {"step": "upload", "files": [f], **form}).content.decode()


def test_a_document_added_on_the_answer_page_goes_with_the_e_mail(world, smtp_sink):  # noqa: F811
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = investigating(w, language="en")
    client = _client()
    url = f"/t/AAA/complaints/{c.reference}/answer/"
    text = "We corrected the invoice; the corrected one is enclosed."
    page = _upload(client, url, "helyesbito-szamla.pdf", b"%PDF-1.4\n%%EOF\n", text=text, decision="upheld")
    with tenancy.tenant_scope(w.tenant):
        doc = Attachment.objects.get(complaint=c, filename="helyesbito-szamla.pdf")
    assert f'name="enclosure" value="{doc.pk}" checked' in page and text in page  # added, enclosed, text kept
    preview = client.post(url, {"step": "preview", "text": text, "decision": "upheld", "enclosure": [doc.pk]})
    body = preview.content.decode()
    assert "helyesbito-szamla.pdf" in body[body.index("Enclosures") :]
    digest = DIGEST.search(body).group(1)
    sent = {"step": "send", "text": text, "decision": "upheld", "previewed": digest}
    # Sending without the enclosure that was previewed is a different letter: refused.
    assert client.post(url, sent).status_code == 200
    done = client.post(url, {**sent, "enclosure": [doc.pk]})
    assert done.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        out = OutboundEmail.objects.get(complaint=c, entry__data__purpose="answer")
        assert outbound_send(outbound_id=out.pk)
    (message,) = [
        m
        for m in (email.message_from_bytes(raw, policy=policy.default) for raw in smtp_sink.messages)
        if "helyesbito-szamla.pdf" in [p.get_filename() for p in m.iter_attachments()]
    ]
    (part,) = list(message.iter_attachments())
    assert part.get_content() == b"%PDF-1.4\n%%EOF\n"


def test_enclosures_too_large_for_an_e_mail_are_refused_with_the_sizes(world, monkeypatch):
    monkeypatch.setattr(answers, "MAIL_ENCLOSURES_MAX_BYTES", 50)
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = investigating(w, language="en")
    client = _client()
    url = f"/t/AAA/complaints/{c.reference}/answer/"
    _upload(client, url, "photo.png", PHOTO)
    with tenancy.tenant_scope(w.tenant):
        doc = Attachment.objects.get(complaint=c, filename="photo.png")
    page = client.post(url, {"step": "preview", "text": "Done.", "decision": "upheld", "enclosure": [doc.pk]})
    assert "an e-mail carries at most 50" in page.content.decode()


def test_another_complaints_document_cannot_be_enclosed(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = investigating(w, language="en")
        other = investigating(w, language="en")
    client = _client()
    _upload(client, f"/t/AAA/complaints/{other.reference}/answer/", "photo.png", PHOTO)
    with tenancy.tenant_scope(w.tenant):
        foreign = Attachment.objects.get(complaint=other)
    url = f"/t/AAA/complaints/{c.reference}/answer/"
    page = client.post(url, {"step": "preview", "text": "Done.", "decision": "upheld", "enclosure": [foreign.pk]})
    assert "Select a valid choice" in page.content.decode()
    assert client.post(url, {"step": "send", "text": "Done.", "decision": "upheld", "enclosure": [foreign.pk]})
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == "investigating"


def test_the_letter_as_printed_is_shown_before_sending_and_lists_its_enclosures(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        w.customer.mailing_address = "7621 Pécs, Király utca 5."
        w.customer.save()
        c = investigating(w, language="hu", channel="post")
    client = _client()
    url = f"/t/AAA/complaints/{c.reference}/answer/"
    _upload(client, url, "mérés.png", PHOTO)
    with tenancy.tenant_scope(w.tenant):
        doc = Attachment.objects.get(complaint=c)
    form = {"text": "A mérőt bevizsgáltattuk.", "decision": "upheld", "enclosure": [doc.pk]}
    preview = client.post(url, {"step": "preview", **form}).content.decode()
    assert "The letter as printed (PDF)" in preview
    pdf = client.post(url, {"step": "pdf", **form})
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "A mérőt bevizsgáltattuk." in text and "Pécs" in text and "mérés.png" in text
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == "investigating"  # the PDF of the draft sends nothing


def test_the_customer_finds_the_enclosures_under_the_answer_on_their_page(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = investigating(w, language="en", channel="web")
    client = _client()
    url = f"/t/AAA/complaints/{c.reference}/answer/"
    _upload(client, url, "photo.png", PHOTO)
    with tenancy.tenant_scope(w.tenant):
        doc = Attachment.objects.get(complaint=c)
    form = {"text": "Replaced.", "decision": "upheld", "enclosure": [doc.pk]}
    digest = DIGEST.search(client.post(url, {"step": "preview", **form}).content.decode()).group(1)
    assert client.post(url, {"step": "send", "previewed": digest, **form}).status_code == 302
    consumer = Client()
    assert consumer.login(username="aaa-consumer", password=PASSWORD)
    page = consumer.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    link = f"/t/AAA/complaints/{c.reference}/files/{doc.pk}/"
    assert f'Enclosed: <a href="{link}">photo.png</a>' in page
    assert consumer.get(link).status_code == 200
