"""Issue 14 end to end, in a real browser, on the demo data `make run` seeds (seed 003).

A customer phones the electricity distributor about a bill. The agent registers it from the call; the
supplier's routing rules send it to the billing department; the work instruction for a disputed bill puts
its checklist on the case, each step with the job of the org chart that does it. The agent, who took the
call, cannot rewrite the customer's words — a forged change is refused with the reason and the input kept.
Two jobs do their steps with evidence, each by its own holder (the bill recalculated by the billing
specialist); the answer is refused
while a mandatory step is open, then goes out.
"""

from __future__ import annotations

import pytest

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint, EntryType
from querela.core import tenancy
from querela.customers.models import Meter
from querela.demo.seed import seed_demo
from querela.instructions.models import ChecklistStep, StepState
from querela.intake.models import OutboundEmail
from querela.orgchart.models import Job
from querela.orgchart.selectors import holders_of
from querela.tenants.models import Tenant
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBJECT = "Túl magas a novemberi számla"
WORDS = "A novemberi számlám kétszerese az októberinek, pedig nem fogyasztottunk többet."


def _login(page, base: str, username: str) -> None:
    from querela.demo.data import DEMO_PASSWORD

    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/login/" not in url)  # someone of two suppliers lands on the chooser


def _step_row(page, title: str):
    return page.locator("section.checklist li.step", has_text=title)


def _work_on(page, title: str):
    """The step's block with its folded forms opened."""
    row = _step_row(page, title)
    row.locator("details.work > summary").click()
    return row


