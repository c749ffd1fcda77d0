"""Due dates from a policy, a business calendar and a complaint's event history. Pure: no I/O, no clock.

Every date is a local date in the tenant's zone. Periods, pauses and extensions add up on the
unrolled date and the policy's roll is applied once, to the result; anything compared against
"the current due date" uses the rolled date, because that is the one staff and customers were shown.
A step that is done keeps the due date it had when it was done, so later events never rewrite
whether it was on time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from .calendar import BusinessCalendar
from .policies import OnMiss, Policy, Roll, StepName, StepRule, Unit

EventType = Literal[
    "acknowledged",
    "info_requested",
    "info_received",
    "extended",
    "answered",
    "progress_sent",
    "reopened",
    "rescheduled",  # seed 002: a missed target, explained, gets a new date (`notice_at`'s local day)
]
State = Literal["open", "met", "due_soon", "breached", "waiting"]
RefusalCode = Literal["extension_not_allowed", "extension_too_long", "extension_after_due", "notice_after_due"]

DONE_BY: dict[str, StepName] = {"acknowledged": "ack", "progress_sent": "progress", "answered": "answer"}
DUE_SOON_DAYS = 3


class DeadlineRefused(Exception):
    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code: RefusalCode = code
        self.message = message


@dataclass(frozen=True)
class Event:
    type: EventType
    at: datetime
    days: int | None = None
    notice_at: datetime | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.type not in get_args(EventType):
            raise ValueError(f"event.type: unknown event type {self.type!r}")
        for name in ("at", "notice_at"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"event.{name}: needs a time-zone offset, got {value.isoformat()}")
        if self.type == "rescheduled" and self.notice_at is None:
            raise ValueError("event.notice_at: a rescheduling needs the new target date")
        if self.type == "extended" and (self.days is None or self.days < 1):
            raise ValueError(f"event.days: an extension needs a positive number of days, got {self.days!r}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        notice = data.get("notice_at")
        return cls(
            type=data["type"],
            at=datetime.fromisoformat(data["at"]),
            days=data.get("days"),
            notice_at=datetime.fromisoformat(notice) if notice else None,
            reason=data.get("reason"),
        )


@dataclass(frozen=True)
class StepSchedule:
    name: StepName
    due: date | None  # rolled: the last day on time; None while information is owed (pause/restart)
    unrolled: date | None
    state: State
    done_on: date | None = None


@dataclass(frozen=True)
class ExtensionAllowance:
    can_extend: bool
    max_days: int  # in the answer step's unit; 0 when no extension is possible
    notice_by: date | None  # the last day the written notice may go out, when the policy requires one
    refusal: RefusalCode | None
    used: int = 0


@dataclass(frozen=True)
class Schedule:
    received_on: date  # after the receipt rule
    steps: tuple[StepSchedule, ...]
    info_owed: bool
    extension: ExtensionAllowance
    on_miss: OnMiss

    def step(self, name: StepName) -> StepSchedule | None:
        return next((s for s in self.steps if s.name == name), None)

    def due(self, name: StepName) -> date | None:
        s = self.step(name)
        return s.due if s else None

    def as_expect(self) -> dict[str, str | None]:
        """Due dates in the conformance format: `{"ack_due": "YYYY-MM-DD" | None, ...}` for every step."""
        return {f"{n}_due": (d.isoformat() if (d := self.due(n)) else None) for n in ("ack", "progress", "answer")}


@dataclass
class _Facts:
    """What a prefix of the event history establishes."""

    received_on: date
    complete_on: date
    done: dict[StepName, date] = field(default_factory=dict)
    # (requested on, received on or None while owed, steps already done when it was requested)
    pauses: list[tuple[date, date | None, frozenset[StepName]]] = field(default_factory=list)
    extensions: list[int] = field(default_factory=list)
    # A disputed answer reopens the complaint: the answer is due again, counted afresh from that day.
    reopened_on: date | None = None
    done_index: dict[StepName, int] = field(default_factory=dict)  # the event that made each step done
    rescheduled_to: date | None = None  # the answer's new target (policies that reschedule a miss)

    @property
    def owed(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None


@dataclass(frozen=True)
class _Ctx:
    policy: Policy
    cal: BusinessCalendar
    zone: ZoneInfo
    received_on: date
    kind: str

    def local(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def local_date(moment: datetime, tz: str) -> date:
    if moment.utcoffset() is None:
        raise ValueError(f"needs a time-zone offset, got {moment.isoformat()}")
    return moment.astimezone(ZoneInfo(tz)).date()


def received_date(policy: Policy, cal: BusinessCalendar, tz: str, received: datetime) -> date:
    """The date the complaint counts as received on, after the policy's receipt rule."""
    if received.utcoffset() is None:
        raise ValueError(f"received: needs a time-zone offset, got {received.isoformat()}")
    local = received.astimezone(ZoneInfo(tz))
    day, clock = local.date(), local.time()
    rule = policy.receipt
    if rule.mode == "next_working_day_if_outside_hours" and (
        not cal.is_working_day(day) or clock < rule.opens or clock >= rule.closes
    ):
        return cal.next_working_day(day)
    return day


