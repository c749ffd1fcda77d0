"""The audit log's filters: what kind of action, who, about what, between which days (the tenant's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from querela.audit.selectors import AuditFilters, is_action_filter
from querela.audit.wording import ACTION_GROUPS


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action kind"), required=False, max_length=80)
    person = forms.CharField(label=_("Person"), required=False, max_length=150)
    object = forms.CharField(label=_("Reference, customer id or recording id"), required=False, max_length=80)
    since = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A select of the action kinds; one exact code (a link from elsewhere) stays selectable.
        choices: list[tuple[str, Any]] = [("", _("All"))]
        choices += [(key, label) for key, (label, _prefixes) in ACTION_GROUPS.items()]
        given = (self.data.get("action") or "").strip() if self.is_bound else ""
        if given and given not in ACTION_GROUPS and is_action_filter(given):
            choices.append((given, given))
        self.fields["action"].widget = forms.Select(choices=choices)

    def clean_action(self) -> str:
        value = str(self.cleaned_data.get("action") or "").strip()
        if value and not is_action_filter(value):
            raise forms.ValidationError(_("Unknown action kind."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The last day comes before the first."))
        return data

    def filters(self) -> AuditFilters:
        """The valid filters (an invalid one is shown with its error and left out)."""
        self.is_valid()
        data = self.cleaned_data
        return AuditFilters(
            action=data.get("action") or "",
            person=(data.get("person") or "").strip(),
            object=(data.get("object") or "").strip(),
            since=data.get("since"),
            until=data.get("until"),
        )
