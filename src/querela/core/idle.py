"""Signing out a session nobody has used for a while (a complaint office's shared desks): the absolute
session lifetime is not enough when someone walks away from an open case file."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SEEN_KEY = "querela_seen"
# The last-seen time is written at most this often: a page view shouldn't always cost a session write.
WRITE_EVERY = 60


def now() -> float:
    return time.time()


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            limit = int(cast(int, settings.QUERELA["IDLE_MINUTES"])) * 60
            seen = request.session.get(SEEN_KEY)
            moment = now()
            if limit and isinstance(seen, int | float) and moment - seen > limit:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(n)d minutes without activity.") % {"n": limit // 60},
                )
                login = resolve_url(settings.LOGIN_URL)
                return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
            if not isinstance(seen, int | float) or moment - seen > WRITE_EVERY:
                request.session[SEEN_KEY] = int(moment)
        return self.get_response(request)
