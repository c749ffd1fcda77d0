"""Message ids for the deadline steps, for staff and for consumers.

Marked with a local `gettext_noop` so `makemessages` (xgettext matches the name) collects them,
while this module stays pure; callers translate at display time, e.g.
`gettext(CONSUMER_SENTENCES["answer"]) % {"date": date_format(due, "j F Y")}`.
"""

from __future__ import annotations

from datetime import date

from .policies import StepName


def gettext_noop(message: str) -> str:
    # Django's own gettext_noop reads settings.USE_I18N on first call, which would make this module impure.
    return message


STEP_NAMES: dict[StepName, str] = {
    "ack": gettext_noop("Acknowledgement"),
    "progress": gettext_noop("Progress update"),
    "answer": gettext_noop("Answer"),
}

STEP_EXPLANATIONS: dict[StepName, str] = {
    "ack": gettext_noop("Confirm to the customer that the complaint was received and is being handled."),
    "progress": gettext_noop("Tell the customer how the investigation is going and what happens next."),
    "answer": gettext_noop("Send the reasoned decision on the complaint, naming the forums the customer may turn to."),
}

CONSUMER_SENTENCES: dict[StepName, str] = {
    "ack": gettext_noop("We will confirm receipt of your complaint by %(date)s."),
    "progress": gettext_noop("We will tell you how your complaint is progressing by %(date)s."),
    "answer": gettext_noop("We will answer by %(date)s."),
}

STATE_NAMES: dict[str, str] = {
    "open": gettext_noop("Open"),
    "due_soon": gettext_noop("Due soon"),
    "met": gettext_noop("On time"),
    "breached": gettext_noop("Overdue"),
    "waiting": gettext_noop("Waiting for the customer's information"),
}

EXTENSION_REASON_NAMES: dict[str, str] = {
    "technical_investigation": gettext_noop("Technical investigation"),
    "outside_opinion": gettext_noop("Outside opinion"),
    "on_site_inspection": gettext_noop("On-site inspection"),
    "authority_involvement": gettext_noop("Authority involvement"),
    "other": gettext_noop("Other"),
}

ON_MISS_EXPLANATIONS: dict[str, str] = {
    "breach": gettext_noop("A missed deadline is reported to the supervisors."),
    "deemed_accepted": gettext_noop("If not answered in time, the law treats the complaint as accepted."),
    "reschedule": gettext_noop("If not resolved in time, the customer gets an explanation and a new target date."),
}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def english_long_date(d: date) -> str:
    """`16 December 2026`; localised formats come from Django's `date_format` at display time."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def consumer_sentence(step: StepName, due: date) -> str:
    """The untranslated English sentence, e.g. "We will answer by 16 December 2026."."""
    return CONSUMER_SENTENCES[step] % {"date": english_long_date(due)}
