"""The optional virus scan: each accepted upload streamed to ClamAV's daemon over its socket.

Off unless `QUERELA["ANTIVIRUS"]` names a clamd: `clamd:/run/clamav/clamd.ctl` (its Unix socket, as
Debian's clamav-daemon sets it up) or `clamd:127.0.0.1:3310` (its TCP port). The file goes over clamd's
INSTREAM command — chunks each preceded by its length as four big-endian bytes, a zero length to end —
and clamd answers `stream: OK`, `stream: <virus> FOUND` or `… ERROR`. No file is written for it and no
library is needed.

A scan that cannot run (clamd stopped, too slow, the file over its StreamMaxLength) is a failure, not a
pass: the caller refuses the file saying so (see `uploads.check_upload`).
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import IO

CHUNK = 64 * 1024
_MAX_REPLY = 4096


@dataclass(frozen=True)
class Verdict:
    clean: bool
    virus: str = ""  # the signature's name, when one matched
    failure: str = ""  # why the scan could not run


def _connect(address: str, timeout: float) -> socket.socket:
    if not address.startswith("clamd:"):
        raise OSError(f"{address!r} is not a clamd address (clamd:/path/to/socket or clamd:host:port)")
    where = address.removeprefix("clamd:")
    if where.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(where)
        except OSError:
            sock.close()
            raise
        return sock
    host, _, port = where.rpartition(":")
    if not host or not port.isdigit():
        raise OSError(f"{address!r} is not a clamd address (clamd:/path/to/socket or clamd:host:port)")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0") and len(data) < _MAX_REPLY:
        chunk = sock.recv(_MAX_REPLY)
        if not chunk:
            break
        data += chunk
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def read_verdict(reply: str) -> Verdict:
    """`stream: OK` / `stream: Win.Test.EICAR_HDB-1 FOUND` / `INSTREAM size limit exceeded. ERROR`."""
    text = reply.removeprefix("stream:").strip()
    if text == "OK":
        return Verdict(clean=True)
    if text.endswith(" FOUND"):
        return Verdict(clean=False, virus=text.removesuffix(" FOUND").strip() or "?")
    return Verdict(clean=False, failure=reply or "no answer")


def scan(stream: IO[bytes], address: str, *, timeout: float = 30.0) -> Verdict:
    """The stream, from where it stands to its end, scanned by the clamd at `address`."""
    try:
        with _connect(address, timeout) as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                for chunk in iter(lambda: stream.read(CHUNK), b""):
                    sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                sock.sendall(struct.pack(">I", 0))
            except OSError:
                # clamd closes the connection when the file passes its StreamMaxLength, after saying so.
                reply = _reply(sock)
                if not reply:
                    raise
                return read_verdict(reply)
            return read_verdict(_reply(sock))
    except OSError as exc:
        return Verdict(clean=False, failure=str(exc) or type(exc).__name__)
