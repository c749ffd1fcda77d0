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
import re
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from imap_tools import BaseMailBox
from imap_tools.errors import UnexpectedCommandStatusError
from imap_tools.utils import encode_folder

log = logging.getLogger(__name__)

DONE_KEYWORD = "$QuerelaDone"
DEFAULT_MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # the SMTP server's default limit: one limit for both paths
StoreRaw = Callable[[bytes, int], None]
AuthMethod = Literal["password", "xoauth2"]


@dataclass(frozen=True)
class ImapConfig:
    host: str
    username: str
    secret: str = field(repr=False)  # the password, or the OAuth2 access token for auth="xoauth2"
    port: int = 993
    ssl: bool = True  # implicit TLS (IMAPS)
    starttls: bool = False  # only used when ssl is False: upgrade a plain connection
    auth: AuthMethod = "password"
    # Folder names use "/" between levels ("INBOX/Complaints"); it is translated to the server's own
    # hierarchy delimiter (Dovecot's maildir uses ".", Exchange and Gmail "/").
    folder: str = "INBOX"
    processed_folder: str = ""  # non-empty: move processed mail there; empty: flag it \Seen + $QuerelaDone
    timeout: float = 30.0  # per network operation (connect, each read)
    poll_timeout: float = 300.0  # wall-clock budget for one poll of this mailbox in poll_many
    ca_file: str | None = None  # extra CA bundle for servers with a private CA
    label: str = ""  # how results name the mailbox; default user@host:port/folder

    @property
    def name(self) -> str:
        return self.label or f"{self.username}@{self.host}:{self.port}/{self.folder}"


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


class PollError(Exception):
    """A failure of the whole poll, with a message fit for the tenant administrator."""


