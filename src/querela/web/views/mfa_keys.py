"""The first half of a security key's ceremony (WebAuthn): the options the browser's authenticator needs,
asked for by `static/querela/security_key.js`. The challenge in them is kept in the session, for the
one person and the one purpose, for a few minutes; the pages in `views/mfa.py` take it back (once) when
the form comes with the key's answer.

Who may ask: the half-signed-in person (their sign-in, or setting up their first second step), and a
signed-in person registering a key — with their password again when they already have a second step.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.http.request import split_domain_port
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.core.errors import ValidationFailed
from querela.core.ratelimit import client_address
from querela.mfa.security_keys import RelyingParty, authentication_begin, registration_begin
from querela.mfa.services import confirm_password, has_second_step

from .. import second_step

CEREMONY = "mfa_key_ceremony"
CEREMONY_SECONDS = 300
SIGN_IN = "get"
REGISTER = "create"


def relying_party(request: HttpRequest) -> RelyingParty:
    """The site as the key knows it: `QUERELA_WEBAUTHN_RP_ID` where set (a parent domain shared by several
    host names), else the host the page was asked from (already checked against ALLOWED_HOSTS)."""
    host = request.get_host()
    domain, _port = split_domain_port(host)
    rp_id = str(settings.QUERELA.get("WEBAUTHN_RP_ID") or domain)
    return RelyingParty(id=rp_id, origin=f"{request.scheme}://{host}")


def take_ceremony(request: HttpRequest, *, kind: str, user: Any) -> str | None:
    """The challenge this person was given for `kind`, once; None when there is none or it ran out."""
    data = request.session.pop(CEREMONY, None)
    if not isinstance(data, dict) or data.get("kind") != kind or data.get("user") != user.pk:
        return None
    if float(data.get("until", 0)) < time.time():
        return None
    challenge = data.get("challenge")
    return challenge if isinstance(challenge, str) else None


@require_POST
def mfa_key_options(request: HttpRequest, kind: str) -> JsonResponse:
    person = second_step.pending_user(request)
    signed_in = person is None and request.user.is_authenticated
    if signed_in:
        person = request.user
    if person is None:
        return _refused(_("The time to sign in ran out. Please sign in again."), status=403)
    rp = relying_party(request)
    try:
        if kind == SIGN_IN:
            if signed_in:
                return _refused(_("You are already signed in."), status=400)
            ceremony = authentication_begin(person, rp)
        else:
            if has_second_step(person):
                if not signed_in:  # the half-signed-in person gives their second step first
                    return _refused(_("Sign in with your second step first."), status=403)
                confirm_password(person, request.POST.get("password", "")[:4096], ip=client_address(request))
            ceremony = registration_begin(person, rp)
    except ValidationFailed as exc:
        return _refused(exc.message, status=400)
    if not signed_in:
        second_step.renew(request)  # finding and touching the key takes its time
    request.session[CEREMONY] = {
        "kind": kind,
        "user": person.pk,
        "challenge": ceremony.challenge,
        "until": time.time() + CEREMONY_SECONDS,
    }
    response = JsonResponse({"publicKey": json.loads(ceremony.options_json)})
    response["Cache-Control"] = "no-store"
    return response


def _refused(message: str, *, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)
