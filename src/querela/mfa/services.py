"""Two-step sign-in: who must use it, setting an authenticator app up, checking a code, recovery codes,
resets. Security keys and passkeys (WebAuthn) are the other second step, in `security_keys.py`; a person
may have an app, keys, or both, and one set of recovery codes serves them all. The web layer keeps the
half-signed-in session (`web/views/mfa.py`); everything decided is here.

Codes typed at a person's account are counted per person, before they are checked (an atomic increment,
`core/ratelimit.py`): `MFA_CODE_LIMIT` wrong ones in its window and the sign-in in progress is stopped.
A right code gives its count back, so a person signing in often never meets the limit.

Every event is audited, as an event about the person (`user` and its id), in the log of each supplier they
hold a role at — their administrators see it. A platform operator with no role anywhere has no supplier
log: their events go to the `querela.security` log of the installation (as every event also does).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import clock, tenancy
from querela.core.errors import NotFound, ValidationFailed
from querela.core.ratelimit import Verdict, refund, take
from querela.tenants.access import Actor, memberships_of, require, system_actor
from querela.tenants.models import Membership, PlatformOperator
from querela.tenants.roles import Role

from . import recovery, totp
from .models import RecoveryCode, SecurityKey, TotpDevice
from .secret_box import seal, unseal

log = logging.getLogger("querela.security")

ISSUER = "Querela"


class Check(StrEnum):
    OK = "ok"  # the authenticator app's code
    RECOVERY = "recovery"  # a recovery code, now spent
    WRONG = "wrong"
    USED = "used"  # the app's code of a moment already signed in with: wait for the next one
    LOCKED = "locked"  # too many wrong codes in the window: the sign-in in progress ends


class Step(StrEnum):
    """What a right password leads to."""

    NONE = ""  # signed in at once
    VERIFY = "verify"  # a code
    SETUP = "setup"  # staff without an app yet: set one up first


# ---------------------------------------------------------------------------------------------------
# Who


def is_staff(user: Any) -> bool:
    """A role other than consumer at any active supplier, or the platform operator."""
    with tenancy.dangerously_all_tenants():
        staff = (
            Membership.objects.filter(user_id=user.pk, is_active=True, tenant__is_active=True)
            .exclude(role=Role.CONSUMER)
            .exists()
        )
    return staff or PlatformOperator.objects.filter(user_id=user.pk).exists()


def required_for(user: Any) -> bool:
    """Staff must use it, unless the installation says otherwise (`QUERELA_MFA_REQUIRED_FOR_STAFF=0`)."""
    return bool(settings.QUERELA.get("MFA_REQUIRED_FOR_STAFF", True)) and is_staff(user)


def has_app(user: Any) -> bool:
    return TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()


def has_key(user: Any) -> bool:
    return SecurityKey.objects.filter(user_id=user.pk).exists()


def has_second_step(user: Any) -> bool:
    """An app or a security key: two-step sign-in is on for the person."""
    return has_app(user) or has_key(user)


def next_step(user: Any) -> Step:
    """After the right password: the second step when the person has one (staff, or a consumer who switched
    it on), set-up when they must have one and don't, else nothing."""
    if has_second_step(user):
        return Step.VERIFY
    if required_for(user):
        return Step.SETUP
    return Step.NONE


@dataclass(frozen=True)
class Status:
    on: bool  # an app or a key
    app: bool
    required: bool
    confirmed_at: datetime | None  # the app's
    last_used_at: datetime | None
    recovery_left: int
    keys: tuple[SecurityKey, ...]

    @property
    def since(self) -> datetime | None:
        """When the first second step still in use was set up."""
        times = [t for t in (self.confirmed_at, *(k.created_at for k in self.keys)) if t is not None]
        return min(times) if times else None


def status_of(user: Any) -> Status:
    device = TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).first()
    keys = tuple(SecurityKey.objects.filter(user_id=user.pk).order_by("created_at", "pk"))
    on = device is not None or bool(keys)
    return Status(
        on=on,
        app=device is not None,
        required=required_for(user),
        confirmed_at=device.confirmed_at if device else None,
        last_used_at=device.last_used_at if device else None,
        recovery_left=recovery_left(user) if on else 0,
        keys=keys,
    )


