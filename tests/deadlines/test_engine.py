from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from querela.deadlines import texts
from querela.deadlines.calendar import BusinessCalendar
from querela.deadlines.engine import DeadlineRefused, Event, Schedule, apply_event, compute, received_date
from querela.deadlines.policies import PRESETS, Policy, StepRule

CALS = {c: BusinessCalendar(c) for c in ("HU", "PL", "RO")}


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)


def ev(type_: str, when: str, days: int | None = None, notice: str | None = None, reason: str | None = None) -> Event:
    return Event(type_, at(when), days, at(notice) if notice else None, reason)  # type: ignore[arg-type]


def run(
    policy: str | Policy,
    received: str,
    events: list[Event] | None = None,
    *,
    kind: str = "complaint",
    now: str | None = None,
    cal: BusinessCalendar | None = None,
) -> Schedule:
    p = PRESETS[policy] if isinstance(policy, str) else policy
    return compute(
        p, cal or CALS[p.country], p.timezone, at(received), kind, events or [], now=at(now) if now else None
    )


def extend(policy: str | Policy, received: str, history: list[Event], new: Event) -> Schedule:
    p = PRESETS[policy] if isinstance(policy, str) else policy
    return apply_event(p, CALS[p.country], p.timezone, at(received), "complaint", history, new)


def refusal(policy: str | Policy, received: str, history: list[Event], new: Event) -> str:
    with pytest.raises(DeadlineRefused) as caught:
        extend(policy, received, history, new)
    assert caught.value.message
    return caught.value.code


# --- refusals ------------------------------------------------------------------------------------

UT = "2026-02-02T08:00:00+01:00"  # hu-utility: answer due 2026-02-17, cap 2026-03-04


def test_no_extension_in_policy() -> None:
    new = ev("extended", "2026-02-05T10:00:00+01:00", 5, "2026-02-05T10:00:00+01:00")
    assert refusal("hu-consumer", UT, [], new) == "extension_not_allowed"


def test_second_extension_refused() -> None:
    first = ev("extended", "2026-02-10T10:00:00+01:00", 5, "2026-02-10T10:00:00+01:00")
    second = ev("extended", "2026-02-12T10:00:00+01:00", 5, "2026-02-12T10:00:00+01:00")
    assert refusal("hu-utility", UT, [first], second) == "extension_not_allowed"


def test_extension_refused_after_answer_and_while_info_owed() -> None:
    new = ev("extended", "2026-02-10T10:00:00+01:00", 5, "2026-02-10T10:00:00+01:00")
    answered = ev("answered", "2026-02-09T10:00:00+01:00")
    assert refusal("hu-utility", UT, [answered], new) == "extension_not_allowed"
    asked = ev("info_requested", "2026-02-09T10:00:00+01:00")
    assert refusal("hu-utility", UT, [asked], new) == "extension_not_allowed"


def test_reason_outside_policy_refused() -> None:
    new = ev("extended", "2026-02-10T10:00:00+01:00", 5, "2026-02-10T10:00:00+01:00", "technical_investigation")
    assert refusal("hu-utility", UT, [], new) == "extension_not_allowed"
    ok = replace(new, reason="on_site_inspection")
    assert extend("hu-utility", UT, [], ok).due("answer") == date(2026, 2, 22)


def test_extension_too_long_by_max_and_by_cap() -> None:
    too_many = ev("extended", "2026-02-10T10:00:00+01:00", 16, "2026-02-10T10:00:00+01:00")
    assert refusal("hu-utility", UT, [], too_many) == "extension_too_long"
    # restart from 2026-02-10 puts the answer on 02-25; the cap (03-04) leaves 7 days
    history = [ev("info_requested", "2026-02-03T10:00:00+01:00"), ev("info_received", "2026-02-10T10:00:00+01:00")]
    eight = ev("extended", "2026-02-20T10:00:00+01:00", 8, "2026-02-20T10:00:00+01:00")
    assert refusal("hu-utility", UT, history, eight) == "extension_too_long"
    assert extend("hu-utility", UT, history, replace(eight, days=7)).due("answer") == date(2026, 3, 4)


def test_extension_after_due() -> None:
    late = ev("extended", "2026-02-18T00:30:00+01:00", 5, "2026-02-17T10:00:00+01:00")
    assert refusal("hu-utility", UT, [], late) == "extension_after_due"
    # 23:59 local on the due day is still on time (a due date ends at 24:00)
    last_minute = replace(late, at=at("2026-02-17T22:59:00+00:00"))
    assert extend("hu-utility", UT, [], last_minute).due("answer") == date(2026, 2, 22)


