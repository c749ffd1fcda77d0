"""Consumer accounts on a supplier's public site: sign up, confirm, sign in (password or e-mail link),
new password. Every answer to a stranger is the same whether or not the address has an account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.accounts import login_guard
from querela.accounts.services import (
    consumer_authenticate,
    consumer_signup,
    consumer_verify,
    password_reset_confirm,
    password_reset_request,
    password_reset_user,
    sign_in_by_link,
    sign_in_link_request,
)
from querela.accounts.sign_in import lock_notice, unlock_by_link
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.core.ratelimit import client_address, hit

from ...decorators import public_page
from ...second_step import sign_in_or_ask_code
from ..auth import refusal_text, remember_device, wrong_text

_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignupForm(forms.Form):
    required_css_class = "required"
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 10 characters; not only digits, not a common password."),
    )


class SignInForm(forms.Form):
    required_css_class = "required"
    email = forms.EmailField(label=gettext_lazy("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class EmailForm(forms.Form):
    required_css_class = "required"
    email = forms.EmailField(label=gettext_lazy("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class NewPasswordForm(forms.Form):
    required_css_class = "required"
    password = forms.CharField(
        label=gettext_lazy("New password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


def _lang() -> str:
    return translation.get_language() or "en"


def _page(request: HttpRequest, template: str, status: int = 200, **context: Any) -> HttpResponse:
    for form in context.values():
        if isinstance(form, forms.Form):
            for name in form.errors:
                if name in form.fields:
                    form.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_error"
    return render(request, f"public/accounts/{template}.html", context, status=status)


def _too_many(request: HttpRequest, bucket: str, email: str) -> bool:
    """Per client address and per e-mail address: guessing and mail bombing are both slowed."""
    ip_ok = hit(f"acct-{bucket}", client_address(request), setting="RATE_LIMIT_LOGIN")
    mail_ok = hit(f"acct-{bucket}-mail", email.strip().lower(), setting="RATE_LIMIT_LOGIN") if email else True
    return not (ip_ok and mail_ok)


def _signed_in(request: HttpRequest, code: str, user: Any, to: str = "web:tenant_home") -> HttpResponse:
    """Signed in, and the language of the public site kept: the account pages go on in it, whatever
    the browser's own language says."""
    # A consumer who switched two-step sign-in on gives the code first (web/second_step.py).
    response = sign_in_or_ask_code(request, user, then=reverse(to, kwargs={"tenant": code}), backend=_BACKEND)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        translation.get_language() or "",
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


@public_page
def account_signup(request: HttpRequest, code: str) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("website"):
            return render(request, "public/refused.html", status=400)
        d = form.cleaned_data
        if _too_many(request, "signup", d["email"]):
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            return _page(request, "signup", 429, form=form)
        try:
            consumer_signup(email=d["email"], name=d["name"], password=d["password"], language=_lang())
        except ValidationFailed as exc:
            form.add_error("password" if exc.code == "weak_password" else None, exc.message)
        else:
            return _page(request, "check_mail", email=d["email"])
    return _page(request, "signup", 400 if form.errors else 200, form=form)


@public_page
def account_verify(request: HttpRequest, code: str, uidb64: str, token: str) -> HttpResponse:
    # Opening the link shows a button; only pressing it confirms (mail scanners open links too).
    if request.method != "POST":
        return _page(request, "confirm_link", action=_("Confirm my e-mail address"))
    user = consumer_verify(uidb64=uidb64, token=token)
    if user is None:
        return _page(request, "link_invalid", 404)
    return _signed_in(request, code, user, to="web:consumer_customers")


@public_page
def account_login(request: HttpRequest, code: str) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        device = request.COOKIES.get(login_guard.DEVICE_COOKIE)
        # The same per-account and per-address counting as the staff sign-in (accounts/login_guard.py).
        gate = login_guard.sign_in_gate(
            account=email, address=client_address(request), device=login_guard.trusted_device(device, email)
        )
        if not gate.allowed:
            if gate.newly_locked:
                lock_notice(account=email, language=_lang(), tenant=tenancy.current_tenant())
            form.add_error(None, refusal_text(gate))
            response = _page(request, "login", 429, form=form)
            response["Retry-After"] = str(gate.retry_after)
            return response
        user = consumer_authenticate(email=email, password=form.cleaned_data["password"])
        if user is not None:
            login_guard.sign_in_succeeded(gate)
            response = _signed_in(request, code, user)
            remember_device(response, device, email)
            return response
        wait = login_guard.sign_in_failed(gate)
        form.add_error(None, wrong_text(_("The e-mail address or the password is wrong."), wait))
    return _page(request, "login", 400 if form.errors else 200, form=form)


@public_page
def account_unlock(request: HttpRequest, code: str, uidb64: str, token: str) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "confirm_link", action=_("Unlock my account"))
    user = unlock_by_link(kind="unlock", uidb64=uidb64, token=token)
    if user is None:
        return _page(request, "link_invalid", 404)
    messages.success(request, _("Your account is unlocked: sign in now."))
    response = redirect("web:account_login", code=code)
    remember_device(response, request.COOKIES.get(login_guard.DEVICE_COOKIE), user.username)
    return response


def _mail_a_link(request: HttpRequest, bucket: str, send: Any, template: str) -> HttpResponse:
    """Ask for a link by e-mail: the same "check your e-mail" page whether or not the address is known."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not _too_many(request, bucket, email):
            send(email=email, language=_lang())
        return _page(request, "check_mail", email=email)
    return _page(request, template, 400 if form.errors else 200, form=form)


@public_page
def account_link_request(request: HttpRequest, code: str) -> HttpResponse:
    return _mail_a_link(request, "link", sign_in_link_request, "link_request")


@public_page
def account_link_login(request: HttpRequest, code: str, uidb64: str, token: str) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "confirm_link", action=_("Sign in"))
    user = sign_in_by_link(uidb64=uidb64, token=token)
    if user is None:
        return _page(request, "link_invalid", 404)
    return _signed_in(request, code, user)


@public_page
def account_reset(request: HttpRequest, code: str) -> HttpResponse:
    return _mail_a_link(request, "reset", password_reset_request, "reset_request")


@public_page
def account_reset_confirm(request: HttpRequest, code: str, uidb64: str, token: str) -> HttpResponse:
    if password_reset_user(uidb64=uidb64, token=token) is None:
        return _page(request, "link_invalid", 404)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = password_reset_confirm(uidb64=uidb64, token=token, password=form.cleaned_data["password"])
        except ValidationFailed as exc:
            form.add_error("password", exc.message)
        else:
            if user is None:
                return _page(request, "link_invalid", 404)
            return _signed_in(request, code, user)
    return _page(request, "reset_confirm", 400 if form.errors else 200, form=form)
