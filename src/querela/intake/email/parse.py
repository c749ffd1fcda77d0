"""The one e-mail parser every intake path uses: raw bytes in, a ParsedEmail out. Pure; never raises."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from ._addresses import parse_addresses
from ._body import is_attachment, is_body_leaf, read_body
from ._charset import decode_words, region
from ._headers import HeaderBlock, message_ids, parse_header_block, parse_structured
from ._mime import Part, parse_tree, payload
from .identifiers import find_identifiers, find_references

DEFAULT_MAILBOX_DOMAIN = "complaints.querela.test"
MAX_DEFECTS = 50
# Beyond this a message is not worked on: its headers are read (to route and show it) and it is kept raw
# for a person. The SMTP server and the IMAP poller refuse larger ones before they are stored.
MAX_MESSAGE_BYTES = 40 * 1024 * 1024
OVERSIZE_HEADER_BYTES = 256 * 1024
MAX_ID_CHARS = 255
# PostgreSQL refuses NUL in text and lone surrogates are not UTF-8: replaced, so the same message reads
# the same on SQLite and PostgreSQL (the raw bytes keep what was sent).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_ID_JUNK = re.compile(r"[\x00-\x20\x7f\ud800-\udfff]")
# Delivery headers name the address the mail actually reached, so they outrank To/Cc.
_RECIPIENT_HEADERS = ("delivered-to", "x-original-to", "to", "cc")
_AUTO_PRECEDENCE = frozenset({"bulk", "junk", "auto_reply"})

T = TypeVar("T")


@dataclass
class ParsedAttachment:
    filename: str | None
    content_type: str
    size: int
    sha256: str
    payload: bytes = field(repr=False)
    content_id: str | None = None
    inline: bool = False

    def to_json_dict(self) -> dict[str, Any]:
        return {"filename": self.filename, "content_type": self.content_type, "size": self.size, "sha256": self.sha256}


@dataclass
class ParsedEmail:
    message_id: str | None = None
    mailbox: str | None = None
    recipients: list[str] = field(default_factory=list)
    from_address: str | None = None
    from_name: str | None = None
    subject: str | None = None
    text: str = ""
    html: str | None = None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    # Nameless non-body leaves (a DSN's delivery-status, a nameless image): not attachments by the
    # conformance rules, but kept so nothing the sender sent is lost.
    unnamed_parts: list[ParsedAttachment] = field(default_factory=list)
    auto_submitted: bool = False
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    complaint_refs: list[str] = field(default_factory=list)
    identifiers: dict[str, list[str]] = field(default_factory=lambda: {"customer_id": [], "meter_serial": []})
    date: datetime | None = None
    defects: list[str] = field(default_factory=list)
    # Why the sender can't be read with confidence (no From, two From headers, several addresses, a
    # name and an address without brackets…): then a person decides and nothing is sent automatically.
    sender_doubt: str | None = None
    # RFC 3834 / list mail: never answered automatically, though it may still be a complaint.
    from_list: bool = False
    # Authentication-Results header values, topmost first (RFC 8601): trusted only from our own MTA.
    authentication_results: list[str] = field(default_factory=list)
    oversize: bool = False

    def to_json_dict(self) -> dict[str, Any]:
        """The shape printed by `querela intake parse FILE.eml --json`."""
        return {
            "message_id": self.message_id,
            "mailbox": self.mailbox,
            # The conformance format compares addresses lower-case; the address as written is kept too.
            "from_address": self.from_address.lower() if self.from_address else self.from_address,
            "from_address_as_written": self.from_address,
            "from_name": self.from_name,
            "sender_doubt": self.sender_doubt,
            "subject": self.subject,
            "text": self.text,
            "attachments": [a.to_json_dict() for a in self.attachments],
            "auto_submitted": self.auto_submitted,
            "in_reply_to": self.in_reply_to,
            "references": list(self.references),
            "complaint_refs": list(self.complaint_refs),
            "identifiers": {k: list(v) for k, v in self.identifiers.items()},
            "defects": list(self.defects),
            "oversize": self.oversize,
        }


def _first_token(value: str) -> str:
    return value.split(";", 1)[0].split("(", 1)[0].strip().lower()


def is_auto_submitted(headers: HeaderBlock, defects: list[str]) -> bool:
    """README / RFC 3834 rule set; see the conformance README for the exact list."""
    if any(_first_token(v) != "no" for v in headers.get_all("auto-submitted")):
        return True
    if headers.has("x-autoreply") or headers.has("x-autorespond"):
        return True
    precedence = {_first_token(v) for v in headers.get_all("precedence")}
    if precedence & _AUTO_PRECEDENCE or ("list" in precedence and headers.has("list-id")):
        return True
    content_type, params = parse_structured(headers.get("content-type") or "", defects)
    return content_type == "multipart/report" and params.get("report-type", "").strip().lower() == "delivery-status"


def _header_text(headers: HeaderBlock, name: str, defects: list[str]) -> str | None:
    value = headers.get(name)
    if value is None:
        return None
    return unicodedata.normalize("NFC", decode_words(value, defects)).strip()


def _recipients(headers: HeaderBlock, domain: str, defects: list[str]) -> tuple[str | None, list[str]]:
    found: dict[str, list[str]] = {name: [] for name in _RECIPIENT_HEADERS}
    for name in _RECIPIENT_HEADERS:
        for value in headers.get_all(name):
            found[name] += [a.address for a in parse_addresses(value, defects) if a.address and "@" in a.address]
    suffix = "@" + domain.lower().strip(".")
    # The tenant mailbox is a routing key: compared and returned lower-case.
    mailbox = next(
        (
            addr.lower().rstrip(".")
            for name in _RECIPIENT_HEADERS
            for addr in found[name]
            if addr.lower().rstrip(".").endswith(suffix)
        ),
        None,
    )
    ordered = [addr for name in ("to", "cc", "delivered-to", "x-original-to") for addr in found[name]]
    return mailbox, list(dict.fromkeys(ordered))


def _sender(email: ParsedEmail, headers: HeaderBlock, defects: list[str]) -> None:
    values = headers.get_all("from")
    doubts: list[str] = []
    if not values:
        defects.append("missing From header")
        doubts.append("no From header")
        values = headers.get_all("sender")
    elif len(values) > 1:
        doubts.append("two From headers")
    addresses = [a for a in parse_addresses(values[0], defects) if a.address or a.name] if values else []
    with_address = [a for a in addresses if a.address]
    if values and not with_address:
        defects.append("From header has no address")
        doubts.append("no address in From")
    if len(with_address) > 1:
        doubts.append("several addresses in From")
    chosen = with_address[0] if with_address else (addresses[0] if addresses else None)
    if chosen is not None:
        email.from_address = chosen.address
        email.from_name = chosen.name
        if chosen.doubt:
            doubts.append(chosen.doubt)
        if chosen.address and "@" not in chosen.address:
            doubts.append("no @ in the address")
    email.sender_doubt = "; ".join(dict.fromkeys(doubts)) or None


def _from_list(headers: HeaderBlock) -> bool:
    """Mailing-list or bulk mail (RFC 2369/2919, RFC 3834 3.1.3): no automatic answer goes back to it."""
    precedence = {_first_token(v) for v in headers.get_all("precedence")}
    if precedence & {"list", "bulk", "junk"}:
        return True
    return any(headers.has(name) for name in ("list-id", "list-unsubscribe", "list-post", "list-help"))


def _date(headers: HeaderBlock, defects: list[str]) -> datetime | None:
    value = headers.get("date")
    if value is None:
        defects.append("missing Date header")
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is None:
        defects.append(f"unreadable Date header {value[:60]!r}")
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _attachment(raw: bytes, part: Part, defects: list[str]) -> ParsedAttachment:
    data = payload(raw, part, defects)
    if not data:
        defects.append(f"{part.where} ({part.content_type}) is empty")
    content_ids = message_ids(part.headers.get("content-id"))
    return ParsedAttachment(
        filename=unicodedata.normalize("NFC", part.filename) if part.filename else None,
        content_type=part.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        payload=data,
        content_id=content_ids[0] if content_ids else None,
        inline=part.disposition == "inline",
    )


def _parts(email: ParsedEmail, raw: bytes, root: Part, defects: list[str]) -> None:
    for part in root.walk():
        if part.children:
            continue
        if is_attachment(part):
            email.attachments.append(_attachment(raw, part, defects))
        elif not is_body_leaf(part):
            email.unnamed_parts.append(_attachment(raw, part, defects))


def _safely(defects: list[str], what: str, step: Callable[[], T], default: T) -> T:
    # One broken aspect of a message must not cost the others: each step fails on its own.
    try:
        return step()
    except Exception as exc:  # the parser's contract is to never raise
        defects.append(f"could not read {what}: {type(exc).__name__}")
        return default


_FROM_TLD = re.compile(rb"^from:[^\n]{0,400}?@[A-Za-z0-9.-]{1,200}\.([A-Za-z]{2})(?![A-Za-z0-9.-])", re.I | re.M)


def _region_hint(raw: bytes, country: str | None) -> str | None:
    """The sender's ccTLD, else the supplier's country: what legacy 8-bit text most likely is."""
    found = _FROM_TLD.search(raw, 0, min(len(raw), 64 * 1024))
    return found.group(1).decode("ascii").lower() if found else country


def parse_message(raw: bytes, mailbox_domain: str = DEFAULT_MAILBOX_DOMAIN, country: str | None = None) -> ParsedEmail:
    """Everything Querela reads from one raw RFC 5322 message (CRLF or LF line endings).

    `country` (the supplier's, ISO 3166 alpha-2) helps read legacy 8-bit text that names no charset."""
    if not isinstance(raw, bytes):
        # bytearray/memoryview from a socket, or a str from a careless caller: read it rather than fail.
        raw = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else bytes(raw)
    with region(_region_hint(raw, country)):
        return _parse(raw, mailbox_domain)


def _parse(raw: bytes, mailbox_domain: str) -> ParsedEmail:
    email = ParsedEmail()
    defects: list[str] = []
    if not raw.strip():
        defects.append("empty message")
    if len(raw) > MAX_MESSAGE_BYTES:
        _oversize(email, raw, mailbox_domain, defects)
    else:
        root = _safely(defects, "the MIME structure", lambda: parse_tree(raw, defects), None)
        if root is not None:
            _fill(email, raw, root, mailbox_domain, defects)
    _storable(email)
    seen = list(dict.fromkeys(defects))
    overflow = [f"... and {len(seen) - MAX_DEFECTS} more"] if len(seen) > MAX_DEFECTS else []
    email.defects = seen[:MAX_DEFECTS] + overflow
    return email


def _oversize(email: ParsedEmail, raw: bytes, domain: str, defects: list[str]) -> None:
    """Too large to work on: the headers say who sent it and where to; the rest stays in the raw mail."""
    email.oversize = True
    defects.append(f"message of {len(raw)} bytes is larger than the {MAX_MESSAGE_BYTES}-byte limit; kept, not read")
    headers, _body = parse_header_block(raw, 0, min(len(raw), OVERSIZE_HEADER_BYTES), defects, "the message")
    _headers(email, headers, domain, defects)


def _storable_text(value: str | None) -> str | None:
    return _UNSTORABLE.sub("\ufffd", value) if value else value


def storable_id(value: str | None) -> str | None:
    """Message ids are ASCII without blanks; NULs and controls dropped, and one too long to store is
    shortened with a digest of the whole so two long ids never end up equal."""
    if not value:
        return value
    value = _ID_JUNK.sub("", value)
    if len(value) > MAX_ID_CHARS:
        digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]
        value = f"{value[: MAX_ID_CHARS - 40]}…sha256:{digest}"
    return value or None


