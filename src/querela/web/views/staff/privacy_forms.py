"""The data-protection officer's forms: the access log's filters, an export request, an erasure's
confirmation, the retention schedule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from querela.privacy.access_log import AccessFilters
from querela.privacy.schedule import CONFIGURABLE, MAX_MONTHS, SPECS, DocumentType


class AccessFilterForm(forms.Form):
    customer = forms.CharField(label=_("Customer id (as on the bill)"), required=False, max_length=40)
    person = forms.CharField(label=_("Member of staff"), required=False, max_length=150)
    since = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The last day comes before the first."))
        return data

    def filters(self) -> AccessFilters:
        """The valid filters (an invalid one is shown with its error and left out)."""
        self.is_valid()
        data = self.cleaned_data
        return AccessFilters(
            customer=(data.get("customer") or "").strip(),
            person=(data.get("person") or "").strip(),
            since=data.get("since"),
            until=data.get("until"),
        )


class ExportForm(forms.Form):
    customer = forms.CharField(
        label=_("Customer id (as on the bill)"),
        required=False,
        max_length=40,
        help_text=_("The customer record, with its complaints, calls, minutes, letters and files."),
    )
    account = forms.CharField(
        label=_("Or an online account (user name or e-mail address)"),
        required=False,
        max_length=254,
        help_text=_("The account, what was done in it, and every customer record linked to it."),
    )
    include_internal = forms.BooleanField(
        label=_("Include the complaints' internal notes and status bookkeeping"),
        required=False,
        help_text=_("Left out, the timelines are as the customer sees them on their own case pages."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool((data.get("customer") or "").strip()) == bool((data.get("account") or "").strip()):
            raise forms.ValidationError(_("Name either a customer id or an online account."))
        return data


class ErasureFindForm(forms.Form):
    customer = forms.CharField(label=_("Customer id (as on the bill)"), max_length=40)


class ErasureConfirmForm(forms.Form):
    reason = forms.CharField(
        label=_("How the request came in"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. “Letter of 3 March 2026, identity checked at the office”. Kept with the request."),
    )
    digest = forms.CharField(widget=forms.HiddenInput)


class ScheduleForm(forms.Form):
    reason = forms.CharField(label=_("Why the periods change"), required=False, max_length=500)

    def __init__(self, *args: Any, months: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(DocumentType.choices)
        for kind in CONFIGURABLE:
            spec = SPECS[kind]
            self.fields[kind] = forms.IntegerField(
                label=labels[kind],
                min_value=0,
                max_value=MAX_MONTHS,
                initial=months[kind],
                help_text=_("months; the law requires at least %(months)d") % {"months": spec.minimum_months}
                if spec.minimum_months
                else _("months"),
            )
        self.order_fields([*CONFIGURABLE, "reason"])

    def months(self) -> dict[str, int]:
        return {kind: int(self.cleaned_data[kind]) for kind in CONFIGURABLE}
