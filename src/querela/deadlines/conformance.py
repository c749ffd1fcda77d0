"""Worked deadline cases (JSON lines) run against the engine; `querela deadlines check FILE` prints the report.

A case names a preset (or carries a policy object), a receipt time, a kind and events; `expect`
lists due dates and, when the last event must be refused, its refusal code. Only keys present in
`expect` are checked. Events are replayed one by one through `apply_event`, exactly as the
complaint services record them, so a refused event leaves the due dates as they were.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .calendar import BusinessCalendar
from .engine import DeadlineRefused, Event, apply_event, compute
from .policies import PRESETS, Policy

Case = dict[str, Any]


@dataclass(frozen=True)
class CaseResult:
    id: str
    ok: bool
    expected: dict[str, Any]
    computed: dict[str, Any]


def _lines(path: str | Path) -> Iterator[tuple[int, Case | None, str]]:
    """(line number, case, "") for each case; (line number, None, why) for a line that is not one."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"not valid JSON ({exc.msg})"
            continue
        if not isinstance(case, dict):
            yield number, None, "a case must be a JSON object"
            continue
        case.setdefault("id", f"line-{number}")
        yield number, case, ""


def load_cases(path: str | Path) -> list[Case]:
    cases: list[Case] = []
    for number, case, problem in _lines(path):
        if case is None:
            raise ValueError(f"{path}:{number}: {problem}")
        cases.append(case)
    return cases


def _policy(spec: Any) -> Policy:
    if isinstance(spec, Mapping):
        return Policy.from_dict(spec)
    if spec not in PRESETS:
        raise ValueError(f"unknown policy {spec!r} (presets: {', '.join(PRESETS)})")
    return PRESETS[spec]


def compute_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """The case's due dates after replaying its events, and the last event's refusal code (or None)."""
    policy = _policy(case["policy"])
    calendar = BusinessCalendar(policy.country)
    tz = str(case.get("tz") or policy.timezone)
    received = datetime.fromisoformat(case["received"])
    kind = str(case.get("kind", "complaint"))
    events = [Event.from_dict(e) for e in case.get("events", [])]
    history: list[Event] = []
    error: str | None = None
    refused_earlier: list[str] = []
    for i, event in enumerate(events):
        try:
            apply_event(policy, calendar, tz, received, kind, history, event)
        except DeadlineRefused as refusal:
            if i == len(events) - 1:
                error = refusal.code
            else:
                refused_earlier.append(f"event {i + 1}: {refusal.code}")
            continue
        history.append(event)
    computed: dict[str, Any] = dict(compute(policy, calendar, tz, received, kind, history).as_expect())
    computed["error"] = error
    if refused_earlier:
        computed["refused_earlier"] = refused_earlier
    return computed


def run_case(case: Mapping[str, Any]) -> CaseResult:
    case_id = str(case.get("id", "?"))
    expected = dict(case.get("expect") or {})
    try:
        computed = compute_case(case)
    except (KeyError, TypeError, ValueError) as exc:
        problem = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        return CaseResult(case_id, False, expected, {"invalid case": problem})
    ok = all(computed.get(key) == value for key, value in expected.items())
    return CaseResult(case_id, ok, expected, computed)


def run_file(path: str | Path) -> list[CaseResult]:
    """Every line's result; a line that is not a JSON object fails on its own and the rest still run."""
    return [
        run_case(case) if case is not None else CaseResult(f"line-{number}", False, {}, {"invalid case": problem})
        for number, case, problem in _lines(path)
    ]


def format_report(results: Iterable[CaseResult]) -> str:
    results = list(results)
    lines: list[str] = []
    for r in results:
        if r.ok:
            continue
        lines.append(f"FAIL {r.id}")
        if "invalid case" in r.computed:
            lines.append(f"  invalid case: {r.computed['invalid case']}")
            continue
        for key, value in r.expected.items():
            got = r.computed.get(key)
            mark = "  " if got == value else "! "
            lines.append(f"  {mark}{key}: expected {_show(value)}, computed {_show(got)}")
        for note in r.computed.get("refused_earlier", []):
            lines.append(f"    refused earlier: {note}")
    failed = sum(1 for r in results if not r.ok)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)


def _show(value: Any) -> str:
    return "null" if value is None else str(value)
