"""Which pages of a scan make up each letter: "1-2, 3, 4-6" — parsed strictly, refused with reasons.

Each comma-separated item is one letter: a page ("3") or a run of pages ("4-6"). Pages count from 1;
no page may belong to two letters. Pages left out belong to no letter (a cover sheet, a blank back)
and stay in the kept original. The work is linear in the length of the text (plus a sort of the items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from querela.core.errors import ValidationFailed

# ASCII digits only (`\d` would take other scripts' digits), at most 6 of them; a hyphen or an en dash.
_ITEM = re.compile(r"([0-9]{1,6})(?:\s*[-–]\s*([0-9]{1,6}))?")
MAX_TEXT = 2000


@dataclass(frozen=True, order=True)
class PageRange:
    first: int
    last: int

    @property
    def pages(self) -> int:
        return self.last - self.first + 1

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


class RangeError(ValidationFailed):
    """Every problem found in the text, each naming the item it is about."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems), code="page_ranges")
        self.problems = problems


def parse_ranges(text: str, page_count: int) -> list[PageRange]:
    """The letters' page ranges in the order written, or RangeError listing what is wrong."""
    if len(text) > MAX_TEXT:
        raise RangeError([_("The list of pages is too long.")])
    if not text.strip():
        raise RangeError([_("Give the pages of each letter, e.g. 1-2, 3, 4-6.")])
    problems: list[str] = []
    ranges: list[tuple[PageRange, str]] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            problems.append(_("There is an empty item between two commas (or a comma at the end)."))
            continue
        match = _ITEM.fullmatch(item)
        if match is None:
            problems.append(
                _("“%(item)s” is not a page or a range of pages (write e.g. 3 or 4-6).") % {"item": item[:40]}
            )
            continue
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if first < 1 or last < 1:
            problems.append(_("“%(item)s”: pages are numbered from 1.") % {"item": item})
        elif first > last:
            problems.append(
                _("“%(item)s”: write the lower page first (%(fixed)s).") % {"item": item, "fixed": f"{last}-{first}"}
            )
        elif last > page_count:
            problems.append(
                _("“%(item)s”: the scan has only %(count)d pages.") % {"item": item, "count": page_count}
                if page_count != 1
                else _("“%(item)s”: the scan has only one page.") % {"item": item}
            )
        else:
            ranges.append((PageRange(first, last), item))
    problems += overlaps(ranges)
    if problems:
        raise RangeError(problems)
    return [r for r, _item in ranges]


def overlaps(ranges: list[tuple[PageRange, str]]) -> list[str]:
    """Items that share pages with an earlier-starting item, each with the first shared page."""
    found = []
    widest: tuple[PageRange, str] | None = None  # of the items seen so far, the one reaching furthest
    for cur, cur_item in sorted(ranges):
        if widest is not None and cur.first <= widest[0].last:
            found.append(
                _("“%(a)s” and “%(b)s” both contain page %(page)d: each page belongs to one letter.")
                % {"a": widest[1], "b": cur_item, "page": cur.first}
            )
        if widest is None or cur.last > widest[0].last:
            widest = (cur, cur_item)
    return found


def check_ranges(ranges: list[PageRange], page_count: int) -> None:
    """The same rules for ranges that did not come from text (a service's own check)."""
    parse_ranges(", ".join(str(r) for r in ranges), page_count)


def uncovered(ranges: list[PageRange], page_count: int) -> list[int]:
    """Pages in no letter (they stay in the kept scan only)."""
    covered = [False] * (page_count + 1)
    for r in ranges:
        for p in range(r.first, r.last + 1):
            covered[p] = True
    return [p for p in range(1, page_count + 1) if not covered[p]]
