"""Issue 16, uploads: what a file holds is checked against what it claims, whatever the channel (the
services, a web form, the API, e-mail), and the refusal names the file and the reason where it came from."""

from __future__ import annotations

import io
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from querela.complaints.models import Attachment, Complaint
from querela.complaints.services import Upload, complaint_attach, complaint_register
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.intake.inbound import inbound_store
from querela.intake.models import InboundMessage
from tests.api.test_api import _token_client

from . import files

pytestmark = pytest.mark.django_db


def _complaint(w):
    return complaint_register(actor=w.actor("agent"), channel="post", subject="s", description="d", customer=w.customer)


def _attach(w, name: str, data: bytes):
    c = _complaint(w)
    return complaint_attach(actor=w.actor("agent"), complaint_id=c.pk, upload=Upload(name, io.BytesIO(data), len(data)))


def _refusal(w, name: str, data: bytes) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as err:
        _attach(w, name, data)
    assert not Attachment.objects.exists()
    return err.value


def _pypdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_open_action(JavaScript("app.alert('Your bill is overdue');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("szamla.pdf", files.WEB_PAGE, "its name says it is a PDF, but it is a web page"),
        ("szamla.pdf", files.PDF_WITH_JAVASCRIPT, "PDF with active content (JavaScript)"),
        ("szamla.pdf", files.PDF_WITH_ESCAPED_JAVASCRIPT, "PDF with active content (JavaScript)"),
        ("szamla.pdf", files.pdf_with_object_stream(b"<< /S /JavaScript /JS (x) >>"), "active content (JavaScript)"),
        ("szamla.pdf", _pypdf_with_javascript(), "active content (JavaScript)"),
        ("szamla.pdf", files.PDF_WITH_LAUNCH, "an action that starts a program"),
        ("szamla.pdf", files.PDF_HTML_POLYGLOT, "also holds web-page code (<html"),
        ("szamla.pdf", files.HTML_PDF_POLYGLOT, "also holds web-page code (<html"),
        ("rajz.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', ".svg runs"),
        ("rajz.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG drawing"),
        ("scans.zip", files.zip_bomb(10), "“scans.zip/report.txt” unpacks to more than 100 times"),
        ("scans.zip", files.lying_zip_bomb(10), "“scans.zip/report.txt” could not be opened"),
        ("scans.zip", files.overlapping_zip(), "files overlapping each other"),
        ("scans.zip", files.zip_of({"scan.pdf": files.PDF, "setup.exe": files.EXE}), "“scans.zip/setup.exe”"),
        ("scans.zip", files.zip_of({"photo.jpg": files.EXE}), "“scans.zip/photo.jpg” is not accepted: its name says"),
        ("scans.zip", files.zip_of({"readme": files.EXE}), "“scans.zip/readme” is a Windows program"),
        ("scans.zip", files.zip_of({"a/b.pdf": files.PDF_WITH_JAVASCRIPT}), "“scans.zip/a/b.pdf” is a PDF with"),
        ("scans.zip", files.zip_of({"../../x.pdf": files.PDF}), "its path points outside the archive"),
        ("scans.zip", files.zip_of({"index.html": files.WEB_PAGE}), "“scans.zip/index.html”"),
        ("scans.zip", files.nested_zip(3), "archives inside archives more than 2 deep"),
        ("scans.zip", files.nested_zip(2, {"run.exe": files.EXE}), "“scans.zip/level0.zip/run.exe”"),
        ("szamla.pdf.exe", files.PDF, "ends in .exe"),
    ],
)
def test_hostile_files_are_refused_naming_the_file_and_the_reason(in_a, name, data, says):
    refusal = _refusal(in_a, name, data)
    assert says in refusal.message
    assert name.split("/")[0] in refusal.message


def test_the_refusal_of_active_pdf_content_says_how_to_send_it_instead(in_a):
    assert "Print it to a new PDF (or scan it)" in _refusal(in_a, "a.pdf", files.PDF_WITH_JAVASCRIPT).message


def test_a_tenant_that_lists_web_pages_still_gets_none(in_a):
    in_a.tenant.allowed_attachment_types = ["text/html", "application/pdf"]
    in_a.tenant.save()
    assert "web page, which is not accepted" in _refusal(in_a, "page", files.WEB_PAGE).message


def test_what_customers_really_send_is_accepted(in_a):
    letter = weasyprint.HTML(string="<h1>Számla</h1><p><a href='https://example.hu'>example.hu</a></p>").write_pdf()
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(200)
    mac_fork = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(60)
    scans = files.zip_of(
        {
            "marcius/szamla.pdf": letter,
            "marcius/meroora.jpg": photo,
            "__MACOSX/marcius/._szamla.pdf": mac_fork,
            "februar.zip": files.zip_of({"szamla.pdf": files.PDF}),
        }
    )
    office = files.zip_of({"[Content_Types].xml": b"<?xml version='1.0'?><Types/>", "word/document.xml": b"<w/>"})
    for name, data in [
        ("level.pdf", letter),
        ("meroora.png", photo),  # a JPEG a phone saved as .png: a picture either way
        ("szkennelt.zip", scans),
        ("panasz.docx", office),
        ("meroallas.txt", "Mérőállás március 3-án: 1234 kWh.".encode()),
    ]:
        assert _attach(in_a, name, data).filename == name


def test_a_program_inside_an_office_document_is_refused(in_a):
    doc = files.zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "word/a.bin": files.EXE})
    assert (
        "“panasz.docx/word/a.bin” is a Windows program inside a document" in _refusal(in_a, "panasz.docx", doc).message
    )