def test_a_billing_complaint_is_routed_worked_by_its_checklist_and_answered(page, live_server):
    assert seed_demo(progress=False)
    opt = Tenant.objects.get(code="OPT")
    with tenancy.tenant_scope(opt):
        meter = Meter.objects.select_related("place__customer").filter(place__service_type="electricity").first()
        customer = meter.place.customer
    base = live_server.url

    # The call: the recording id told, the caller identified by meter serial and address, the complaint taken.
    _login(page, base, "opt.agent")
    page.click("form[action$='/calls/start/'] button")
    page.wait_for_selector("blockquote.say")
    page.click("form[action$='/notice/'] button")
    page.fill("input[name=meter_serial]", meter.serial)
    page.fill("input[name=address]", meter.place.address)
    page.click("form.identify button")
    page.wait_for_selector("#customer-title")
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=category]", "billing")
    page.fill("input[name=subject]", SUBJECT)
    page.fill("textarea[name=description]", WORDS)
    page.click("form.register button.primary")
    page.wait_for_selector("text=Registered as")
    with tenancy.tenant_scope(opt):
        c = Complaint.objects.select_related("department").get(subject=SUBJECT)
    assert c.customer_id == customer.pk

    # Routed by the supplier's rule to the billing department, and the timeline says by which rule.
    assert (c.department.code, c.status, c.assignee_id) == ("billing", "registered", None)
    page.goto(f"{base}/t/OPT/complaints/{c.reference}/")
    assert page.inner_text("dd.department") == c.department.name
    assert "Számlázási panaszok" in page.inner_text(".timeline")

    # The agent may still correct what they took down (nobody investigates it yet), but not the customer's
    # words: a forged change of the description is refused with the reason, and what was typed is kept.
    page.goto(f"{base}/t/OPT/complaints/{c.reference}/forms/classify/")
    assert WORDS in page.inner_text("figure.original")
    assert page.locator("textarea[name=description]").count() == 0
    assert not page.locator("#classify_subject").is_disabled()
    page.evaluate(
        """words => {
            const form = document.querySelector("main form[action$='/classify/']");
            const forged = document.createElement("textarea");
            forged.name = "description";
            forged.value = words;
            form.appendChild(forged);
        }""",
        "Valójában semmi baj nincs a számlával.",
    )
    page.fill("#classify_reason", "Az ügyfél kérte a szöveg javítását.")
    page.click("main form[action$='/classify/'] button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert "own words as received cannot be changed" in page.inner_text("main")
    assert page.input_value("#classify_reason") == "Az ügyfél kérte a szöveg javítását."
    assert_accessible(page, "refused change of the description")
    with tenancy.tenant_scope(opt):
        assert Complaint.objects.get(pk=c.pk).description == WORDS
        assert not AuditEvent.objects.filter(action="complaint.update", object_id=c.reference).exists()

    # The handler takes the case: the checklist of the instruction for a disputed bill is on it, each step
    # with its job (from the org chart) and the people in it.
    _login(page, base, "opt.handler")
    page.goto(f"{base}/t/OPT/complaints/{c.reference}/")
    page.click("form.transition button:text('Assign to a handler')")
    page.wait_for_selector("text=Start the investigation")
    page.click("button:text('Start the investigation')")
    page.wait_for_selector("section.checklist")
    assert_accessible(page, "case file with its checklist")
    with tenancy.tenant_scope(opt):
        steps = list(ChecklistStep.objects.filter(complaint=c).order_by("position"))
    recalculation = next(s for s in steps if s.check_code == "bill_recalculation")
    assert recalculation.job_code == "BILL-SPEC" and recalculation.mandatory
    # Another mandatory step, of another job, done by someone else who holds that job.
    other = next(s for s in steps if s.mandatory and s.job_code != "BILL-SPEC")
    with tenancy.tenant_scope(opt):
        job = Job.objects.get(code=other.job_code)
        doer = next(a.username for a in holders_of(other.job_code) if a.username != "opt.handler")
    assert job.title in _step_row(page, other.title).inner_text()  # the job's title, not only its code

    # While a mandatory step is open, the answer is refused with the steps named.
    page.click("text=Write the answer")
    page.wait_for_selector("#answer-text")
    page.check("input[name=decision][value=upheld]")
    page.fill("#answer-text", "A novemberi számlát újraszámoltuk, a különbözetet jóváírjuk.")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#letter-text")
    page.click("button[name=step][value=send]")
    page.wait_for_selector("text=Mandatory checklist steps are still open")
    assert other.title in page.inner_text("main")
    with tenancy.tenant_scope(opt):
        assert Complaint.objects.get(pk=c.pk).status == "investigating"

    # The other job's holder does their step, with a file as evidence.
    _login(page, base, doer)
    page.goto(f"{base}/t/OPT/complaints/{c.reference}/")
    row = _work_on(page, other.title)
    row.locator("textarea[name=note]").fill("Az ügy előzményei átnézve, korábbi panasz nem volt.")
    row.locator("input[type=file]").set_input_files(
        files=[{"name": "elozmenyek.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    row.locator("button:text('Mark done')").click()
    page.wait_for_selector("text=The step was marked done.")
    assert "elozmenyek.pdf" in _step_row(page, other.title).inner_text()

    # The billing specialist (the handler) recalculates the bill and attaches the recalculation sheet; the
    # other open steps of their job are done with notes.
    _login(page, base, "opt.handler")
    page.goto(f"{base}/t/OPT/complaints/{c.reference}/")
    for s in steps:
        if s.job_code != "BILL-SPEC":
            continue
        row = _work_on(page, s.title)
        row.locator("textarea[name=note]").fill("Ellenőrizve.")
        if s.pk == recalculation.pk:
            row.locator("input[type=file]").set_input_files(
                files=[{"name": "ujraszamitas.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
            )
        row.locator("button:text('Mark done')").click()
        page.wait_for_selector("text=The step was marked done.")
    with tenancy.tenant_scope(opt):
        left = [s for s in ChecklistStep.objects.filter(complaint=c, mandatory=True) if s.state == StepState.OPEN]
        done = {s.pk: s for s in ChecklistStep.objects.filter(complaint=c, state=StepState.DONE)}
    for s in left:  # a mandatory step of a job neither of them holds: said not to apply, with the reason
        row = _work_on(page, s.title)
        row.locator("input[name=reason]").first.fill("Ebben az ügyben nem releváns.")
        row.locator("button:text('Not applicable')").click()
        page.wait_for_selector("text=The step was marked not applicable.")
    assert (done[other.pk].done_by.username, done[recalculation.pk].done_by.username) == (doer, "opt.handler")
    assert done[other.pk].evidence_ids and done[recalculation.pk].evidence_ids

    # Now the answer goes out, exactly as previewed.
    page.click("text=Write the answer")
    page.wait_for_selector("#answer-text")
    page.check("input[name=decision][value=upheld]")
    page.fill("#answer-text", "A novemberi számlát újraszámoltuk, a különbözetet jóváírjuk.")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#letter-text")
    page.click("button[name=step][value=send]")
    page.wait_for_url(f"**/complaints/{c.reference}/")
    assert "Answered" in page.inner_text(".case-status")
    with tenancy.tenant_scope(opt):
        answered = Complaint.objects.get(pk=c.pk)
        sent = answered.timeline.filter(entry_type=EntryType.OUTBOUND, data__purpose="answer").count()
        mailed = OutboundEmail.objects.filter(complaint=c, entry__data__purpose="answer").count()
    assert answered.status == "answered" and sent == 1
    assert mailed == (1 if answered.reply_channel == "email" else 0)
