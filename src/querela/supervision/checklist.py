"""The quality review's default checklist, drawn from the customer documents (seeds 000, 001, 004): what a
good answer does. Each supplier starts with these items and edits them; an item still worded as its preset
reads in the reviewer's language."""

from __future__ import annotations

from django.utils.translation import gettext_noop

# preset code → wording (a message id, translated when shown)
DEFAULT_ITEMS: dict[str, str] = {
    # Seed 004: the answer goes out in the same form the complaint came in (or the one the customer asked for).
    "reply_channel": gettext_noop(
        "Answered in the reply channel (the form the complaint came in, or the one asked for)"
    ),
    # Seed 000: the answer explains the decision and its reasons.
    "reasons": gettext_noop("The decision is explained, with its reasons"),
    # Seeds 000, 004: a dissatisfied customer is told where to turn.
    "remedies": gettext_noop("When rejected or partly upheld, the remedies are named (authority, conciliation body)"),
    # Seeds 000, 004: 15 days, once extended with a written notice before the deadline.
    "on_time": gettext_noop("Answered on time (or extended with a notice before the deadline)"),
    "language": gettext_noop("In the customer's language, correct and plain"),
    "greeting": gettext_noop("Greeting and closing once each, not repeated"),
}

# A check's answer: met, not met, or not applicable to this complaint.
ANSWERS = ("yes", "no", "na")


def score_of(answers: list[str]) -> int:
    """The share of applicable items met, 0–100 (100 when none applies)."""
    applicable = [a for a in answers if a in ("yes", "no")]
    if not applicable:
        return 100
    return round(100 * sum(1 for a in applicable if a == "yes") / len(applicable))
