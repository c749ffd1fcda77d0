"""Rate limits: fixed windows counted atomically in a store every worker shares.

Redis (`REDIS_URL`: many machines) counts with INCR and an expiry, one round trip; the embedded run
(one machine, several worker processes) with an upsert in a small SQLite file; tests in memory. A
read-then-write count through the cache would let concurrent requests slip past a limit."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, cast

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The caller's address for audit rows and rate limits.

    Behind N trusted reverse proxies (`QUERELA_TRUSTED_PROXIES`), REMOTE_ADDR is the nearest proxy; the
    client is the N-th address from the right of X-Forwarded-For. Addresses further left are whatever the
    client chose to send, so they are never believed.
    """
    hops = int(cast(int, settings.QUERELA.get("TRUSTED_PROXIES", 0)))
    if hops > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


class CounterStore(Protocol):
    def incr(self, key: str, ttl: int) -> int: ...

    def get(self, key: str) -> int: ...

    def decr(self, key: str) -> None: ...

    def delete(self, key: str) -> None: ...


class MemoryStore:
    """One process (tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def incr(self, key: str, ttl: int) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 100_000:  # a flood of distinct keys must not grow memory without end
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, expires = self._counts.get(key, (0, now + ttl))
            if expires <= now:
                count, expires = 0, now + ttl
            self._counts[key] = (count + 1, expires)
            return count + 1

    def get(self, key: str) -> int:
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            return count if expires > time.monotonic() else 0

    def decr(self, key: str) -> None:
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            if count > 0:
                self._counts[key] = (count - 1, expires)

    def delete(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


class SqliteStore:
    """The worker processes of one machine: SQLite's write lock makes the upsert atomic across them."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self._path, isolation_level=None, timeout=5)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # a count lost in a crash costs nothing
            db.execute("CREATE TABLE IF NOT EXISTS hits (k TEXT PRIMARY KEY, n INTEGER NOT NULL, exp REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS hits_exp ON hits (exp)")
            self._local.db = db
        return db

    def incr(self, key: str, ttl: int) -> int:
        now = time.time()
        db = self._db()
        row = db.execute(
            "INSERT INTO hits (k, n, exp) VALUES (?, 1, ?) "
            "ON CONFLICT (k) DO UPDATE SET n = CASE WHEN exp > ? THEN n + 1 ELSE 1 END,"
            " exp = CASE WHEN exp > ? THEN exp ELSE excluded.exp END RETURNING n",
            (key, now + ttl, now, now),
        ).fetchone()
        count = int(row[0])
        if count == 1 and hash(key) % 64 == 0:  # now and then, forget finished windows
            db.execute("DELETE FROM hits WHERE exp < ?", (now,))
        return count

    def get(self, key: str) -> int:
        row = self._db().execute("SELECT n FROM hits WHERE k = ? AND exp > ?", (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def decr(self, key: str) -> None:
        self._db().execute("UPDATE hits SET n = n - 1 WHERE k = ? AND n > 0", (key,))

    def delete(self, key: str) -> None:
        self._db().execute("DELETE FROM hits WHERE k = ?", (key,))


class RedisStore:
    """Many machines: INCR and EXPIRE NX in one round trip."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)

    def incr(self, key: str, ttl: int) -> int:
        pipe = self._redis.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, ttl, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def get(self, key: str) -> int:
        value = self._redis.get(key)
        return int(cast(Any, value)) if value else 0

    def decr(self, key: str) -> None:
        self._redis.decr(key)

    def delete(self, key: str) -> None:
        self._redis.delete(key)


@lru_cache(maxsize=1)
def _store_for(kind: str, location: str) -> CounterStore:
    if kind == "redis":
        return RedisStore(location)
    if kind == "sqlite":
        return SqliteStore(Path(location))
    return MemoryStore()


def store() -> CounterStore:
    kind, location = cast(tuple[str, str], settings.QUERELA["RATE_LIMIT_STORE"])
    return _store_for(kind, location)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends
    key: str = ""  # the counter: `refund` gives the request back


def _limits(setting: str) -> tuple[int, int]:
    pair = cast(tuple[int, int], settings.QUERELA[setting])
    return int(pair[0]), int(pair[1])


def _window(window: int) -> tuple[int, int]:
    now = time.time()
    start = int(now // window)
    return start, max(1, int((start + 1) * window - now + 0.999))


def take(bucket: str, key: str, *, limit: int, window: int) -> Verdict:
    """Count one request in this window (atomically); refused once the window's limit is used up."""
    start, left = _window(window)
    counter = f"rl:{bucket}:{key}:{window}:{start}"
    count = store().incr(counter, window + 1)
    return Verdict(count <= limit, count, limit, left, counter)


def refund(verdict: Verdict) -> None:
    """Give back a request counted by `take` (a login that turned out right is not a failure)."""
    if verdict.key:
        store().decr(verdict.key)


def count(bucket: str, key: str, *, window: int) -> int:
    """This window's count so far."""
    start, _left = _window(window)
    return store().get(f"rl:{bucket}:{key}:{window}:{start}")


def forget(bucket: str, key: str, *, window: int) -> None:
    """Clear this window's count (an account unlocked by its owner)."""
    start, _left = _window(window)
    store().delete(f"rl:{bucket}:{key}:{window}:{start}")


def exceeded(bucket: str, key: str, *, setting: str) -> bool:
    """True when this window's attempts are used up (without counting a new one)."""
    limit, window = _limits(setting)
    start, _left = _window(window)
    return store().get(f"rl:{bucket}:{key}:{window}:{start}") >= limit


def hit(bucket: str, key: str, *, setting: str) -> bool:
    """Count one attempt; False when the limit for this window is already used up."""
    limit, window = _limits(setting)
    return take(bucket, key, limit=limit, window=window).allowed