# ---------------------------------------------------------------------------------------------------
# Setting an app up


@dataclass(frozen=True)
class Enrolment:
    secret: str  # shown for typing in by hand, only while the set-up is not confirmed
    uri: str  # what the QR code holds


def enrolment_start(user: Any) -> Enrolment:
    """The app being set up: a new secret, or the same one again while unconfirmed (a reload shows the
    same QR code). Refused once an app is confirmed: its secret is never shown again."""
    with transaction.atomic():
        device, _created = TotpDevice.objects.get_or_create(
            user_id=user.pk, defaults={"secret": seal(totp.new_secret()), "created_at": clock.now()}
        )
        if device.confirmed_at is not None:
            raise ValidationFailed(_("Two-step sign-in is already set up."), code="already_set_up")
        secret = unseal(device.secret)
        if secret is None:  # sealed under a key that has changed since: start over
            secret = totp.new_secret()
            device.secret = seal(secret)
            device.save(update_fields=["secret"])
    return Enrolment(secret=secret, uri=totp.provisioning_uri(secret, account=user.get_username(), issuer=ISSUER))


def enrolment_restart(user: Any) -> None:
    """An app not confirmed yet is forgotten: the next set-up shows a new key (an app added beside security
    keys, long after a first set-up page showed one)."""
    TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=True).delete()


def enrolment_confirm(user: Any, code: str, *, ip: str = "") -> list[str]:
    """The app's first code confirms it. For the person's first second step the recovery codes are made
    and returned (to be shown once); beside security keys they keep the codes they have (empty list)."""
    verdict = count_attempt(user)
    if not verdict.allowed:
        note_lock(user, verdict, ip)
        raise ValidationFailed(_locked_text(), code="locked")
    device = TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=True).first()
    if device is None:
        raise ValidationFailed(_("Start the set-up again."), code="no_setup")
    secret = unseal(device.secret)
    step = totp.matching_step(secret, code, clock.now().timestamp()) if secret else None
    if step is None:
        audit_event(user, action="mfa.failed", ip=ip, changes={"attempt": verdict.count})
        raise ValidationFailed(_wrong_text(), code="wrong_code")
    now = clock.now()
    with transaction.atomic():
        taken = TotpDevice.objects.filter(pk=device.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, last_step=step, last_used_at=now
        )
        if not taken:  # confirmed by another request a moment ago
            raise ValidationFailed(_("Two-step sign-in is already set up."), code="already_set_up")
        codes = [] if has_key(user) else _new_recovery_codes(user)
        audit_event(user, action="mfa.setup", ip=ip)
    refund(verdict)
    return codes


# ---------------------------------------------------------------------------------------------------
# Checking a code


def sign_in_check(user: Any, code: str, *, ip: str = "") -> Check:
    """The second step of a sign-in: the app's code or a recovery code (spent once used)."""
    result = _check(user, code, ip=ip, allow_recovery=True)
    if result is Check.OK:
        audit_event(user, action="mfa.verified", ip=ip)
    elif result is Check.RECOVERY:
        left = RecoveryCode.objects.filter(user_id=user.pk, used_at__isnull=True).count()
        audit_event(user, action="mfa.recovery_used", ip=ip, changes={"recovery_codes_left": left})
    return result


def recovery_left(user: Any) -> int:
    return RecoveryCode.objects.filter(user_id=user.pk, used_at__isnull=True).count()


def recovery_regenerate(user: Any, code: str, *, ip: str = "") -> list[str]:
    """New recovery codes for a code of the app; the old ones stop working."""
    result = _check(user, code, ip=ip, allow_recovery=False)
    _refuse_unless_right(result)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_event(user, action="mfa.recovery_new", ip=ip)
    return codes


