"""Messages shaped to make a parser slow: each builder makes one of about `size` bytes. Shared by the
adversarial tests (time grows linearly, memory bounded) and `make bench` (10 MB in well under a second)."""

from __future__ import annotations

import base64
from collections.abc import Callable


def _message(
    body: bytes, content_type: bytes = b"text/plain; charset=utf-8", encoding: bytes = b"7bit", extra: bytes = b""
) -> bytes:
    return (
        b"From: Sender <sender@example.hu>\r\nTo: titasz@complaints.querela.test\r\nSubject: s\r\n"
        b"Message-ID: <hostile@example.hu>\r\n"
        + extra
        + b"Content-Type: "
        + content_type
        + b"\r\nContent-Transfer-Encoding: "
        + encoding
        + b"\r\n\r\n"
        + body
    )


def _nested(size: int) -> bytes:
    opening = b"".join(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1) for i in range(99))
    return _message(opening + b"x" * size, b"multipart/mixed; boundary=b0")


def _many_parts(size: int) -> bytes:
    part = b"--p\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
    return _message(part * (size // len(part)) + b"--p--\r\n", b"multipart/mixed; boundary=p")


def _continuations(size: int) -> bytes:
    sections = b"".join(b";\r\n filename*%d*=%%41%%42" % i for i in range(size // 20))
    return _message(b"hi", extra=b"Content-Disposition: attachment" + sections + b"\r\n")


BUILDERS: dict[str, Callable[[int], bytes]] = {
    "quoted-printable blank run": lambda n: _message(b"a" + b" " * n + b"b\r\n", encoding=b"quoted-printable"),
    "quoted-printable tab run before '='": lambda n: _message(b"=" + b"\t" * n + b"x", encoding=b"quoted-printable"),
    "one long line": lambda n: _message(b"x" * n),
    "many short lines": lambda n: _message(b"a\n" * (n // 2)),
    "many headers": lambda n: b"X-A: b\r\n" * (n // 8) + _message(b"hi"),
    "one long header": lambda n: _message(b"hi", extra=b"X-Long: " + b"a " * (n // 2) + b"\r\n"),
    "many folded header lines": lambda n: _message(b"hi", extra=b"X-Fold: a\r\n" + b" b\r\n" * (n // 4)),
    "many encoded words": lambda n: _message(b"hi", extra=b"Subject: " + b"=?utf-8?q?a?= " * (n // 14) + b"\r\n"),
    "unclosed encoded words": lambda n: _message(b"hi", extra=b"Subject: " + b"=?utf-8?q?" * (n // 10) + b"\r\n"),
    "many addresses": lambda n: _message(b"hi", extra=b"Cc: " + b"<a@b.example>, " * (n // 15) + b"\r\n"),
    "unbalanced quotes and comments": lambda n: _message(b"hi", extra=b"To: " + b'"(<' * (n // 3) + b"\r\n"),
    "boundary lookalikes": lambda n: _message(
        b"--a\r\n" + b"x--a\n" * (n // 5) + b"--a--\r\n", b"multipart/mixed; boundary=a"
    ),
    "boundary lookalikes at line starts": lambda n: _message(
        b"--a\r\n\r\n" + b"--ab\n" * (n // 5) + b"--a--\r\n", b"multipart/mixed; boundary=a"
    ),
    "no boundary parameter": lambda n: _message(b"--q1\n" * (n // 5), b"multipart/mixed"),
    "no boundary, all different": lambda n: _message(
        b"".join(b"--t%07d\n" % i for i in range(n // 11)), b"multipart/mixed"
    ),
    "deep nesting around a large body": _nested,
    "many parts": _many_parts,
    "huge parameter continuations": _continuations,
    "html unclosed tags": lambda n: _message(b"<a" * (n // 2), b"text/html"),
    "html unclosed quotes": lambda n: _message(b'<a href="' + b"x'" * (n // 2), b"text/html"),
    "html entities": lambda n: _message(b"&amp;&#x41;&" * (n // 12), b"text/html"),
    "html unclosed style": lambda n: _message(b"<style>" + b"<style>x" * (n // 8), b"text/html"),
    "labels and identifiers": lambda n: _message(b"Customer ID " * (n // 12)),
    "label then a long blank run": lambda n: _message(b"Customer ID" + b" " * n + b"\r\n"),
    "reference lookalikes": lambda n: _message(b"ABCDE-2026-00000" * (n // 16)),
    "format=flowed soft breaks": lambda n: _message(b"> a \r\n" * (n // 6), b"text/plain; format=flowed; delsp=yes"),
    "base64 with junk": lambda n: _message(b"QUJD!@#$" * (n // 8), encoding=b"base64"),
    "8-bit text without a charset": lambda n: _message("Panasz számla ő".encode("cp1250") * (n // 15), b"text/plain"),
    "attachment in base64": lambda n: _message(
        base64.encodebytes(b"\x00\x01" * (n * 3 // 8)), b"application/pdf; name=a.pdf", b"base64"
    ),
}