class _Watch:
    """Lets poll_many cut a poll's connection from outside: a blocked read then fails at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.aborted = False

    def register(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.aborted:
                self._shutdown(sock)

    def abort(self) -> None:
        with self._lock:
            self.aborted = True
            for sock in self._sockets:
                self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        # socket.socket.shutdown, not SSLSocket.shutdown: cut the file descriptor without a TLS exchange
        # (another thread is blocked reading it).
        with contextlib.suppress(OSError, ValueError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _IMAP4(imaplib.IMAP4):
    def __init__(self, host: str, port: int, timeout: float, watch: _Watch) -> None:
        self._watch = watch
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock: socket.socket = super()._create_socket(timeout)  # type: ignore[misc]  # private, not in typeshed
        self._watch.register(sock)
        return sock


class _IMAP4_SSL(imaplib.IMAP4_SSL):
    def __init__(self, host: str, port: int, timeout: float, ssl_context: ssl.SSLContext, watch: _Watch) -> None:
        self._watch = watch
        super().__init__(host, port, ssl_context=ssl_context, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock: socket.socket = super()._create_socket(timeout)  # type: ignore[misc]  # private, not in typeshed
        self._watch.register(sock)
        return sock


class _MailBox(BaseMailBox):
    def __init__(self, config: ImapConfig, watch: _Watch) -> None:
        self._config = config
        self._watch = watch
        super().__init__()

    def _get_mailbox_client(self) -> imaplib.IMAP4:
        cfg = self._config
        if cfg.ssl:
            return _IMAP4_SSL(cfg.host, cfg.port, cfg.timeout, _ssl_context(cfg), self._watch)
        client = _IMAP4(cfg.host, cfg.port, cfg.timeout, self._watch)
        if cfg.starttls:
            typ, data = client.starttls(_ssl_context(cfg))
            if typ != "OK":
                raise PollError(f"the server refused STARTTLS: {_text(data)}")
            self._watch.register(client.sock)  # the TLS socket replaces the plain one
        return client


def _ssl_context(cfg: ImapConfig) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cfg.ca_file)


def _text(data: Any) -> str:
    """Readable server text from imaplib response data (a list of bytes, usually)."""
    if isinstance(data, list | tuple):
        return " ".join(_text(d) for d in data if d is not None).strip()
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace").strip()
    return str(data).strip()


def _login(mailbox: _MailBox, cfg: ImapConfig) -> None:
    where = f"{cfg.username!r} at {cfg.host}:{cfg.port}"
    try:
        if cfg.auth == "xoauth2":
            mailbox.xoauth2(cfg.username, cfg.secret, initial_folder=None)
        elif cfg.username.isascii() and cfg.secret.isascii():
            mailbox.login(cfg.username, cfg.secret, initial_folder=None)
        else:  # LOGIN cannot carry non-ASCII; SASL PLAIN carries UTF-8
            mailbox.login_utf8(cfg.username, cfg.secret, initial_folder=None)
    except UnexpectedCommandStatusError as exc:
        hint = _auth_hint(cfg)
        raise PollError(f"login failed for {where}: {_text(exc.command_result[1])} ({hint})") from exc
    except imaplib.IMAP4.error as exc:  # imaplib.authenticate raises this on NO/BAD
        if isinstance(exc, imaplib.IMAP4.abort):
            raise
        raise PollError(f"login failed for {where}: {exc} ({_auth_hint(cfg)})") from exc


def _auth_hint(cfg: ImapConfig) -> str:
    if cfg.auth == "xoauth2":
        return "the OAuth2 access token was refused: expired, revoked, or missing the IMAP scope?"
    return "check the user name and password"


_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_SIZE_LINE = re.compile(rb"UID (\d+)[^)]*?RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+)[^)]*?UID (\d+)")


class _Session:
    """One connected, logged-in, folder-selected poll. Methods raise PollError or imaplib errors."""

    def __init__(self, mailbox: _MailBox, cfg: ImapConfig) -> None:
        self.mb = mailbox
        self.client: imaplib.IMAP4 = mailbox.client
        self.cfg = cfg
        self.capabilities: set[str] = set()
        self.keywords_allowed = True
        self.delimiter = "/"

    def learn_delimiter(self) -> None:
        # LIST "" "" answers with the hierarchy delimiter only, e.g. (\Noselect) "." "".
        typ, data = self.client.list('""', '""')
        if typ == "OK":
            m = re.search(rb'\) (?:"(.)"|NIL)', b" ".join(d for d in data if isinstance(d, bytes)))
            if m and m.group(1):
                self.delimiter = m.group(1).decode()

    def server_name(self, folder: str) -> bytes:
        return encode_folder(folder.replace("/", self.delimiter) if self.delimiter != "/" else folder)

    def refresh_capabilities(self) -> None:
        # The pre-login list is incomplete (no MOVE/UIDPLUS before authentication on most servers).
        typ, data = self.client.capability()
        if typ == "OK":
            self.capabilities = {c.upper() for c in _text(data).split()}

    def select(self) -> int:
        folder = self.cfg.folder
        try:
            typ, data = self.client.select(self.server_name(folder))  # type: ignore[arg-type]
        except imaplib.IMAP4.readonly as exc:
            raise PollError(f"folder {folder!r} is read-only for this user: processed mail cannot be marked") from exc
        if typ != "OK":
            raise PollError(f"folder {folder!r} cannot be opened: {_text(data)}")
        permanent = self.client.untagged_responses.get("PERMANENTFLAGS", [b""])
        # "\*" in PERMANENTFLAGS means we may create keywords such as $QuerelaDone.
        self.keywords_allowed = b"\\*" in b" ".join(p for p in permanent if isinstance(p, bytes))
        values = self.client.untagged_responses.get("UIDVALIDITY")
        if values and isinstance(values[-1], bytes) and values[-1].strip().isdigit():
            return int(values[-1])
        typ, data = self.client.status(self.server_name(folder), "(UIDVALIDITY)")  # type: ignore[arg-type]
        m = _UIDVALIDITY.search(b" ".join(d for d in data if isinstance(d, bytes))) if typ == "OK" else None
        if m is None:
            raise PollError(f"the server reports no UIDVALIDITY for folder {folder!r}")
        return int(m.group(1))

    def new_uids(self, after: int) -> list[int]:
        criteria = f"UID {after + 1}:*"
        if self.keywords_allowed:
            criteria += f" NOT KEYWORD {DONE_KEYWORD}"
        typ, data = self.client.uid("SEARCH", criteria)
        if typ != "OK":
            raise PollError(f"search failed: {_text(data)}")
        # "N:*" always includes the highest UID even when it is below N (RFC 3501 6.4.8): filter again.
        uids = {int(tok) for tok in _text(data).split() if tok.isdigit()}
        return sorted(u for u in uids if u > after)

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        out: dict[int, int] = {}
        for start in range(0, len(uids), 200):
            chunk = uids[start:start + 200]
            typ, data = self.client.uid("FETCH", ",".join(map(str, chunk)), "(UID RFC822.SIZE)")
            if typ != "OK":
                raise PollError(f"reading message sizes failed: {_text(data)}")
            for item in data:
                line = item[0] if isinstance(item, tuple) else item
                if not isinstance(line, bytes):
                    continue
                m = _SIZE_LINE.search(line)
                if m:
                    uid, size = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
                    out[int(uid)] = int(size)
        return out

    def fetch(self, uid: int) -> bytes | None:
        typ, data = self.client.uid("FETCH", str(uid), "(BODY.PEEK[])")
        if typ != "OK":
            raise PollError(f"fetching UID {uid} failed: {_text(data)}")
        for item in data:
            # The literal arrives as (b'7 (UID 12 BODY[] {1234}', b'<bytes>'); unsolicited FETCH FLAGS
            # updates for other messages may be mixed in and are skipped.
            if isinstance(item, tuple) and len(item) == 2 and b"BODY[]" in item[0]:
                m = re.search(rb"UID (\d+)", item[0])
                if m is None or int(m.group(1)) == uid:
                    return bytes(item[1])
        return None  # expunged meanwhile (by another client)

    def ensure_processed_folder(self) -> None:
        folder = self.server_name(self.cfg.processed_folder)
        typ, data = self.client.list('""', folder)  # type: ignore[arg-type]
        if typ == "OK" and any(d for d in data if d):
            return
        typ, data = self.client.create(folder)  # type: ignore[arg-type]
        if typ != "OK" and b"ALREADYEXISTS" not in b" ".join(d for d in data if isinstance(d, bytes)):
            raise PollError(f"processed folder {self.cfg.processed_folder!r} cannot be created: {_text(data)}")

    def mark(self, uid: int) -> None:
        flags = f"(\\Seen {DONE_KEYWORD})" if self.keywords_allowed else "(\\Seen)"
        if not self.cfg.processed_folder:
            typ, data = self.client.uid("STORE", str(uid), "+FLAGS.SILENT", flags)
            if typ != "OK":
                raise PollError(f"marking UID {uid} failed: {_text(data)}")
            return
        dest = self.server_name(self.cfg.processed_folder)
        if "MOVE" in self.capabilities:  # atomic (RFC 6851)
            typ, data = self.client.uid("MOVE", str(uid), dest)  # type: ignore[arg-type]
            if typ != "OK":
                raise PollError(f"moving UID {uid} to {self.cfg.processed_folder!r} failed: {_text(data)}")
            return
        typ, data = self.client.uid("COPY", str(uid), dest)  # type: ignore[arg-type]
        if typ != "OK":
            raise PollError(f"copying UID {uid} to {self.cfg.processed_folder!r} failed: {_text(data)}")
        # The keyword marks the original as done even if the expunge below is impossible or fails.
        typ, data = self.client.uid("STORE", str(uid), "+FLAGS.SILENT", flags[:-1] + " \\Deleted)")
        if typ != "OK":
            raise PollError(f"marking UID {uid} deleted after copying failed: {_text(data)}")
        if "UIDPLUS" in self.capabilities:  # expunge exactly this message, never someone else's \Deleted
            self.client.uid("EXPUNGE", str(uid))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.logout()


def _connect(cfg: ImapConfig, watch: _Watch) -> _Session:
    where = f"{cfg.host}:{cfg.port}"
    try:
        mailbox = _MailBox(cfg, watch)
    except PollError:
        raise
    except ssl.SSLError as exc:
        detail = getattr(exc, "verify_message", None) or exc.reason or str(exc)
        raise PollError(f"TLS with {where} failed: {detail}") from exc
    except TimeoutError as exc:
        raise PollError(f"no answer from {where} within {cfg.timeout:g} s") from exc
    except socket.gaierror as exc:
        raise PollError(f"cannot resolve host {cfg.host!r}: {exc.strerror or exc}") from exc
    except OSError as exc:
        raise PollError(f"cannot connect to {where}: {exc.strerror or exc}") from exc
    except imaplib.IMAP4.error as exc:
        raise PollError(f"{where} did not greet like an IMAP server: {exc}") from exc
    session = _Session(mailbox, cfg)
    try:
        _login(mailbox, cfg)
        session.refresh_capabilities()
        session.learn_delimiter()
    except BaseException:
        session.close()
        raise
    return session


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
            session, result, last_uid, store_raw, batch_size, max_message_bytes, advance_past_oversized,
            deadline, watch,
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
                job.config, state=job.state, store_raw=job.store_raw, batch_size=batch_size,
                max_message_bytes=max_message_bytes, advance_past_oversized=job.advance_past_oversized,
                deadline=deadline, _watch=watch,
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
            threading.Thread(
                target=work, args=(job, watch, deadline), name=f"imap-poll-{job.key}", daemon=True
            ).start()
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