def reset_own(user: Any, code: str, *, ip: str = "") -> None:
    """Remove one's app (a new phone), with a code of it or a recovery code. Staff without a security key
    set a new one up at once; with one, the key is their second step and the recovery codes stay."""
    result = _check(user, code, ip=ip, allow_recovery=True)
    _refuse_unless_right(result)
    with transaction.atomic():
        TotpDevice.objects.filter(user_id=user.pk).delete()
        if not has_key(user):
            RecoveryCode.objects.filter(user_id=user.pk).delete()
        audit_event(user, action="mfa.reset_own", ip=ip)


def confirm_password(user: Any, password: str, *, ip: str = "") -> None:
    """A change to one's second step made from a signed-in session (a key added or removed, new recovery
    codes without an app) takes the password again: a session left open on a shared computer is not
    enough to add someone else's key. Counted with the codes, so it can't be guessed either."""
    verdict = count_attempt(user)
    if not verdict.allowed:
        note_lock(user, verdict, ip)
        raise ValidationFailed(_locked_text(), code="locked")
    if not user.check_password(password):
        audit_event(user, action="mfa.password_failed", ip=ip, changes={"attempt": verdict.count})
        raise ValidationFailed(_("That password is not right."), code="wrong_password")
    refund(verdict)


def recovery_regenerate_with_password(user: Any, password: str, *, ip: str = "") -> list[str]:
    """New recovery codes for a person whose second step is a security key alone (no app to give a code)."""
    if not has_second_step(user):
        raise ValidationFailed(_("Two-step sign-in is off."), code="off")
    confirm_password(user, password, ip=ip)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_event(user, action="mfa.recovery_new", ip=ip)
    return codes


def reset_other(*, actor: Actor, user_id: int, reason: str) -> None:
    """Someone who lost their phone and their recovery codes is let in again by an administrator of a
    supplier they work for (or the platform operator): their app, security keys and codes are removed;
    staff set up a new one at their next sign-in. Never one's own (that takes a code, `reset_own`)."""
    require(actor, "mfa.reset_other")
    why = reason.strip()
    if not why:
        raise ValidationFailed(_("Give the reason for the reset."), code="reason_required")
    if user_id == actor.user_id:
        raise ValidationFailed(
            _("Your own two-step sign-in is reset on your own page, with a code."), code="own_account"
        )
    if not Membership.objects.filter(user_id=user_id).exists():  # of the current supplier only
        raise NotFound(_("No such person at this supplier."))
    with transaction.atomic():
        _forget(user_id)
        audit_record(
            actor=actor, action="mfa.reset", object_type="user", object_id=str(user_id), changes={"reason": why[:500]}
        )
    log.info("mfa.reset user=%s by=%s tenant=%s", user_id, actor.user_id, getattr(actor.tenant, "code", ""))


def reset_from_command_line(*, username: str, reason: str) -> None:
    """`querela mfa reset`: the installation's operator at the server's shell. The way back for a platform
    operator who lost their phone and codes — no supplier's administrator can reset them."""
    why = reason.strip()
    if not why:
        raise ValidationFailed(_("Give the reason for the reset."), code="reason_required")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("No such user."))
    with transaction.atomic():
        _forget(user.pk)
        for membership in memberships_of(user):
            with tenancy.tenant_scope(membership.tenant):
                audit_record(
                    actor=system_actor(membership.tenant, label="command line"),
                    action="mfa.reset",
                    object_type="user",
                    object_id=str(user.pk),
                    changes={"reason": why[:500]},
                )
    log.info("mfa.reset user=%s by=command line reason=%s", user.pk, why[:500])


# ---------------------------------------------------------------------------------------------------
# Inside


def _limits() -> tuple[int, int]:
    pair = cast(tuple[int, int], settings.QUERELA.get("MFA_CODE_LIMIT", (5, 300)))
    return int(pair[0]), int(pair[1])


def count_attempt(user: Any) -> Verdict:
    limit, window = _limits()
    return take("mfa-code", str(user.pk), limit=limit, window=window)


def note_lock(user: Any, verdict: Verdict, ip: str) -> None:
    if verdict.count == verdict.limit + 1:  # the attempt that hit the limit: once per window
        audit_event(user, action="mfa.locked", ip=ip)


