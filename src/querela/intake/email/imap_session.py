"""One IMAP connection for the poller: TLS or plain, password or XOAUTH2 login, folder selection, UID
search and fetch, marking done (keyword or move); every socket registered so a poll past its time can be
cut off. Transport only; no Django here."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import socket
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from imap_tools import BaseMailBox
from imap_tools.errors import UnexpectedCommandStatusError
from imap_tools.utils import encode_folder

log = logging.getLogger(__name__)

DONE_KEYWORD = "$QuerelaDone"
AuthMethod = Literal["password", "xoauth2"]
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_SIZE_LINE = re.compile(rb"UID (\d+)[^)]*?RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+)[^)]*?UID (\d+)")


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
        uids = {int(tok) for tok in _text(data).split() if tok.isascii() and tok.isdigit()}
        return sorted(u for u in uids if u > after)

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        out: dict[int, int] = {}
        for start in range(0, len(uids), 200):
            chunk = uids[start : start + 200]
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
