"""The back office end to end in a real browser (issue 13, item 10).

A handler takes an e-mail complaint from the worklist, asks a department for an opinion, asks the customer
for information and receives it (by e-mail, threaded), extends the deadline with a written notice and
answers by e-mail from a template. Another answers a letter complaint by post, and the letter's PDF names
the conciliation body of the customer's county with its address.
"""

from __future__ import annotations

import io
import re
from email.message import EmailMessage

import pytest
from django.core import mail as django_mail
from pypdf import PdfReader

from querela.complaints.models import Complaint, EntryType
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.consultations.models import Consultation
from querela.core import clock, tenancy
from querela.intake.inbound import inbound_store
from querela.intake.models import OutboundEmail
from querela.intake.registration import inbound_process
from querela.remedies.models import RemedyBody
from tests.e2e.conftest import assert_accessible, login
from tests.factories import PASSWORD
from tests.instructions.helpers import checklist_waived

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _mail_in(w, *, subject: str, body: str, in_reply_to: str = "") -> None:
    """A mail from the customer reaches the supplier's mailbox and is processed as the intake does."""
    msg = EmailMessage()
    msg["From"] = w.customer.email
    msg["To"] = w.tenant.mailbox
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash((subject, body)))}@mail.example>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
        msg["References"] = f"<{in_reply_to}>"
    msg.set_content(body)
    with tenancy.tenant_scope(w.tenant):
        stored = inbound_store(raw=msg.as_bytes(), tenant=w.tenant, source="smtp", mail_from=w.customer.email)
        inbound_process(inbound_id=stored.pk)


def test_a_handler_works_an_e_mail_complaint_from_the_worklist_to_the_answer(page, live_server, world):
    w = world.a
    _mail_in(
        w,
        subject="Kétszer számlázták a márciusi időszakot",
        body=f"Ügyfélazonosítóm: {w.customer.customer_number}. A márciusi időszak kétszer szerepel a számlán.",
    )
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        complaint_transition(
            actor=w.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=w.users["handler"].pk
        )
    base = live_server.url
    login(page, base, w.users["handler"].username)

    # From the worklist: my complaints, the reference opens the case file.
    page.goto(f"{base}/t/AAA/complaints/?view=mine")
    page.click(f"a:text('{c.reference}')")
    page.wait_for_selector("#actions-title")
    assert_accessible(page, "case file")
    page.click("button:text('Start the investigation')")
    page.wait_for_selector(".countdown")

    # An opinion of the billing department: the folded form opens in place (HTMX).
    page.click("summary:text('Ask a department or an outside party')")
    page.wait_for_selector("#ask_question")
    page.select_option("#ask_department", label="Billing")
    page.fill("#ask_question", "Kérem, ellenőrizzék a márciusi számlázási időszakot.")
    page.get_by_role("button", name="Ask", exact=True).click()
    page.wait_for_selector(".consultation.open")
    assert "Opinion of Billing" in page.inner_text("#progress-title + progress + ul")

    # Information from the customer, asked by e-mail and received by e-mail in the same thread.
    page.fill("#text-request_info", "Kérjük, küldje meg a márciusi számla sorszámát.")
    page.click("button:text('Ask the customer for missing information')")
    page.wait_for_selector("text=Awaiting information")
    with tenancy.tenant_scope(w.tenant):
        request = OutboundEmail.objects.get(complaint=c, entry__data__purpose="request_info")
    _mail_in(w, subject=f"Re: [{c.reference}]", body="A számla sorszáma: SZ-2026-0331.", in_reply_to=request.message_id)
    page.reload()
    assert "Under investigation" in page.inner_text(".case-status")
    assert "SZ-2026-0331" in page.inner_text(".timeline")
    assert "✓ done Information from the customer" in " ".join(page.inner_text("ul.operations").split())

    # The department answers; the deadline is extended with a written notice before it passes.
    with tenancy.tenant_scope(w.tenant):
        Consultation.objects.filter(complaint=c).update(status="answered", result="A számla hibás.")
        checklist_waived(w, c.pk)  # the work instruction's checklist is not what this is about
    page.reload()
    due_before = page.inner_text(".countdown")
    page.click("summary:text('Extend or change a deadline')")
    page.wait_for_selector("#deadline_action")
    page.select_option("#deadline_action", "extend")
    page.fill("#deadline_days", "15")
    page.select_option("#deadline_reason", "outside_opinion")
    page.fill("#deadline_text", "A vizsgálathoz a számlázási osztály állásfoglalása szükséges.")
    page.click("button:text('Apply')")
    page.wait_for_selector(".countdown")
    assert page.inner_text(".countdown") != due_before, page.inner_text("main")[:600]
    with tenancy.tenant_scope(w.tenant):
        notice = OutboundEmail.objects.get(complaint=c, entry__data__purpose="extend")
    assert notice.body.count("Dear Customer") + notice.body.count("Tisztelt") == 1  # the greeting once

    # The answer from a template, previewed as the e-mail it will be, then sent.
    page.click("text=Write the answer")
    page.wait_for_selector("#answer-template")
    assert_accessible(page, "answer page")
    page.check("input[name=decision][value=upheld]")
    upheld = page.locator("#answer-template option", has_text="(Upheld)").first.get_attribute("value")
    page.select_option("#answer-template", upheld)
    page.wait_for_function("document.querySelector('#answer-text').value.includes('" + c.reference + "')")
    page.wait_for_load_state("networkidle")
    page.fill("#answer-text", page.input_value("#answer-text") + "A márciusi időszakot sztornóztuk.")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#letter-text")
    preview = page.inner_text("#letter-text")
    assert "A márciusi időszakot sztornóztuk." in preview and c.reference in preview
    page.click("button[name=step][value=send]")
    page.wait_for_url(f"**/complaints/{c.reference}/")
    assert "Answered" in page.inner_text(".case-status")
    with tenancy.tenant_scope(w.tenant):
        answer = OutboundEmail.objects.get(complaint=c, entry__data__purpose="answer")
        first_mail = c.inbound_messages.order_by("received_at").first()
    assert answer.body.split() == preview.split()  # exactly what was previewed (the page trims line ends)
    assert answer.in_reply_to and first_mail.message_id.strip("<>") in answer.references
    assert any(m.subject == answer.subject for m in django_mail.outbox)


