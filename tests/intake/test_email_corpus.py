"""The real-world corpus (../shared/corpus/email-realworld/): every message, its truncations and byte
flips parse without an exception into a usable result; where we wrote down what a careful reader of the
raw message says (tests/intake/corpus/expectations/), the parser says the same."""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path

import pytest

from querela.intake.email.conformance import check_case, format_report
from querela.intake.email.parse import ParsedEmail, parse_message

pytestmark = pytest.mark.pure

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("QUERELA_SHARED_DIR") or HERE.parents[1].parent / "shared")
CORPUS = SHARED / "corpus" / "email-realworld"
EXPECTATIONS = HERE / "corpus" / "expectations"
MESSAGES = sorted(CORPUS.rglob("*.eml")) if CORPUS.is_dir() else []
if os.environ.get("CI") == "true":
    assert MESSAGES, f"the e-mail corpus is missing from {CORPUS}"


def _name(path: Path) -> str:
    return str(path.relative_to(CORPUS)).removesuffix(".eml")


def _usable(parsed: ParsedEmail) -> None:
    json.dumps(parsed.to_json_dict(), ensure_ascii=False)
    assert isinstance(parsed.text, str)
    for attachment in parsed.attachments + parsed.unnamed_parts:
        assert attachment.size == len(attachment.payload)
        assert attachment.sha256 == hashlib.sha256(attachment.payload).hexdigest()
    for value in (parsed.subject, parsed.from_address, parsed.from_name, parsed.text, parsed.message_id):
        if value is not None:
            assert "\x00" not in value
            value.encode("utf-8")  # storable: no lone surrogates


@pytest.mark.parametrize("path", MESSAGES, ids=[_name(p) for p in MESSAGES])
def test_every_message_reads(path: Path) -> None:
    raw = path.read_bytes()
    parsed = parse_message(raw)
    _usable(parsed)
    if b"\nFrom:" in raw or raw.startswith(b"From:"):
        assert parsed.from_address or parsed.from_name or parsed.sender_doubt, "a From header was lost"


@pytest.mark.parametrize("path", MESSAGES, ids=[_name(p) for p in MESSAGES])
def test_truncations_and_byte_flips_read(path: Path) -> None:
    raw = path.read_bytes()
    rng = random.Random(path.name)  # the same variants every run
    cuts = sorted({len(raw) * k // 16 for k in range(1, 16)} | {rng.randrange(len(raw) or 1) for _ in range(8)})
    for cut in cuts:
        _usable(parse_message(raw[:cut]))
    for _ in range(16):
        flipped = bytearray(raw)
        for _ in range(rng.randint(1, 4)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        _usable(parse_message(bytes(flipped)))


EXPECTED = sorted(EXPECTATIONS.rglob("*.expect.json"))


@pytest.mark.parametrize(
    "expectation", EXPECTED, ids=[str(p.relative_to(EXPECTATIONS)).removesuffix(".expect.json") for p in EXPECTED]
)
def test_careful_reader_expectations(expectation: Path) -> None:
    relative = expectation.relative_to(EXPECTATIONS)
    eml = CORPUS / "mikel-mail" / relative.parent / (relative.name.removesuffix(".expect.json") + ".eml")
    if not eml.is_file():
        pytest.skip(f"{eml} is not in the shared corpus here")
    result = check_case(eml, expectation)
    assert result.ok, format_report([result])


def test_expectations_cover_the_corpus() -> None:
    written = {str(p.relative_to(EXPECTATIONS)).removesuffix(".expect.json") for p in EXPECTED}
    missing = [n for n in (_name(p).removeprefix("mikel-mail/") for p in MESSAGES) if n not in written]
    assert not missing, f"corpus messages without a written expectation: {missing}"
