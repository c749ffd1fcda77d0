"""Security keys and passkeys (WebAuthn) as the second step of a sign-in, beside the authenticator app.

A ceremony has two halves: `*_begin` makes the options the browser hands to `navigator.credentials`
(with a fresh random challenge, which the caller keeps in the session), `registration_finish` and
`authentication_check` verify what the authenticator signed against that challenge, the site's domain
(the relying party) and its origin (py_webauthn does the cryptography). A challenge is used once: the
caller drops it before checking.

As a second factor after the password, a key need not verify its user (no PIN asked) and need not
store the credential on itself; the browser is told which of the person's keys may answer.
Answers are counted with the app's codes (`services.count_attempt`), and audited the same way.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from querela.core import clock
from querela.core.errors import NotFound, ValidationFailed
from querela.core.ratelimit import refund

from . import services
from .models import RecoveryCode, SecurityKey
from .services import Check

log = logging.getLogger("querela.security")

# What a browser sends back is a few hundred bytes to a few KB (an attestation with certificates);
# anything larger is not an authenticator's answer and is refused before it is parsed.
MAX_ANSWER_BYTES = 64 * 1024
TIMEOUT_MS = 120_000  # time to find the key, plug it in and touch it
NAME_LENGTH = 80


@dataclass(frozen=True)
class RelyingParty:
    """The site as the authenticator knows it: its domain name (no port) and the origin of its pages."""

    id: str
    origin: str
    name: str = "Querela"


@dataclass(frozen=True)
class Ceremony:
    options_json: str  # for navigator.credentials.create()/get(), binary values in base64url
    challenge: str  # base64url; kept by the caller until the answer comes back


def keys_of(user: Any) -> list[SecurityKey]:
    return list(SecurityKey.objects.filter(user_id=user.pk).order_by("created_at", "pk"))


# ---------------------------------------------------------------------------------------------------
# Registering a key


def registration_begin(user: Any, rp: RelyingParty) -> Ceremony:
    existing = [_descriptor(key) for key in keys_of(user)]  # the same key registered twice is refused by it
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=_user_handle(user),
        user_name=user.get_username(),
        user_display_name=user.get_full_name() or user.get_username(),
        timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,  # which model of key it is is not our business
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.DISCOURAGED,
        ),
        exclude_credentials=existing,
    )
    return Ceremony(options_json=options_to_json(options), challenge=bytes_to_base64url(options.challenge))


def registration_finish(
    user: Any, *, rp: RelyingParty, challenge: str, answer: str, name: str, ip: str = ""
) -> list[str] | None:
    """Verify the new key's answer and keep it. The recovery codes when this is the person's first second
    step (to be shown once), else None."""
    parsed = _parse(answer)
    try:
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        log.info("mfa.key_refused user=%s ip=%s %s", user.pk, ip, exc)
        raise ValidationFailed(
            _("The security key's answer could not be checked. Please try again."), code="key_refused"
        ) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    label = clean_name(name)
    with transaction.atomic():
        first = not services.has_second_step(user)
        if SecurityKey.objects.filter(credential_id=credential_id).exists():
            raise ValidationFailed(_("This security key is already registered."), code="key_known")
        SecurityKey.objects.create(
            user_id=user.pk,
            name=label,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=_transports(parsed),
            created_at=clock.now(),
        )
        codes = services.new_recovery_codes(user) if first else None
        if first:  # the app's set-up page shown before the key was chosen: its key is not kept
            services.enrolment_restart(user)
        services.audit_event(user, action="mfa.key_added", ip=ip, changes={"name": label})
    return codes


def clean_name(name: str) -> str:
    """The person's label for the key, on one line; "Security key" when they gave none."""
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in name[: NAME_LENGTH * 4])
    return " ".join(text.split())[:NAME_LENGTH] or _("Security key")


def remove(user: Any, key_id: int, *, password: str, ip: str = "") -> str:
    """Remove one of one's keys, with the password. Staff keep at least one second step: their last key
    goes only when an app is set up. A consumer's last one switches two-step sign-in off. The key's name."""
    key = SecurityKey.objects.filter(user_id=user.pk, pk=key_id).first()
    if key is None:
        raise NotFound(_("No such security key."))
    services.confirm_password(user, password, ip=ip)
    with transaction.atomic():
        others = SecurityKey.objects.filter(user_id=user.pk).exclude(pk=key.pk).exists()
        last = not others and not services.has_app(user)
        if last and services.required_for(user):
            raise ValidationFailed(
                _("Your role needs a second step: add another key or an authenticator app before removing this one."),
                code="last_key",
            )
        key.delete()
        if last:
            RecoveryCode.objects.filter(user_id=user.pk).delete()
        services.audit_event(user, action="mfa.key_removed", ip=ip, changes={"name": key.name})
    return key.name


