"""The data-protection officer in the browser (issue 16): an export built and downloaded, a dry run, the
purge confirmed — each page passing axe-core."""

from __future__ import annotations

import zipfile

import pytest

from querela.core import tenancy
from tests.e2e.conftest import assert_accessible, login
from tests.privacy.helpers import rich_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_and_purge_in_the_browser(page, live_server, world):
    w = world.a
    base = live_server.url
    with tenancy.tenant_scope(w.tenant):
        rich_customer(w)
    login(page, base, w.users["dpo"].username)  # the officer's home is the data-protection page
    assert page.url.endswith("/t/AAA/privacy/")
    page.goto(base + "/t/AAA/privacy/exports/")
    page.fill("input[name=customer]", w.customer.customer_number)
    page.click("button.primary")
    link = page.wait_for_selector("text=Download the ZIP file")  # the job ran; the page shows it ready
    assert_accessible(page, "export ready")
    with page.expect_download() as download:
        link.click()
    archive = zipfile.ZipFile(download.value.path())
    assert "index.html" in archive.namelist() and "customer_record.json" in archive.namelist()

    page.goto(base + "/t/AAA/privacy/retention/")
    page.click("text=Run a dry run")
    page.wait_for_selector("text=Purge now what this report lists")
    assert_accessible(page, "dry run report")
    page.click("text=Purge now what this report lists")
    page.wait_for_selector("#last-heading ~ table")
    assert "Complaint records" in page.inner_text("#last-heading ~ table")
    assert "This report is out of date" in page.content()  # carried out: no second purge from it

    # A period changed without a reason: the errors are listed first, focused, and the value kept.
    page.fill("input[name=attachment]", "6")
    page.click("text=Save the periods")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.input_value("input[name=attachment]") == "6"
    assert_accessible(page, "retention form with errors")

    # A period changed, not saved yet, and the language switched: the changed value is still there.
    page.fill("input[name=attachment]", "6")
    page.select_option("select[name=language]", "hu")
    page.click("form.lang button")
    page.wait_for_selector("html[lang=hu]")
    page.wait_for_function("document.querySelector('input[name=attachment]').value === '6'")
