"""Two-step sign-in, as the services decide it: which codes are taken, once; recovery codes; the limit on
wrong codes; resets; who must use it; and the audit trail of each (issue 16)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from querela.audit.models import AuditEvent
from querela.core import clock, tenancy
from querela.core.errors import NotFound, PermissionDenied, ValidationFailed
from querela.mfa.models import RecoveryCode, TotpDevice
from querela.mfa.services import (
    Check,
    Step,
    enrolment_confirm,
    enrolment_start,
    next_step,
    recovery_left,
    recovery_regenerate,
    required_for,
    reset_other,
    reset_own,
    sign_in_check,
)
from querela.tenants.models import Membership
from tests.mfa.helpers import audited_actions, code, set_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(monkeypatch):
    """The clock, moved by the test: `now["at"] += timedelta(seconds=30)` is the app's next code."""
    state = {"at": datetime(2026, 12, 1, 9, 0, 5, tzinfo=UTC)}
    monkeypatch.setattr(clock, "now", lambda: state["at"])
    return state


def test_the_code_of_now_and_of_the_steps_either_side_are_taken_but_no_further(world, now):
    handler = world.a.users["handler"]
    secret, _codes = set_up(handler)
    now["at"] += timedelta(minutes=5)
    assert sign_in_check(handler, code(secret, steps=-2)) is Check.WRONG  # a minute old
    assert sign_in_check(handler, code(secret, steps=-1)) is Check.OK  # a phone a little slow
    now["at"] += timedelta(minutes=5)
    assert sign_in_check(handler, code(secret, steps=2)) is Check.WRONG
    assert sign_in_check(handler, code(secret, steps=1)) is Check.OK  # a phone a little fast
    now["at"] += timedelta(minutes=5)
    assert sign_in_check(handler, code(secret)) is Check.OK


def test_a_code_is_taken_once_and_never_one_older_than_the_last(world, now):
    handler = world.a.users["handler"]
    secret, _codes = set_up(handler)
    now["at"] += timedelta(seconds=30)
    fresh = code(secret)
    assert sign_in_check(handler, fresh) is Check.OK
    # Replayed within its 90 seconds, or the step before (older than the last): refused, and called "used"
    # (the person is told to wait for the next code, not that they mistyped).
    assert sign_in_check(handler, fresh) is Check.USED
    assert sign_in_check(handler, code(secret, steps=-1)) is Check.USED
    now["at"] += timedelta(seconds=30)
    assert sign_in_check(handler, code(secret)) is Check.OK
    assert audited_actions(world.a, handler).count("mfa.verified") == 2
    assert audited_actions(world.a, handler).count("mfa.failed") == 2


def test_the_set_up_code_itself_cannot_sign_in_again(world, now):
    handler = world.a.users["handler"]
    secret = enrolment_start(handler).secret
    first = code(secret)
    enrolment_confirm(handler, first)
    assert sign_in_check(handler, first) is Check.USED
    with pytest.raises(ValidationFailed, match="used already"):
        recovery_regenerate(handler, first)


def test_the_secret_is_stored_encrypted_and_shown_only_until_confirmed(world, now):
    handler = world.a.users["handler"]
    started = enrolment_start(handler)
    assert enrolment_start(handler).secret == started.secret  # a reload of the set-up page: the same QR code
    assert started.secret not in TotpDevice.objects.get(user=handler).secret
    assert started.uri.startswith("otpauth://totp/Querela:aaa-handler?secret=" + started.secret)
    enrolment_confirm(handler, code(started.secret))
    with pytest.raises(ValidationFailed) as refused:
        enrolment_start(handler)
    assert refused.value.code == "already_set_up"


def test_a_wrong_set_up_code_confirms_nothing(world, now):
    handler = world.a.users["handler"]
    secret = enrolment_start(handler).secret
    with pytest.raises(ValidationFailed) as wrong:
        enrolment_confirm(handler, "000000" if code(secret) != "000000" else "111111")
    assert wrong.value.code == "wrong_code"
    assert next_step(handler) is Step.SETUP
    assert not RecoveryCode.objects.filter(user=handler).exists()


def test_recovery_codes_are_kept_hashed_and_each_signs_in_once(world, now):
    handler = world.a.users["handler"]
    _secret, codes = set_up(handler)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=handler).values_list("digest", flat=True))
    assert not any(c.replace("-", "") in d or c in d for c in codes for d in stored)
    assert sign_in_check(handler, codes[3].upper().replace("-", " ")) is Check.RECOVERY  # typed loosely
    assert sign_in_check(handler, codes[3]) is Check.WRONG
    assert recovery_left(handler) == 9
    assert "mfa.recovery_used" in audited_actions(world.a, handler)