def _locked_text() -> str:
    return _("Too many wrong codes. Please wait a few minutes and sign in again.")


def _wrong_text() -> str:
    return _("That code is not right. Type the 6 digits your app shows now.")


def _check(user: Any, code: str, *, ip: str, allow_recovery: bool) -> Check:
    verdict = count_attempt(user)
    if not verdict.allowed:
        note_lock(user, verdict, ip)
        return Check.LOCKED
    result = Check.WRONG
    if _take_app_code(user, code):
        result = Check.OK
    elif allow_recovery and recovery.looks_like_one(code) and _spend_recovery_code(user, code):
        result = Check.RECOVERY
    elif _already_taken(user, code):
        result = Check.USED
    if result in (Check.WRONG, Check.USED):
        changes: dict[str, Any] = {"attempt": verdict.count}
        if result is Check.USED:
            changes["used_already"] = True
        audit_event(user, action="mfa.failed", ip=ip, changes=changes)
    else:
        refund(verdict)
    return result


def _refuse_unless_right(result: Check) -> None:
    if result is Check.LOCKED:
        raise ValidationFailed(_locked_text(), code="locked")
    if result is Check.USED:
        raise ValidationFailed(used_text(), code="used_code")
    if result is Check.WRONG:
        raise ValidationFailed(_wrong_text(), code="wrong_code")


def used_text() -> str:
    return _("That code was used already. Wait for the next code your app shows (a new one every 30 seconds).")


def _take_app_code(user: Any, code: str) -> bool:
    """The code of a step later than the last one taken; the step is claimed with one conditional UPDATE,
    so the same code sent twice at once signs in once."""
    device = TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).first()
    secret = unseal(device.secret) if device else None
    if device is None or secret is None:
        return False
    now = clock.now()
    step = totp.matching_step(secret, code, now.timestamp(), after=device.last_step)
    if step is None:
        return False
    won = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step, last_used_at=now)
    return won == 1


def _already_taken(user: Any, code: str) -> bool:
    """The app's right code of a moment no later than the last one taken: a person typing the code they
    have just signed in with (told to wait for the next), not a wrong one."""
    device = TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).first()
    secret = unseal(device.secret) if device else None
    if device is None or secret is None:
        return False
    step = totp.matching_step(secret, code, clock.now().timestamp())
    return step is not None and step <= device.last_step


def _spend_recovery_code(user: Any, code: str) -> bool:
    if not has_second_step(user):
        return False
    for row in RecoveryCode.objects.filter(user_id=user.pk, used_at__isnull=True):
        if recovery.matches(code, row.digest):
            # Conditional, like the app's step: the same code sent twice at once signs in once.
            return RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=clock.now()) == 1
    return False


def new_recovery_codes(user: Any) -> list[str]:
    """Ten new codes (the old ones stop working); for the first second step a person sets up."""
    return _new_recovery_codes(user)


def _new_recovery_codes(user: Any) -> list[str]:
    codes = recovery.new_codes()
    now = clock.now()
    RecoveryCode.objects.filter(user_id=user.pk).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user_id=user.pk, digest=recovery.digest(c), created_at=now) for c in codes]
    )
    return codes


def _forget(user_id: int) -> None:
    TotpDevice.objects.filter(user_id=user_id).delete()
    SecurityKey.objects.filter(user_id=user_id).delete()
    RecoveryCode.objects.filter(user_id=user_id).delete()


def audit_event(user: Any, *, action: str, ip: str, changes: dict[str, Any] | None = None) -> None:
    """The person's own event, in the log of each supplier they hold a role at (see the module's docstring)."""
    log.info("%s user=%s ip=%s %s", action, user.pk, ip, changes or "")
    for membership in memberships_of(user):
        with tenancy.tenant_scope(membership.tenant):
            actor = Actor(user=user, tenant=membership.tenant, role=membership.role, ip=ip, membership_id=membership.pk)
            audit_record(actor=actor, action=action, object_type="user", object_id=str(user.pk), changes=changes)
