"""Security keys and passkeys (WebAuthn) as the second step, as the services decide it (issue 16): a key
registered from the options Querela made signs in; an answer for another site, another challenge or
another person's key does not; a copied key (its counter going back) is refused; answers are limited and
audited like codes; the first key brings recovery codes; staff keep a second step when removing keys."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.mfa.models import RecoveryCode, SecurityKey
from querela.mfa.security_keys import (
    RelyingParty,
    authentication_begin,
    authentication_check,
    clean_name,
    registration_begin,
    registration_finish,
    remove,
)
from querela.mfa.services import Check, Step, has_second_step, next_step, reset_other, sign_in_check, status_of
from querela.tenants.models import Membership
from tests.factories import PASSWORD
from tests.mfa.helpers import audited_actions, set_up
from tests.mfa.soft_key import SoftKey

pytestmark = pytest.mark.django_db

SITE = RelyingParty(id="complaints.example.eu", origin="https://complaints.example.eu")


def _register(user, key: SoftKey, name: str = "Blue key", rp: RelyingParty = SITE):
    ceremony = registration_begin(user, rp)
    return registration_finish(
        user, rp=rp, challenge=ceremony.challenge, answer=key.create(ceremony.options_json, origin=rp.origin), name=name
    )


def _sign_in(user, key: SoftKey, *, origin: str = SITE.origin, rp_id: str | None = None) -> Check:
    ceremony = authentication_begin(user, SITE)
    answer = key.get(ceremony.options_json, origin=origin, rp_id=rp_id)
    return authentication_check(user, rp=SITE, challenge=ceremony.challenge, answer=answer)


def test_the_first_key_turns_two_step_sign_in_on_with_recovery_codes_and_signs_in(world):
    handler, key = world.a.users["handler"], SoftKey()
    codes = _register(handler, key, name="  Blue\tkey\n ")
    assert codes is not None and len(codes) == 10
    assert has_second_step(handler) and next_step(handler) is Step.VERIFY
    stored = SecurityKey.objects.get(user=handler)
    assert stored.name == "Blue key" and stored.transports == ["usb"] and stored.sign_count == 0
    assert _sign_in(handler, key) is Check.OK
    stored.refresh_from_db()
    assert stored.sign_count == 1 and stored.last_used_at is not None
    assert sign_in_check(handler, codes[0]) is Check.RECOVERY  # the recovery codes stand in for the key
    assert audited_actions(world.a, handler) == ["mfa.key_added", "mfa.verified", "mfa.recovery_used"]


def test_a_second_key_brings_no_new_codes_and_the_browser_is_told_not_to_register_one_twice(world):
    handler, first, second = world.a.users["handler"], SoftKey(), SoftKey()
    codes = _register(handler, first)
    assert _register(handler, second, name="Spare") is None
    assert RecoveryCode.objects.filter(user=handler, used_at__isnull=True).count() == len(codes or [])
    options = json.loads(registration_begin(handler, SITE).options_json)
    assert {d["id"] for d in options["excludeCredentials"]} == {first.id, second.id}
    assert {d["id"] for d in json.loads(authentication_begin(handler, SITE).options_json)["allowCredentials"]} == {
        first.id,
        second.id,
    }
    assert _sign_in(handler, second) is Check.OK


def test_the_same_key_for_a_second_person_is_refused(world):
    key = SoftKey()
    _register(world.a.users["handler"], key)
    with pytest.raises(ValidationFailed) as refused:
        _register(world.a.users["agent"], key)
    assert refused.value.code == "key_known"


def test_a_key_answering_a_phishing_site_or_for_another_domain_signs_nothing_in(world):
    handler, key = world.a.users["handler"], SoftKey()
    _register(handler, key)
    assert _sign_in(handler, key, origin="https://complaints-example.eu.attacker.test") is Check.WRONG
    assert _sign_in(handler, key, rp_id="attacker.test") is Check.WRONG
    assert _sign_in(handler, key) is Check.OK
    assert audited_actions(world.a, handler).count("mfa.failed") == 2


def test_an_answer_is_good_for_its_own_challenge_once(world):
    handler, key = world.a.users["handler"], SoftKey()
    _register(handler, key)
    ceremony = authentication_begin(handler, SITE)
    answer = key.get(ceremony.options_json, origin=SITE.origin)
    other = authentication_begin(handler, SITE)
    assert authentication_check(handler, rp=SITE, challenge=other.challenge, answer=answer) is Check.WRONG
    assert authentication_check(handler, rp=SITE, challenge=ceremony.challenge, answer=answer) is Check.OK
    # The same signed answer again (the counter has not moved): a replay, refused.
    assert authentication_check(handler, rp=SITE, challenge=ceremony.challenge, answer=answer) is Check.WRONG


def test_another_persons_key_does_not_sign_in_this_person(world):
    handler, agent = world.a.users["handler"], world.a.users["agent"]
    theirs, mine = SoftKey(), SoftKey()
    _register(handler, mine)
    _register(agent, theirs)
    ceremony = authentication_begin(handler, SITE)
    options = json.loads(ceremony.options_json)
    options["allowCredentials"].append({"id": theirs.id, "type": "public-key"})  # as a tampered page would
    answer = theirs.get(options, origin=SITE.origin)
    assert authentication_check(handler, rp=SITE, challenge=ceremony.challenge, answer=answer) is Check.WRONG


def test_a_copied_key_is_told_by_its_counter_going_back(world):
    handler, key = world.a.users["handler"], SoftKey()
    _register(handler, key)
    assert _sign_in(handler, key) is Check.OK
    assert _sign_in(handler, key) is Check.OK
    key.counter = 0  # the copy starts from where the original was when it was copied
    assert _sign_in(handler, key) is Check.WRONG
    assert SecurityKey.objects.get(user=handler).sign_count == 2


def test_a_passkey_that_never_counts_signs_in_every_time(world):
    handler, key = world.a.users["handler"], SoftKey(counting=False)
    _register(handler, key)
    assert [_sign_in(handler, key) for _ in range(3)] == [Check.OK] * 3


def test_wrong_answers_are_limited_with_the_codes_and_stop_the_sign_in(world, settings):
    settings.QUERELA = {**settings.QUERELA, "MFA_CODE_LIMIT": (3, 300)}
    handler, key = world.a.users["handler"], SoftKey()
    _register(handler, key)
    for _ in range(3):
        assert _sign_in(handler, key, origin="https://attacker.test") is Check.WRONG
    assert _sign_in(handler, key) is Check.LOCKED  # even the right key, until the window ends
    assert audited_actions(world.a, handler).count("mfa.locked") == 1


def test_a_tampered_registration_keeps_nothing_and_says_why(world):
    handler, key = world.a.users["handler"], SoftKey()
    ceremony = registration_begin(handler, SITE)
    answer = json.loads(key.create(ceremony.options_json, origin="https://attacker.test"))
    with pytest.raises(ValidationFailed) as refused:
        registration_finish(handler, rp=SITE, challenge=ceremony.challenge, answer=json.dumps(answer), name="x")
    assert "could not be checked" in refused.value.message
    with pytest.raises(ValidationFailed, match="too large"):
        registration_finish(handler, rp=SITE, challenge=ceremony.challenge, answer="x" * 70_000, name="x")
    assert not SecurityKey.objects.filter(user=handler).exists()
    assert not has_second_step(handler)


def test_staff_keep_a_second_step_and_a_consumer_removing_the_last_key_switches_it_off(world, settings):
    settings.QUERELA = {**settings.QUERELA, "MFA_REQUIRED_FOR_STAFF": True}
    handler, consumer = world.a.users["handler"], world.a.users["consumer"]
    first, second = SoftKey(), SoftKey()
    _register(handler, first)
    _register(handler, second)
    keys = list(SecurityKey.objects.filter(user=handler).order_by("pk"))
    with pytest.raises(ValidationFailed) as wrong:
        remove(handler, keys[0].pk, password="not it")
    assert wrong.value.code == "wrong_password"
    assert remove(handler, keys[0].pk, password=PASSWORD) == "Blue key"
    with pytest.raises(ValidationFailed) as last:
        remove(handler, keys[1].pk, password=PASSWORD)
    assert last.value.code == "last_key"
    set_up(handler)  # with an app beside it, the last key may go
    remove(handler, keys[1].pk, password=PASSWORD)
    assert status_of(handler).app and not status_of(handler).keys and status_of(handler).recovery_left == 10

    _register(consumer, SoftKey())
    remove(consumer, SecurityKey.objects.get(user=consumer).pk, password=PASSWORD)
    assert not has_second_step(consumer) and next_step(consumer) is Step.NONE
    assert not RecoveryCode.objects.filter(user=consumer).exists()
    assert "mfa.key_removed" in audited_actions(world.a, handler) and "mfa.password_failed" in audited_actions(
        world.a, handler
    )


def test_a_person_removes_only_their_own_keys(world):
    handler, agent = world.a.users["handler"], world.a.users["agent"]
    _register(handler, SoftKey())
    _register(agent, SoftKey())
    theirs = SecurityKey.objects.get(user=agent)
    with pytest.raises(Exception, match="No such security key"):
        remove(handler, theirs.pk, password=PASSWORD)
    assert SecurityKey.objects.filter(pk=theirs.pk).exists()


def test_names_are_one_tidy_line_of_at_most_80_characters():
    assert clean_name("Work\u202elaptop\x00 \n") == "Work laptop"
    assert clean_name("   ") == "Security key"
    assert len(clean_name("k" * 10_000)) == 80


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answer=st.one_of(
        st.text(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=40),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
            max_leaves=20,
        ).map(json.dumps),
    )
)
def test_any_answer_a_stranger_sends_is_refused_without_an_error(world, answer):
    handler = world.a.users["handler"]
    if not SecurityKey.objects.filter(user=handler).exists():
        _register(handler, SoftKey())
    ceremony = authentication_begin(handler, SITE)
    assert authentication_check(handler, rp=SITE, challenge=ceremony.challenge, answer=answer) in (
        Check.WRONG,
        Check.LOCKED,
    )
    with pytest.raises(ValidationFailed):
        registration_finish(handler, rp=SITE, challenge=ceremony.challenge, answer=answer, name="x")


def test_the_administrators_reset_removes_the_keys_too_and_the_page_says_what_there_was(world, settings):
    settings.QUERELA = {**settings.QUERELA, "MFA_REQUIRED_FOR_STAFF": True}
    w, agent = world.a, world.a.users["agent"]
    _register(agent, SoftKey(), name="Yellow key")
    with tenancy.tenant_scope(w.tenant):
        membership = Membership.objects.get(user=agent)
    admin = Client()
    admin.force_login(w.users["tenant_admin"])
    session = admin.session
    session["mfa_verified"] = True
    session.save()
    page = admin.get(f"/t/AAA/admin/staff/{membership.pk}/two-step/").content.decode()
    assert "Security keys</dt><dd>1</dd>" in page and "on since" in page
    with tenancy.tenant_scope(w.tenant):
        reset_other(actor=w.actor("tenant_admin"), user_id=agent.pk, reason="Key lost; identity checked by phone")
    assert not SecurityKey.objects.filter(user=agent).exists() and not RecoveryCode.objects.filter(user=agent).exists()
    assert next_step(agent) is Step.SETUP
