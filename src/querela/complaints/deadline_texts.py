"""Deadline wording people read: the consumer's "we will answer by …" sentence, dates written out in the
complaint's language, the lines of an extension notice, refusals."""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from querela.core import clock
from querela.deadlines.texts import CONSUMER_SENTENCES, EXTENSION_REASON_NAMES

from .language import complaint_language
from .models import Complaint, DeadlineStep


def refusal_text(code: str, detail: str) -> str:
    texts = {
        "extension_not_allowed": _("The deadline cannot be extended (again) under this policy."),
        "extension_too_long": _("The extension is longer than the policy allows."),
        "extension_after_due": _("The deadline has already passed: it can no longer be extended."),
        "notice_after_due": _("The written notice must reach the customer before the deadline."),
    }
    return f"{texts.get(code, code)} — {detail}"


def consumer_due_sentence(complaint: Complaint, step: str = "answer", *, due: date | None = None) -> str:
    """ "We will answer by 16 December 2026", in the customer's language. `due`: the open step's date
    when the caller has just computed it (a new complaint's answer), else it is read."""
    if due is not None:
        done_at = None
    else:
        row = DeadlineStep.objects.filter(complaint=complaint, step=step).values_list("due_date", "done_at").first()
        due, done_at = row if row else (None, None)
    if due is None or done_at is not None:
        return ""  # nothing is owed on this step now: promising a date would be wrong
    if due < clock.tenant_today(complaint.tenant):
        if step != "answer":
            return ""
        # Never promise a day that has passed.
        return _("We are late: the answer was due on %(date)s. We apologise and will answer as soon as we can.") % {
            "date": long_date(due)
        }
    sentence = _(CONSUMER_SENTENCES[step]) % {"date": long_date(due)}  # type: ignore[index]
    return sentence.replace("..", ".")  # Hungarian long dates end with a dot already


def long_date(d: date) -> str:
    """ "16 December 2026"; other languages use their own long form ("2026. december 16.", "16 grudnia 2026",
    "16 decembrie 2026": Romanian writes month names in small letters, Django's catalogue capitalises them)."""
    language = translation.get_language()
    text = date_format(d, "j F Y" if language in (None, "en") else "DATE_FORMAT")
    return text.lower() if language == "ro" else text


def notice_text(complaint: Complaint, text: str, *lines: str) -> str:
    """The staff member's text, then the plain-words lines in the customer's language."""
    with translation.override(complaint_language(complaint)):
        extra = [line for line in (*lines, consumer_due_sentence(complaint)) if line]
    return "\n\n".join([text.strip(), *extra])


def reason_line(complaint: Complaint, reason: str) -> str:
    with translation.override(complaint_language(complaint)):
        return _("Reason for the extension: %(reason)s.") % {"reason": _(EXTENSION_REASON_NAMES[reason]).lower()}
