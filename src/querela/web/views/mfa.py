"""Two-step sign-in pages: the code after the password, setting an authenticator app up, one's own
settings (new recovery codes, a new phone), and an administrator's reset of someone else's.

What is decided lives in `querela/mfa/services.py`; the half-signed-in session in `web/second_step.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from querela.core.errors import ValidationFailed
from querela.core.ratelimit import client_address
from querela.mfa.qr import qr_svg
from querela.mfa.services import (
    Check,
    enrolment_confirm,
    enrolment_start,
    has_app,
    recovery_left,
    recovery_regenerate,
    required_for,
    reset_other,
    reset_own,
    sign_in_check,
    status_of,
)
from querela.tenants.models import Membership

from .. import second_step
from ..decorators import tenant_page
from ..feedback import submit
from .mfa_forms import CodeForm, ResetReasonForm


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
    """The code after the right password: the app's, or a recovery code."""
    person = second_step.pending_user(request)
    if person is None:
        return _start_again(request)
    if not has_app(person):
        return redirect("web:mfa_setup")
    form = CodeForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        result = sign_in_check(person, form.cleaned_data["code"], ip=client_address(request))
        if result is Check.LOCKED:
            return _locked_out(request)
        if result is not Check.WRONG:
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
        form.add_error("code", _("That code is not right. Type the 6 digits your app shows now."))
    return render(request, "web/mfa/verify.html", {"form": form}, status=400 if form.errors else 200)


def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set an authenticator app up: half-signed-in staff who have none (mandatory), or a signed-in
    person switching it on (consumers) or replacing their phone."""
    person = second_step.pending_user(request)
    signed_in = person is None and request.user.is_authenticated
    if signed_in:
        person = request.user
    if person is None:
        return _start_again(request)
    if has_app(person):
        return redirect("web:mfa_settings" if signed_in else "web:mfa_verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = enrolment_confirm(person, form.cleaned_data["code"], ip=client_address(request))
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
    }
    return render(request, "web/mfa/setup.html", context, status=400 if form.errors else 200)


def _show_recovery_codes(request: HttpRequest, codes: list[str], then: str) -> HttpResponse:
    response = render(request, "web/mfa/recovery_codes.html", {"codes": codes, "then": then})
    response["Cache-Control"] = "no-store"  # shown once: not kept in the browser's cache either
    return response


@login_required
def mfa_settings(request: HttpRequest) -> HttpResponse:
    """One's own two-step sign-in: switch it on, new recovery codes, or a new phone (with a code)."""
    person = request.user
    form = CodeForm(request.POST or None, recovery=request.POST.get("action") == "reset")
    if request.method == "POST" and form.is_valid():
        code, ip = form.cleaned_data["code"], client_address(request)
        try:
            if request.POST.get("action") == "new_codes":
                codes = recovery_regenerate(person, code, ip=ip)
                return _show_recovery_codes(request, codes, reverse("web:mfa_settings"))
            if request.POST.get("action") == "reset":
                reset_own(person, code, ip=ip)
                if required_for(person):
                    messages.info(request, _("Your authenticator app was removed. Set up the new one now."))
                    return redirect("web:mfa_setup")
                messages.success(request, _("Two-step sign-in is off."))
                return redirect("web:mfa_settings")
        except ValidationFailed as exc:
            form.add_error("code", exc.message)
    context = {"status": status_of(person), "form": form}
    return render(request, "web/mfa/settings.html", context, status=400 if form.errors else 200)


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