def test_notice_after_due_and_missing_notice() -> None:
    new = ev("extended", "2026-02-10T10:00:00+01:00", 5, "2026-02-18T10:00:00+01:00")
    assert refusal("hu-utility", UT, [], new) == "notice_after_due"
    assert refusal("hu-utility", UT, [], replace(new, notice_at=None)) == "notice_after_due"


def test_notice_not_required_when_policy_says_so() -> None:
    lax = replace(PRESETS["hu-utility"], extension=replace(PRESETS["hu-utility"].extension, notice_required=False))
    new = ev("extended", "2026-02-10T10:00:00+01:00", 5)
    assert extend(lax, UT, [], new).due("answer") == date(2026, 2, 22)


def test_refused_event_leaves_due_dates() -> None:
    before = run("hu-utility", UT)
    with pytest.raises(DeadlineRefused):
        extend("hu-utility", UT, [], ev("extended", "2026-02-10T10:00:00+01:00", 99, "2026-02-10T10:00:00+01:00"))
    assert run("hu-utility", UT) == before


def test_after_due_check_uses_rolled_date_and_extension_adds_to_unrolled() -> None:
    received = "2026-03-05T09:00:00+02:00"  # ro-energy: 30 days → Sat 04-04, rolled to Mon 04-06
    base = run("ro-energy", received).step("answer")
    assert base is not None and (base.unrolled, base.due) == (date(2026, 4, 4), date(2026, 4, 6))
    on_rolled_day = ev("extended", "2026-04-06T10:00:00+03:00", 10, "2026-04-06T10:00:00+03:00")
    # 04-04 + 10 = 04-14 (adding to the rolled 04-06 would give 04-16)
    assert extend("ro-energy", received, [], on_rolled_day).due("answer") == date(2026, 4, 14)


# --- information requests --------------------------------------------------------------------------


def test_pause_calendar_days_and_waiting_state() -> None:
    received = "2026-03-02T09:00:00+02:00"
    asked = ev("info_requested", "2026-03-05T09:00:00+02:00")
    owed = run("ro-energy", received, [asked], now="2026-03-06T09:00:00+02:00")
    step = owed.step("answer")
    assert owed.info_owed and step is not None and step.due is None and step.state == "waiting"
    assert not owed.extension.can_extend
    both = run("ro-energy", received, [asked, ev("info_received", "2026-03-12T09:00:00+02:00")])
    assert both.due("answer") == date(2026, 4, 8)


def test_pause_business_days_only_moves_steps_not_done() -> None:
    received = "2026-10-05T10:00:00+02:00"
    events = [
        ev("acknowledged", "2026-10-06T09:00:00+02:00"),
        ev("info_requested", "2026-10-07T09:00:00+02:00"),
    ]
    owed = run("pl-inverter-vendor", received, events)
    assert owed.as_expect() == {"ack_due": "2026-10-14", "progress_due": None, "answer_due": None}
    done = run("pl-inverter-vendor", received, [*events, ev("info_received", "2026-10-14T12:00:00+02:00")])
    assert done.as_expect() == {"ack_due": "2026-10-14", "progress_due": "2026-11-02", "answer_due": "2026-11-24"}


def test_two_pauses_add_up() -> None:
    received = "2026-03-02T09:00:00+02:00"
    events = [
        ev("info_requested", "2026-03-05T09:00:00+02:00"),
        ev("info_received", "2026-03-07T09:00:00+02:00"),
        ev("info_requested", "2026-03-10T09:00:00+02:00"),
        ev("info_received", "2026-03-13T09:00:00+02:00"),
    ]
    assert run("ro-energy", received, events).due("answer") == date(2026, 4, 6)  # 04-01 + 2 + 3


def test_restart_counts_from_last_info_received() -> None:
    received = "2026-04-01T10:00:00+02:00"
    events = [
        ev("info_requested", "2026-04-02T11:00:00+02:00"),
        ev("info_received", "2026-04-09T08:00:00+02:00"),
        ev("info_requested", "2026-04-10T11:00:00+02:00"),
        ev("info_received", "2026-04-14T08:00:00+02:00"),
    ]
    assert run("hu-electricity", received, events).due("answer") == date(2026, 4, 29)
    assert run("hu-electricity", received, events, kind="damage_claim").due("answer") == date(2026, 5, 14)


def test_continue_ignores_information_requests() -> None:
    received = "2026-12-10T10:00:00+01:00"
    events = [ev("info_requested", "2026-12-11T10:00:00+01:00")]
    s = run("pl-consumer", received, events, now="2026-12-12T10:00:00+01:00")
    step = s.step("answer")
    assert s.info_owed and step is not None and (step.due, step.state) == (date(2026, 12, 28), "open")


