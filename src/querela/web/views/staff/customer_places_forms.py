"""The forms of a customer's consumption places and meters: each change says why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.customers.models import ServiceType
from querela.remedies.counties import counties_of, normalise_region

REASON_HELP = gettext_lazy("Recorded in the audit log with the change and who made it.")


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Why the record changes"),
        max_length=500,
        help_text=REASON_HELP,
        widget=forms.TextInput(attrs={"size": 60}),
    )


def _date_field(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class PlaceForm(forms.Form):
    """A consumption place's address; its county names the conciliation body in an answer (remedies)."""

    required_css_class = "required"
    address = forms.CharField(label=gettext_lazy("Street and number"), max_length=300)
    postal_code = forms.CharField(label=gettext_lazy("Postal code"), max_length=12)
    city = forms.CharField(label=gettext_lazy("City"), max_length=120)
    region = forms.CharField(
        label=gettext_lazy("County/region"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "remedy-counties"}),
        help_text=gettext_lazy(
            "Decides which conciliation body an answer names. Empty: read from the postal code and the address."
        ),
    )
    service_type = forms.ChoiceField(label=gettext_lazy("Service"), choices=ServiceType.choices)
    reason = _reason_field()

    def __init__(self, *args: Any, country: str, with_meters: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        if with_meters:
            self.fields["meter_serials"] = forms.CharField(
                label=gettext_lazy("Meter serial numbers"),
                max_length=300,
                required=False,
                help_text=gettext_lazy("Separated by commas."),
            )
            self.order_fields([*(f for f in self.fields if f not in ("meter_serials", "reason")), "meter_serials"])

    def clean_region(self) -> str:
        """A county of the supplier's country, written the way the remedy bodies are ("hajdú-bihar megye" →
        "Hajdú-Bihar"); a name that is no county is refused rather than naming the wrong body."""
        region: str = self.cleaned_data["region"].strip()
        if not region or not counties_of(self.country):
            return region
        county = normalise_region(self.country, region)
        if county is None:
            raise forms.ValidationError(
                _("“%(region)s” is not a county here: choose one from the list, or leave it empty.")
                % {"region": region}
            )
        return county

    def place_values(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        if "meter_serials" in d:
            d["meter_serials"] = tuple(s.strip() for s in d["meter_serials"].split(",") if s.strip())
        return d


class MeterForm(forms.Form):
    """A meter added to a place, or the record of one corrected."""

    required_css_class = "required"
    serial = forms.CharField(label=gettext_lazy("Meter serial number"), max_length=60)
    meter_type = forms.CharField(
        label=gettext_lazy("Meter type"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("As on the plate or the bill, e.g. smart, three-phase."),
    )
    installed_on = _date_field(gettext_lazy("Installed on"))
    removed_on = _date_field(gettext_lazy("Removed on"))
    reason = _reason_field()

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if new:
            del self.fields["removed_on"]


class MeterReplaceForm(forms.Form):
    """Another meter in this one's place: the old one removed on a day, the new one installed."""

    required_css_class = "required"
    removed_on = _date_field(gettext_lazy("Old meter removed on"), required=True)
    serial = forms.CharField(label=gettext_lazy("New meter serial number"), max_length=60)
    meter_type = forms.CharField(label=gettext_lazy("New meter type"), max_length=60, required=False)
    installed_on = forms.DateField(
        label=gettext_lazy("New meter installed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: the day the old one was removed."),
    )
    reason = _reason_field()
