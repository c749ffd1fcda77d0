"""Staff who forgot their password, or whose account was locked by wrong passwords: the e-mailed links.

The request page reads the same whether or not the name exists (accounts/sign_in.py); a link opened
shows a button first, since mail scanners open links too."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.accounts import login_guard
from querela.accounts.sign_in import (
    staff_password_reset_confirm,
    staff_password_reset_request,
    staff_password_reset_user,
    unlock_by_link,
)
from querela.core.errors import ValidationFailed
from querela.core.ratelimit import client_address, hit

from .auth import remember_device
from .staff.welcome import WelcomePasswordForm


class ResetRequestForm(forms.Form):
    required_css_class = "required"
    name = forms.CharField(label=gettext_lazy("User name or e-mail address"), max_length=254)


def _dead_link(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "error_page.html",
        {
            "title": _("This link does not work"),
            "message": _("It was used already, or it is too old. Ask for a new one on the sign-in page."),
        },
        status=404,
    )


def password_reset(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        # A mail bomb through this page is slowed per address and per name; the page reads the same.
        if hit("staff-reset", client_address(request), setting="RATE_LIMIT_LOGIN") and hit(
            "staff-reset-name", name.strip().casefold(), setting="RATE_LIMIT_PUBLIC_EMAIL"
        ):
            staff_password_reset_request(name=name, language=translation.get_language() or "")
        return render(request, "web/password_reset_sent.html")
    return render(request, "web/password_reset.html", {"form": form}, status=400 if form.errors else 200)


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = staff_password_reset_user(uidb64=uidb64, token=token)
    if user is None:
        return _dead_link(request)
    form = WelcomePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = staff_password_reset_confirm(uidb64=uidb64, token=token, password=form.cleaned_data["password"])
        except ValidationFailed as exc:
            form.add_error("password", exc.message)
        else:
            if done is not None:
                messages.success(request, _("Your new password is set: sign in with it."))
                return redirect("web:login")
    status = 400 if form.errors else 200
    return render(request, "web/password_new.html", {"form": form, "person": user}, status=status)


def login_unlock(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if request.method != "POST":
        return render(request, "web/confirm_link.html", {"action": _("Unlock my account")})
    user = unlock_by_link(kind="staff_unlock", uidb64=uidb64, token=token)
    if user is None:
        return _dead_link(request)
    messages.success(request, _("Your account is unlocked: sign in now."))
    response = redirect("web:login")
    # The owner's browser: an attacker who keeps trying from elsewhere no longer locks it out.
    remember_device(response, request.COOKIES.get(login_guard.DEVICE_COOKIE), user.username)
    return response
