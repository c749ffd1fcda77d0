"""A member of the public signs up, links their customer record by proof and answers the office (issue 11)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from querela.complaints.models import Complaint, EntryType
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from querela.customers.models import Meter
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _mailed_path(base: str) -> str:
    url = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    return base + "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_sign_up_link_the_customer_and_answer_an_information_request(page, live_server, world):
    w = world.a
    base = live_server.url
    with tenancy.tenant_scope(w.tenant):
        Meter.objects.create(place=w.other_customer.places.get(), serial="AAA-METER-2")
        c = complaint_register(
            actor=w.actor("agent"),
            channel="phone",
            subject="Magas számla",
            description="A novemberi számla túl magas.",
            customer=w.other_customer,
            place=w.other_customer.places.get(),
            reply_channel="post",
        )
        complaint_transition(
            actor=w.actor("handler"),
            complaint_id=c.pk,
            action="request_info",
            text="Kérjük, küldje el a mérőóra állását.",
        )
    page.goto(f"{base}/p/AAA/")
    page.click("nav a[href$='/account/signup/']")
    assert_accessible(page, "sign-up")
    page.fill("input[name=name]", "Nagy Béla")
    page.fill("input[name=email]", "bela@example.hu")
    page.fill("input[name=password]", "Béla-jelszava-2026")
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector("text=Check your e-mail")
    assert_accessible(page, "check your e-mail")
    page.goto(_mailed_path(base))
    assert_accessible(page, "confirm link")
    page.click("form button.primary")
    page.wait_for_selector("input[name=customer_number]")
    assert_accessible(page, "link a customer record")
    page.fill("input[name=customer_number]", w.other_customer.customer_number)
    page.fill("input[name=meter_serial]", "AAA-METER-3")  # wrong: refused, nothing revealed
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert w.other_customer.name not in page.content()
    assert_accessible(page, "linking refused")
    page.fill("input[name=meter_serial]", "aaa-meter-2")
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector("p.ok")
    page.goto(f"{base}/t/AAA/complaints/{c.reference}/")
    page.wait_for_selector("text=Kérjük, küldje el a mérőóra állását.")
    page.fill("textarea[name=text]", "A mérő állása 04512 kWh.")
    page.click("form[action$='/message/'] button[type=submit]")
    page.wait_for_selector("text=A mérő állása 04512 kWh.")
    with tenancy.tenant_scope(w.tenant):
        reply = Complaint.objects.get(pk=c.pk).timeline.filter(entry_type=EntryType.INBOUND).last()
        assert reply.body == "A mérő állása 04512 kWh."


@pytest.mark.parametrize("language", ["hu", "pl", "ro", "en"])
def test_account_pages_pass_axe_in_every_language(page, live_server, world, language):
    base = live_server.url
    page.goto(f"{base}/p/AAA/")
    page.select_option("select[name=language]", language)
    page.click("form.lang button")
    page.wait_for_selector(f"html[lang={language}]")
    page.set_viewport_size({"width": 360, "height": 800})
    for path in ("signup/", "login/", "login-link/", "password/"):
        page.goto(f"{base}/p/AAA/account/{path}")
        assert_accessible(page, f"{path} in {language}")
        page.click("form.public-form button[type=submit]")  # empty: the errors are listed
        page.wait_for_selector("#error-summary")
        assert_accessible(page, f"{path} errors in {language}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path


@pytest.mark.parametrize("language", ["hu", "pl", "ro", "en"])
def test_consumer_pages_pass_axe_in_every_language_at_360_px(page, live_server, world, language):
    w = world.a
    base = live_server.url
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="phone",
            subject="Magas számla",
            description="A novemberi számla túl magas.",
            customer=w.customer,
            place=w.place,
            reply_channel="post",
            call_recording="REC-1",
        )
        complaint_transition(actor=w.actor("handler"), complaint_id=c.pk, action="request_info", text="Mérőállás?")
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", w.users["consumer"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("text=My complaints")
    page.select_option("select[name=language]", language)
    page.click("form.lang button")
    page.wait_for_selector(f"html[lang={language}]")
    page.set_viewport_size({"width": 360, "height": 800})
    for path in ("/t/AAA/", f"/t/AAA/complaints/{c.reference}/", "/t/AAA/account/customers/"):
        page.goto(base + path)
        assert_accessible(page, f"{path} in {language}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    page.goto(base + "/t/AAA/")
    page.click("form.public-form button[type=submit]")  # empty complaint: errors listed
    page.wait_for_selector("#error-summary")
    assert_accessible(page, f"consumer form errors in {language}")