_FORM = {
    "matter": "complaint",
    "name": "Kovács Anna AAA",
    "email": "anna@aaa.example",
    "reply_channel": "email",
    "customer_number": "AAA1000001",
    "meter_serial": "AAA-METER-1",
    "place_address": "4024 Debrecen, Petőfi utca 1.",
    "subject": "Kétszer számlázták",
    "description": "A márciusi számlán kétszer szerepel ugyanaz az időszak.",
}


def _public_form(client: Client, documents) -> object:
    return client.post("/p/AAA/complaint/", {**_FORM, "documents": documents})


def _multipart(fields: dict[str, str], field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A body as a browser sends it, with a file name the test client itself would refuse to send (`..`)."""
    boundary = "----querela-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _no_complaints(w) -> bool:
    with tenancy.tenant_scope(w.tenant):
        return not Complaint.objects.exists()


def test_the_public_form_refuses_a_polyglot_with_the_reason_and_keeps_what_was_typed(world):
    response = _public_form(Client(), SimpleUploadedFile("szamla.pdf", files.PDF_HTML_POLYGLOT))
    page = response.content.decode()
    assert response.status_code == 400
    assert "szamla.pdf" in page and "web-page code" in page
    assert "Kétszer számlázták" in page and "A márciusi számlán" in page
    assert _no_complaints(world.a)


def test_a_file_named_dot_dot_gets_a_message_on_the_form_instead_of_vanishing(world):
    body, content_type = _multipart(_FORM, "documents", "..", files.PDF)
    response = Client().post("/p/AAA/complaint/", body, content_type=content_type)
    page = response.content.decode()
    assert response.status_code == 400
    assert "A file without a usable name (such as “..”) was not accepted" in page and "Rename the file" in page
    assert "Kétszer számlázták" in page
    assert _no_complaints(world.a)


def _api_complaint(w) -> tuple[Client, str]:
    with tenancy.tenant_scope(w.tenant):
        reference = _complaint(w).reference
    return _token_client(w.users["handler"]), reference


def test_the_api_refuses_a_program_inside_a_zip_naming_it(world):
    api, reference = _api_complaint(world.a)
    bundle = files.zip_of({"szamla.pdf": files.PDF, "nyomtato/driver.exe": files.EXE})
    r = api.post(f"/api/v1/t/AAA/complaints/{reference}/attachments/", {"file": SimpleUploadedFile("a.zip", bundle)})
    assert r.status_code == 400 and "“a.zip/nyomtato/driver.exe”" in r.json()["detail"]
    body, content_type = _multipart({}, "file", "a/..", files.PDF)
    r = api.post(f"/api/v1/t/AAA/complaints/{reference}/attachments/", body, content_type=content_type)
    assert r.status_code == 400 and r.json()["code"] == "file_name_unusable"
    with tenancy.tenant_scope(world.a.tenant):
        assert not Attachment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_mail_with_hostile_attachments_registers_the_complaint_keeps_the_rest_and_flags_why(world):
    w = world.a
    m = EmailMessage()
    m["From"] = w.customer.email
    m["To"] = w.tenant.mailbox
    m["Subject"] = "Számla"
    m["Message-ID"] = make_msgid(domain="example.hu")
    m.set_content("Csatolom a számlát.")
    m.add_attachment(files.PDF, maintype="application", subtype="pdf", filename="szamla.pdf")
    m.add_attachment(files.zip_bomb(10), maintype="application", subtype="zip", filename="scans.zip")
    m.add_attachment(files.PDF_WITH_JAVASCRIPT, maintype="application", subtype="pdf", filename="akcio.pdf")
    m.add_attachment(files.PDF, maintype="application", subtype="pdf", filename="..")
    msg = inbound_store(raw=m.as_bytes(), tenant=w.tenant, source="smtp")
    with tenancy.tenant_scope(w.tenant):
        msg.refresh_from_db()
        c = msg.complaint
        names = sorted(c.attachments.values_list("filename", flat=True))
        assert names == ["attachment-4", "szamla.pdf"]  # the nameless one under a safe name
        assert "Not stored as attachments" in c.needs_attention  # flagged for a person, the reasons on the timeline
        [note] = c.timeline.filter(body__startswith="Not stored as attachments").values_list("body", flat=True)
        assert "“scans.zip/report.txt” unpacks to more than 100 times" in note
        assert "“akcio.pdf” is a PDF with active content (JavaScript)" in note
        assert InboundMessage.objects.get(complaint=c).raw.size > len(files.PDF_WITH_JAVASCRIPT)  # kept whole


def test_scanned_post_with_active_content_is_refused(world):
    clerk = Client()
    clerk.force_login(world.a.users["clerk"])
    response = clerk.post("/t/AAA/postroom/", {"scan": SimpleUploadedFile("posta.pdf", _pypdf_with_javascript())})
    assert response.status_code in (200, 400)
    assert "posta.pdf" in response.content.decode() and "active content" in response.content.decode()
