"""Polling tenants' existing IMAP mailboxes: fetch new mail by UID, hand it over, mark it only afterwards.

Transport only: the caller supplies ``store_raw(raw, uid)`` (which commits the complaint, or at least the
raw message, before returning) and persists ``PollResult.state``. No Django here.

Delivery guarantee — at-least-once fetch plus the caller's Message-ID dedupe gives exactly-once
registration. For each new message, in UID order:

1. fetch the bytes with ``BODY.PEEK[]`` (identical to ``RFC822`` but does not set ``\\Seen`` before we
   have committed anything),
2. ``store_raw(raw, uid)``,
3. mark it — add ``\\Seen`` and the keyword ``$QuerelaDone`` (flag mode) or move it to the processed
   folder (move mode) —
4. advance the UID watermark (``state.last_uid``).

A crash or error before 3 leaves the message unmarked and the watermark before it, so the next poll
delivers it again; the caller recognises the Message-ID. Marked messages are excluded from the search
(``NOT KEYWORD $QuerelaDone``; moved ones are gone), so a lost watermark costs a little work, not a
duplicate. A UIDVALIDITY change (folder re-created or restored) invalidates every UID we knew: the
watermark restarts at 0 and the result says so; the keyword and the dedupe keep that from registering
anything twice.

Oversized messages (``RFC822.SIZE`` above ``max_message_bytes``) are not downloaded. They are reported in
``PollResult.errors`` and left unmarked in the mailbox, so nothing is lost and a person can deal with them
in their mail client. By default the watermark stays just below such a message, so it is reported again
on every poll until someone acts: raises the limit, moves the message away, or tells us to move on with
``advance_past_oversized`` (``True`` for any, or the set of UIDs an administrator acknowledged; such UIDs
are ignored after a UIDVALIDITY change, when they name other messages). Later messages are still fetched
and marked meanwhile.

Failures never escape: connection, TLS, login, folder and protocol errors end up in ``PollResult.error``
with a message meant for the tenant administrator, and ``poll_many`` runs mailboxes concurrently with a
wall-clock budget each, so one slow or broken mailbox never holds up the others.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace

from .imap_session import (
    DONE_KEYWORD,
    ImapConfig,
    PollError,
    _connect,
    _Session,
    _Watch,
)

log = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # the SMTP server's default limit: one limit for both paths
StoreRaw = Callable[[bytes, int], None]


@dataclass(frozen=True)
class ImapState:
    uidvalidity: int | None = None
    last_uid: int = 0


@dataclass(frozen=True)
class MessageProblem:
    uid: int
    reason: str
    size: int | None = None


@dataclass
class PollResult:
    mailbox: str
    state: ImapState  # persist this; it only covers messages that were stored AND marked
    stored: list[int] = field(default_factory=list)  # UIDs handed to store_raw and then marked, in order
    errors: list[MessageProblem] = field(default_factory=list)  # per message; the message stays unmarked
    error: str | None = None  # the whole poll failed (connection, login, folder, timeout)
    uidvalidity_reset: bool = False  # the watermark restarted at 0; duplicates rely on the caller's dedupe
    more: bool = False  # stopped at batch_size or the deadline: more new mail is waiting
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.errors


def poll_mailbox(
    config: ImapConfig,
    *,
    state: ImapState,
    store_raw: StoreRaw,
    batch_size: int = 50,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    advance_past_oversized: bool | Collection[int] = False,
    deadline: float | None = None,
    _watch: _Watch | None = None,
) -> PollResult:
    """Poll one mailbox once; never raises for server, network or store_raw failures (see module doc).

    ``deadline`` (a ``time.monotonic()`` value) stops the batch between messages. The given ``state`` is
    not modified: persist ``result.state``.
    """
    watch = _watch or _Watch()
    result = PollResult(mailbox=config.name, state=state)
    session: _Session | None = None
    try:
        session = _connect(config, watch)
        uidvalidity = session.select()
        last_uid = state.last_uid
        if state.uidvalidity is not None and state.uidvalidity != uidvalidity:
            result.uidvalidity_reset = True
            result.warnings.append(
                f"UIDVALIDITY of {config.folder!r} changed from {state.uidvalidity} to {uidvalidity}: "
                "the folder was re-created or restored; all its messages are checked again "
                "(already registered ones are recognised by Message-ID)"
            )
            last_uid = 0
            if not isinstance(advance_past_oversized, bool):
                advance_past_oversized = ()  # acknowledged under the old UIDVALIDITY: other messages now
        result.state = ImapState(uidvalidity=uidvalidity, last_uid=last_uid)
        if not session.keywords_allowed and not config.processed_folder:
            result.warnings.append(
                f"the server does not allow the keyword {DONE_KEYWORD}: processed mail is only marked \\Seen "
                "(a processed folder is the more robust setting for this server)"
            )
        _poll_batch(
            session,
            result,
            last_uid,
            store_raw,
            batch_size,
            max_message_bytes,
            advance_past_oversized,
            deadline,
            watch,
        )
    except PollError as exc:
        result.error = _lost(config, watch, str(exc))
    except imaplib.IMAP4.abort as exc:
        result.error = _lost(config, watch, f"connection lost: {exc}")
    except TimeoutError:
        result.error = _lost(config, watch, f"no answer from {config.host}:{config.port} within {config.timeout:g} s")
    except (OSError, imaplib.IMAP4.error) as exc:
        result.error = _lost(config, watch, f"IMAP error: {exc}")
    except Exception as exc:
        log.exception("polling %s failed unexpectedly", config.name)
        result.error = f"unexpected error: {type(exc).__name__}: {exc}"
    finally:
        if session is not None:
            session.close()
    if result.error:
        log.warning("polling %s: %s", config.name, result.error)
    return result


def _lost(cfg: ImapConfig, watch: _Watch, message: str) -> str:
    if watch.aborted:
        return f"stopped after {cfg.poll_timeout:g} s without finishing (the server is too slow or hangs)"
    return message


def _poll_batch(
    session: _Session,
    result: PollResult,
    last_uid: int,
    store_raw: StoreRaw,
    batch_size: int,
    max_message_bytes: int,
    advance_past_oversized: bool | Collection[int],
    deadline: float | None,
    watch: _Watch,
) -> None:
    cfg = session.cfg
    candidates = session.new_uids(last_uid)
    if not candidates:
        return
    batch = candidates[:batch_size]
    result.more = len(candidates) > batch_size
    sizes = session.sizes(batch)
    if cfg.processed_folder:
        session.ensure_processed_folder()
    watermark_frozen = False  # set once an oversized message is left behind (see module doc)
    for uid in batch:
        if watch.aborted or (deadline is not None and time.monotonic() > deadline):
            result.more = True
            result.warnings.append("time budget used up; the rest is fetched on the next poll")
            return
        size = sizes.get(uid)
        if size is not None and size > max_message_bytes:
            result.errors.append(
                MessageProblem(
                    uid=uid,
                    size=size,
                    reason=(
                        f"message of {size:,} bytes exceeds the limit of {max_message_bytes:,} bytes; "
                        "it was not downloaded and stays unmarked in the mailbox"
                    ),
                )
            )
            move_on = advance_past_oversized is True or (
                not isinstance(advance_past_oversized, bool) and uid in advance_past_oversized
            )
            if not move_on:
                watermark_frozen = True
            elif not watermark_frozen:
                result.state = replace(result.state, last_uid=uid)
            continue
        raw = session.fetch(uid)
        if raw is None:
            result.warnings.append(f"UID {uid} disappeared before it could be fetched (removed by another client)")
            if not watermark_frozen:
                result.state = replace(result.state, last_uid=uid)
            continue
        try:
            store_raw(raw, uid)
        except Exception as exc:
            # Unmarked and below the watermark: the next poll delivers it again. Stop here: a failing
            # store (database down) would fail for every following message too.
            log.exception("store_raw failed for UID %s in %s", uid, cfg.name)
            result.errors.append(
                MessageProblem(uid=uid, size=len(raw), reason=f"storing failed, retried next poll: {exc}")
            )
            result.more = True
            return
        try:
            session.mark(uid)
        except PollError as exc:
            result.errors.append(MessageProblem(uid=uid, size=len(raw), reason=f"{exc}; delivered again next poll"))
            result.more = True
            return
        result.stored.append(uid)
        if not watermark_frozen:
            result.state = replace(result.state, last_uid=uid)


@dataclass(frozen=True)
class PollJob:
    key: str  # the caller's identifier for the mailbox (unique per call)
    config: ImapConfig
    state: ImapState
    store_raw: StoreRaw
    advance_past_oversized: bool | frozenset[int] = False  # see poll_mailbox


def poll_many(
    jobs: Iterable[PollJob],
    *,
    max_workers: int = 8,
    batch_size: int = 50,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    on_thread_exit: Callable[[], None] | None = None,
) -> dict[str, PollResult]:
    """Poll many mailboxes concurrently; each gets ``config.poll_timeout`` seconds from its own start.

    A mailbox over its budget gets an error result and its connection is cut; its worker thread (a daemon
    thread, so it never holds up interpreter exit) stops before the next message. What it stored before
    is safe: unmarked messages come again, marked ones are excluded. ``on_thread_exit`` runs in each
    worker thread when it finishes (e.g. ``django.db.connection.close``).
    """
    pending = deque(jobs)
    keys = [job.key for job in pending]
    if len(set(keys)) != len(keys):
        raise ValueError("poll_many: job keys must be unique")
    results: dict[str, PollResult] = {}
    finished: queue.Queue[tuple[str, _Watch, PollResult]] = queue.Queue()
    running: dict[str, tuple[_Watch, float, PollJob]] = {}

    def work(job: PollJob, watch: _Watch, deadline: float) -> None:
        try:
            res = poll_mailbox(
                job.config,
                state=job.state,
                store_raw=job.store_raw,
                batch_size=batch_size,
                max_message_bytes=max_message_bytes,
                advance_past_oversized=job.advance_past_oversized,
                deadline=deadline,
                _watch=watch,
            )
        except BaseException as exc:  # poll_mailbox does not raise; keep the collector alive regardless
            res = PollResult(mailbox=job.config.name, state=job.state, error=f"unexpected error: {exc!r}")
        finally:
            if on_thread_exit is not None:
                with contextlib.suppress(Exception):
                    on_thread_exit()
        finished.put((job.key, watch, res))

    while pending or running:
        while pending and len(running) < max(1, max_workers):
            job = pending.popleft()
            watch = _Watch()
            deadline = time.monotonic() + job.config.poll_timeout
            running[job.key] = (watch, deadline, job)
            threading.Thread(target=work, args=(job, watch, deadline), name=f"imap-poll-{job.key}", daemon=True).start()
        nearest = min(deadline for _, deadline, _ in running.values())
        try:
            key, watch, res = finished.get(timeout=max(0.0, nearest - time.monotonic()))
        except queue.Empty:
            now = time.monotonic()
            for key, (watch, deadline, job) in list(running.items()):
                if deadline <= now:
                    watch.abort()
                    del running[key]
                    results[key] = PollResult(
                        mailbox=job.config.name,
                        state=job.state,  # unchanged: whatever the abandoned poll did is re-checked next time
                        error=(
                            f"stopped after {job.config.poll_timeout:g} s without finishing "
                            "(the server is too slow or hangs); the other mailboxes were not held up"
                        ),
                    )
            continue
        entry = running.get(key)
        if entry is not None and entry[0] is watch:
            del running[key]
            results[key] = res
    return results
