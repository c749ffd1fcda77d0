"""The web UI in headless Chromium (Debian's package), as a consumer and a call-center agent use it."""

from __future__ import annotations

import pytest

from querela.complaints.models import Complaint
from querela.core import tenancy
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")


def test_consumer_files_a_complaint_with_a_document(page, live_server, world, tmp_path):
    w = world.a
    _login(page, live_server.url, w.users["consumer"].username)
    page.wait_for_selector("text=File a new complaint")
    page.select_option("select[name=place]", str(w.place.pk))
    page.select_option("select[name=category]", "billing")
    page.fill("input[name=subject]", "Kétszer számlázták a márciusi fogyasztást")
    page.fill("textarea[name=description]", "A márciusi számlán kétszer szerepel ugyanaz az időszak.")
    doc = tmp_path / "szamla.pdf"
    doc.write_bytes(PDF)
    page.set_input_files("input[name=documents]", str(doc))
    page.click("text=Send complaint")
    page.wait_for_selector("text=was registered under number")
    page.screenshot(path=str(tmp_path / "consumer.png"))
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(customer=w.customer)
        assert c.attachments.get().filename == "szamla.pdf"
    assert c.reference in page.content()
    assert "szamla.pdf" in page.content()


def test_clerk_finds_visitor_by_meter_serial_and_registers_an_in_person_complaint(page, live_server, world):
    w = world.a
    _login(page, live_server.url, w.users["clerk"].username)
    page.fill("input[name=q]", "AAA-METER-1")
    page.wait_for_selector(f"text={w.customer.customer_number}")  # HTMX live search, no page load
    page.click(f"text={w.customer.customer_number}")
    page.wait_for_selector(f"h1:has-text('{w.customer.name}')")
    page.select_option("select[name=channel]", "in_person")
    page.select_option("select[name=place]", str(w.place.pk))
    page.fill("input[name=subject]", "Feszültségingadozás")
    page.fill("textarea[name=description]", "Esténként villog a világítás.")
    page.click("button:has-text('Register')")
    page.wait_for_selector("text=Registered as")
    assert "Registered" in page.inner_text(".case-status")


def test_clerk_settles_a_visit_on_the_spot_with_a_written_confirmation(page, live_server, world):
    from tests.e2e.conftest import assert_accessible

    w = world.a
    _login(page, live_server.url, w.users["clerk"].username)
    page.fill("input[name=q]", "AAA-METER-1")
    page.wait_for_selector(f"text={w.customer.customer_number}")
    page.click(f"text={w.customer.customer_number}")
    page.wait_for_selector(f"h1:has-text('{w.customer.name}')")
    assert_accessible(page, "customer page with the register form")
    page.select_option("select[name=channel]", "in_person")
    page.select_option("select[name=place]", str(w.place.pk))
    page.fill("input[name=subject]", "Kétszeres számlázás")
    page.fill("textarea[name=description]", "A márciusi időszak kétszer szerepel.")
    page.check("input[name=outcome][value=on_spot]")
    page.fill("textarea[name=answer]", "A hibás számlát sztornóztuk.")
    page.check("input[name=confirm_in_writing]")
    page.click("button:has-text('Register')")
    page.wait_for_selector("text=Registered as")
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
    assert c.status == "answered" and c.resolved_on_spot
    assert "A hibás számlát sztornóztuk." in page.content()