def _add(cal: BusinessCalendar, start: date, n: int, unit: Unit) -> date:
    return start + timedelta(days=n) if unit == "calendar_days" else cal.add_business_days(start, n)


def _span(cal: BusinessCalendar, a: date, b: date, unit: Unit) -> int:
    return (b - a).days if unit == "calendar_days" else cal.working_days_between(a, b)


def roll(cal: BusinessCalendar, day: date, mode: Roll) -> date:
    if mode == "next_working_day":
        return day if cal.is_working_day(day) else cal.next_working_day(day)
    if mode == "next_day_not_saturday_or_holiday":
        while cal.is_saturday_or_holiday(day):
            day += timedelta(days=1)
    return day


def _fold(ctx: _Ctx, events: Iterable[Event]) -> _Facts:
    f = _Facts(received_on=ctx.received_on, complete_on=ctx.received_on)
    for i, e in enumerate(events):
        day = ctx.local(e.at)
        if e.type in DONE_BY:
            if DONE_BY[e.type] not in f.done:
                f.done[DONE_BY[e.type]] = day
                f.done_index[DONE_BY[e.type]] = i
        elif e.type == "reopened" and "answer" in f.done:
            # What counted for the first answer (its pauses, its extension) is spent.
            del f.done["answer"], f.done_index["answer"]
            f.reopened_on, f.pauses, f.extensions, f.rescheduled_to = day, [], [], None
        elif e.type == "info_requested" and not f.owed:
            f.pauses.append((day, None, frozenset(f.done)))
        elif e.type == "info_received":
            f.complete_on = day
            if f.owed:
                start, _, done = f.pauses[-1]
                f.pauses[-1] = (start, day, done)
        elif e.type == "extended" and e.days is not None:
            f.extensions.append(e.days)
        elif e.type == "rescheduled" and e.notice_at is not None:
            f.rescheduled_to = ctx.local(e.notice_at)
    return f


def _unrolled(ctx: _Ctx, name: StepName, rule: StepRule, f: _Facts) -> date | None:
    if name == "answer" and f.rescheduled_to is not None and ctx.policy.on_miss == "reschedule":
        return f.rescheduled_to  # the new target the customer was given
    mode = ctx.policy.info_request
    if f.owed and mode != "continue":
        return None
    anchor: date | None
    if name == "answer" and f.reopened_on is not None:
        anchor = max(f.reopened_on, f.complete_on) if mode == "restart" else f.reopened_on
    elif rule.start == "acknowledged":
        # No acknowledgement yet: count from its due day, so sending it on that day changes nothing.
        anchor = f.done.get("ack") or _due(ctx, "ack", f)
    elif rule.start == "complete" or mode == "restart":
        anchor = f.complete_on
    else:
        anchor = f.received_on
    if anchor is None:
        return None
    n = rule.period_for(ctx.kind)
    if mode == "pause":
        n += sum(_span(ctx.cal, a, b, rule.unit) for a, b, done in f.pauses if b is not None and name not in done)
    if name == "answer":
        n += sum(f.extensions)
    return _add(ctx.cal, anchor, n, rule.unit)


def _as_done(prefix: _Facts, facts: _Facts) -> _Facts:
    """The facts a done step is judged by: the history up to its done event.

    A step done while information was owed was done inside a pause whose length only the later
    `info_received` tells; that one pause takes its end from the whole history, so the step gets the
    date it would have had, instead of staying without a due date for good.
    """
    if not prefix.owed or len(facts.pauses) < len(prefix.pauses):
        return prefix
    start, _owed, done = prefix.pauses[-1]
    full_end = facts.pauses[len(prefix.pauses) - 1][1]
    if full_end is None:
        return prefix
    pauses = [*prefix.pauses[:-1], (start, full_end, done)]
    return _Facts(
        prefix.received_on,
        full_end,
        dict(prefix.done),
        pauses,
        list(prefix.extensions),
        prefix.reopened_on,
        dict(prefix.done_index),
        prefix.rescheduled_to,
    )


def _due(ctx: _Ctx, name: StepName, f: _Facts) -> date | None:
    rule = ctx.policy.step(name)
    day = _unrolled(ctx, name, rule, f) if rule else None
    return roll(ctx.cal, day, ctx.policy.roll) if day else None


def _state(ctx: _Ctx, due: date | None, done_on: date | None, today: date | None, soon: int) -> State:
    if done_on is not None:
        return "met" if due is None or done_on <= due else "breached"
    if due is None:
        return "waiting"
    if today is None:
        return "open"
    if today > due:
        return "breached"
    return "due_soon" if ctx.cal.working_days_between(today, due) <= soon else "open"


