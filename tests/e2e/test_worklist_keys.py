"""The worklist by keyboard in a real browser: j/k move, a takes an unassigned complaint, o opens one."""

from __future__ import annotations

import pytest

from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.core import tenancy
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_handler_takes_and_opens_complaints_by_keyboard(page, live_server, world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        for subject in ("Első panasz", "Második panasz"):
            complaint_register(
                actor=w.actor("clerk"),
                channel="post",
                subject=subject,
                description="d",
                customer=w.customer,
                place=w.place,
            )
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", w.users["handler"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("nav")
    page.goto(f"{base}/t/AAA/complaints/?view=unassigned")
    assert_accessible(page, "worklist, unassigned")
    page.locator("h1").click()  # nothing focused in a field
    page.keyboard.press("j")
    first = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.textContent") == first
    page.keyboard.press("a")  # assign to me: the complaint opens, mine now
    page.wait_for_url(f"**/complaints/{first}/")
    with tenancy.tenant_scope(w.tenant):
        taken = Complaint.objects.get(reference=first)
    assert taken.assignee_id == w.users["handler"].pk
    page.goto(f"{base}/t/AAA/complaints/?view=unassigned")
    page.locator("h1").click()
    page.keyboard.press("j")
    other = page.evaluate("document.activeElement.textContent")
    assert other != first
    page.keyboard.press("o")
    page.wait_for_url(f"**/complaints/{other}/")