# --- counting rules ------------------------------------------------------------------------------


def test_roll_none_keeps_weekend_due_date() -> None:
    assert run("hu-utility", "2026-12-18T14:00:00+01:00").due("answer") == date(2027, 1, 2)


def test_roll_modes_on_a_hungarian_working_saturday() -> None:
    base = Policy("t", "HU", StepRule(15, "calendar_days", "received"))
    received = "2025-12-26T10:00:00+01:00"  # + 15 days = Saturday 2026-01-10, a decreed working day
    assert run(replace(base, roll="next_working_day"), received).due("answer") == date(2026, 1, 10)
    art115 = replace(base, roll="next_day_not_saturday_or_holiday")
    assert run(art115, received).due("answer") == date(2026, 1, 12)


def test_art_115_skips_saturday_sunday_and_holidays() -> None:
    assert run("pl-consumer", "2026-12-10T10:00:00+01:00").due("answer") == date(2026, 12, 28)
    assert run("pl-consumer", "2026-06-13T10:00:00+02:00").due("answer") == date(2026, 6, 29)


def test_business_days_count_a_hungarian_working_saturday() -> None:
    policy = Policy("t", "HU", StepRule(2, "business_days", "received"))
    assert run(policy, "2026-01-08T10:00:00+01:00").due("answer") == date(2026, 1, 10)


@pytest.mark.parametrize(
    ("received", "counted_from"),
    [
        ("2026-11-25T15:59:00+02:00", date(2026, 11, 25)),  # inside office hours
        ("2026-11-25T08:00:00+02:00", date(2026, 11, 25)),  # the opening minute counts
        ("2026-11-25T16:00:00+02:00", date(2026, 11, 26)),  # at the closing hour: next working day
        ("2026-11-25T07:59:00+02:00", date(2026, 11, 26)),  # before opening: next working day
        ("2026-11-28T10:00:00+02:00", date(2026, 12, 2)),  # Saturday, then two holidays
        ("2026-11-25T13:30:00+00:00", date(2026, 11, 25)),  # 15:30 in Bucharest
    ],
)
def test_receipt_outside_office_hours(received: str, counted_from: date) -> None:
    p = PRESETS["ro-bill-dispute"]
    assert received_date(p, CALS["RO"], p.timezone, at(received)) == counted_from


def test_same_day_receipt_ignores_hours() -> None:
    p = PRESETS["hu-utility"]
    assert received_date(p, CALS["HU"], p.timezone, at("2026-03-07T23:00:00+01:00")) == date(2026, 3, 7)


def test_local_date_uses_tenant_time_zone() -> None:
    assert run("hu-electricity", "2026-06-30T22:30:00+00:00").due("answer") == date(2026, 7, 16)
    p = PRESETS["hu-electricity"]
    utc = compute(p, CALS["HU"], "UTC", at("2026-06-30T22:30:00+00:00"), "complaint", [])
    assert utc.due("answer") == date(2026, 7, 15)


def test_tenant_closures_shift_business_days() -> None:
    received = "2026-12-18T10:00:00+01:00"
    closed = BusinessCalendar("PL", extra_closures=frozenset({date(2026, 12, 29)}))
    assert run("pl-inverter-vendor", received, cal=closed).due("ack") == date(2027, 1, 4)


def test_progress_counts_from_ack_due_until_ack_sent() -> None:
    received = "2026-12-18T10:00:00+01:00"
    assert run("pl-inverter-vendor", received).due("progress") == date(2027, 1, 22)
    on_due_day = run("pl-inverter-vendor", received, [ev("acknowledged", "2026-12-31T15:00:00+01:00")])
    assert on_due_day.due("progress") == date(2027, 1, 22)
    early = run("pl-inverter-vendor", received, [ev("acknowledged", "2026-12-21T15:00:00+01:00")])
    assert early.due("progress") == date(2027, 1, 14)


def test_naive_received_rejected() -> None:
    p = PRESETS["hu-utility"]
    with pytest.raises(ValueError, match="offset"):
        compute(p, CALS["HU"], p.timezone, datetime(2026, 1, 1, 10), "complaint", [])


# --- states and what is allowed now ------------------------------------------------------------------