# ---------------------------------------------------------------------------------------------------
# Signing in with a key


def authentication_begin(user: Any, rp: RelyingParty) -> Ceremony:
    allowed = [_descriptor(key) for key in keys_of(user)]
    if not allowed:
        raise ValidationFailed(_("No security key is registered for you."), code="no_key")
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=TIMEOUT_MS,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.DISCOURAGED,
    )
    return Ceremony(options_json=options_to_json(options), challenge=bytes_to_base64url(options.challenge))


def authentication_check(user: Any, *, rp: RelyingParty, challenge: str, answer: str, ip: str = "") -> Check:
    """The second step of a sign-in with one of the person's keys: OK, WRONG or LOCKED."""
    verdict = services.count_attempt(user)
    if not verdict.allowed:
        services.note_lock(user, verdict, ip)
        return Check.LOCKED
    key = _answering_key(user, answer)
    new_count = _verified_count(key, rp=rp, challenge=challenge, answer=answer) if key else None
    # A counter that didn't move forward (both non-zero) is a copy of the key answering: refused.
    if key is None or new_count is None or ((new_count or key.sign_count) and new_count <= key.sign_count):
        services.audit_event(user, action="mfa.failed", ip=ip, changes={"attempt": verdict.count, "method": "key"})
        return Check.WRONG
    # Conditional, like the app's time step: the same answer sent twice at once signs in once.
    won = SecurityKey.objects.filter(pk=key.pk, sign_count=key.sign_count).update(
        sign_count=new_count, last_used_at=clock.now()
    )
    if not won:
        return Check.WRONG
    refund(verdict)
    services.audit_event(user, action="mfa.verified", ip=ip, changes={"method": "key", "name": key.name})
    return Check.OK


# ---------------------------------------------------------------------------------------------------
# Inside


def _parse(answer: str) -> dict[str, Any]:
    if len(answer.encode("utf-8", "surrogatepass")) > MAX_ANSWER_BYTES:
        raise ValidationFailed(_("The security key's answer is too large."), code="key_refused")
    try:
        parsed = json.loads(answer)
    except ValueError as exc:
        raise ValidationFailed(
            _("The security key's answer could not be checked. Please try again."), code="key_refused"
        ) from exc
    if not isinstance(parsed, dict):
        raise ValidationFailed(
            _("The security key's answer could not be checked. Please try again."), code="key_refused"
        )
    return parsed


def _answering_key(user: Any, answer: str) -> SecurityKey | None:
    try:
        credential_id = _parse(answer).get("id")
    except ValidationFailed:
        return None
    if not isinstance(credential_id, str) or not credential_id:
        return None
    return SecurityKey.objects.filter(user_id=user.pk, credential_id=credential_id).first()


def _verified_count(key: SecurityKey, *, rp: RelyingParty, challenge: str, answer: str) -> int | None:
    try:
        verified = verify_authentication_response(
            credential=_parse(answer),
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=0,  # compared below, where a copied key is told apart
        )
    except (ValidationFailed, WebAuthnException, ValueError, TypeError, KeyError) as exc:
        log.info("mfa.key_refused user=%s key=%s %s", key.user_id, key.pk, exc)
        return None
    return int(verified.new_sign_count)


def _descriptor(key: SecurityKey) -> PublicKeyCredentialDescriptor:
    known = {t.value for t in AuthenticatorTransport}
    transports = [AuthenticatorTransport(t) for t in key.transports if t in known] or None
    return PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id), transports=transports)


def _transports(parsed: dict[str, Any]) -> list[str]:
    response = parsed.get("response")
    found = response.get("transports") if isinstance(response, dict) else None
    known = {t.value for t in AuthenticatorTransport}
    return [t for t in found if isinstance(t, str) and t in known][:8] if isinstance(found, list) else []


def _user_handle(user: Any) -> bytes:
    """The person as the authenticator stores them: not their number or name (the spec asks for no
    personal data there), but stable, so a key registered twice is recognised as the same account's."""
    return salted_hmac("querela.mfa.security_keys.user_handle", str(user.pk)).digest()[:32]
