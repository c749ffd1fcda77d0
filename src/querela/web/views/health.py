"""Liveness and readiness for a load balancer or an orchestrator (issue 15).

- `/healthz`: the process answers (no database, no cache: a slow database must not get a healthy web process
  killed and restarted).
- `/readyz`: this process can serve — the database answers, the shared cache (sessions' neighbours: rate
  limits, the routing rules) answers, the job queue answers, the file store is reachable. 503 with the part
  that failed, so a load balancer stops sending requests to it until it recovers.

Neither says anything about tenants, people or versions: they are open to whoever can reach the port.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> None:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")


def _cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def _queue() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.pending_count()  # a round trip to Redis, or a read of the SQLite queue


def _storage() -> None:
    default_storage.exists("readyz-probe")


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _cache,
    "queue": _queue,
    "storage": _storage,
}


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    parts: dict[str, str] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # any failure means "not ready"; the reason is for the operator's log
            parts[name] = f"failed: {type(exc).__name__}"
        else:
            parts[name] = f"ok ({(time.monotonic() - started) * 1000:.0f} ms)"
    ready = all(v.startswith("ok") for v in parts.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": parts}, status=200 if ready else 503)
