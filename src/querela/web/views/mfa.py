"""Two-step sign-in pages: the code or the security key after the password, setting an authenticator
app or a key up, one's own settings (keys, new recovery codes, a new phone), and an administrator's reset
of someone else's.

What is decided lives in `querela/mfa/`; the half-signed-in session in `web/second_step.py`; a key's
ceremony starts in `views/mfa_keys.py` and ends here, when its form comes back with the key's answer.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from querela.core.errors import NotFound, ValidationFailed
from querela.core.ratelimit import client_address
from querela.mfa.qr import qr_svg
from querela.mfa.security_keys import authentication_check, registration_finish
from querela.mfa.security_keys import remove as remove_key
from querela.mfa.services import (
    Check,
    confirm_password,
    enrolment_confirm,
    enrolment_restart,
    enrolment_start,
    has_app,
    has_key,
    has_second_step,
    is_staff,
    recovery_left,
    recovery_regenerate,
    recovery_regenerate_with_password,
    required_for,
    reset_other,
    reset_own,
    sign_in_check,
    status_of,
    used_text,
)
from querela.tenants.access import memberships_of
from querela.tenants.models import Membership

from .. import second_step
from ..decorators import tenant_page
from ..feedback import submit
from .mfa_forms import CodeForm, KeyAnswerForm, PasswordConfirmForm, ResetReasonForm
from .mfa_keys import REGISTER, SIGN_IN, relying_party, take_ceremony


def _start_again(request: HttpRequest) -> HttpResponse:
    """No half-signed-in person here (never was, or the time ran out): back to the password."""
    expired = second_step.pending_expired(request)
    second_step.drop(request)
    if request.user.is_authenticated:
        return redirect("web:home")
    if expired:
        messages.info(request, _("The time to give the code ran out. Please sign in again."))
    return redirect("web:login")


def _locked_out(request: HttpRequest) -> HttpResponse:
    second_step.drop(request)
    messages.error(request, _("Too many wrong codes. Please wait a few minutes and sign in again."))
    return redirect("web:login")


def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step after the right password: a security key, the app's code, or a recovery code."""
    person = second_step.pending_user(request)
    if person is None:
        return _start_again(request)
    if not has_second_step(person):
        return redirect("web:mfa_setup")
    key_error = ""
    if request.method == "POST" and request.POST.get("action") == "key":
        result, key_error = _key_sign_in(request, person)
        if result is Check.LOCKED:
            return _locked_out(request)
        if result is Check.OK:
            return redirect(second_step.complete(request, person))
    keys = has_key(person)
    form = CodeForm(
        request.POST if request.method == "POST" and not key_error else None,
        recovery=True,
        app=has_app(person),
        focus=not keys,
    )
    if request.method == "POST" and not key_error and form.is_valid():
        result = sign_in_check(person, form.cleaned_data["code"], ip=client_address(request))
        if result is Check.LOCKED:
            return _locked_out(request)
        if result in (Check.OK, Check.RECOVERY):
            then = second_step.complete(request, person)
            if result is Check.RECOVERY:
                left = recovery_left(person)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(n)d is left. Make new ones on your two-step "
                        "sign-in page.",
                        "You signed in with a recovery code; %(n)d are left. Make new ones on your two-step "
                        "sign-in page.",
                        left,
                    )
                    % {"n": left},
                )
            return redirect(then)
        form.add_error("code", used_text() if result is Check.USED else _wrong_code_text(person))
    context = {
        "form": form,
        "app": has_app(person),
        "keys": keys,
        "key_error": key_error,
        "key_focus": not form.errors,  # after a wrong code, the code field keeps the focus
        "staff": is_staff(person),  # who can reset it: an administrator, or the supplier's customer service
    }
    return render(request, "web/mfa/verify.html", context, status=400 if form.errors or key_error else 200)


def _wrong_code_text(person: Any) -> str:
    if has_app(person):
        return _("That code is not right. Type the 6 digits your app shows now.")
    return _("That recovery code is not right, or it was used already.")


def _key_sign_in(request: HttpRequest, person: Any) -> tuple[Check, str]:
    """The security key's answer to the sign-in's challenge; what to say when it is not accepted."""
    form = KeyAnswerForm(request.POST)
    challenge = take_ceremony(request, kind=SIGN_IN, user=person)
    if challenge is None:
        return Check.WRONG, _("The key's answer came too late. Please try again.")
    if not form.is_valid():
        return Check.WRONG, _("The security key's answer could not be checked. Please try again.")
    answer = form.cleaned_data["credential"]
    result = authentication_check(
        person, rp=relying_party(request), challenge=challenge, answer=answer, ip=client_address(request)
    )
    if result is Check.WRONG:
        return result, _("This security key was not accepted. Try again, or use another of your keys.")
    return result, ""


