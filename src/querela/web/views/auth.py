from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.core.ratelimit import client_address, exceeded, hit
from querela.tenants.access import is_platform_operator, memberships_of

from ..forms import LoginForm


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST":
        # Failed attempts count, per client address: guessing is slowed, a busy office is not.
        if exceeded("login", client_address(request), setting="RATE_LIMIT_LOGIN"):
            messages.error(request, _("Too many login attempts. Please wait a few minutes and try again."))
            return render(request, "web/login.html", {"form": LoginForm()}, status=429)
        if form.is_valid():
            user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
            if user is not None:
                login(request, user)
                return redirect(_safe_next(request) or reverse("web:home"))
            hit("login", client_address(request), setting="RATE_LIMIT_LOGIN")
            messages.error(request, _("The user name or password is wrong."))
    return render(request, "web/login.html", {"form": form})


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
