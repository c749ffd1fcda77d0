"""The routing matcher is pure: the first rule whose conditions all hold wins, a rule without conditions holds
for every complaint, the order of the rules decides, the region is compared whatever its case and accents;
a pool hands out in turn, or to the least loaded with ties in turn."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from querela.routing.matching import (
    CONDITIONS,
    Facts,
    Rule,
    first_match,
    holds,
    least_loaded,
    rotation,
    round_robin,
)

VALUES = {
    "category": ["", "billing", "metering", "supply"],
    "kind": ["", "complaint", "technical_fault"],
    "channel": ["", "email", "phone"],
    "service_type": ["", "electricity", "water"],
    "region": ["", "Hajdú-Bihar", "hajdu-bihar", "Pest", "Cluj"],
}
facts_st = st.builds(Facts, **{name: st.sampled_from(v) for name, v in VALUES.items()})


@st.composite
def rules_st(draw: st.DrawFn, max_size: int = 6) -> list[Rule]:
    n = draw(st.integers(min_value=0, max_value=max_size))
    return [
        Rule(
            id=i + 1,
            name=f"rule {i + 1}",
            department_id=draw(st.integers(min_value=1, max_value=4)),
            **{name: draw(st.sampled_from(v)) for name, v in VALUES.items()},
        )
        for i in range(n)
    ]


@given(rules_st(), facts_st)
def test_the_first_rule_that_holds_wins(rules, facts):
    match = first_match(rules, facts)
    holding = [r for r in rules if holds(r, facts)]
    if not holding:
        assert match is None
    else:
        assert match is not None and match.rule == holding[0]
        assert all(not holds(r, facts) for r in rules[: rules.index(match.rule)])


@given(rules_st(), facts_st)
def test_a_rule_without_conditions_holds_for_everything(rules, facts):
    catch_all = Rule(id=99, name="everything else", department_id=9)
    assert holds(catch_all, facts)
    match = first_match([*rules, catch_all], facts)
    assert match is not None
    if match.rule is catch_all:
        assert match.because == () and match.reason == "any complaint"
    assert first_match([catch_all, *rules], facts).rule is catch_all  # first in line, it takes them all


@given(rules_st(), facts_st)
def test_the_order_decides(rules, facts):
    holding = [r for r in rules if holds(r, facts)]
    if len(holding) < 2:
        return
    assert first_match(rules, facts).rule == holding[0]
    assert first_match(list(reversed(rules)), facts).rule == holding[-1]


@given(facts_st)
def test_a_match_names_the_conditions_that_held(facts):
    rule = Rule(id=1, name="r", department_id=1, **{n: getattr(facts, n) for n in CONDITIONS})
    match = first_match([rule], facts)
    assert match is not None
    assert match.because == tuple((n, getattr(facts, n)) for n in CONDITIONS if getattr(facts, n))


def test_the_reason_reads_as_the_conditions():
    rule = Rule(id=1, name="r", department_id=1, category="billing", region="Hajdú-Bihar")
    match = first_match([rule], Facts(category="billing", region="HAJDU BIHAR", channel="email"))
    assert match is not None and match.reason == "category billing, region Hajdú-Bihar"


def test_the_region_is_compared_whatever_its_case_and_accents_and_a_blank_one_never_holds():
    rule = Rule(id=1, name="r", department_id=1, region="Hajdú-Bihar")
    assert holds(rule, Facts(region="hajdu-bihar"))
    assert holds(rule, Facts(region="HAJDÚ BIHAR"))
    assert not holds(rule, Facts(region="Hajdú"))
    assert not holds(rule, Facts())  # no consumption place: a region rule does not hold


@given(st.lists(st.integers(min_value=1, max_value=50), max_size=8), st.none() | st.integers(0, 60))
def test_round_robin_hands_out_in_turn(members, cursor):
    chosen = round_robin(members, cursor)
    if not members:
        assert chosen is None
        return
    assert chosen in members
    later = sorted(m for m in set(members) if cursor is not None and m > cursor)
    assert chosen == (later[0] if later else min(members))


@given(st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=6, unique=True))
def test_round_robin_serves_everyone_once_before_anyone_twice(members):
    cursor = None
    served = []
    for _ in range(len(members)):
        cursor = round_robin(members, cursor)
        served.append(cursor)
    assert sorted(served) == sorted(members)


@given(
    st.lists(st.integers(min_value=1, max_value=20), max_size=6, unique=True),
    st.dictionaries(st.integers(1, 20), st.integers(0, 5)),
    st.none() | st.integers(0, 25),
)
def test_least_loaded_picks_the_emptiest_and_ties_go_in_turn(members, loads, cursor):
    chosen = least_loaded(members, loads, cursor)
    if not members:
        assert chosen is None
        return
    fewest = min(loads.get(m, 0) for m in members)
    assert loads.get(chosen, 0) == fewest
    tied = [m for m in rotation(members, cursor) if loads.get(m, 0) == fewest]
    assert chosen == tied[0]