def _key_registered(request: HttpRequest, person: Any) -> tuple[list[str] | None, str]:
    """A new key's answer to the registration's challenge: kept, with the recovery codes when it is the
    person's first second step; or what to say when it is not accepted."""
    form = KeyAnswerForm(request.POST)
    challenge = take_ceremony(request, kind=REGISTER, user=person)
    if challenge is None:
        return None, _("The key's answer came too late. Please try again.")
    if not form.is_valid():
        return None, _("The security key's answer could not be checked. Please try again.")
    try:
        codes = registration_finish(
            person,
            rp=relying_party(request),
            challenge=challenge,
            answer=form.cleaned_data["credential"],
            name=form.cleaned_data["name"],
            ip=client_address(request),
        )
    except ValidationFailed as exc:
        return None, exc.message
    return codes or [], ""


def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up a second step — an authenticator app or a security key: half-signed-in staff who have none
    (mandatory), or a signed-in person switching it on (consumers) or replacing their phone. A signed-in
    person whose keys are their second step adds an app here too, after their password on the settings
    page (`APP_BESIDE_KEYS`)."""
    person = second_step.pending_user(request)
    signed_in = person is None and request.user.is_authenticated
    if signed_in:
        person = request.user
    if person is None:
        return _start_again(request)
    beside_keys = signed_in and has_key(person) and not has_app(person)
    if beside_keys and not _app_beside_keys_allowed(request):
        messages.info(request, _("Confirm with your password first."))
        return redirect("web:mfa_settings")
    if has_second_step(person) and not beside_keys:
        return redirect("web:mfa_settings" if signed_in else "web:mfa_verify")
    key_error = ""
    if request.method == "POST" and request.POST.get("action") == "key" and not beside_keys:
        codes, key_error = _key_registered(request, person)
        if not key_error:
            if signed_in:
                second_step.mark_verified(request)
                then = reverse("web:mfa_settings")
            else:
                then = second_step.complete(request, person)
            return _show_recovery_codes(request, codes, then) if codes else redirect(then)
    # Not focused on arrival: the page starts with what to do first (install an app, scan), not step 3.
    form = CodeForm(request.POST if request.method == "POST" and not key_error else None, focus=False)
    if request.method == "POST" and not key_error and form.is_valid():
        try:
            codes = enrolment_confirm(person, form.cleaned_data["code"], ip=client_address(request))
            request.session.pop(APP_BESIDE_KEYS, None)
        except ValidationFailed as exc:
            if exc.code == "locked" and not signed_in:
                return _locked_out(request)
            form.add_error("code", exc.message)
        else:
            if signed_in:
                second_step.mark_verified(request)
                then = reverse("web:mfa_settings")
            else:
                then = second_step.complete(request, person)
            if not codes:  # an app beside keys: the recovery codes the person has stay as they are
                messages.success(request, _("The authenticator app was added. Your recovery codes are unchanged."))
                return redirect(then)
            return _show_recovery_codes(request, codes, then)
    if not signed_in:
        second_step.renew(request)  # installing an app can take longer than the code's few minutes
    enrolment = enrolment_start(person)
    context = {
        "form": form,
        "required": required_for(person),
        "signed_in": signed_in,
        "secret_groups": [enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4)],
        "qr": qr_svg(enrolment.uri, label=_("QR code for your authenticator app")),
        "key_error": key_error,
        "offer_key": not beside_keys,
        "beside_keys": beside_keys,
    }
    return render(request, "web/mfa/setup.html", context, status=400 if form.errors or key_error else 200)


APP_BESIDE_KEYS = "mfa_app_beside_keys"  # when the password was confirmed for adding an app beside keys
APP_BESIDE_KEYS_SECONDS = 600


def _app_beside_keys_allowed(request: HttpRequest) -> bool:
    when = request.session.get(APP_BESIDE_KEYS)
    return isinstance(when, int | float) and time.time() - when < APP_BESIDE_KEYS_SECONDS


def _show_recovery_codes(request: HttpRequest, codes: list[str], then: str) -> HttpResponse:
    response = render(request, "web/mfa/recovery_codes.html", {"codes": codes, "then": then})
    response["Cache-Control"] = "no-store"  # shown once: not kept in the browser's cache either
    return response


@login_required
def mfa_settings(request: HttpRequest) -> HttpResponse:
    """One's own two-step sign-in: switch it on, security keys added and removed, new recovery codes, or a
    new phone. Changes are confirmed with a code of the app, or with the password where the app can't."""
    person = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = CodeForm(request.POST if action in ("new_codes", "reset") else None, recovery=action == "reset")
    password_form = PasswordConfirmForm(request.POST if action in _PASSWORD_ACTIONS else None)
    key_error = ""
    ip = client_address(request)
    try:
        if action == "add_key":
            codes, key_error = _key_registered(request, person)
            if not key_error:
                if codes:  # the first second step of a consumer switching it on from here
                    second_step.mark_verified(request)
                    return _show_recovery_codes(request, codes, reverse("web:mfa_settings"))
                messages.success(request, _("The security key was added."))
                return redirect("web:mfa_settings")
        elif action in ("new_codes", "reset") and form.is_valid():
            code = form.cleaned_data["code"]
            if action == "new_codes":
                return _show_recovery_codes(
                    request, recovery_regenerate(person, code, ip=ip), reverse("web:mfa_settings")
                )
            reset_own(person, code, ip=ip)
            if not has_second_step(person) and required_for(person):
                messages.info(request, _("Your authenticator app was removed. Set up the new one now."))
                return redirect("web:mfa_setup")
            messages.success(
                request, _("Your authenticator app was removed.") if has_key(person) else _("Two-step sign-in is off.")
            )
            return redirect("web:mfa_settings")
        elif action == "new_codes_password" and password_form.is_valid():
            codes = recovery_regenerate_with_password(person, password_form.cleaned_data["password"], ip=ip)
            return _show_recovery_codes(request, codes, reverse("web:mfa_settings"))
        elif action == "remove_key" and password_form.is_valid():
            name = remove_key(
                person, _key_id(request.POST.get("key")), password=password_form.cleaned_data["password"], ip=ip
            )
            removed = _("The security key “%(name)s” was removed.") % {"name": name}
            if not has_second_step(person):
                removed += " " + _("Two-step sign-in is off.")
            messages.success(request, removed)
            return redirect("web:mfa_settings")
        elif action == "start_app" and password_form.is_valid():
            confirm_password(person, password_form.cleaned_data["password"], ip=ip)
            enrolment_restart(person)
            request.session[APP_BESIDE_KEYS] = time.time()
            return redirect("web:mfa_setup")
    except ValidationFailed as exc:
        if action in _PASSWORD_ACTIONS:
            password_form.add_error("password", exc.message)
        else:
            form.add_error("code", exc.message)
    except NotFound as exc:
        password_form.add_error(None, exc.message)
    context = {
        "status": status_of(person),
        "form": form,
        "password_form": password_form,
        "action": action,
        "key_error": key_error,
    }
    failed = form.errors or password_form.errors or key_error
    with _persons_time_zone(person):
        return render(request, "web/mfa/settings.html", context, status=400 if failed else 200)


