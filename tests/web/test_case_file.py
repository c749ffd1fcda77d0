"""The case file (issue 13): the countdown to the answer, the steps a person may take now and why the
others not, the progress of every required operation, and previews of the attachments."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from PIL import Image

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint
from querela.complaints.services import Upload, complaint_add_message, complaint_register
from querela.complaints.transitions import complaint_transition
from querela.consultations.services import consultation_ask
from querela.core import clock, tenancy
from tests.factories import PASSWORD, TenantWorld

pytestmark = pytest.mark.django_db


def _complaint(w: TenantWorld, *, identified: bool = True, uploads=()) -> Complaint:
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject="Double billing",
            description="March is billed twice.",
            customer=w.customer if identified else None,
            place=w.place if identified else None,
            contact_email="kovacs@example.com",
        )
        if uploads:
            complaint_add_message(actor=w.actor("consumer"), complaint_id=c.pk, text="Photos", uploads=list(uploads))
        return c


def _investigate(w: TenantWorld, c: Complaint) -> None:
    with tenancy.tenant_scope(w.tenant):
        h = w.actor("handler")
        if c.status == "received":
            complaint_transition(actor=h, complaint_id=c.pk, action="register")
        complaint_transition(actor=h, complaint_id=c.pk, action="assign", assignee_id=w.users["handler"].pk)
        complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")


def _page(role: str, c: Complaint) -> str:
    client = Client()
    assert client.login(username=f"aaa-{role}", password=PASSWORD)
    response = client.get(f"/t/AAA/complaints/{c.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 560), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_a_handler_sees_what_to_do_now_and_why_the_other_steps_are_closed(world):
    w = world.a
    c = _complaint(w)
    _investigate(w, c)
    page = _page("handler", c)
    assert f'href="/t/AAA/complaints/{c.reference}/answer/"' in page  # the answer is written on its page
    assert 'value="request_info"' in page and 'value="assign"' in page
    # Closing comes after the answer: the page says so instead of hiding it.
    assert "Other steps, and why not now" in page
    closed = "<strong>Close</strong>: Not while the complaint is “Under investigation”; possible when it is: answered."
    assert closed in page


def test_an_agent_is_told_which_role_a_step_takes(world):
    w = world.a
    c = _complaint(w)
    with tenancy.tenant_scope(w.tenant):
        complaint_transition(
            actor=w.actor("handler"), complaint_id=c.pk, action="assign", assignee_id=w.users["handler"].pk
        )
    page = _page("agent", c)
    why = "Start the investigation</strong>: Your role may not do this; it takes: complaint handler, supervisor."
    assert why in page
    assert 'value="start_investigation"' not in page


def test_an_unidentified_complaint_says_registration_waits_for_the_customer(world):
    w = world.a
    c = _complaint(w, identified=False)
    page = _page("handler", c)
    assert "Register (identified and complete)</strong>: Identify the customer first" in page
    assert "not identified" in page


def test_the_countdown_counts_down_to_the_answer_and_then_counts_the_days_late(world):
    w = world.a
    c = _complaint(w)
    today = clock.tenant_today(w.tenant)
    with tenancy.tenant_scope(w.tenant):
        Complaint.objects.filter(pk=c.pk).update(answer_due=today + timedelta(days=6))
    assert f"Answer due {(today + timedelta(days=6)).isoformat()}: 6 days left" in _page("handler", c)
    with tenancy.tenant_scope(w.tenant):
        Complaint.objects.filter(pk=c.pk).update(answer_due=today - timedelta(days=2))
    page = _page("handler", c)
    assert f"Answer was due {(today - timedelta(days=2)).isoformat()}: 2 days late" in page
    assert 'class="countdown overdue"' in page


def test_progress_shows_information_received_and_an_opinion_pending(world):
    w = world.a
    c = _complaint(w)
    _investigate(w, c)
    with tenancy.tenant_scope(w.tenant):
        complaint_transition(actor=w.actor("handler"), complaint_id=c.pk, action="request_info", text="Your meter id?")
        complaint_add_message(actor=w.actor("consumer"), complaint_id=c.pk, text="It is 123")
        consultation_ask(
            actor=w.actor("handler"),
            complaint_id=c.pk,
            question="Test the meter, please.",
            department_id=w.department.pk,
        )
    page = _page("handler", c)
    section = page[page.index('id="progress-title"') :]
    assert "Request for information sent" in section
    assert "✓ done</span> Information from the customer" in section
    assert '… pending</span> <a href="#consultation-' in section and f"Opinion of {w.department.name}" in section
    assert "… pending</span> Answer to the customer" in section
    assert "2 of 4 done" in section and '<progress max="4" value="2"' in section


def test_an_image_attachment_is_previewed_by_a_picture_drawn_here_and_the_look_is_audited(world):
    w = world.a
    c = _complaint(w, uploads=[Upload("meter.png", io.BytesIO(_png()), len(_png()))])
    with tenancy.tenant_scope(w.tenant):
        attachment = c.attachments.get()
    page = _page("handler", c)
    url = f"/t/AAA/complaints/{c.reference}/files/{attachment.pk}/preview.png"
    assert f'src="{url}"' in page and 'alt="First page of meter.png"' in page
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    picture = Image.open(io.BytesIO(response.content))
    assert picture.width <= 300 and picture.height <= 424  # a thumbnail, not the customer's file
    with tenancy.tenant_scope(w.tenant):
        assert AuditEvent.objects.filter(action="personal_data.preview", object_id=str(attachment.pk)).exists()
    # Another supplier's staff get nothing.
    other = Client()
    assert other.login(username="bbb-handler", password=PASSWORD)
    assert other.get(url.replace("/t/AAA/", "/t/BBB/")).status_code == 404


def test_a_pdf_written_by_a_program_shows_its_first_lines_and_text_files_have_no_preview(world):
    from weasyprint import HTML

    pdf = HTML(string="<p>Invoice 2026/0331 — Kovács Éva</p>").write_pdf()
    w = world.a
    text = b"meter reading notes\n"
    c = _complaint(w, uploads=[Upload("invoice.pdf", io.BytesIO(pdf), len(pdf)), Upload("n.txt", io.BytesIO(text), 20)])
    with tenancy.tenant_scope(w.tenant):
        files = {a.filename: a for a in c.attachments.all()}
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    base = f"/t/AAA/complaints/{c.reference}/files"
    response = client.get(f"{base}/{files['invoice.pdf'].pk}/preview.png")
    assert response.status_code == 200
    picture = Image.open(io.BytesIO(response.content)).convert("L")
    dark = sum(picture.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 50  # the first line is drawn, not a blank or numbered sheet
    assert client.get(f"{base}/{files['n.txt'].pk}/preview.png").status_code == 404
    page = _page("handler", c)
    assert f"{files['n.txt'].pk}/preview.png" not in page


def test_folded_forms_open_in_place_with_htmx_and_as_a_page_without_javascript(world):
    w = world.a
    c = _complaint(w)
    page = _page("handler", c)
    url = f"/t/AAA/complaints/{c.reference}/forms/classify/"
    assert f'hx-get="{url}"' in page and f'<a href="{url}">Open the form</a>' in page
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith("<form") and f'action="/t/AAA/complaints/{c.reference}/classify/"' in fragment
    assert f'<option value="{c.category}" selected>' in fragment  # the complaint's own category is preselected
    full = client.get(url).content.decode()
    assert "<h1>Correct the details" in full and "Back to the complaint" in full
    ask = client.get(f"/t/AAA/complaints/{c.reference}/forms/consult/", headers={"HX-Request": "true"})
    assert 'name="question"' in ask.content.decode()
    assert client.get(f"/t/AAA/complaints/{c.reference}/forms/nonsense/").status_code == 404


def test_a_folded_form_is_not_served_to_a_role_that_may_not_use_it(world):
    w = world.a
    c = _complaint(w)
    agent = Client()
    assert agent.login(username="aaa-agent", password=PASSWORD)
    assert agent.get(f"/t/AAA/complaints/{c.reference}/forms/deadline/").status_code == 404
    assert agent.get(f"/t/AAA/complaints/{c.reference}/forms/consult/").status_code == 404
    page = _page("agent", c)
    assert "/forms/deadline/" not in page and "/forms/consult/" not in page
