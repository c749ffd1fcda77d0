"""Minutes at the front office in a real browser (seed 004): the clerk fills every element, the recorder signs
with the mouse on the pad, the customer by the typed name the clerk confirms, and the signed PDF holds it all."""

from __future__ import annotations

import pytest
from django.core import mail

from querela.complaints.models import Complaint
from querela.core import clock, tenancy
from querela.minutes.models import Minutes
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, ROLES
from tests.minutes.helpers import pdf_images, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRONT_DESK = "clerk" if "clerk" in ROLES else "agent"


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("nav")


def _draw(page, selector: str) -> None:
    """A signature with the mouse: press, move through a few points, release."""
    pad = page.locator(selector)
    pad.scroll_into_view_if_needed()
    assert pad.is_visible()  # the script showed the pad
    box = pad.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for fx, fy in [(0.2, 0.2), (0.3, 0.8), (0.45, 0.25), (0.6, 0.75), (0.75, 0.3), (0.9, 0.6)]:
        page.mouse.move(x + w * fx, y + h * fy, steps=5)
    page.mouse.up()


def test_the_clerk_takes_minutes_both_sign_and_the_pdf_holds_every_element(page, live_server, world):
    w = world.a
    base = live_server.url
    clerk = w.users[FRONT_DESK]
    clerk.first_name, clerk.last_name = "Ágnes", "Kőszegi"
    clerk.save()
    mail.outbox.clear()
    _login(page, base, clerk.username)
    page.goto(f"{base}/t/AAA/minutes/new/")
    assert_accessible(page, "minutes form")
    page.fill("input[name=customer_name]", "Őrsi Ődön")
    page.fill("input[name=customer_address]", "4024 Debrecen, Kossuth utca 12.")
    page.fill("input[name=customer_number]", "HU-77001")
    page.fill("input[name=customer_email]", "odon@example.hu")
    page.fill("input[name=customer_phone]", "+36 30 555 1234")
    page.fill("input[name=filed_place]", "Debreceni ügyfélszolgálati iroda")
    page.fill("input[name=present-0-name]", "Őrsi Ődön")
    assert page.input_value("input[name=present-1-name]") == "Ágnes Kőszegi"  # the clerk, as staff
    page.fill("input[name=present-2-name]", "Łucja Wąsowska")
    page.select_option("select[name=present-2-capacity]", "proxy")
    page.fill("input[name=present-3-name]", "Zsófia Szőke")
    page.select_option("select[name=present-3-capacity]", "staff")
    page.click("button[data-add-present]")  # one more row than the page came with
    page.fill("input[name=present-4-name]", "Ștefan Țurcanu")
    page.select_option("select[name=present-4-capacity]", "other")
    page.fill("input[name=subject]", "Téves elszámolás a novemberi számlán")
    page.fill("textarea[name=description]", "A számla 412 m³ fogyasztást mutat, a mérő 41,2 m³-t.")
    page.fill("textarea[name=evidence]", "Novemberi számla SZ-2026-1182\nFénykép a mérőóráról")
    page.fill(
        "textarea[name=statement]", "A szolgáltató a mérőt helyszínen ellenőrzi, és 15 napon belül írásban válaszol."
    )
    page.fill("input[name=drawn_up_place]", "Debrecen, Piac utca 1.")
    page.check("input[name=copy_by][value=email]")
    page.click("form.minutes-form button[type=submit]")
    page.wait_for_selector("form.sign-form")
    assert_accessible(page, "preview and signatures")
    preview = page.content()
    assert "Ștefan Țurcanu" in preview and "Yes, e-mail the signed copy to odon@example.hu" in preview
    with tenancy.tenant_scope(w.tenant):
        draft = Minutes.objects.get()
    assert draft.signed_at is None and len(draft.present) == 5
    # The recorder draws; the customer uses the keyboard alternative.
    _draw(page, "#pad-recorder")
    signature = page.input_value("input[name=recorder_signature]")
    assert signature.startswith("data:image/png;base64,") and len(signature) > 500
    page.fill("input[name=customer_typed_name]", "Őrsi Ődön")
    page.check("input[name=customer_confirmed]")
    page.check("input[name=send_copy]")
    page.click("form.sign-form button[type=submit]")
    page.wait_for_selector("a[href$='minutes.pdf']")
    assert_accessible(page, "signed minutes")
    pdf = page.request.get(base + (page.get_attribute("a[href$='minutes.pdf']", "href") or ""))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.body())
    with tenancy.tenant_scope(w.tenant):
        m = Minutes.objects.get()
        complaint = Complaint.objects.get()
    local_filed = m.filed_at.astimezone(clock.tenant_zone(w.tenant))
    assert m.signed_at is not None and complaint.channel == "in_person" and complaint.reply_channel == "post"
    for element in [
        complaint.reference,
        "Őrsi Ődön",
        "4024 Debrecen, Kossuth utca 12.",
        "HU-77001",
        "Debreceni ügyfélszolgálati iroda",
        "In person at the customer office",
        "Łucja Wąsowska",
        "Proxy (authorised representative)",
        "Zsófia Szőke",
        "Ștefan Țurcanu",
        "Ágnes Kőszegi",
        "Staff of the supplier",
        "Téves elszámolás a novemberi számlán",
        "412 m³",
        "Novemberi számla SZ-2026-1182",
        "Fénykép a mérőóráról",
        "15 napon belül",
        "Debrecen, Piac utca 1.",
        "Recorder: Ágnes Kőszegi",
        "typed name, confirmed by Ágnes Kőszegi",
    ]:
        assert element in text, element
    assert local_filed.strftime("%Y-%m-%d %H:%M") in text  # the time of filing, in the supplier's zone
    assert pdf_images(pdf.body()) == 1  # the drawn signature
    copies = [x for x in mail.outbox if "Minutes of your complaint" in x.subject]
    assert len(copies) == 1 and copies[0].to == ["odon@example.hu"]
    page.goto(f"{base}/t/AAA/complaints/{complaint.reference}/")
    assert "Version 1" in page.content()
    assert_accessible(page, "complaint with its minutes")
