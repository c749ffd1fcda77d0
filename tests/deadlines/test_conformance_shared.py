"""Every worked case in the shared conformance file (and in $QUERELA_SHARED_DIR when set) must pass."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from querela.deadlines.conformance import CaseResult, format_report, load_cases, run_case, run_file


def _shared_file() -> Path:
    base = os.environ.get("QUERELA_SHARED_DIR")
    root = Path(base) if base else Path(__file__).resolve().parents[2].parent / "shared"
    return root / "conformance" / "deadlines.jsonl"


SHARED = _shared_file()
CASES = load_cases(SHARED) if SHARED.exists() else []


def test_shared_file_present_and_not_empty() -> None:
    assert SHARED.exists(), f"missing {SHARED}"
    assert CASES


@pytest.mark.parametrize("case", CASES, ids=[str(c["id"]) for c in CASES])
def test_case(case: dict[str, object]) -> None:
    result = run_case(case)
    assert result.ok, format_report([result])


def test_report_ends_with_totals() -> None:
    report = format_report(run_file(SHARED))
    assert report.splitlines()[-1] == f"{len(CASES)} passed, 0 failed"


def test_report_lists_expected_and_computed_for_failures() -> None:
    bad = CaseResult("x-1", False, {"answer_due": "2026-01-01"}, {"answer_due": "2026-01-02", "error": None})
    good = CaseResult("x-2", True, {}, {})
    lines = format_report([bad, good]).splitlines()
    assert lines[0] == "FAIL x-1"
    assert "expected 2026-01-01, computed 2026-01-02" in lines[1]
    assert lines[-1] == "1 passed, 1 failed"


def test_malformed_case_fails_with_reason(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text('{"id": "nope", "policy": "xx-none", "received": "2026-01-01T10:00:00+01:00", "expect": {}}\n\n')
    results = run_file(path)
    assert [r.ok for r in results] == [False]
    assert "unknown policy" in format_report(results)


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text('{"id": "a"}\n{oops\n')
    with pytest.raises(ValueError, match=r":2: not valid JSON"):
        load_cases(path)


def test_a_bad_line_fails_alone_and_the_report_still_ends_with_totals(tmp_path: Path) -> None:
    good = next(c for c in CASES if not c["events"])
    path = tmp_path / "cases.jsonl"
    path.write_text("{oops\n" + json.dumps(good) + "\n[1]\n")
    report = format_report(run_file(path))
    assert "FAIL line-1" in report and "not valid JSON" in report
    assert "FAIL line-3" in report
    assert report.splitlines()[-1] == "1 passed, 2 failed"


PROJECT_CASES_DIR = Path(__file__).parent / "cases"
PROJECT_CASES = [c for f in sorted(PROJECT_CASES_DIR.glob("*.jsonl")) for c in load_cases(f)]


@pytest.mark.parametrize("case", PROJECT_CASES, ids=[str(c["id"]) for c in PROJECT_CASES])
def test_project_case(case: dict[str, object]) -> None:
    """Our own worked cases, written from the issue's counting rules (see cases/README.md)."""
    result = run_case(case)
    assert result.ok, format_report([result])