_PASSWORD_ACTIONS = ("remove_key", "new_codes_password", "start_app")


def _key_id(raw: str | None) -> int:
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else 0


def _persons_time_zone(person: Any) -> Any:
    """The page is no supplier's, but its times are read by someone who works in one: shown in the zone of
    the first supplier they belong to (UTC for a platform operator with none)."""
    memberships = memberships_of(person)
    return timezone.override(ZoneInfo(memberships[0].tenant.time_zone)) if memberships else nullcontext()


@tenant_page("mfa.reset_other")
def mfa_reset_other(request: HttpRequest, tenant: str, membership_id: int) -> HttpResponse:
    """An administrator lets someone who lost their phone and their recovery codes back in."""
    membership = Membership.objects.select_related("user").filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    actor: Any = request.actor  # type: ignore[attr-defined]
    form = ResetReasonForm(request.POST or None)
    if request.method == "POST":

        def run(d: dict[str, Any]) -> None:
            reset_other(actor=actor, user_id=membership.user_id, reason=d["reason"])

        person = membership.user.get_full_name() or membership.user.get_username()
        if submit(request, form, run, _("Two-step sign-in of %(person)s was reset.") % {"person": person}):
            return redirect("web:mfa_reset_other", tenant=tenant, membership_id=membership_id)
    context = {"membership": membership, "status": status_of(membership.user), "form": form}
    return render(request, "web/mfa/reset_other.html", context)