def test_states_over_time() -> None:
    def state(now: str, events: list[Event] | None = None) -> str:
        s = run("hu-utility", UT, events, now=now).step("answer")
        assert s is not None
        return s.state

    assert state("2026-02-05T10:00:00+01:00") == "open"
    assert state("2026-02-12T10:00:00+01:00") == "due_soon"  # 3 working days left
    assert state("2026-02-17T23:00:00+01:00") == "due_soon"
    assert state("2026-02-18T00:10:00+01:00") == "breached"
    assert state("2026-03-01T10:00:00+01:00", [ev("answered", "2026-02-17T10:00:00+01:00")]) == "met"
    assert state("2026-03-01T10:00:00+01:00", [ev("answered", "2026-02-19T10:00:00+01:00")]) == "breached"


def test_allowance_reports_max_days_and_notice_date() -> None:
    s = run("hu-utility", UT, now="2026-02-10T10:00:00+01:00")
    assert s.extension.can_extend and s.extension.max_days == 15
    assert s.extension.notice_by == date(2026, 2, 17) and s.extension.refusal is None
    history = [ev("info_requested", "2026-02-03T10:00:00+01:00"), ev("info_received", "2026-02-10T10:00:00+01:00")]
    assert run("hu-utility", UT, history).extension.max_days == 7  # the cap leaves 7
    late = run("hu-utility", UT, now="2026-02-18T10:00:00+01:00").extension
    assert (late.can_extend, late.max_days, late.refusal) == (False, 0, "extension_after_due")
    assert run("pl-consumer", UT).extension.refusal == "extension_not_allowed"


def test_done_step_keeps_its_due_date() -> None:
    answered = ev("answered", "2026-02-10T10:00:00+01:00")
    later = ev("info_requested", "2026-02-11T10:00:00+01:00")
    s = run("hu-utility", UT, [answered, later]).step("answer")
    assert s is not None and (s.due, s.state, s.done_on) == (date(2026, 2, 17), "met", date(2026, 2, 10))


def test_event_validation() -> None:
    with pytest.raises(ValueError, match=r"event\.type"):
        Event("opened", at(UT))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"event\.days"):
        Event("extended", at(UT))
    with pytest.raises(ValueError, match=r"event\.at"):
        Event("answered", datetime(2026, 1, 1))


# --- policies as data ---------------------------------------------------------------------------------


def test_presets_are_exactly_the_seven() -> None:
    assert set(PRESETS) == {
        "hu-electricity",
        "hu-utility",
        "hu-consumer",
        "pl-inverter-vendor",
        "pl-consumer",
        "ro-energy",
        "ro-bill-dispute",
    }
    assert {p.country for p in PRESETS.values()} == {"HU", "PL", "RO"}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_policy_round_trips_through_json(name: str) -> None:
    policy = PRESETS[name]
    assert Policy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy


def _bad(**changes: Any) -> dict[str, Any]:
    data = PRESETS["pl-inverter-vendor"].to_dict()
    for path, value in changes.items():
        node = data
        *parents, leaf = path.split("__")
        for key in parents:
            node = node[key]
        if value is KeyError:
            del node[leaf]
        else:
            node[leaf] = value
    return data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_bad(steps__answer__period=-1), "policy.steps.answer.period"),
        (_bad(steps__answer__period="15"), "policy.steps.answer.period"),
        (_bad(steps__ack__unit="weeks"), "policy.steps.ack.unit"),
        (_bad(steps__progress__from="opened"), "policy.steps.progress.from"),
        (_bad(steps__answer=KeyError), "policy.steps.answer"),
        (_bad(steps__ack=KeyError), "policy.steps.progress.from"),
        (_bad(roll="sometimes"), "policy.roll"),
        (_bad(receipt__opens="8h"), "policy.receipt.opens"),
        (_bad(extension__max_count=2), "policy.extension.max_count"),
        (_bad(extension__reasons=["because"]), "policy.extension.reasons[0]"),
        (_bad(extension__notice_required="yes"), "policy.extension.notice_required"),
        (_bad(info_request="wait"), "policy.info_request"),
        (_bad(on_miss="shrug"), "policy.on_miss"),
        (_bad(perod=3), "policy.perod"),
        ([], "policy"),
    ],
)
def test_bad_policy_names_the_field(data: Any, field: str) -> None:
    with pytest.raises(ValueError) as caught:
        Policy.from_dict(data)
    assert str(caught.value).startswith(field + ":") or str(caught.value).startswith(field + ".")


def test_texts() -> None:
    assert texts.consumer_sentence("answer", date(2026, 12, 16)) == "We will answer by 16 December 2026."
    assert set(texts.STEP_NAMES) == set(texts.STEP_EXPLANATIONS) == {"ack", "progress", "answer"}
