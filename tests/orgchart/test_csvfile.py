"""The org chart CSV reader never raises, whatever the text, and its time grows linearly with the file.

Timings compare the same read at two sizes on the same machine (a quadratic step makes 8× the input cost 64× the
time), as the mail parser's adversarial tests do."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from querela.orgchart.csvfile import COLUMNS, ChartFile, read_chart
from querela.orgchart.models import SignCapability

pytestmark = pytest.mark.pure

CAPABILITIES = SignCapability.values
HEADER = ",".join(COLUMNS[:7]) + "\n"
_ALPHABET = st.characters(codec="utf-8") | st.sampled_from(list(',;\t"\r\n\x00\ufeff '))


def _check(result: ChartFile) -> None:
    assert isinstance(result, ChartFile)
    assert bool(result.refusal) or all(e.row >= 2 for e in result.errors)
    assert all(r.row >= 2 and r.job_code and r.job_title and r.department_code for r in result.rows)
    assert all(set(r.may_sign) <= set(CAPABILITIES) for r in result.rows)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=2000))
def test_any_text_gives_rows_errors_or_a_refusal_never_an_exception(text):
    _check(read_chart(text, capabilities=CAPABILITIES))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=2000))
def test_any_text_under_a_good_header_never_raises(text):
    _check(read_chart(HEADER + text, capabilities=CAPABILITIES))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_never_raise(data):
    _check(read_chart(data, capabilities=CAPABILITIES))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[a-z]{1,8}", fullmatch=True),
            st.text(min_size=1, max_size=30).filter(lambda s: s.strip() and "\x00" not in s),
            st.from_regex(r"[A-Z][A-Z0-9-]{0,10}", fullmatch=True),
            st.lists(st.sampled_from(CAPABILITIES), max_size=3),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_rows_written_by_a_csv_writer_read_back(rows):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS[:5])
    for dept, title, code, signs in rows:
        writer.writerow([dept, "Dept " + dept, code, title, ";".join(signs)])
    result = read_chart(out.getvalue(), capabilities=CAPABILITIES)
    assert not result.refusal
    # Rows of one job that describe it differently are errors; every other row reads back as written.
    for row in result.rows:
        dept, title, code, signs = rows[row.row - 2]
        assert (row.department_code, row.job_code, row.job_title) == (dept, code, " ".join(title.split()))
        assert set(row.may_sign) == set(signs)


def test_row_numbers_are_a_spreadsheets_even_with_a_line_break_inside_a_value():
    text = HEADER + 'billing,Billing,A,"Two\nlines",answers,,\n\nbilling,Billing,B,,answers,,\n'
    result = read_chart(text, capabilities=CAPABILITIES)
    assert [r.row for r in result.rows] == [2]
    assert [(e.row, e.message) for e in result.errors] == [(4, "The job title is missing.")]


# ---------------------------------------------------------------------------------------------------
# Linear time

SMALL_ROWS = 2_000
LARGE_ROWS = 8 * SMALL_ROWS


def _shapes() -> dict[str, callable]:
    good = "billing,Billing,J{n},Job {n},answers;minutes;opinions,user{n},\n"
    bad = "billing,Billing,J{n},,stamps;seals,bad user {n},x\n"
    same_job = "billing,Billing,SAME,Same job,answers,user{n},\n"
    return {
        "good rows": lambda n: HEADER + "".join(good.format(n=i) for i in range(n)),
        "bad rows": lambda n: HEADER + "".join(bad.format(n=i) for i in range(n)),
        "one job, many holders": lambda n: HEADER + "".join(same_job.format(n=i) for i in range(n)),
        "an open quote": lambda n: HEADER + 'billing,"' + "x," * (n * 10),
        "a long header": lambda n: ",".join(f"c{i}" for i in range(n * 5)) + "\n",
        "semicolons in may_sign": lambda n: (
            HEADER + "".join(f"billing,Billing,J{i},T,{';'.join(['answers'] * 20)},,\n" for i in range(n))
        ),
    }


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        read_chart(text, capabilities=CAPABILITIES, max_rows=10 * LARGE_ROWS, max_bytes=1 << 30)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("shape", sorted(_shapes()))
def test_reading_time_grows_linearly(shape):
    build = _shapes()[shape]
    small, large = build(SMALL_ROWS), build(LARGE_ROWS)
    t_small, t_large = _seconds(small), _seconds(large)
    ratio = len(large) / len(small)
    assert t_large <= 3 * ratio * t_small + 0.05, f"{shape}: {t_small * 1000:.1f} ms → {t_large * 1000:.1f} ms"


def test_the_row_cap_stops_reading_early():
    text = HEADER + "billing,Billing,J,T,answers,,\n" * 50
    result = read_chart(text, capabilities=CAPABILITIES, max_rows=10)
    assert result.refusal.startswith("The file has more than 10 rows") and not result.rows