def test_a_letter_complaint_is_answered_by_post_naming_the_county_body(page, live_server, world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        w.customer.mailing_address = "4024 Debrecen, Petőfi utca 1."
        w.customer.save()
        c = complaint_register(
            actor=w.actor("clerk"),
            channel="post",
            subject="Becsült számla",
            description="A mérőállást nem olvasták le, becsült számlát kaptam.",
            customer=w.customer,
            place=w.place,
        )
        complaint_transition(
            actor=w.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=w.users["handler"].pk
        )
        complaint_transition(actor=w.actor("handler"), complaint_id=c.pk, action="start_investigation")
        checklist_waived(w, c.pk)  # the work instruction's checklist is not what this is about
        body = RemedyBody.objects.get(region="Hajdú-Bihar", kind="conciliation_body")
    base = live_server.url
    login(page, base, w.users["handler"].username)
    page.goto(f"{base}/t/AAA/complaints/{c.reference}/")
    page.click("text=Write the answer")
    page.check("input[name=decision][value=rejected]")
    page.fill("#answer-text", "A leolvasás a szerződés szerint évente egyszer esedékes; a becslés jogszerű volt.")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#letter-text")
    assert body.name in page.inner_text("#letter-text")
    page.click("button[name=step][value=send]")
    page.wait_for_url(f"**/complaints/{c.reference}/")
    link = page.locator("a:text('Letter to print (PDF)')").first.get_attribute("href")
    pdf = page.request.get(f"{base}{link}")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert body.name in text
    assert " ".join(body.address.split()) in text, (body.address, text)
    assert re.search(r"Debrecen", text) and c.reference in text
    with tenancy.tenant_scope(w.tenant):
        answered = Complaint.objects.get(pk=c.pk)
        assert answered.status == "answered"
        assert answered.timeline.filter(entry_type=EntryType.OUTBOUND, channel="post").exists()

    # The print room: the letter waits in the open batch; closed, the batch is one PDF; then posted.
    page.goto(f"{base}/t/AAA/printing/")
    assert c.reference in page.inner_text("main")
    assert_accessible(page, "print room")
    page.click("text=Close and make the batch PDF…")
    page.click("button:text('Close and make the batch PDF')")
    page.goto(f"{base}/t/AAA/printing/")
    batch = page.request.get(base + page.locator("a:text('Batch PDF')").first.get_attribute("href"))
    batch_text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(batch.body())).pages)
    assert body.name in batch_text and c.reference in batch_text
    today = clock.tenant_today(w.tenant).isoformat()
    page.fill("input[name=posted_on]", today)
    page.click("button:text('Record the posting day')")
    page.goto(f"{base}/t/AAA/complaints/{c.reference}/")
    assert today in page.inner_text(".timeline")


