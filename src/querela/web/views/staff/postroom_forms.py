"""The post room's forms: the scan, the pages of each letter, and what each letter says."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from querela.core.channels import Channel
from querela.postroom.ranges import PageRange, RangeError, parse_ranges
from querela.postroom.services import LETTER_CHANNELS, LETTER_REPLY_CHANNELS, max_bytes, max_pages

from ...forms import LONG_TEXT, RECEIVED_FORMATS


class Described(forms.Form):
    """Each field names its help text and its errors (aria-describedby), as public/_field.html shows them."""

    required_css_class = "required"
    error_css_class = "invalid"

    def describe_errors(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = [f"{bound.auto_id}_error"] if name in self.errors else []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"


class ScanUploadForm(Described):
    scan = forms.FileField(label=_("Scanned letters or received faxes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scan"].help_text = _(
            "One file: PDF, multi-page TIFF, JPEG or PNG, at most %(pages)d pages and %(size)s. It may hold several "
            "letters: you say next which pages belong to which letter."
        ) % {"pages": max_pages(), "size": filesizeformat(max_bytes())}
        self.fields["scan"].widget.attrs["accept"] = ".pdf,.tif,.tiff,.jpg,.jpeg,.png"


class RangesForm(Described):
    ranges = forms.CharField(
        label=_("Pages of each letter"),
        max_length=2000,
        help_text=_("One item per letter, separated by commas: e.g. 1-2, 3, 4-6. Pages left out belong to no letter."),
    )

    def __init__(self, *args: Any, page_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_count = page_count

    def clean_ranges(self) -> list[PageRange]:
        try:
            return parse_ranges(self.cleaned_data["ranges"], self.page_count)
        except RangeError as exc:
            raise forms.ValidationError(exc.problems) from exc


class LetterForm(Described):
    channel = forms.ChoiceField(
        label=_("Came in by"),
        choices=[(c, label) for c, label in Channel.choices if c in LETTER_CHANNELS],
        initial=Channel.POST,
        help_text=_("A letter handed in at the office gets a stamped receipt for the customer."),
    )
    received_at = forms.CharField(
        label=_("Received on (date and time)"),
        help_text=_("When the letter or fax arrived, in the supplier's time: the deadline counts from this day."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reply_channel = forms.ChoiceField(
        label=_("Answer by"),
        choices=[(c, label) for c, label in Channel.choices if c in LETTER_REPLY_CHANNELS],
        initial=Channel.POST,
    )
    sender_name = forms.CharField(label=_("Sender's name"), required=False, max_length=200)
    sender_address = forms.CharField(label=_("Sender's address"), required=False, max_length=300)
    sender_email = forms.EmailField(label=_("Sender's e-mail"), required=False)
    customer_number = forms.CharField(label=_("Customer id, if readable"), required=False, max_length=40)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    summary = forms.CharField(
        label=_("What the letter says (optional)"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_received_at(self) -> datetime:
        """The time as typed, without a zone: the service reads it in the supplier's zone."""
        text = " ".join(self.cleaned_data["received_at"].split())
        for fmt in RECEIVED_FORMATS:
            try:
                return datetime.strptime(text, fmt)  # noqa: DTZ007  (naive on purpose: see postroom.services.local_receipt)
            except ValueError:
                continue
        raise forms.ValidationError(_("Write the date and time, e.g. 2026-03-02 09:30."))
