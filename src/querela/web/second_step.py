"""Between the password and the code: the half-signed-in session, and the gate that keeps staff who have
not passed their second step off every page (two-step sign-in, `querela/mfa/`).

After the right password a person who must give a code is **not** signed in: the session holds only who
they are and how they authenticated, for `PENDING_SECONDS`. The code's page (`views/mfa.py`) signs them in
and marks the session verified. A session signed in some other way (an old session from before the rule,
a test client's `login`) is turned back into a half-signed-in one at its next page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, login, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from querela.mfa.services import Step, has_second_step, next_step, required_for

PENDING = "mfa_pending"
VERIFIED = "mfa_verified"
PENDING_SECONDS = 300
_CHECKED = "mfa_checked_at"  # when this session was last found not to need a second step
_RECHECK_SECONDS = 60  # a consumer given a staff role meets the gate within a minute
_OPEN_PATHS = ("/login/", "/logout/", "/static/", "/i18n/", "/healthz", "/readyz")
_DEFAULT_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sign_in_or_ask_code(request: HttpRequest, user: Any, *, then: str, backend: str | None = None) -> HttpResponse:
    """After the right password: signed in and sent on to `then`, or half-signed-in and asked for a code
    (or, for staff without an authenticator app, to set one up first)."""
    how = backend or getattr(user, "backend", None) or _DEFAULT_BACKEND
    step = next_step(user)
    if step is Step.NONE:
        login(request, user, backend=how)
        return redirect(then)
    _start(request, user, backend=how, then=then)
    return redirect("web:mfa_setup" if step is Step.SETUP else "web:mfa_verify")


def pending_user(request: HttpRequest) -> Any | None:
    """The person half-signed-in in this session, while the time to give the code lasts."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or float(data.get("until", 0)) < time.time():
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def pending_expired(request: HttpRequest) -> bool:
    return isinstance(request.session.get(PENDING), dict) and pending_user(request) is None


def complete(request: HttpRequest, user: Any) -> str:
    """The second step passed: signed in (a new session key), the session marked verified; where to go on."""
    data = request.session.pop(PENDING, None) or {}
    login(request, user, backend=str(data.get("backend") or _DEFAULT_BACKEND))
    request.session[VERIFIED] = True
    return str(data.get("then") or "/")


def mark_verified(request: HttpRequest) -> None:
    """A signed-in person who has just set up an app (consumers switch it on from their page)."""
    request.session[VERIFIED] = True


def renew(request: HttpRequest) -> None:
    """More time for the half-signed-in person: set-up (installing an app) takes longer than a code."""
    data = request.session.get(PENDING)
    if isinstance(data, dict):
        request.session[PENDING] = {**data, "until": time.time() + PENDING_SECONDS}


def drop(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def _start(request: HttpRequest, user: Any, *, backend: str, then: str) -> None:
    if request.user.is_authenticated:
        logout(request)  # whoever was signed in here is not any more
    else:
        request.session.cycle_key()  # the half-signed-in session gets a key nobody could have planted
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "until": time.time() + PENDING_SECONDS,
        "then": then,
    }


class SecondStepMiddleware:
    """A signed-in session of staff (or a platform operator) without its second step reaches no page: it
    is turned back into a half-signed-in one and sent to the code (the API answers 403 instead)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.QUERELA.get("MFA_REQUIRED_FOR_STAFF", True):
            return self.get_response(request)  # every sign-in still asks those with an app for a code
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.session.get(VERIFIED):
            return self.get_response(request)
        if request.path.startswith(_OPEN_PATHS):
            return self.get_response(request)
        checked = request.session.get(_CHECKED)
        if isinstance(checked, int | float) and time.time() - checked < _RECHECK_SECONDS:
            return self.get_response(request)
        if not required_for(user) and not has_second_step(user):
            request.session[_CHECKED] = time.time()
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Two-step sign-in is required: sign in again.")}, status=403)
        backend = str(request.session.get(BACKEND_SESSION_KEY) or _DEFAULT_BACKEND)
        then = request.get_full_path() if request.method == "GET" else "/"
        _start(request, user, backend=backend, then=then)
        return redirect("web:mfa_setup" if not has_second_step(user) else "web:mfa_verify")
