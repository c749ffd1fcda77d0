"""Deadline policies as data: frozen dataclasses that round-trip to plain JSON, and the built-in presets.

Tenants copy a preset, edit its JSON and store it as a new version, so `from_dict` is the trust
boundary: it rejects anything malformed with a message that names the offending field.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any, Literal, cast, get_args

Unit = Literal["calendar_days", "business_days"]
Anchor = Literal["received", "acknowledged", "complete"]
Roll = Literal["none", "next_working_day", "next_day_not_saturday_or_holiday"]
ReceiptMode = Literal["same_day", "next_working_day_if_outside_hours"]
InfoRequestMode = Literal["pause", "restart", "continue"]
OnMiss = Literal["breach", "deemed_accepted", "reschedule"]
StepName = Literal["ack", "progress", "answer"]

STEP_NAMES: tuple[StepName, ...] = ("ack", "progress", "answer")
EXTENSION_REASONS: tuple[str, ...] = (
    "technical_investigation",
    "outside_opinion",
    "on_site_inspection",
    "authority_involvement",
    "other",
)
# A policy names a country, not a zone; tenants normally carry their own zone, this is the fallback.
COUNTRY_TIMEZONES: dict[str, str] = {"HU": "Europe/Budapest", "PL": "Europe/Warsaw", "RO": "Europe/Bucharest"}


@dataclass(frozen=True)
class StepRule:
    period: int
    unit: Unit = "calendar_days"
    start: Anchor = "received"  # JSON key "from" (a Python keyword)
    overrides: tuple[tuple[str, int], ...] = ()  # per complaint kind; a tuple keeps the policy hashable

    def period_for(self, kind: str) -> int:
        return dict(self.overrides).get(kind, self.period)


@dataclass(frozen=True)
class Receipt:
    mode: ReceiptMode = "same_day"
    opens: time = time(8, 0)
    closes: time = time(16, 0)


@dataclass(frozen=True)
class ExtensionRule:
    max_count: int = 0
    max_days: int = 0
    reasons: tuple[str, ...] = ()  # empty: any reason code is accepted
    notice_required: bool = False
    hard_cap_days: int | None = None  # calendar days from the (effective) receipt date


@dataclass(frozen=True)
class Policy:
    name: str
    country: str
    answer: StepRule
    ack: StepRule | None = None
    progress: StepRule | None = None
    roll: Roll = "none"
    receipt: Receipt = field(default_factory=Receipt)
    extension: ExtensionRule = field(default_factory=ExtensionRule)
    info_request: InfoRequestMode = "continue"
    on_miss: OnMiss = "breach"

    def steps(self) -> Iterator[tuple[StepName, StepRule]]:
        for name in STEP_NAMES:
            rule = self.step(name)
            if rule is not None:
                yield name, rule

    def step(self, name: StepName) -> StepRule | None:
        return cast(StepRule | None, getattr(self, name))

    @property
    def timezone(self) -> str:
        return COUNTRY_TIMEZONES.get(self.country, "UTC")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "steps": {name: _step_to_dict(rule) for name, rule in self.steps()},
            "roll": self.roll,
            "receipt": {
                "mode": self.receipt.mode,
                "opens": self.receipt.opens.strftime("%H:%M"),
                "closes": self.receipt.closes.strftime("%H:%M"),
            },
            "extension": {
                "max_count": self.extension.max_count,
                "max_days": self.extension.max_days,
                "reasons": list(self.extension.reasons),
                "notice_required": self.extension.notice_required,
                "hard_cap_days": self.extension.hard_cap_days,
            },
            "info_request": self.info_request,
            "on_miss": self.on_miss,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Policy:
        return _parse_policy(data)


def _step_to_dict(rule: StepRule) -> dict[str, Any]:
    return {"period": rule.period, "unit": rule.unit, "from": rule.start, "overrides": dict(rule.overrides)}


# --- parsing -----------------------------------------------------------------------------------


def _mapping(
    value: Any, where: str, allowed: Collection[str] | None, required: Collection[str] = ()
) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: expected an object, got {type(value).__name__}")
    unknown = [] if allowed is None else sorted(set(value) - set(allowed))
    if unknown:
        raise ValueError(f"{where}.{unknown[0]}: unknown field (allowed: {', '.join(sorted(allowed or ()))})")
    missing = sorted(set(required) - set(value))
    if missing:
        raise ValueError(f"{where}.{missing[0]}: required field is missing")
    return value


def _choice(value: Any, where: str, literal: Any) -> Any:
    options: tuple[str, ...] = literal if isinstance(literal, tuple) else get_args(literal)
    if value not in options:
        raise ValueError(f"{where}: must be one of {', '.join(options)}, got {value!r}")
    return value


# No complaint law counts in years: a longer period is a typo (365 for 36), refused with its place.
MAX_DAYS = 366


def _int(value: Any, where: str, minimum: int, maximum: int = MAX_DAYS) -> int:
    # bool is an int subclass; `true` in a JSON period is a typo, not a 1.
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        raise ValueError(f"{where}: must be a whole number from {minimum} to {maximum}, got {value!r}")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: must be a non-empty string, got {value!r}")
    return value


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(_str(value, where))
    except ValueError:
        raise ValueError(f"{where}: must be a time HH:MM, got {value!r}") from None


def _parse_step(data: Any, where: str) -> StepRule:
    d = _mapping(data, where, {"period", "unit", "from", "overrides"}, {"period"})
    overrides = _mapping(d.get("overrides", {}), f"{where}.overrides", None)
    pairs = ((_str(k, f"{where}.overrides"), _int(v, f"{where}.overrides.{k}", 0)) for k, v in overrides.items())
    return StepRule(
        period=_int(d["period"], f"{where}.period", 0),
        unit=_choice(d.get("unit", "calendar_days"), f"{where}.unit", Unit),
        start=_choice(d.get("from", "received"), f"{where}.from", Anchor),
        overrides=tuple(sorted(pairs)),
    )


def _parse_policy(data: Any) -> Policy:
    top = {"name", "country", "steps", "roll", "receipt", "extension", "info_request", "on_miss"}
    d = _mapping(data, "policy", top, {"name", "country", "steps"})
    steps = _mapping(d["steps"], "policy.steps", set(STEP_NAMES), {"answer"})
    rules = {name: _parse_step(steps[name], f"policy.steps.{name}") for name in STEP_NAMES if name in steps}
    for name, rule in rules.items():
        if rule.start == "acknowledged" and (name == "ack" or "ack" not in rules):
            raise ValueError(f"policy.steps.{name}.from: 'acknowledged' needs an ack step before it")
    r = _mapping(d.get("receipt", {}), "policy.receipt", {"mode", "opens", "closes"})
    receipt = Receipt(
        mode=_choice(r.get("mode", "same_day"), "policy.receipt.mode", ReceiptMode),
        opens=_time(r.get("opens", "08:00"), "policy.receipt.opens"),
        closes=_time(r.get("closes", "16:00"), "policy.receipt.closes"),
    )
    if receipt.opens >= receipt.closes:
        raise ValueError("policy.receipt.closes: must be later than opens")
    e = _mapping(
        d.get("extension", {}),
        "policy.extension",
        {"max_count", "max_days", "reasons", "notice_required", "hard_cap_days"},
    )
    reasons = e.get("reasons", [])
    if not isinstance(reasons, list | tuple):
        raise ValueError(f"policy.extension.reasons: must be a list of reason codes, got {reasons!r}")
    for i, code in enumerate(reasons):
        _choice(code, f"policy.extension.reasons[{i}]", EXTENSION_REASONS)
    notice = e.get("notice_required", False)
    if not isinstance(notice, bool):
        raise ValueError(f"policy.extension.notice_required: must be true or false, got {notice!r}")
    cap = e.get("hard_cap_days")
    extension = ExtensionRule(
        max_count=_int(e.get("max_count", 0), "policy.extension.max_count", 0),
        max_days=_int(e.get("max_days", 0), "policy.extension.max_days", 0),
        reasons=tuple(reasons),
        notice_required=notice,
        hard_cap_days=None if cap is None else _int(cap, "policy.extension.hard_cap_days", 1, 2 * MAX_DAYS),
    )
    if extension.max_count > 1:
        raise ValueError(f"policy.extension.max_count: must be 0 or 1, got {extension.max_count}")
    return Policy(
        name=_str(d["name"], "policy.name"),
        country=_str(d["country"], "policy.country").upper(),
        answer=rules["answer"],
        ack=rules.get("ack"),
        progress=rules.get("progress"),
        roll=_choice(d.get("roll", "none"), "policy.roll", Roll),
        receipt=receipt,
        extension=extension,
        info_request=_choice(d.get("info_request", "continue"), "policy.info_request", InfoRequestMode),
        on_miss=_choice(d.get("on_miss", "breach"), "policy.on_miss", OnMiss),
    )


# --- presets (names are part of the interface) --------------------------------------------------

_OUTSIDE_HOURS = Receipt("next_working_day_if_outside_hours", time(8, 0), time(16, 0))

PRESETS: dict[str, Policy] = {
    p.name: p
    for p in (
        Policy(
            name="hu-electricity",
            country="HU",
            answer=StepRule(15, "calendar_days", "complete", (("damage_claim", 30),)),
            extension=ExtensionRule(1, 15, ("technical_investigation", "outside_opinion"), notice_required=True),
            info_request="restart",
        ),
        Policy(
            name="hu-utility",
            country="HU",
            answer=StepRule(15, "calendar_days", "complete"),
            extension=ExtensionRule(
                1, 15, ("on_site_inspection", "authority_involvement"), notice_required=True, hard_cap_days=30
            ),
            info_request="restart",
        ),
        Policy(
            name="hu-consumer",
            country="HU",
            answer=StepRule(30, "calendar_days", "complete"),
            info_request="restart",
        ),
        Policy(
            name="pl-inverter-vendor",
            country="PL",
            ack=StepRule(7, "business_days", "received"),
            progress=StepRule(14, "business_days", "acknowledged"),
            answer=StepRule(30, "business_days", "received"),
            info_request="pause",
            on_miss="reschedule",
        ),
        Policy(
            name="pl-consumer",
            country="PL",
            answer=StepRule(14, "calendar_days", "received"),
            roll="next_day_not_saturday_or_holiday",
            info_request="continue",
            on_miss="deemed_accepted",
        ),
        Policy(
            name="ro-energy",
            country="RO",
            answer=StepRule(30, "calendar_days", "received"),
            receipt=_OUTSIDE_HOURS,
            extension=ExtensionRule(1, 30, EXTENSION_REASONS, notice_required=True),
            roll="next_working_day",
            info_request="pause",
        ),
        Policy(
            name="ro-bill-dispute",
            country="RO",
            answer=StepRule(15, "business_days", "received"),
            receipt=_OUTSIDE_HOURS,
            info_request="pause",
        ),
    )
}