def test_a_supervisor_reassigns_a_breached_case_and_reviews_a_sampled_answer(page, live_server, world):
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from querela.tenants.models import Membership

    w = world.a
    with tenancy.tenant_scope(w.tenant):
        relief = get_user_model().objects.create_user("aaa-handler2", "h2@example.test", PASSWORD, first_name="Éva")
        Membership.objects.create(user=relief, role="handler", department=w.department)
        supervisor, handler = w.actor("supervisor"), w.actor("handler")
        breached = complaint_register(
            actor=w.actor("agent"), channel="phone", subject="Áramszünet kártérítés", description="d",
            customer=w.customer, place=w.place,
        )  # fmt: skip
        answered = complaint_register(
            actor=w.actor("agent"), channel="email", subject="Hibás leolvasás", description="d",
            customer=w.customer, place=w.place, contact_email=w.customer.email,
        )  # fmt: skip
        for c in (breached, answered):
            complaint_transition(actor=supervisor, complaint_id=c.pk, action="assign", assignee_id=handler.user.pk)
            complaint_transition(actor=handler, complaint_id=c.pk, action="start_investigation")
        checklist_waived(w, answered.pk)
        complaint_transition(
            actor=handler, complaint_id=answered.pk, action="answer", decision="upheld",
            text="Tisztelt Kovács Anna!\n\nA leolvasást javítottuk, a különbözetet jóváírtuk.",
        )  # fmt: skip
        past = clock.tenant_today(w.tenant) - timedelta(days=3)
        Complaint.objects.filter(pk=breached.pk).update(answer_due=past, next_due=past)
    base = live_server.url
    login(page, base, w.users["supervisor"].username)

    # The dashboard's "open, past a due date" opens the list of exactly those; one is handed to Éva.
    page.goto(f"{base}/t/AAA/supervision/")
    assert_accessible(page, "team dashboard")
    assert page.inner_text("a[data-figure=open_overdue] .n") == "1"
    page.click("a[data-figure=open_overdue]")
    page.wait_for_selector(f"input[name=ids][value='{breached.pk}']")
    assert answered.reference not in page.inner_text("main")
    page.check(f"input[name=ids][value='{breached.pk}']")
    page.select_option("#bulk-assignee", str(relief.pk))
    page.click("form.bulk .bulk-actions button[type=submit]")
    page.wait_for_load_state("networkidle")
    with tenancy.tenant_scope(w.tenant):
        assert Complaint.objects.get(pk=breached.pk).assignee_id == relief.pk, page.inner_text("main")[:500]

    # A random sample of the answered ones, reviewed against the checklist with a score.
    page.goto(f"{base}/t/AAA/supervision/quality/")
    today = clock.tenant_today(w.tenant)
    page.fill("#draw_date_from", (today - timedelta(days=7)).isoformat())
    page.fill("#draw_date_to", today.isoformat())
    page.fill("#draw_size", "5")
    page.click("button:text-is('Draw')")
    page.wait_for_selector("table.list")
    assert answered.reference in page.inner_text("table.list") and breached.reference not in page.inner_text("main")
    page.click(f"a:has-text('Review {answered.reference}')")
    page.wait_for_selector("form.review")
    assert "A leolvasást javítottuk" in page.inner_text("main")
    assert_accessible(page, "quality review")
    for fieldset in page.locator("fieldset.check").all():
        fieldset.locator("input[type=radio]").first.check()
    page.fill("#id_score", "90")
    page.fill("#id_comment", "Érthető, indokolt válasz.")
    page.click("button:text-is('Save')")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/t/AAA/supervision/quality/")
    assert "90" in page.inner_text("main")
