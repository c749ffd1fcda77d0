"""The staff pages added with the public side pass axe-core too (public site settings, offices, the day's visits)."""

from __future__ import annotations

import pytest

from querela.appointments.models import Office
from querela.core import tenancy
from tests.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["hu", "en"])
def test_public_site_settings_offices_and_day_list_pass_axe(page, live_server, world, language):
    w = world.a
    base = live_server.url
    with tenancy.tenant_scope(w.tenant):
        Office.objects.create(name="Iroda", address="Debrecen", opening_hours={"mon": [["08:00", "12:00"]]})
    login(page, base, w.users["tenant_admin"].username)
    page.select_option("select[name=language]", language)
    page.click("form.lang button")
    page.wait_for_selector(f"html[lang={language}]")
    for path in ("/t/AAA/admin/public-site/", "/t/AAA/admin/offices/"):
        page.goto(base + path)
        assert_accessible(page, f"{path} in {language}")
    page.context.clear_cookies()
    login(page, base, w.users["agent"].username)
    page.goto(base + "/t/AAA/appointments/?week=1")
    assert_accessible(page, "week list")
    page.goto(base + "/t/AAA/appointments/book/")
    assert_accessible(page, "book for a caller")
