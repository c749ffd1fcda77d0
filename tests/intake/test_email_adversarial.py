"""Mail an attacker can send: every step of parsing is linear in the message's size, memory stays a small
multiple of it, and anything beyond the hard cap is kept for a person instead of being worked on.

Timings compare the same parse at two sizes on the same machine (a quadratic step makes 8× the input cost
64× the time), so the assertion holds on a slow or busy machine; absolute speed is in `make bench`."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from querela.intake.email import parse
from querela.intake.email.parse import parse_message
from tests.support.hostile_mail import BUILDERS

pytestmark = pytest.mark.pure

SMALL = 256 * 1024
LARGE = 8 * SMALL


def _seconds(raw: bytes) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        parse_message(raw)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("shape", sorted(BUILDERS))
def test_parse_time_grows_linearly(shape: str) -> None:
    small, large = BUILDERS[shape](SMALL), BUILDERS[shape](LARGE)
    t_small, t_large = _seconds(small), _seconds(large)
    ratio = len(large) / len(small)
    # Linear: about `ratio` times the time. Allow 3× for caches and noise, plus 50 ms for timer jitter
    # on a fast shape; a quadratic step would need 8× more than that.
    assert t_large <= 3 * ratio * t_small + 0.05, f"{shape}: {t_small * 1000:.1f} ms → {t_large * 1000:.1f} ms"


@pytest.mark.parametrize("shape", sorted(BUILDERS))
def test_memory_is_a_small_multiple_of_the_message(shape: str) -> None:
    raw = BUILDERS[shape](LARGE)
    tracemalloc.start()
    try:
        parse_message(raw)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 20 * len(raw) + (1 << 20), f"{shape}: peak {peak} bytes for a {len(raw)}-byte message"


def test_a_message_over_the_cap_is_not_worked_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "MAX_MESSAGE_BYTES", 1 << 20)
    raw = BUILDERS["quoted-printable blank run"](2 << 20)
    parsed = parse_message(raw)
    assert parsed.oversize
    assert parsed.from_address == "sender@example.hu" and parsed.mailbox == "titasz@complaints.querela.test"
    assert parsed.text == "" and parsed.attachments == []
    assert any("larger than" in d for d in parsed.defects)


def test_the_real_cap_matches_the_transports() -> None:
    from querela.intake.email.imap_poll import DEFAULT_MAX_MESSAGE_BYTES

    assert parse.MAX_MESSAGE_BYTES == DEFAULT_MAX_MESSAGE_BYTES


def test_deep_nesting_beyond_the_scan_budget_is_reported_not_followed() -> None:
    parsed = parse_message(BUILDERS["deep nesting around a large body"](LARGE))
    assert any("not descended into" in d for d in parsed.defects)


def test_what_survives_the_caps_is_still_read() -> None:
    parsed = parse_message(BUILDERS["many parts"](LARGE))
    assert parsed.text.startswith("hello")
    assert any("more than 500 MIME parts" in d for d in parsed.defects)
    labels = parse_message(BUILDERS["labels and identifiers"](LARGE))
    assert labels.identifiers == {"customer_id": [], "meter_serial": []}
