"""The forms of two-step sign-in: a code, and an administrator's reason for a reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One field: the app's 6 digits, or (where `recovery`) a recovery code instead."""

    required_css_class = "required"
    code = forms.CharField(max_length=40, strip=True)

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        attrs = {
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "size": "14",
            "autofocus": "autofocus",  # the page asks for this one thing
            "aria-describedby": "id_code_helptext",
        }
        if recovery:
            field.label = _("Code from your authenticator app, or a recovery code")
            field.help_text = _("6 digits from the app; a recovery code looks like abcde-23456.")
        else:
            field.label = _("Code from your authenticator app")
            field.help_text = _("The 6 digits the app shows now.")
            attrs["inputmode"] = "numeric"
        field.widget.attrs.update(attrs)


class ResetReasonForm(forms.Form):
    required_css_class = "required"
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log, e.g. how the person's identity was checked."),
    )
