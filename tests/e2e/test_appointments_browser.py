"""Booking, moving and cancelling a visit in a real browser, within the 5-working-day window (seed 004)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail

from querela.appointments.models import Appointment, Office
from querela.appointments.services import tenant_calendar
from querela.appointments.slots import offer_deadline
from querela.core import clock, tenancy
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEEK = {d: [["08:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.mark.parametrize("language", ["hu", "pl", "ro", "en"])
def test_book_reschedule_and_cancel_within_five_working_days(page, live_server, world, language):
    w = world.a
    base = live_server.url
    with tenancy.tenant_scope(w.tenant):
        Office.objects.create(name="Debreceni iroda", address="4024 Debrecen, Kossuth u. 12.", opening_hours=WEEK)
    page.goto(f"{base}/p/AAA/")
    page.select_option("select[name=language]", language)
    page.click("form.lang button")
    page.wait_for_selector(f"html[lang={language}]")
    page.set_viewport_size({"width": 360, "height": 800})
    page.click("a[href$='/matter/contract/']")
    assert_accessible(page, "in-person matter")
    page.click("a.button.primary")
    page.wait_for_selector("ul.days")
    assert_accessible(page, "days")
    page.click("ul.days li:first-child a")
    page.wait_for_selector("fieldset.times")
    assert_accessible(page, "times")
    page.check("fieldset.times input[type=radio] >> nth=1")
    page.fill("input[name=name]", "Szabó Éva")
    page.fill("input[name=email]", "eva@example.hu")
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector("p.ok")
    assert_accessible(page, "booked")
    today = clock.tenant_today(w.tenant)
    deadline = offer_deadline(today, tenant_calendar(w.tenant).is_working_day)
    with tenancy.tenant_scope(w.tenant):
        first = Appointment.objects.get()
    local = first.starts_at.astimezone(clock.tenant_zone(w.tenant))
    assert today <= local.date() <= deadline
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    assert "/p/AAA/appointment/" in link
    # Move it to the last time of another day.
    page.click("ul.days li:nth-child(2) a")
    page.wait_for_selector("fieldset.times")
    page.check("fieldset.times input[type=radio] >> nth=-1")
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector("p.ok")
    with tenancy.tenant_scope(w.tenant):
        moved = Appointment.objects.get()
    assert moved.starts_at > first.starts_at + timedelta(hours=1) and moved.version == 2
    page.click("a[href='?cancel=1']")
    assert_accessible(page, "cancel confirmation")
    page.click("form button.primary")
    page.wait_for_selector("p.ok")
    with tenancy.tenant_scope(w.tenant):
        assert Appointment.objects.get().status == "cancelled"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
