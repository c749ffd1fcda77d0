"""The post room and the message wall in a real browser: a scanned letter registered with the receipt
time typed by the clerk, and a visitor's message on the wall; every page passes axe-core."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core import mail

from querela.complaints.deadline_schedule import engine_args, schedule_for
from querela.complaints.models import Complaint
from querela.core import clock, tenancy
from querela.deadlines import engine
from querela.postroom.models import ScanLetter
from tests.e2e.conftest import assert_accessible, login
from tests.postroom.files import image_pdf_scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_registers_a_two_page_letter_received_yesterday_at_2330(page, live_server, world):
    w = world.a
    base = live_server.url
    yesterday = clock.tenant_today(w.tenant) - timedelta(days=1)
    login(page, base, w.users["clerk"].username)
    page.goto(f"{base}/t/AAA/")
    page.click("nav a[href='/t/AAA/postroom/']")
    page.wait_for_selector("input[name=scan]")
    assert_accessible(page, "post room")
    page.set_input_files(
        "input[name=scan]", files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": image_pdf_scan(2)}]
    )
    page.click("form.public-form button.primary")
    page.wait_for_selector("ol.scan-pages img")
    assert "2 pages" in page.inner_text("main")
    assert_accessible(page, "preview")
    page.fill("input[name=ranges]", "1-3")
    page.click("form.public-form button.primary")
    page.wait_for_selector("#error-summary")
    assert "the scan has only 2 pages" in page.inner_text("#error-summary")
    assert page.get_attribute("input[name=ranges]", "aria-describedby").startswith("id_ranges_error")
    assert_accessible(page, "ranges refused")
    page.fill("input[name=ranges]", "1-2")
    page.click("form.public-form button.primary")
    page.wait_for_selector("fieldset.letter")
    assert_accessible(page, "letter form")
    page.fill("#id_letter0-received_at", f"{yesterday.isoformat()}T23:30")
    page.fill("#id_letter0-sender_name", w.customer.name)
    page.fill("#id_letter0-customer_number", w.customer.customer_number)
    page.fill("#id_letter0-subject", "Levél a márciusi számláról")
    page.click("form.public-form button.primary")
    page.wait_for_selector("#letters-title")
    assert_accessible(page, "letters registered")
    with tenancy.tenant_scope(w.tenant):
        letter = ScanLetter.objects.select_related("complaint").get()
        c = letter.complaint
        assert letter.pages == "1-2" and c.attachments.count() == 1
        local = c.received_at.astimezone(clock.tenant_zone(w.tenant))
        assert (local.date(), local.time()) == (yesterday, time(23, 30))
        assert schedule_for(c).received_on == yesterday
        policy, cal, tz = engine_args(c)
        noon = datetime.combine(yesterday, time(12), clock.tenant_zone(w.tenant))
        expected = engine.compute(policy, cal, tz, noon, "complaint", []).steps[-1].due
        assert c.answer_due == expected  # counted from yesterday, whatever the hour it was typed in
    page.click(f"text={c.reference}")
    page.wait_for_selector("dl.facts")
    assert f"{yesterday.isoformat()} 23:30" in page.inner_text("dl.facts")


def test_a_visitor_leaves_a_message_on_the_wall_and_reads_the_answer_there(page, live_server, world):
    base = live_server.url
    page.goto(f"{base}/p/AAA/")
    page.click("a[href='/p/AAA/wall/']")
    page.wait_for_selector("textarea[name=message]")
    assert_accessible(page, "message wall")
    page.click("form.public-form button.primary")
    page.wait_for_selector("#error-summary")
    assert page.get_attribute("#id_message", "aria-invalid") == "true"
    assert_accessible(page, "wall with errors")
    page.fill("input[name=name]", "Szabó Éva")
    page.fill("input[name=email]", "eva@example.hu")
    page.fill("textarea[name=message]", "A vízóra leolvasása hibás, kérem javítsák.")
    page.click("form.public-form button.primary")
    page.wait_for_selector("ol.timeline")
    assert "A vízóra leolvasása hibás" in page.inner_text("ol.timeline")
    assert_accessible(page, "wall thread")
    with tenancy.tenant_scope(world.a.tenant):
        c = Complaint.objects.get()
    assert c.channel == "message_wall" and c.reply_channel == "message_wall"
    assert any("/p/AAA/wall/" in m.body and m.to == ["eva@example.hu"] for m in mail.outbox)
    page.fill("textarea[name=message]", "Az ügyfélazonosítóm: AAA1000001")
    page.click("form.public-form button.primary")
    page.wait_for_selector("ul.messages")
    assert "AAA1000001" in page.inner_text("ol.timeline")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
