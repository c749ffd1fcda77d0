"""Run `NAME.eml` + `NAME.expect.json` pairs through the parser; only fields present in an expectation count."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .parse import ParsedEmail, parse_message

EXPECT_SUFFIX = ".expect.json"
_BLANKS = re.compile(r"[ \t\u00a0]+")
# Free-form notes an author may leave in an expectation; not fields.
_NOTES = frozenset({"comment", "comments", "description", "notes", "note"})


@dataclass
class Mismatch:
    field: str
    expected: Any
    got: Any


@dataclass
class CaseResult:
    name: str
    mismatches: list[Mismatch] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.mismatches


def _observed(parsed: ParsedEmail) -> dict[str, Any]:
    data = parsed.to_json_dict()
    data["recipients"] = list(parsed.recipients)
    data["html"] = parsed.html
    data["date"] = parsed.date.isoformat() if parsed.date else None
    return data


def _same_date(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return bool(expected == got)
    try:
        return bool(datetime.fromisoformat(str(expected)) == datetime.fromisoformat(str(got)))
    except ValueError:
        return False


def _check_attachments(expected: Any, got: list[dict[str, Any]], out: list[Mismatch]) -> None:
    if not isinstance(expected, list) or len(expected) != len(got):
        out.append(Mismatch("attachments", expected, got))
        return
    for index, (want, have) in enumerate(zip(expected, got, strict=True)):
        if not isinstance(want, dict):
            out.append(Mismatch(f"attachments[{index}]", want, have))
            continue
        for key, value in want.items():
            if have.get(key) != value:
                out.append(Mismatch(f"attachments[{index}].{key}", value, have.get(key, "<not produced>")))


def _spaced(value: Any) -> Any:
    """Runs of blanks (space, tab, no-break space) as one space: how a header was folded or an HTML
    gap was written (`&nbsp;`) is layout, not content, and the intake rules leave it open."""
    return _BLANKS.sub(" ", value) if isinstance(value, str) else value


_LAYOUT_FREE = frozenset({"subject", "from_name"})


def _check_field(key: str, expected: Any, observed: dict[str, Any], out: list[Mismatch]) -> None:
    if key.endswith("_contains") and key.removesuffix("_contains") in observed:
        haystack = _spaced(observed[key.removesuffix("_contains")] or "")
        snippets = expected if isinstance(expected, list) else [expected]
        for snippet in snippets:
            if not isinstance(snippet, str) or _spaced(snippet) not in haystack:
                out.append(Mismatch(key, snippet, f"not found in {key.removesuffix('_contains')}: {haystack[:400]!r}"))
        return
    if key not in observed:
        out.append(Mismatch(key, expected, "<field not produced by the parser>"))
    elif key == "attachments":
        _check_attachments(expected, observed[key], out)
    elif key == "identifiers" and isinstance(expected, dict):
        for kind, values in expected.items():
            if observed[key].get(kind) != values:
                out.append(Mismatch(f"identifiers.{kind}", values, observed[key].get(kind, "<not produced>")))
    elif key == "date":
        if not _same_date(expected, observed[key]):
            out.append(Mismatch(key, expected, observed[key]))
    elif key in _LAYOUT_FREE and _spaced(observed[key] or "") == _spaced(expected or ""):
        return  # and a missing header reads like an empty one: null and "" are both "no subject"
    elif observed[key] != expected:
        out.append(Mismatch(key, expected, observed[key]))


def check_case(eml: Path, expectation: Path) -> CaseResult:
    name = eml.name.removesuffix(".eml")
    try:
        expected = json.loads(expectation.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return CaseResult(name, error=f"unreadable expectation {expectation.name}: {exc}")
    if not isinstance(expected, dict):
        return CaseResult(name, error=f"{expectation.name} is not a JSON object")
    try:
        observed = _observed(parse_message(eml.read_bytes()))
    except Exception as exc:  # a crash is a failed case, not a crashed run
        return CaseResult(name, error=f"parser raised {type(exc).__name__}: {exc}")
    result = CaseResult(name)
    for key, value in expected.items():
        if key.startswith("_") or key in _NOTES:
            continue
        _check_field(key, value, observed, result.mismatches)
    return result


def check_dir(path: str | Path) -> list[CaseResult]:
    """Every pair in the folder, sorted by name; an expectation without its .eml is a failed case."""
    folder = Path(path)
    results: list[CaseResult] = []
    for expectation in sorted(folder.glob("*" + EXPECT_SUFFIX)):
        eml = folder / (expectation.name.removesuffix(EXPECT_SUFFIX) + ".eml")
        if not eml.is_file():
            results.append(CaseResult(eml.name.removesuffix(".eml"), error=f"{eml.name} is missing"))
            continue
        results.append(check_case(eml, expectation))
    return results


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def format_report(results: list[CaseResult]) -> str:
    """One line per case, details under each failure; the last line is exactly `N passed, M failed`."""
    lines: list[str] = []
    for result in results:
        if result.ok:
            lines.append(f"ok      {result.name}")
            continue
        lines.append(f"FAILED  {result.name}")
        if result.error:
            lines.append(f"    error: {result.error}")
        for mismatch in result.mismatches:
            lines.append(f"    {mismatch.field}: expected {_show(mismatch.expected)}, got {_show(mismatch.got)}")
    passed = sum(1 for r in results if r.ok)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines)