def _storable(email: ParsedEmail) -> None:
    email.message_id = storable_id(email.message_id)
    email.in_reply_to = storable_id(email.in_reply_to)
    email.references = [r for r in (storable_id(r) for r in email.references) if r]
    email.from_address = _storable_text(email.from_address)
    email.from_name = _storable_text(email.from_name)
    email.subject = _storable_text(email.subject)
    email.text = _storable_text(email.text) or ""
    email.html = _storable_text(email.html)
    email.recipients = [r for r in (_storable_text(r) for r in email.recipients) if r]
    for attachment in email.attachments + email.unnamed_parts:
        attachment.filename = _storable_text(attachment.filename)


def _headers(email: ParsedEmail, headers: HeaderBlock, domain: str, defects: list[str]) -> None:
    """Everything read from the top-level header block."""
    ids: list[str] = _safely(defects, "the Message-ID", lambda: message_ids(headers.get("message-id")), [])
    email.message_id = ids[0] if ids else None
    if email.message_id is None:
        defects.append("missing Message-ID header")
    nobody: tuple[str | None, list[str]] = (None, [])
    recipients = _safely(defects, "the recipients", lambda: _recipients(headers, domain, defects), nobody)
    email.mailbox, email.recipients = recipients
    _safely(defects, "the sender", lambda: _sender(email, headers, defects), None)
    email.subject = _safely(defects, "the subject", lambda: _header_text(headers, "subject", defects), None)
    email.date = _safely(defects, "the date", lambda: _date(headers, defects), None)
    replied: list[str] = _safely(defects, "In-Reply-To", lambda: message_ids(headers.get("in-reply-to")), [])
    email.in_reply_to = replied[0] if replied else None
    refs: list[str] = _safely(
        defects, "References", lambda: [i for v in headers.get_all("references") for i in message_ids(v)], []
    )
    email.references = list(dict.fromkeys(refs))[:200]
    email.auto_submitted = _safely(defects, "auto-reply headers", lambda: is_auto_submitted(headers, defects), False)
    email.from_list = _safely(defects, "list headers", lambda: _from_list(headers), False)
    email.authentication_results = headers.get_all("authentication-results")[:20]


def _fill(email: ParsedEmail, raw: bytes, root: Part, domain: str, defects: list[str]) -> None:
    headers = root.headers
    _headers(email, headers, domain, defects)
    body = _safely(defects, "the body text", lambda: read_body(raw, root, defects), None)
    if body is not None:
        email.text, email.html = body.text, body.html
    _safely(defects, "the attachments", lambda: _parts(email, raw, root, defects), None)
    subject = email.subject or ""
    email.complaint_refs = _safely(defects, "reference numbers", lambda: find_references(subject, email.text), [])
    email.identifiers = _safely(
        defects, "identifiers", lambda: find_identifiers(subject, email.text), {"customer_id": [], "meter_serial": []}
    )
