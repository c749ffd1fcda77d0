"""The public site in a real browser, in every language, checked by axe-core (issue 11)."""

from __future__ import annotations

import pytest

from querela.complaints.models import Complaint
from querela.core import tenancy
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _language(page, base: str, code: str) -> None:
    page.goto(f"{base}/p/AAA/")
    page.select_option("select[name=language]", code)
    page.click("form.lang button")
    page.wait_for_selector(f"html[lang={code}]")


def _fill_complaint(page, tmp_path) -> None:
    page.fill("input[name=customer_number]", "AAA1000001")
    page.fill("input[name=name]", "Kovács Anna AAA")
    page.fill("input[name=email]", "anna@aaa.example")
    page.fill("input[name=place_address]", "4024 Debrecen, Petőfi utca 1.")
    page.fill("input[name=meter_serial]", "AAA-METER-1")
    page.fill("input[name=subject]", "Kétszer számlázták a márciusi fogyasztást")
    page.fill("textarea[name=description]", "A márciusi számlán kétszer szerepel ugyanaz az időszak.")
    doc = tmp_path / "számla.pdf"
    doc.write_bytes(PDF)
    page.set_input_files("input[name=documents]", str(doc))


def test_file_a_complaint_without_an_account_in_hungarian(page, live_server, world, tmp_path):
    world.a.tenant.default_language = "hu"
    world.a.tenant.save()
    base = live_server.url
    page.goto(f"{base}/p/AAA/")
    assert page.get_attribute("html", "lang") == "hu"  # the supplier's language, unasked
    page.click("a[href$='/matter/complaint/']")
    page.wait_for_selector("form.public-form")
    # First try without a subject: the errors are listed, the file is kept.
    _fill_complaint(page, tmp_path)
    page.fill("input[name=subject]", "")
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"  # focus moves to the summary
    assert "számla.pdf" in page.inner_text("fieldset.kept")
    assert page.input_value("textarea[name=description]").startswith("A márciusi")
    assert_accessible(page, "form with errors")
    page.click("#error-summary a[href='#id_subject']")
    page.keyboard.type("Kétszer számlázták")
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector(".reference")
    with tenancy.tenant_scope(world.a.tenant):
        c = Complaint.objects.get()
        assert c.customer_id == world.a.customer.pk
        assert c.attachments.get().filename == "számla.pdf"
    assert page.inner_text(".reference") == c.reference
    assert_accessible(page, "confirmation")
    receipt = page.request.get(base + page.get_attribute("a[href$='receipt.pdf']", "href"))
    assert receipt.status == 200 and receipt.body().startswith(b"%PDF")
    page.click("a.track-link")
    page.wait_for_selector("ol.timeline")
    assert c.reference in page.inner_text("h1")
    assert_accessible(page, "tracking page")


def test_an_outage_goes_to_the_fault_line_and_nothing_is_registered(page, live_server, world):
    page.goto(f"{live_server.url}/p/AAA/")
    page.click("a[href$='/matter/outage/']")
    page.wait_for_selector("p.notice")
    assert "nothing is registered" in page.inner_text("p.notice")
    with tenancy.tenant_scope(world.a.tenant):
        assert not Complaint.objects.exists()


@pytest.mark.parametrize("language", ["hu", "pl", "ro", "en"])
def test_public_pages_pass_axe_in_every_language_and_at_360_px(page, live_server, world, language, tmp_path):
    base = live_server.url
    _language(page, base, language)
    # Every language at 360 px (the hard case: reflow); the wide layout once, in English.
    for width in (1280, 360) if language == "en" else (360,):
        page.set_viewport_size({"width": width, "height": 800})
        for path in ("/p/AAA/", "/p/AAA/matter/outage/", "/p/AAA/matter/contract/", "/p/AAA/complaint/"):
            page.goto(base + path)
            assert page.get_attribute("html", "lang") == language
            assert_accessible(page, f"{path} in {language} at {width}px")
            # Nothing is cut off: the page never scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, f"form errors in {language}")
    _fill_complaint(page, tmp_path)
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector(".reference")
    assert_accessible(page, f"confirmation in {language}")
    page.click("a.track-link")
    page.wait_for_selector("ol.timeline")
    assert_accessible(page, f"tracking in {language}")
    for dead in ("/p/AAA/track/not-a-token/", "/p/AAA/account/login/MQ/bad-token/"):
        page.goto(base + dead)
        page.click("form button.primary") if page.query_selector("form button.primary") else None
        assert_accessible(page, f"{dead} in {language}")


def test_what_was_typed_survives_a_change_of_language(page, live_server, world, tmp_path):
    """A visitor half-way through the complaint form switches to Polish: the page comes back in Polish with
    their text in it (not the file: a browser never refills a file field)."""
    base = live_server.url
    page.goto(f"{base}/p/AAA/matter/complaint/")
    page.wait_for_selector("form.public-form")
    _fill_complaint(page, tmp_path)
    page.select_option("select[name=language]", "pl")
    page.click("form.lang button")
    page.wait_for_selector("html[lang=pl]")
    page.wait_for_function("document.querySelector('textarea[name=description]').value !== ''")
    assert page.input_value("input[name=subject]") == "Kétszer számlázták a márciusi fogyasztást"
    assert page.input_value("textarea[name=description]").startswith("A márciusi számlán")
    assert page.input_value("input[name=email]") == "anna@aaa.example"
    page.reload()  # kept for that one change only
    page.wait_for_selector("form.public-form")
    assert page.input_value("textarea[name=description]") == ""
