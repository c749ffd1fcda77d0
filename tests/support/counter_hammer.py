"""Worker processes for the rate-limit store tests: imports nothing that needs Django set up (spawned)."""

from __future__ import annotations

from querela.core.ratelimit import RedisStore, SqliteStore


def hammer(args: tuple[str, str, str, int]) -> int:
    """Count `n` hits on one key; the highest count this worker saw."""
    kind, location, key, n = args
    counter = SqliteStore(__import__("pathlib").Path(location)) if kind == "sqlite" else RedisStore(location)
    return max(counter.incr(key, 60) for _ in range(n))
