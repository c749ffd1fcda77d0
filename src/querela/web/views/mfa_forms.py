"""The forms of two-step sign-in: a code, and an administrator's reason for a reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from querela.mfa.security_keys import MAX_ANSWER_BYTES, NAME_LENGTH


class CodeForm(forms.Form):
    """One field: the app's 6 digits, or (where `recovery`) a recovery code instead."""

    required_css_class = "required"
    code = forms.CharField(max_length=40, strip=True)

    def __init__(self, *args: Any, recovery: bool = False, app: bool = True, focus: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        attrs = {
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "size": "14",
            "aria-describedby": "id_code_helptext",
        }
        if focus:
            attrs["autofocus"] = "autofocus"  # the page asks for this one thing
        if recovery and not app:  # a security key is the second step; its stand-in is a recovery code
            field.label = _("Recovery code")
            field.help_text = _("A recovery code looks like abcde-23456.")
        elif recovery:
            field.label = _("Code from your authenticator app, or a recovery code")
            field.help_text = _("6 digits from the app; a recovery code looks like abcde-23456.")
        else:
            field.label = _("Code from your authenticator app")
            field.help_text = _("The 6 digits the app shows now.")
            attrs["inputmode"] = "numeric"
        field.widget.attrs.update(attrs)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if "code" in self.errors:  # the field says it is wrong, reads the message, and takes the focus
            self.fields["code"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": "id_code_error id_code_helptext", "autofocus": "autofocus"}
            )


class ResetReasonForm(forms.Form):
    required_css_class = "required"
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log, e.g. how the person's identity was checked."),
    )


class KeyAnswerForm(forms.Form):
    """What a security key answered (filled in by `security_key.js`), and, when registering, its name."""

    credential = forms.CharField(max_length=MAX_ANSWER_BYTES, widget=forms.HiddenInput, strip=False)
    name = forms.CharField(
        label=_("Name of the key"),
        max_length=NAME_LENGTH,
        required=False,
        help_text=_("So you can tell your keys apart, e.g. “Blue key” or “Work laptop”."),
    )


class PasswordConfirmForm(forms.Form):
    required_css_class = "required"
    password = forms.CharField(
        label=_("Your password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
