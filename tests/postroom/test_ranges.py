"""The page-range parser: what staff type to say which pages of a scan make up each letter."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from querela.postroom.ranges import PageRange, RangeError, parse_ranges, uncovered


def test_the_everyday_case():
    assert parse_ranges("1-2, 3, 4-6", 6) == [PageRange(1, 2), PageRange(3, 3), PageRange(4, 6)]
    assert parse_ranges(" 4 – 6 ,1-2", 6) == [PageRange(4, 6), PageRange(1, 2)]  # an en dash, the order as written
    assert uncovered([PageRange(1, 2), PageRange(5, 5)], 6) == [3, 4, 6]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Give the pages"),
        ("1-2,,3", "empty item"),
        ("1-2, 3,", "empty item"),
        ("a", "“a” is not a page"),
        ("1 2", "“1 2” is not a page"),
        ("1-2-3", "is not a page"),
        ("٣", "is not a page"),  # an Arabic-Indic three: only 0-9
        ("0-2", "numbered from 1"),
        ("4-2", "write the lower page first (2-4)"),
        ("5-7", "the scan has only 6 pages"),
        ("1-3, 3-4", "“1-3” and “3-4” both contain page 3"),
        ("1-5, 2, 4-5", "both contain page 2"),
        ("2, 2", "both contain page 2"),
        ("9999999", "is not a page"),
    ],
)
def test_refusals_say_what_is_wrong(text, says):
    with pytest.raises(RangeError) as refused:
        parse_ranges(text, 6)
    assert says in refused.value.message


def test_every_problem_is_listed_not_only_the_first():
    with pytest.raises(RangeError) as refused:
        parse_ranges("0, 4-2, 8, x", 6)
    assert len(refused.value.problems) == 4


def test_a_range_that_reaches_past_a_later_one_is_caught():
    # Sorted, 1-10 overlaps 4-5 too, though 2-3 stands between them.
    with pytest.raises(RangeError) as refused:
        parse_ranges("1-10, 2-3, 4-5", 12)
    assert len(refused.value.problems) == 2


@st.composite
def letters(draw):
    """A scan of n pages cut into consecutive runs, some runs left out, written in any order and spacing."""
    n = draw(st.integers(min_value=1, max_value=60))
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=n - 1), max_size=n - 1))) if n > 1 else []
    bounds = [0, *cuts, n]
    runs = [PageRange(a + 1, b) for a, b in itertools.pairwise(bounds)]
    chosen = draw(st.lists(st.sampled_from(runs), min_size=1, unique=True))
    chosen = draw(st.permutations(chosen))
    space = st.sampled_from(["", " ", "  ", "\t"])
    dash = st.sampled_from(["-", "–"])
    items = []
    for r in chosen:
        body = str(r.first) if r.first == r.last else f"{r.first}{draw(space)}{draw(dash)}{draw(space)}{r.last}"
        items.append(f"{draw(space)}{body}{draw(space)}")
    return n, chosen, ",".join(items)


@given(letters())
@settings(max_examples=300)
def test_written_ranges_read_back_exactly(case):
    n, chosen, text = case
    assert parse_ranges(text, n) == list(chosen)


@given(st.text(max_size=80), st.integers(min_value=1, max_value=50))
@settings(max_examples=500)
def test_any_text_gives_valid_letters_or_a_reason(text, n):
    try:
        ranges = parse_ranges(text, n)
    except RangeError as exc:
        assert exc.problems and all(p.strip() for p in exc.problems)
        return
    pages = [p for r in ranges for p in range(r.first, r.last + 1)]
    assert ranges and all(1 <= r.first <= r.last <= n for r in ranges)
    assert len(pages) == len(set(pages))  # no page in two letters


@given(letters(), st.data())
def test_an_overlap_or_a_page_past_the_end_is_always_refused(case, data):
    n, chosen, text = case
    r = data.draw(st.sampled_from(chosen))
    with pytest.raises(RangeError):
        parse_ranges(f"{text}, {r.last}", n)  # a page already in a letter
    with pytest.raises(RangeError):
        parse_ranges(f"{text}, {n + 1}", n)
