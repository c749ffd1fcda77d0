"""What must hold before a complaint's final answer goes out, told by the apps above complaints.

The work instruction checklist (issue 14) registers a check here from its `ready`: complaints never imports
it. A check gets the locked complaint and returns the reason the answer is refused, or None; the deciding
transition (`answer`) runs them all and refuses with the first reason given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AnswerCheck = Callable[[Any], "str | None"]

_checks: list[AnswerCheck] = []


def register(fn: AnswerCheck) -> AnswerCheck:
    if fn not in _checks:
        _checks.append(fn)
    return fn


def refusal(complaint: Any) -> str | None:
    """The first reason a check gives for refusing the answer, else None."""
    for check in _checks:
        reason = check(complaint)
        if reason:
            return reason
    return None
