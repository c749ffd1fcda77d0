"""Property-based: mutated and pathological messages never make the parser raise or stall."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from querela.intake.email.parse import ParsedEmail, parse_message

pytestmark = pytest.mark.pure

HERE = Path(__file__).resolve().parent
_SHARED = Path(os.environ.get("QUERELA_SHARED_DIR") or HERE.parents[1].parent / "shared") / "conformance" / "email"
SEEDS = [
    path.read_bytes()
    for folder in (_SHARED, HERE / "cases")
    if folder.is_dir()
    for path in sorted(folder.glob("*.eml"))
]
assert SEEDS, "no seed messages"

FUZZ = settings(
    max_examples=200,
    deadline=timedelta(seconds=1),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)
TOKENS = [
    b"\r\n",
    b"\n",
    b"\r\n\r\n",
    b"--",
    b"=?utf-8?B?",
    b"=?iso-8859-2?Q?=FB",
    b"?=",
    b"=\r\n",
    b"==",
    b"*0*=",
    b"''%",
    b'"',
    b"<",
    b">",
    b"&#",
    b"&amp",
    b";",
    b":",
    b" ",
    b"\t",
    b"\x00",
    b"\xc3",
    b"\xff",
    b"Content-Type: multipart/mixed; boundary=",
    b"Content-Transfer-Encoding: base64\r\n",
    b"charset=x-unknown",
    b"format=flowed; delsp=yes",
    b"message/rfc822",
    b"OPT-2026-000042",
]
_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)', re.IGNORECASE)


def check(parsed: ParsedEmail) -> None:
    data = parsed.to_json_dict()
    json.dumps(data, ensure_ascii=False)
    assert isinstance(parsed.text, str) and all(isinstance(d, str) for d in parsed.defects)
    for attachment in parsed.attachments + parsed.unnamed_parts:
        assert attachment.size == len(attachment.payload)
        assert attachment.sha256 == hashlib.sha256(attachment.payload).hexdigest()
    assert set(parsed.identifiers) == {"customer_id", "meter_serial"}


seeds = st.sampled_from(SEEDS)


@st.composite
def flipped(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(seeds))
    for _ in range(draw(st.integers(1, 30))):
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    return bytes(raw)


@st.composite
def truncated(draw: st.DrawFn) -> bytes:
    raw = draw(seeds)
    start = draw(st.integers(0, len(raw)))
    return raw[: draw(st.integers(0, len(raw)))] if draw(st.booleans()) else raw[start:]


@st.composite
def reshuffled_headers(draw: st.DrawFn) -> bytes:
    raw = draw(seeds)
    split = re.search(rb"\r?\n\r?\n", raw)
    head, body = (raw[: split.start()], raw[split.start() :]) if split else (raw, b"")
    lines = head.splitlines(keepends=True)
    out: list[bytes] = []
    for line in lines:
        action = draw(st.sampled_from(["keep", "keep", "drop", "twice", "lower", "unfold"]))
        if action == "drop":
            continue
        if action == "twice":
            out += [line, line]
        elif action == "lower":
            out.append(line.lower())
        elif action == "unfold":
            out.append(line.rstrip(b"\r\n") + b" ")
        else:
            out.append(line)
    return b"".join(out) + body


@st.composite
def broken_boundaries(draw: st.DrawFn) -> bytes:
    raw = draw(seeds)
    junk = draw(st.binary(min_size=0, max_size=12))
    match = _BOUNDARY.search(raw)
    choice = draw(st.sampled_from(["param", "lines", "close", "insert"]))
    if match and choice == "param":
        return raw[: match.start(1)] + junk + raw[match.end(1) :]
    if match and choice == "lines":
        return raw.replace(b"--" + match.group(1), b"--" + junk, draw(st.integers(1, 5)))
    if match and choice == "close":
        return raw.replace(b"--" + match.group(1) + b"--", b"")
    at = draw(st.integers(0, len(raw)))
    return raw[:at] + b"\r\n--" + (match.group(1) if match else junk) + draw(st.sampled_from([b"", b"--"])) + raw[at:]


@st.composite
def spliced(draw: st.DrawFn) -> bytes:
    raw = draw(seeds)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(raw)))
        piece = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=64)))
        raw = raw[:at] + piece * draw(st.integers(1, 50)) + raw[at:]
    return raw


@FUZZ
@given(flipped())
def test_byte_flips(raw: bytes) -> None:
    check(parse_message(raw))


@FUZZ
@given(truncated())
def test_truncation(raw: bytes) -> None:
    check(parse_message(raw))


@FUZZ
@given(reshuffled_headers())
def test_header_deletion_and_duplication(raw: bytes) -> None:
    check(parse_message(raw))


@FUZZ
@given(broken_boundaries())
def test_random_boundaries(raw: bytes) -> None:
    check(parse_message(raw))


@FUZZ
@given(spliced())
def test_spliced_tokens(raw: bytes) -> None:
    check(parse_message(raw))


def _nested(depth: int) -> bytes:
    head = b"".join(b'Content-Type: multipart/mixed; boundary="n%d"\r\n\r\n--n%d\r\n' % (i, i) for i in range(depth))
    return b"From: a@b.c\r\n" + head + b"\r\ndeep\r\n"


MIXED = b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
PATHOLOGICAL = {
    "encoded-word starts": b"Subject: " + b"=?" * 100_000 + b"\r\n\r\nx",
    "adjacent encoded words": b"Subject: " + b"=?utf-8?B?w6E=?= " * 30_000 + b"\r\n\r\nx",
    "unclosed tags": b"Content-Type: text/html\r\n\r\n" + b"<a" * 200_000,
    "unclosed titles": b"Content-Type: text/html\r\n\r\n" + b"<title>" * 100_000,
    "unbalanced quotes": b"Content-Type: text/html\r\n\r\n" + b"<a b='>" * 100_000,
    "entities": b"Content-Type: text/html\r\n\r\n" + b"&#" * 300_000,
    "deep nesting": _nested(2_000),
    "many parts": MIXED + b"--b\r\n\r\nx\r\n" * 20_000,
    "many boundary lookalikes": MIXED + b"--bb\r\n--b \t x\r\n" * 50_000,
    "many header lines": b"X-A: 1\r\n" * 50_000 + b"\r\nbody",
    "long folded header": b"Subject: a\r\n" + b" \r\n" * 100_000 + b"\r\nbody",
    "spaces in parameters": b"Content-Type: text/plain; charset=" + b" " * 200_000 + b"x\r\n\r\nbody",
    "label spam": b"\r\n" + b"Customer ID Customer ID Customer ID " * 20_000,
    "reference lookalikes": b"\r\n" + b"ABCDE-2026-00000" * 50_000,
    "rfc2231 sections": b"Content-Type: text/plain; "
    + b"".join(b"name*%d*=%%41;" % i for i in range(5_000))
    + b"\r\n\r\nx",
    "flowed soft lines": b"Content-Type: text/plain; format=flowed\r\n\r\n" + b"> a \r\n" * 100_000,
    "address punctuation": b"From: " + b'"(<,' * 50_000 + b"\r\n\r\nx",
}


@settings(max_examples=len(PATHOLOGICAL) * 3, deadline=timedelta(seconds=3), suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(PATHOLOGICAL)))
def test_pathological_inputs_parse_quickly(name: str) -> None:
    parsed = parse_message(PATHOLOGICAL[name])
    check(parsed)


@settings(max_examples=20, deadline=timedelta(seconds=3), suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from([b"Customer ID", b"Re", b"Serial number no.", b"=?utf-8?Q?", b"<a b=", b"--", b"OPT-2026-"]),
    st.sampled_from([b" ", b"\t", b"-", b"=", b">"]),
)
def test_long_runs_after_a_prefix(prefix: bytes, filler: bytes) -> None:
    # Regexes with adjacent optional runs backtrack quadratically on exactly this shape.
    body = b"\r\n" + prefix + filler * 300_000 + b"."
    check(parse_message(b"Subject: " + prefix + filler * 60_000 + b"x" + body))
    check(parse_message(b"Content-Type: text/html\r\n" + body))
