"""A handler answers from a template in a real browser: the text filled in, a decision, the preview of
the letter exactly as it goes out (remedies of the customer's county named), then sent (issue 13)."""

from __future__ import annotations

import pytest

from querela.complaints.models import Complaint, EntryType
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD
from tests.instructions.helpers import checklist_waived

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rejected_answer_from_a_template_is_previewed_then_sent(page, live_server, world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("clerk"),
            channel="post",
            subject="Becsült számla",
            description="d",
            customer=w.customer,
            place=w.place,
        )
        complaint_transition(
            actor=w.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=w.users["handler"].pk
        )
        complaint_transition(actor=w.actor("handler"), complaint_id=c.pk, action="start_investigation")
        checklist_waived(w, c.pk)  # the work instruction's checklist is not what this is about
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", w.users["handler"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("nav")
    page.goto(f"{base}/t/AAA/complaints/{c.reference}/")
    page.click("text=Write the answer")
    page.wait_for_selector("#answer-template")
    page.check("input[name=decision][value=rejected]")
    rejected = page.locator("#answer-template option", has_text="(Rejected)").first.get_attribute("value")
    page.select_option("#answer-template", rejected)  # HTMX fills the text from the template
    page.wait_for_function("document.querySelector('#answer-text').value.includes('could not find it justified')")
    page.wait_for_load_state("networkidle")
    page.fill("#answer-text", page.input_value("#answer-text") + "A mérőt ellenőriztük, hibát nem találtunk.")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("button[name=step][value=send]")
    assert_accessible(page, "answer preview")
    preview = page.inner_text("main")
    assert "Hajdú-Bihar Megyei Békéltető Testület" in preview and "hibát nem találtunk" in preview
    with tenancy.tenant_scope(w.tenant):
        assert Complaint.objects.get(pk=c.pk).status == "investigating"  # nothing sent before confirming
    page.click("button[name=step][value=send]")
    page.wait_for_url(f"**/complaints/{c.reference}/")
    with tenancy.tenant_scope(w.tenant):
        answered = Complaint.objects.get(pk=c.pk)
        sent = answered.timeline.filter(entry_type=EntryType.OUTBOUND).order_by("-pk").first()
    assert answered.status == "answered" and "Hajdú-Bihar Megyei Békéltető Testület" in sent.body