def test_wrong_codes_are_limited_per_person_and_a_right_one_gives_its_count_back(world, now, settings):
    settings.QUERELA = {**settings.QUERELA, "MFA_CODE_LIMIT": (3, 300)}
    handler = world.a.users["handler"]
    secret, _codes = set_up(handler)
    wrong = "000000" if code(secret, steps=1) != "000000" else "111111"
    assert sign_in_check(handler, wrong) is Check.WRONG
    assert sign_in_check(handler, wrong) is Check.WRONG
    now["at"] += timedelta(seconds=30)
    assert sign_in_check(handler, code(secret)) is Check.OK  # the third attempt, right: not counted
    assert sign_in_check(handler, wrong) is Check.WRONG  # the third wrong one
    now["at"] += timedelta(seconds=30)
    assert sign_in_check(handler, code(secret)) is Check.LOCKED  # even the right code, until the window ends
    assert sign_in_check(handler, code(secret)) is Check.LOCKED
    assert audited_actions(world.a, handler).count("mfa.locked") == 1
    assert sign_in_check(world.a.users["agent"], wrong) is not Check.LOCKED  # per person


def test_new_recovery_codes_need_the_apps_code_and_end_the_old_ones(world, now):
    handler = world.a.users["handler"]
    secret, old = set_up(handler)
    with pytest.raises(ValidationFailed):
        recovery_regenerate(handler, old[0])  # a recovery code is not enough for this
    now["at"] += timedelta(seconds=30)
    new = recovery_regenerate(handler, code(secret))
    assert set(new).isdisjoint(old)
    assert sign_in_check(handler, old[1]) is Check.WRONG
    assert sign_in_check(handler, new[1]) is Check.RECOVERY
    assert "mfa.recovery_new" in audited_actions(world.a, handler)


def test_a_person_removes_their_own_app_with_a_recovery_code(world, now):
    handler = world.a.users["handler"]
    _secret, codes = set_up(handler)
    with pytest.raises(ValidationFailed):
        reset_own(handler, "123456")
    reset_own(handler, codes[0])
    assert not TotpDevice.objects.filter(user=handler).exists()
    assert not RecoveryCode.objects.filter(user=handler).exists()
    assert next_step(handler) is Step.SETUP  # staff: a new one at the next sign-in
    assert "mfa.reset_own" in audited_actions(world.a, handler)


def test_an_administrator_resets_a_staff_members_app_with_a_reason(world, now):
    w = world.a
    agent = w.users["agent"]
    set_up(agent)
    with tenancy.tenant_scope(w.tenant):
        with pytest.raises(PermissionDenied):
            reset_other(actor=w.actor("supervisor"), user_id=agent.pk, reason="lost phone")
        with pytest.raises(ValidationFailed):
            reset_other(actor=w.actor("tenant_admin"), user_id=agent.pk, reason="  ")
        with pytest.raises(ValidationFailed):
            reset_other(actor=w.actor("tenant_admin"), user_id=w.users["tenant_admin"].pk, reason="mine")
        with pytest.raises(NotFound):  # tenant B's people are not tenant A's to reset
            reset_other(actor=w.actor("tenant_admin"), user_id=world.b.users["agent"].pk, reason="lost phone")
        reset_other(actor=w.actor("tenant_admin"), user_id=agent.pk, reason="Lost phone; identity checked in person")
        event = AuditEvent.objects.get(action="mfa.reset")
    assert not TotpDevice.objects.filter(user=agent).exists()
    assert event.actor_id == w.users["tenant_admin"].pk
    assert event.object_id == str(agent.pk)
    assert event.changes == {"reason": "Lost phone; identity checked in person"}


def test_the_platform_operator_may_reset_too(world, now):
    w = world.a
    admin = w.users["tenant_admin"]
    set_up(admin)
    with tenancy.tenant_scope(w.tenant):
        reset_other(actor=w.actor("platform_operator"), user_id=admin.pk, reason="Locked out; called the office")
    assert next_step(admin) is Step.SETUP


def test_staff_and_the_operator_must_use_it_consumers_may(world, settings):
    w = world.a
    settings.QUERELA = {**settings.QUERELA, "MFA_REQUIRED_FOR_STAFF": True}
    platform = w.actor("platform_operator").user
    assert all(required_for(w.users[r]) for r in ("agent", "clerk", "handler", "supervisor", "tenant_admin"))
    assert required_for(platform)
    assert not required_for(w.users["consumer"])
    assert next_step(w.users["consumer"]) is Step.NONE
    assert next_step(w.users["agent"]) is Step.SETUP
    set_up(w.users["consumer"])
    assert next_step(w.users["consumer"]) is Step.VERIFY  # switched on: asked like staff
    with tenancy.tenant_scope(w.tenant):
        Membership.objects.filter(user=w.users["agent"]).update(is_active=False)
    assert not required_for(w.users["agent"])  # no staff role left anywhere
    settings.QUERELA = {**settings.QUERELA, "MFA_REQUIRED_FOR_STAFF": False}
    assert not required_for(w.users["handler"])


def test_each_event_is_in_the_log_of_every_supplier_the_person_works_for(world, now, caplog):
    handler = world.a.users["handler"]
    with tenancy.tenant_scope(world.b.tenant):
        Membership.objects.create(user=handler, role="handler")
    set_up(handler)
    assert audited_actions(world.a, handler) == ["mfa.setup"]
    assert audited_actions(world.b, handler) == ["mfa.setup"]
    platform = world.a.actor("platform_operator").user  # no role at any supplier: the installation's log
    with caplog.at_level(logging.INFO, logger="querela.security"):
        set_up(platform)
    assert f"mfa.setup user={platform.pk}" in caplog.text
