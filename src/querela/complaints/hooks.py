"""After-commit reactions to complaint events (acknowledgement mail, deadline recomputation).

Other apps register here instead of the services importing them, so the complaint core does not
depend on the channels. After-commit hooks get (tenant_id, complaint_id): they enqueue tasks, which take ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

_hooks: dict[str, list[Callable[..., None]]] = defaultdict(list)
# In-transaction hooks: must run before commit (e.g. storing due dates with the status change).
_sync_hooks: dict[str, list[Callable[..., None]]] = defaultdict(list)


def on(event: str, *, in_transaction: bool = False) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(fn: Callable[..., None]) -> Callable[..., None]:
        (_sync_hooks if in_transaction else _hooks)[event].append(fn)
        return fn

    return register


def run(event: str, complaint: Any) -> None:
    for fn in _sync_hooks.get(event, []) + _sync_hooks.get("*", []):
        fn(complaint)
    ids = (complaint.tenant_id, complaint.pk)
    for fn in _hooks.get(event, []):
        transaction.on_commit(lambda fn=fn: fn(*ids))  # type: ignore[misc]


def after_commit(event: str, *ids: int) -> None:
    """Tell the `on(event)` handlers after the current transaction commits (they enqueue jobs with these
    ids). Modules that write call this; the jobs modules register, so writers never import jobs."""
    for fn in _hooks.get(event, []):
        transaction.on_commit(lambda fn=fn: fn(*ids))  # type: ignore[misc]


# Handlers for a new message to the customer, called in the transaction that wrote it
# (the e-mail channel turns it into an outbound mail queued after commit).
_outbound_handlers: list[Callable[[Any], None]] = []


def on_outbound_entry(fn: Callable[[Any], None]) -> Callable[[Any], None]:
    _outbound_handlers.append(fn)
    return fn


def outbound_entry_created(entry: Any) -> None:
    for fn in _outbound_handlers:
        fn(entry)
