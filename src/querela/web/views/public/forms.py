"""The public complaint form, built from the supplier's field settings (portal.form_fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from querela.core.channels import Channel
from querela.portal.form_fields import HIDDEN, REQUIRED

from ...forms import LONG_TEXT, MultipleFileField


def _labels(vendor: bool) -> dict[str, Any]:
    return {
        "customer_number": _("Order or invoice number") if vendor else _("Customer id (printed on your bill)"),
        "name": _("Your name"),
        "acting_for": _("Acting for someone else? Their name"),
        "phone": _("Phone"),
        "email": _("E-mail"),
        "reply_channel": _("How should we answer?"),
        "place_address": _("Address of the consumption place"),
        "mailing_address": _("Mailing address") if vendor else _("Mailing address, if different"),
        "meter_serial": _("Serial number of the device") if vendor else _("Meter serial number"),
        "ticket_number": _("Service ticket number"),
        "product_model": _("Model"),
        "subject": _("Subject in a few words"),
        "description": _("Precise description"),
        "earlier_contacts": _("Earlier contacts about this matter and their outcome"),
        "proposed_solution": _("What solution do you propose?"),
        "documents": _("Supporting documents"),
    }


_HELP = {
    "acting_for": _("Leave empty if the complaint is your own. If you act for someone, attach the power of attorney."),
    "place_address": _("Postal code, town, street and number, as on the bill."),
    "description": _("What happened, since when, and what you expect us to do."),
    "earlier_contacts": _("When and how you contacted us before, and what you were told."),
    "documents": _("PDF, photos (JPEG, PNG), Word or Excel files."),
}


class PublicComplaintForm(forms.Form):
    """Errors come back in the page's language, listed at the top and beside each field."""

    required_css_class = "required"
    error_css_class = "invalid"

    def __init__(self, *args: Any, states: dict[str, str], vendor: bool, kept: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = _labels(vendor)
        self.states = states
        make: dict[str, Any] = {
            "customer_number": lambda: forms.CharField(max_length=40),
            "name": lambda: forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})),
            "acting_for": lambda: forms.CharField(max_length=200),
            "phone": lambda: forms.CharField(max_length=40, widget=forms.TextInput(attrs={"autocomplete": "tel"})),
            "email": lambda: forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"})),
            "reply_channel": lambda: forms.ChoiceField(
                choices=[(Channel.EMAIL, _("By e-mail")), (Channel.POST, _("By post"))],
                widget=forms.RadioSelect,
                initial=Channel.EMAIL,
            ),
            "place_address": lambda: forms.CharField(max_length=300),
            "mailing_address": lambda: forms.CharField(max_length=300),
            "meter_serial": lambda: forms.CharField(max_length=60),
            "ticket_number": lambda: forms.CharField(max_length=60),
            "product_model": lambda: forms.CharField(max_length=120),
            "subject": lambda: forms.CharField(max_length=300),
            "description": lambda: forms.CharField(max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 6})),
            "earlier_contacts": lambda: forms.CharField(max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})),
            "proposed_solution": lambda: forms.CharField(
                max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
            ),
            "documents": lambda: MultipleFileField(),
        }
        for name, state in states.items():
            if state == HIDDEN:
                continue
            field = make[name]()
            field.label = labels[name]
            field.required = state == REQUIRED and not (name == "documents" and kept)
            if name in _HELP:
                field.help_text = _HELP[name]
            self.fields[name] = field
            if name == "acting_for":
                self.fields["power_of_attorney"] = forms.FileField(
                    label=_("Power of attorney"),
                    required=False,
                    help_text=_("Needed when you act for someone else."),
                )
        # Left empty by people; bots fill every field they find.
        self.fields["website"] = forms.CharField(required=False, label=_("Leave this field empty"))

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reply_channel") == Channel.EMAIL and not data.get("email"):
            target = "email" if "email" in self.fields else "reply_channel"
            self.add_error(target, _("To answer by e-mail, we need your e-mail address."))
        if data.get("reply_channel") == Channel.POST and not (data.get("mailing_address") or data.get("place_address")):
            target = "mailing_address" if "mailing_address" in self.fields else "reply_channel"
            self.add_error(target, _("To answer by post, we need your mailing address."))
        return data

    def describe_errors(self) -> None:
        """Screen readers read a field's error with the field: its id joins aria-describedby."""
        for name in self.errors:
            if name not in self.fields:
                continue
            field = self.fields[name]
            ids = [f"id_{name}_error"] + ([f"id_{name}_helptext"] if field.help_text else [])
            field.widget.attrs["aria-describedby"] = " ".join(ids)

    def visible(self) -> list[Any]:
        return [self[name] for name in self.fields if name != "website"]
