from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from querela.accounts import login_guard
from querela.accounts.sign_in import lock_notice
from querela.core.ratelimit import client_address
from querela.tenants.access import is_platform_operator, memberships_of

from ..forms import LoginForm
from ..second_step import sign_in_or_ask_code


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["username"]
        device = request.COOKIES.get(login_guard.DEVICE_COOKIE)
        # Counted before the password is checked (accounts/login_guard.py): per account and per address.
        gate = login_guard.sign_in_gate(
            account=name, address=client_address(request), device=login_guard.trusted_device(device, name)
        )
        if not gate.allowed:
            if gate.newly_locked:
                lock_notice(account=name, language=translation.get_language() or "")
            messages.error(request, refusal_text(gate))
            response = render(request, "web/login.html", {"form": form}, status=429)
            response["Retry-After"] = str(gate.retry_after)
            return response
        user = authenticate(request, username=name, password=form.cleaned_data["password"])
        if user is not None:
            login_guard.sign_in_succeeded(gate)
            # Staff (and those who switched it on) give their code first (web/second_step.py, mfa/).
            response = sign_in_or_ask_code(request, user, then=_safe_next(request) or reverse("web:home"))
            remember_device(response, device, name)
            return response
        messages.error(request, wrong_text(_("The user name or password is wrong."), login_guard.sign_in_failed(gate)))
    return render(request, "web/login.html", {"form": form})


def wrong_text(wrong: str, wait: int) -> str:
    if not wait:
        return wrong
    return (
        wrong
        + " "
        + ngettext("Wait %(n)d second before trying again.", "Wait %(n)d seconds before trying again.", wait)
        % {"n": wait}
    )


def refusal_text(gate: login_guard.Gate) -> str:
    if gate.why == "wait":
        return ngettext(
            "Several wrong passwords for this account: wait %(n)d second before trying again.",
            "Several wrong passwords for this account: wait %(n)d seconds before trying again.",
            gate.retry_after,
        ) % {"n": gate.retry_after}
    if gate.why == "account":
        minutes = max(1, -(-gate.retry_after // 60))
        return ngettext(
            "This account is locked for %(n)d more minute after too many wrong passwords. If it has an e-mail "
            "address, a link to unlock it now was sent there.",
            "This account is locked for %(n)d more minutes after too many wrong passwords. If it has an e-mail "
            "address, a link to unlock it now was sent there.",
            minutes,
        ) % {"n": minutes}
    return _("Too many wrong passwords from your network. Please wait a few minutes and try again.")


def remember_device(response: HttpResponse, cookie: str | None, account: str) -> None:
    """This browser signed in to (or unlocked) the account: its later attempts are counted apart."""
    response.set_cookie(
        login_guard.DEVICE_COOKIE,
        login_guard.device_cookie_for(cookie, account),
        max_age=login_guard.DEVICE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _safe_next(request: HttpRequest) -> str | None:
    """Only a path on this site: a crafted `?next=https://evil.example` must not bounce a fresh login away."""
    target = request.GET.get("next")
    host = {request.get_host()}
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=host, require_https=request.is_secure()):
        return target
    return None


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their role works; a person with several tenants chooses one."""
    if not request.user.is_authenticated:
        return redirect("web:login")
    memberships = memberships_of(request.user)
    operator = is_platform_operator(request.user)
    if len(memberships) == 1 and not operator:
        return redirect("web:tenant_home", tenant=memberships[0].tenant.code)
    if not memberships and operator:
        return redirect("web:platform")
    return render(request, "web/choose_tenant.html", {"memberships": memberships, "operator": operator})
