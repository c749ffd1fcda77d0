"""Every shared sample pair (`NAME.eml` + `NAME.expect.json`) passes the parser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from querela.intake.email.conformance import EXPECT_SUFFIX, check_case, check_dir, format_report

pytestmark = pytest.mark.pure


def shared_dir() -> Path:
    override = os.environ.get("QUERELA_SHARED_DIR")
    base = Path(override) if override else Path(__file__).resolve().parents[2].parent / "shared"
    return base / "conformance" / "email"


def _pairs() -> list[object]:
    folder = shared_dir()
    expectations = sorted(folder.glob("*" + EXPECT_SUFFIX)) if folder.is_dir() else []
    if not expectations:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no samples in {folder}"))]
    return [pytest.param(path, id=path.name.removesuffix(EXPECT_SUFFIX)) for path in expectations]


@pytest.mark.parametrize("expectation", _pairs())
def test_shared_sample(expectation: Path) -> None:
    eml = expectation.with_name(expectation.name.removesuffix(EXPECT_SUFFIX) + ".eml")
    result = check_case(eml, expectation)
    assert result.ok, format_report([result])


def test_check_dir_report_ends_with_totals() -> None:
    folder = shared_dir()
    if not folder.is_dir():
        pytest.skip(f"{folder} is missing")
    results = check_dir(folder)
    last = format_report(results).splitlines()[-1]
    assert last == f"{len(results)} passed, 0 failed"
