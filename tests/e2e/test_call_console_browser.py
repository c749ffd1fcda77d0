"""An agent on a live call, in a real browser (seeds 001, 004): the recording id told, the caller
identified before anything personal shows, a balance query refused, a complaint settled on the spot
with a written confirmation, the recording stored."""

from __future__ import annotations

import pytest

from querela.calls.models import Call
from querela.complaints.models import Complaint
from querela.core import tenancy
from querela.intake.models import OutboundEmail
from tests.calls.audio import WAV
from tests.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _matter(page, subject: str, description: str) -> None:
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=category]", "billing")
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=description]", description)


def test_an_agent_identifies_refuses_a_balance_query_and_settles_a_complaint(page, live_server, world, tmp_path):
    w = world.a
    base = live_server.url
    login(page, base, w.users["agent"].username)
    assert_accessible(page, "agent home")
    page.fill("input[name=caller_number]", "+36 30 123 4567")
    page.click("form[action$='/calls/start/'] button")
    page.wait_for_selector("blockquote.say")
    with tenancy.tenant_scope(w.tenant):
        call = Call.objects.get()
    assert call.recording_id in page.inner_text("blockquote.say")
    assert page.locator("form.register").count() == 0  # nothing to register before the caller heard the id
    assert_accessible(page, "call, recording step")
    page.click("form[action$='/notice/'] button")
    page.wait_for_selector("#call-q")
    # Typing finds that someone matches, and nothing more.
    page.fill("#call-q", "AAA-METER-1")
    page.wait_for_selector("#call-matches p:has-text('1 customer matches')")
    body = page.inner_text("main")
    assert "Kovács Anna" not in body and "Petőfi" not in body
    assert_accessible(page, "call, identification step")
    page.fill("input[name=meter_serial]", "AAA-METER-1")
    page.fill("input[name=address]", "Petőfi utca 1.")
    page.click("form.identify button")
    page.wait_for_selector("#customer-title")
    assert "Kovács Anna AAA" in page.inner_text("#customer-title")
    assert_accessible(page, "call, identified")
    call_url = page.url

    # A balance query: never by phone (seed 001), refused with the supplier's text and logged.
    page.select_option("select[name=matter]", "balance")
    _matter(page, "Mennyi a tartozásom?", "A hívó a hátraléka összegét kérdezi.")
    page.click("form.register button.primary")
    page.wait_for_selector("text=Not a phone matter")
    assert_accessible(page, "refused balance query")

    # A complaint settled on the spot, confirmed in writing.
    page.goto(call_url)
    _matter(page, "Kétszeres számlázás", "A novemberi időszak kétszer szerepel a számlán.")
    page.check("input[name=outcome][value=on_spot]")
    page.fill("textarea[name=answer]", "A hibás számlát sztornóztuk, az új számla 5 napon belül érkezik.")
    page.check("input[name=confirm_in_writing]")
    page.click("form.register button.primary")
    page.wait_for_selector("text=Registered as")
    with tenancy.tenant_scope(w.tenant):
        refused = Complaint.objects.get(subject="Mennyi a tartozásom?")
        settled = Complaint.objects.get(subject="Kétszeres számlázás")
        confirmation = OutboundEmail.objects.filter(complaint=settled).count()
    assert (refused.kind, refused.status) == ("balance_query", "redirected")
    assert (settled.status, settled.resolved_on_spot, settled.call_recording) == ("answered", True, call.recording_id)
    assert confirmation == 1
    assert_accessible(page, "settled complaint")

    # The recording, stored for its 5 years.
    audio = tmp_path / "hivas.wav"
    audio.write_bytes(WAV)
    page.goto(call_url)
    page.set_input_files("input[name=audio]", str(audio))
    page.click("form[action$='/recording/'] button")
    page.wait_for_selector("text=The recording is stored")
    with tenancy.tenant_scope(w.tenant):
        assert Call.objects.get().audio_size == len(WAV)


def test_the_call_console_in_hungarian_passes_axe(page, live_server, world):
    w = world.a
    base = live_server.url
    login(page, base, w.users["agent"].username)
    page.select_option("select[name=language]", "hu")
    page.click("form.lang button")
    page.wait_for_selector("html[lang=hu]")
    page.click("form[action$='/calls/start/'] button")
    page.wait_for_selector("blockquote.say")
    assert_accessible(page, "call in Hungarian")
