"""Input validation for the pages; the services decide everything else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from querela.complaints.models import Category, Kind
from querela.customers.models import Channel
from querela.deadlines.texts import EXTENSION_REASON_NAMES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class ConsumerComplaintForm(forms.Form):
    place = forms.TypedChoiceField(label=_("Consumption place"), coerce=int)
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(
        label=_("Precise description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What happened, since when, and what you have already done about it (earlier contacts and their outcome)."
        ),
    )
    meter_serial = forms.CharField(label=_("Meter serial number"), max_length=60, required=False)
    reply_channel = forms.ChoiceField(
        label=_("How should we answer?"), choices=[(Channel.EMAIL, _("By e-mail")), (Channel.POST, _("By post"))]
    )
    documents = MultipleFileField(label=_("Supporting documents"))


class StaffRegisterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[
            c
            for c in Channel.choices
            if c[0] in (Channel.PHONE, Channel.IN_PERSON, Channel.POST, Channel.FAX, Channel.EMAIL)
        ],
    )
    received_at = forms.DateTimeField(
        label=_("Received at"), required=False, help_text=_("Leave empty for now. For letters: the day it arrived.")
    )
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    place = forms.IntegerField(label=_("Consumption place"), required=False, widget=forms.Select)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    contact_name = forms.CharField(label=_("Name (if not a known customer)"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    reply_channel = forms.ChoiceField(label=_("Answer by"), choices=Channel.choices, required=False)
    documents = MultipleFileField(label=_("Documents"))


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    assignee = forms.IntegerField(required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    documents = MultipleFileField(label=_("Attach files"))


class DeadlineForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Step"),
        choices=[
            ("acknowledge", _("Acknowledge")),
            ("progress", _("Progress update")),
            ("extend", _("Extend")),
            ("reschedule", _("New target date")),
        ]
    )
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, required=False)
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[(code, _(name)) for code, name in EXTENSION_REASON_NAMES.items()],
    )
    new_date = forms.DateField(label=_("New date"), required=False)
    text = forms.CharField(label=_("Text to the customer"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ClassifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    reply_channel = forms.ChoiceField(label=_("Reply channel"), choices=Channel.choices)
