"""Whether a mail's From can be believed: the receiving MTA's Authentication-Results (RFC 8601), trusted
only when written by one of our own MTAs, aligned with the From domain (DMARC's rule).

Anyone can write any From header. A mail whose sender is not verified is kept and shown, but it can't
change a complaint's state by itself (see registration); the other proof, a reply that quotes one of our
random outbound Message-IDs, is checked where threading is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_RESULT = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*([a-z]+)\b([^;]*)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b(header\.from|header\.d|header\.i|smtp\.mailfrom|smtp\.from)\s*=\s*([^\s;()]+)", re.I)


def _domain(value: str) -> str:
    return value.rsplit("@", 1)[-1].strip().strip(".").lower()


def _aligned(from_domain: str, other: str) -> bool:
    """Relaxed alignment: the same domain, or one a subdomain of the other (mail.example.hu ~ example.hu)."""
    if not other:
        return False
    return from_domain == other or from_domain.endswith("." + other) or other.endswith("." + from_domain)


def _strip_comments(value: str) -> str:
    out: list[str] = []
    depth = 0
    for ch in value:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def verified_by_mta(from_address: str | None, results: Iterable[str], trusted_ids: Iterable[str]) -> str:
    """The method that authenticated the From domain ("dmarc", "dkim", "spf"), or "" when none did."""
    if not from_address or "@" not in from_address:
        return ""
    trusted = {t.strip().lower() for t in trusted_ids if t.strip()}
    if not trusted:
        return ""
    from_domain = _domain(from_address)
    for header in results:
        text = _strip_comments(header)[:8192]
        authserv, _, rest = text.partition(";")
        ident = authserv.split()
        if not ident or ident[0].lower() not in trusted:
            continue  # written by somebody else's server, or forged by the sender: ignored
        # Only the topmost result of our own MTA counts (headers are read top first): one the sender
        # wrote further down with our authserv-id, hoping the MTA keeps it (RFC 8601 5 says it must
        # not), is never consulted.
        return _verdict(from_domain, rest)
    return ""


def _verdict(from_domain: str, rest: str) -> str:
    """DMARC's pass for the From domain, or a DKIM/SPF pass aligned with it (relaxed alignment)."""
    for method, result, props in _RESULT.findall(rest):
        if result.lower() != "pass":
            continue
        values = {k.lower(): _domain(v) for k, v in _PROPERTY.findall(props)}
        method = method.lower()
        if method == "dmarc" and values.get("header.from", from_domain) == from_domain:
            return "dmarc"
        if method == "dkim" and _aligned(from_domain, values.get("header.d") or values.get("header.i", "")):
            return "dkim"
        if method == "spf" and _aligned(from_domain, values.get("smtp.mailfrom") or values.get("smtp.from", "")):
            return "spf"
    return ""
