"""Reads that may go to a PostgreSQL read replica (issue 15): reports, exports and the worklist's heavy
searches, inside `replica_reads()`. Everything else — and everything a person reads right after they
changed something — reads the primary.

Replica lag is tolerated where it cannot mislead: a report a few seconds old is fine; the worklist right after
registering a complaint is not (the new complaint must be on it). So a request that writes (any method but
GET, HEAD, OPTIONS) pins its session to the primary for `REPLICA_PIN_SECONDS` (`ReplicaPinMiddleware`,
a cookie), and a read inside a transaction that has written stays on the primary too.

Without a `replica` database configured (the embedded run, the tests) nothing changes.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

P = ParamSpec("P")
R = TypeVar("R")

REPLICA = "replica"
PIN_COOKIE = "querela_primary_until"

_replica_wanted: ContextVar[bool] = ContextVar("replica_wanted", default=False)
_pinned: ContextVar[bool] = ContextVar("pinned_to_primary", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may be answered by the replica (when there is one and the session is not pinned)."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


@contextmanager
def primary_only() -> Iterator[None]:
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def read_alias() -> str:
    """Where a read goes now."""
    if not _replica_wanted.get() or _pinned.get() or not replica_configured():
        return "default"
    if connections["default"].in_atomic_block:
        return "default"  # the transaction may have written what it is about to read
    return REPLICA


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, copied

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"


class ReplicaPinMiddleware:
    """A session that has just written reads the primary for a while: its own change, not the replica's
    view from before it."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pinned = request.method not in self.SAFE or _pin_active(request.COOKIES.get(PIN_COOKIE, ""))
        token = _pinned.set(pinned)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if request.method not in self.SAFE and replica_configured():
            seconds = int(settings.QUERELA.get("REPLICA_PIN_SECONDS", 10))
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def _pin_active(value: str) -> bool:
    # Unsigned on purpose: all a forged cookie can do is read the primary, which is always correct.
    return value.isascii() and value.isdigit() and int(value) > time.time()


def on_replica(fn: Callable[P, R]) -> Callable[P, R]:
    """A selector whose reads may come from the replica (it must read everything before it returns)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return fn(*args, **kwargs)

    return run


def streamed_from_replica(lines: Iterator[str]) -> Iterator[str]:
    """An export streamed while it is read: its reads, as it goes, from the replica."""
    with replica_reads():
        yield from lines
