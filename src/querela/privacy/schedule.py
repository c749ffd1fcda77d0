"""The retention schedule: how long each kind of document is kept, the supplier's choice within the law.

Seed 004 (a Hungarian utility's rules): complaint records and call recordings are kept 5 years. The minutes
of an oral complaint and the answers sent are part of the complaint record, so they have the same floor. A
complaint's files, letters and minutes are never kept longer than its record: when the record is
anonymised nothing of the complaint is left to point at them. Periods of what is kept "while the complaint
is" count from the day the complaint was last written on once it was answered, closed or redirected
(`holds.py`); an open complaint is kept whatever its age.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    COMPLAINT_RECORD = "complaint_record", _("Complaint records")
    ATTACHMENT = "attachment", _("Files attached to complaints")
    RAW_MAIL = "raw_mail", _("Received e-mail as it came")
    MINUTES = "minutes", _("Minutes of oral complaints")
    LETTER = "letter", _("Letters and answers kept as PDFs")
    RECORDING = "recording", _("Call recordings")
    SUBJECT_EXPORT = "subject_export", _("Data-subject exports")
    ABANDONED_UPLOAD = "abandoned_upload", _("Files of public forms never sent")


T = DocumentType
LEGAL_YEARS = 5  # seed 004
LEGAL_MONTHS = LEGAL_YEARS * 12
MAX_MONTHS = 600


@dataclass(frozen=True)
class Spec:
    default_months: int
    minimum_months: int  # the law's floor (0: none)
    configurable: bool
    what: Promise  # what is removed, and what stays
    counted_from: Promise
    # Kept per complaint: never longer than the complaint record.
    per_complaint: bool = True
    fixed: Promise | None = None  # how long, for the kinds the supplier does not set


SPECS: dict[str, Spec] = {
    T.COMPLAINT_RECORD: Spec(
        LEGAL_MONTHS,
        LEGAL_MONTHS,
        True,
        _(
            "The complaint is anonymised: its texts, contact data and messages are replaced and it is no longer "
            "linked to the customer; its reference, dates, kind, category and decision stay for the statistics."
        ),
        _("the complaint's last entry, once it is answered, closed or redirected"),
    ),
    T.ATTACHMENT: Spec(
        LEGAL_MONTHS,
        0,
        True,
        _("The files attached to the complaint are deleted."),
        _("the complaint's last entry, once it is answered, closed or redirected"),
    ),
    T.RAW_MAIL: Spec(
        LEGAL_MONTHS,
        0,
        True,
        _(
            "The e-mail as received (the original message with its attachments) is deleted; mail that became "
            "no complaint counts from the day it arrived."
        ),
        _("the complaint's last entry, once it is answered, closed or redirected"),
    ),
    T.MINUTES: Spec(
        LEGAL_MONTHS,
        LEGAL_MONTHS,
        True,
        _("The minutes and their signed PDF are deleted, every version."),
        _("the complaint's last entry, once it is answered, closed or redirected"),
    ),
    T.LETTER: Spec(
        LEGAL_MONTHS,
        LEGAL_MONTHS,
        True,
        _("The letters kept as PDFs are deleted; so is a print batch's PDF once it is that old (from its closing)."),
        _("the complaint's last entry, once it is answered, closed or redirected"),
    ),
    T.RECORDING: Spec(
        LEGAL_MONTHS,
        LEGAL_MONTHS,
        False,
        _("The recording is deleted; the call's id and dates stay, as old complaints quote them."),
        _("the call"),
        per_complaint=False,
        fixed=_("5 years, as the law requires (the day is kept with each call)"),
    ),
    T.SUBJECT_EXPORT: Spec(
        0,
        0,
        False,
        _("The ZIP file of a data-subject export is deleted; the request stays in the list."),
        _("the day it was built"),
        per_complaint=False,
        fixed=_("7 days"),
    ),
    T.ABANDONED_UPLOAD: Spec(
        0,
        0,
        False,
        _(
            "Files kept for a public form that came back with errors and was never sent. They belong to no "
            "supplier yet, so the installation removes them, not this schedule."
        ),
        _("the upload"),
        per_complaint=False,
        fixed=_("1 day, for the whole installation"),
    ),
}
EXPORT_KEPT_DAYS = 7
CONFIGURABLE = [t for t in T if SPECS[t].configurable]
# Removed by the supplier's purge, in this order: a complaint's files before its record.
PURGED = [T.ATTACHMENT, T.RAW_MAIL, T.MINUTES, T.LETTER, T.RECORDING, T.COMPLAINT_RECORD, T.SUBJECT_EXPORT]


def check_months(months: dict[str, int]) -> dict[str, str]:
    """Why a proposed schedule is refused, per document type (empty: it is fine). Pure."""
    errors: dict[str, str] = {}
    record = months.get(T.COMPLAINT_RECORD, SPECS[T.COMPLAINT_RECORD].default_months)
    for kind, value in months.items():
        spec = SPECS[kind]
        if not spec.configurable:
            errors[kind] = str(_("This period is not set here."))
        elif value < spec.minimum_months:
            errors[kind] = str(
                _("The law requires at least %(months)d months (%(years)d years).")
                % {"months": spec.minimum_months, "years": spec.minimum_months // 12}
            )
        elif value > MAX_MONTHS:
            errors[kind] = str(_("At most %(months)d months.") % {"months": MAX_MONTHS})
        elif spec.per_complaint and kind != T.COMPLAINT_RECORD and value > record:
            errors[kind] = str(
                _("Not longer than the complaint records (%(months)d months): nothing would be left to point at it.")
                % {"months": record}
            )
    return errors
