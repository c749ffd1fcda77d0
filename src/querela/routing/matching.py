"""Which routing rule a complaint follows, and who of a handler pool gets it: pure, no Django, no database.

The rules come as plain data in the order they are evaluated; the first whose conditions all hold wins. A
condition left blank holds for anything, so a rule with none matches every complaint (a catch-all at the
end of the list). The region is compared folded (case and accents aside).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from querela.customers.text import fold

# The conditions a rule may set, in the order a reason names them.
CONDITIONS = ("category", "kind", "channel", "service_type", "region")


@dataclass(frozen=True)
class Facts:
    """What routing reads of a complaint (blank: not known, e.g. no consumption place yet)."""

    category: str = ""
    kind: str = ""
    channel: str = ""
    service_type: str = ""
    region: str = ""


@dataclass(frozen=True)
class Rule:
    """A routing rule as plain data. `department_id` and `pool` say where a match goes."""

    id: int
    name: str
    department_id: int
    category: str = ""
    kind: str = ""
    channel: str = ""
    service_type: str = ""
    region: str = ""
    pool: str = "none"
    pool_job_id: int | None = None
    department_name: str = ""  # for the words routing writes

    def conditions(self) -> tuple[tuple[str, str], ...]:
        """The conditions it sets, as (name, value)."""
        return tuple((name, getattr(self, name)) for name in CONDITIONS if getattr(self, name))


@dataclass(frozen=True)
class Match:
    rule: Rule
    # The conditions that held (all the rule sets): why the complaint goes where it goes.
    because: tuple[tuple[str, str], ...]

    @property
    def reason(self) -> str:
        """The conditions that held: "category billing, region Hajdú-Bihar"; a catch-all: "any complaint"."""
        return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in self.because) or "any complaint"


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    # A dry run compares the same few regions thousands of times.
    return fold(text)


def holds(rule: Rule, facts: Facts) -> bool:
    for name in CONDITIONS:
        wanted = getattr(rule, name)
        if not wanted:
            continue
        have = getattr(facts, name)
        if name == "region":
            if _folded(wanted) != _folded(have):
                return False
        elif wanted != have:
            return False
    return True


def first_match(rules: Iterable[Rule], facts: Facts) -> Match | None:
    """The first rule whose conditions all hold, with why; None when none does."""
    for rule in rules:
        if holds(rule, facts):
            return Match(rule=rule, because=rule.conditions())
    return None


def rotation(members: Iterable[int], cursor: int | None) -> list[int]:
    """The pool in turn: by id, starting after the last one served (`cursor`), wrapping around."""
    ordered = sorted(set(members))
    if cursor is None:
        return ordered
    after = [m for m in ordered if m > cursor]
    return after + [m for m in ordered if m <= cursor]


def round_robin(members: Sequence[int], cursor: int | None) -> int | None:
    """The next member after the cursor; None for an empty pool."""
    turn = rotation(members, cursor)
    return turn[0] if turn else None


def least_loaded(members: Sequence[int], loads: Mapping[int, int], cursor: int | None) -> int | None:
    """The member with the fewest open complaints; a tie goes to whoever is next in turn."""
    turn = rotation(members, cursor)
    if not turn:
        return None
    return min(turn, key=lambda m: loads.get(m, 0))  # min keeps the first of equals: the turn decides