def _refusal(ctx: _Ctx, f: _Facts, event: Event | None, today: date | None) -> tuple[RefusalCode, str] | None:
    """Why an extension (the event, or any extension when None) is refused now; None when allowed."""
    rule, answer = ctx.policy.extension, ctx.policy.answer
    if rule.max_count == 0:
        return "extension_not_allowed", f"policy {ctx.policy.name} allows no extension"
    if len(f.extensions) >= rule.max_count:
        return "extension_not_allowed", f"the deadline may be extended at most {rule.max_count} time(s)"
    if "answer" in f.done:
        return "extension_not_allowed", "the complaint has already been answered"
    unrolled = _unrolled(ctx, "answer", answer, f)
    if unrolled is None:
        return "extension_not_allowed", "there is no due date to extend while information is owed"
    # A lapsed deadline first: once the due date has passed (or the notice came too late), the right to
    # extend is gone, whatever the extension's length or reason.
    due = roll(ctx.cal, unrolled, ctx.policy.roll)
    if today is not None and today > due:
        return "extension_after_due", f"the answer was due on {due.isoformat()}"
    if event is not None and rule.notice_required:
        notice_on = ctx.local(event.notice_at) if event.notice_at else None
        if notice_on is None or notice_on > due:
            return "notice_after_due", f"the written notice had to go out by {due.isoformat()}"
    if event is not None and event.reason and rule.reasons and event.reason not in rule.reasons:
        return "extension_not_allowed", f"reason {event.reason!r} is not one of {', '.join(rule.reasons)}"
    room = _room(ctx, unrolled)
    if event is not None and event.days is not None and event.days > room:
        limit = "the hard cap" if room < rule.max_days else "the longest extension"
        return "extension_too_long", f"{event.days} days exceed {limit} ({room} days at most)"
    if event is None and room <= 0:
        return "extension_too_long", "the hard cap leaves no room for an extension"
    return None


def _room(ctx: _Ctx, unrolled: date) -> int:
    """The most extension days allowed on top of the answer's current unrolled due date."""
    rule, unit = ctx.policy.extension, ctx.policy.answer.unit
    if rule.hard_cap_days is None:
        return rule.max_days
    cap = ctx.received_on + timedelta(days=rule.hard_cap_days)
    return max(0, min(rule.max_days, _span(ctx.cal, unrolled, cap, unit)))


def _context(policy: Policy, cal: BusinessCalendar, tz: str, received: datetime, kind: str) -> _Ctx:
    return _Ctx(policy, cal, ZoneInfo(tz), received_date(policy, cal, tz, received), kind)


def _ordered(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda e: e.at)  # stable: same-instant events keep their recorded order


def compute(
    policy: Policy,
    calendar: BusinessCalendar,
    tz: str,
    received: datetime,
    kind: str,
    events: Sequence[Event],
    now: datetime | None = None,
    due_soon_days: int = DUE_SOON_DAYS,
) -> Schedule:
    ctx = _context(policy, calendar, tz, received, kind)
    history = _ordered(events)
    facts = _fold(ctx, history)
    today = ctx.local(now) if now is not None else None
    steps = []
    for name, rule in policy.steps():
        done_at = facts.done_index.get(name)
        f = facts if done_at is None else _as_done(_fold(ctx, history[:done_at]), facts)
        unrolled = _unrolled(ctx, name, rule, f)
        due = roll(calendar, unrolled, policy.roll) if unrolled else None
        done_on = facts.done.get(name)
        steps.append(StepSchedule(name, due, unrolled, _state(ctx, due, done_on, today, due_soon_days), done_on))
    refusal = _refusal(ctx, facts, None, today)
    answer = steps[-1]
    allowance = ExtensionAllowance(
        can_extend=refusal is None,
        max_days=_room(ctx, answer.unrolled) if refusal is None and answer.unrolled else 0,
        notice_by=answer.due if refusal is None and policy.extension.notice_required else None,
        refusal=refusal[0] if refusal else None,
        used=len(facts.extensions),
    )
    return Schedule(ctx.received_on, tuple(steps), facts.owed, allowance, policy.on_miss)


def apply_event(
    policy: Policy,
    calendar: BusinessCalendar,
    tz: str,
    received: datetime,
    kind: str,
    events: Sequence[Event],
    event: Event,
    now: datetime | None = None,
    due_soon_days: int = DUE_SOON_DAYS,
) -> Schedule:
    """The schedule with `event` added, or DeadlineRefused (and the history stays as it was)."""
    if event.type == "extended":
        ctx = _context(policy, calendar, tz, received, kind)
        refusal = _refusal(ctx, _fold(ctx, _ordered(events)), event, ctx.local(event.at))
        if refusal is not None:
            raise DeadlineRefused(*refusal)
    return compute(policy, calendar, tz, received, kind, [*events, event], now, due_soon_days)
