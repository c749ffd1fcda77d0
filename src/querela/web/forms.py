"""Input validation for the pages; the services decide everything else."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from querela.complaints.models import Category, Kind
from querela.complaints.workflow import TRANSITIONS_BY_NAME, Decision
from querela.core.channels import Channel
from querela.customers.models import ServiceType
from querela.deadlines.texts import EXTENSION_REASON_NAMES

# The suppliers' own zones first, then the rest of Europe, where Querela's suppliers are.
_OURS = ("Europe/Budapest", "Europe/Warsaw", "Europe/Bucharest")
TIME_ZONES = [*_OURS, *sorted(z for z in available_timezones() if z.startswith("Europe/") and z not in _OURS)]


RECEIVED_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y.%m.%d. %H:%M",
    "%Y.%m.%d.",
    "%Y. %m. %d. %H:%M",
    "%Y. %m. %d.",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
]


# What a person writes in one field: far beyond any real complaint, well below what would strain a page.
# A longer text is refused with the field's message and everything typed kept.
LONG_TEXT = 100_000


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
    username = forms.CharField(
        label=_("User name"), max_length=150, widget=forms.TextInput(attrs={"autofocus": "autofocus"})
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class ConsumerComplaintForm(forms.Form):
    required_css_class = "required"
    place = forms.TypedChoiceField(label=_("Consumption place"), coerce=int)
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(
        max_length=LONG_TEXT,
        label=_("Precise description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What happened, since when, and what you have already done about it (earlier contacts and their outcome)."
        ),
    )
    meter_serial = forms.CharField(label=_("Meter serial number"), max_length=60, required=False)
    reply_channel = forms.ChoiceField(
        label=_("How should we answer?"),
        choices=[
            (Channel.EMAIL, _("By e-mail")),
            (Channel.POST, _("By post")),
            # Seed 000: a signed-in consumer may be answered here, in their account, with no mail at all.
            (Channel.WEB, _("Here, in my account")),
        ],
    )
    documents = MultipleFileField(label=_("Supporting documents"))

    def __init__(self, *args: Any, product: bool = False, **kwargs: Any) -> None:
        """`product`: a product or service vendor (seed 002) asks for the device and what the customer proposes."""
        super().__init__(*args, **kwargs)
        self.product = product
        # Nothing pre-selected: a metering complaint sent without a second look must not be filed as billing.
        self.fields["category"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c, label) for c, label in Category.choices if c not in (Category.PRODUCT, Category.SERVICE)
        ]
        if product:
            self.fields["place"].label = _("Installation")
            self.fields["category"].choices = [("", "—")] + [  # type: ignore[attr-defined]
                (c, label) for c, label in Category.choices if c in (Category.PRODUCT, Category.SERVICE, Category.OTHER)
            ]
            self.fields["meter_serial"].label = _("Serial number of the device")
            self.fields["product_model"] = forms.CharField(label=_("Model"), max_length=120, required=False)
            self.fields["ticket_number"] = forms.CharField(
                label=_("Service ticket number"), max_length=60, required=False
            )
            self.fields["proposed_solution"] = forms.CharField(
                label=_("What solution do you propose?"), widget=forms.Textarea(attrs={"rows": 3}), required=False
            )

    def complaint_text(self) -> str:
        """The description with the extra facts the customer gave, each on its own labelled line."""
        d = self.cleaned_data
        facts = [
            (self.fields["meter_serial"].label, d.get("meter_serial")),
            (_("Model"), d.get("product_model")),
            (_("Service ticket number"), d.get("ticket_number")),
            (_("Proposed solution"), d.get("proposed_solution")),
        ]
        lines = [f"{label}: {value}" for label, value in facts if value]
        return "\n\n".join([d["description"], "\n".join(lines)]) if lines else d["description"]


class StaffRegisterForm(forms.Form):
    required_css_class = "required"
    # Phone matters are registered from a call (web/views/staff/calls.py): the caller must hear the
    # recording id and be identified first, so the general form has no "phone".
    channel = forms.ChoiceField(
        label=_("Received by"),
        initial=Channel.IN_PERSON,
        choices=[
            c
            for c in Channel.choices
            if c[0] in (Channel.IN_PERSON, Channel.HANDED_IN, Channel.POST, Channel.FAX, Channel.EMAIL)
        ],
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        help_text=_("Leave empty for now. For letters: the day it arrived."),
        # Year first, or day first as in Hungary, Poland and Romania; never the ambiguous month/day order.
        input_formats=RECEIVED_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    place = forms.IntegerField(label=_("Consumption place"), required=False, widget=forms.Select)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(
        label=_("Description"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )
    contact_name = forms.CharField(label=_("Name (if not a known customer)"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    reply_channel = forms.ChoiceField(
        label=_("Answer by"),
        choices=[("", _("as the customer prefers, or as received")), *Channel.choices],
        required=False,
    )
    documents = MultipleFileField(label=_("Documents"))
    representative = forms.IntegerField(label=_("Filed by"), required=False, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("back_office", _("Hand to the back office")), ("on_spot", _("Answered on the spot"))],
        initial="back_office",
        widget=forms.RadioSelect,
        required=False,
    )
    answer = forms.CharField(
        label=_("The answer given on the spot"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_in_writing = forms.BooleanField(
        label=_("Confirm it in writing (important matter, or the customer asks)"), required=False
    )


class CallRegisterForm(StaffRegisterForm):
    """A matter raised on a call: channel, time and recording id come from the call."""

    customer_disagrees = forms.BooleanField(label=_("The customer disagrees with the answer"), required=False)
    statement = forms.CharField(
        label=_("Our statement for the minutes"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Minutes are taken when the matter is handed on or the customer disagrees."),
    )
    minutes_waived = forms.BooleanField(
        label=_("No minutes: the recording holds every element and the customer agrees"), required=False
    )

    matter = forms.ChoiceField(
        label=_("Matter (from the matter table)"),
        required=False,
        help_text=_("A matter the supplier never settles by phone is refused and logged, with its text to read out."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from querela.portal.selectors import matter_table

        for name in ("channel", "received_at"):
            del self.fields[name]
        self.fields["matter"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (m.code, m.title) for m in matter_table()
        ]


class CallStartForm(forms.Form):
    recording_id = forms.CharField(
        label=_("Recording id from the phone system"),
        required=False,
        max_length=60,
        help_text=_("Leave empty and Querela gives the call an id."),
    )
    caller_number = forms.CharField(label=_("Caller's number"), required=False, max_length=40)


class CallerIdentifyForm(forms.Form):
    """What the caller says; checked against the record, never shown from it."""

    customer_number = forms.CharField(label=_("Customer id (from the bill)"), required=False, max_length=40)
    meter_serial = forms.CharField(label=_("Meter serial number"), required=False, max_length=60)
    invoice_number = forms.CharField(label=_("Invoice number"), required=False, max_length=40)
    name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    address = forms.CharField(
        label=_("Address of the consumption place (street and number)"), required=False, max_length=300
    )
    phone = forms.CharField(label=_("Phone number on file"), required=False, max_length=40)
    email = forms.CharField(label=_("E-mail on file"), required=False, max_length=200)


class RecordingUploadForm(forms.Form):
    audio = forms.FileField(label=_("Recording file (MP3, WAV, OGG, M4A)"))


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Text"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    assignee = forms.IntegerField(required=False)
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "—"), *Decision.choices], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        t = TRANSITIONS_BY_NAME.get(data.get("action", ""))
        if t is not None and t.decides and not data.get("decision"):
            # The answer says what was decided: upheld, or the remedies are named (partly upheld, rejected).
            self.add_error("decision", _("Choose the decision: upheld, partly upheld or rejected."))
        return data


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    documents = MultipleFileField(label=_("Attach files"))


class DeadlineForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Step"), error_messages={"invalid_choice": _("This step is not possible on this complaint now.")}
    )
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    new_date = forms.DateField(label=_("New date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label=_("Text to the customer"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    ACTIONS = {
        "acknowledge": _("Acknowledge"),
        "progress": _("Progress update"),
        "extend": _("Extend"),
        "reschedule": _("New target date"),
    }

    def __init__(self, *args: Any, actions: list[str], reasons: list[str], **kwargs: Any) -> None:
        """Only what the complaint's policy allows now: the steps it has, its extension reasons."""
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, self.ACTIONS[a]) for a in actions]  # type: ignore[attr-defined]
        self.fields["reason"].choices = [(r, _(EXTENSION_REASON_NAMES[r])) for r in reasons]  # type: ignore[attr-defined]
        if "extend" not in actions:
            del self.fields["days"], self.fields["reason"]
        if "reschedule" not in actions:
            del self.fields["new_date"]


class ClassifyForm(forms.Form):
    """The details of a complaint a person may correct after registration; which of them this person may
    change now is the edit matrix's to say (`edit_rules`): the others are shown read-only with the reason."""

    subject = forms.CharField(label=_("Subject"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    reply_channel = forms.ChoiceField(label=_("Reply channel"), choices=Channel.choices)
    contact_name = forms.CharField(label=_("Contact name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    # Required in the browser; the service says why when a request comes without one.
    reason = forms.CharField(
        label=_("Why (required for any change)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"required": True}),
    )


def _dates(text: str) -> list[str]:
    """One ISO date per line (or comma-separated); refused with the line that is not a date."""
    from datetime import date

    out = []
    for raw in text.replace(",", "\n").splitlines():
        item = raw.strip()
        if not item:
            continue
        try:
            out.append(date.fromisoformat(item).isoformat())
        except ValueError:
            raise forms.ValidationError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": item}) from None
    return sorted(set(out))


class TenantSettingsForm(forms.Form):
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in TIME_ZONES])
    deadline_policy = forms.ChoiceField(label=_("Deadline policy"))
    reminder_working_days = forms.IntegerField(
        label=_("Remind the assignee this many working days before a due date"), min_value=0, max_value=20
    )
    max_attachment_mb = forms.IntegerField(label=_("Largest attachment (MB)"), min_value=1, max_value=100)
    allowed_attachment_types = forms.CharField(
        label=_("Allowed attachment types"),
        required=False,
        help_text=_("Content types separated by commas, e.g. application/pdf, image/jpeg; empty: the usual documents."),
    )
    closures = forms.CharField(
        label=_("Office closures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date per line (YYYY-MM-DD): days the office is closed on top of public holidays."),
    )
    extra_working_days = forms.CharField(
        label=_("Extra working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date per line (YYYY-MM-DD): weekend days the office works."),
    )

    answer_footer = forms.CharField(
        label=_("Added to every answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where a dissatisfied customer may turn: the authority, the conciliation body, the regulator."),
    )
    extension_needs_approval = forms.BooleanField(
        label=_("Extensions need a supervisor's approval (four eyes)"),
        required=False,
        help_text=_(
            "A handler's extension of the answer deadline becomes a request; another supervisor approves it "
            "before the notice goes out."
        ),
    )

    def __init__(self, *args: Any, policies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline_policy"].choices = [(p, p) for p in policies]  # type: ignore[attr-defined]

    def clean_allowed_attachment_types(self) -> list[str]:
        types = [t.strip().lower() for t in self.cleaned_data["allowed_attachment_types"].split(",") if t.strip()]
        for t in types:
            if "/" not in t:
                raise forms.ValidationError(_("“%(value)s” is not a content type.") % {"value": t})
        return types

    def clean_closures(self) -> list[str]:
        return _dates(self.cleaned_data["closures"])

    def clean_extra_working_days(self) -> list[str]:
        return _dates(self.cleaned_data["extra_working_days"])


class DepartmentForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)


class StaffForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150, validators=[UnicodeUsernameValidator()])
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password (new people only)"), required=False, widget=forms.PasswordInput, max_length=128
    )
    role = forms.ChoiceField(label=_("Role"))
    department = forms.IntegerField(label=_("Department"), required=False, widget=forms.Select)

    def __init__(self, *args: Any, roles: list[tuple[str, Any]], departments: list[tuple[Any, str]], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]
        self.fields["department"].widget.choices = [("", "—"), *departments]


_UNITS = [("calendar_days", _("calendar days")), ("business_days", _("working days"))]
_ANCHORS = [
    ("received", _("from receipt")),
    ("acknowledged", _("from the acknowledgement")),
    ("complete", _("from when the complaint is complete")),
]
_ROLLS = [
    ("none", _("no: a due date on a holiday stays")),
    ("next_working_day", _("to the next working day")),
    ("next_day_not_saturday_or_holiday", _("to the next day that is not a Saturday or holiday")),
]
_RECEIPT_MODES = [
    ("same_day", _("the day it arrives")),
    ("next_working_day_if_outside_hours", _("the next working day when it arrives outside office hours")),
]
_INFO_MODES = [
    ("pause", _("the deadline pauses while we wait")),
    ("restart", _("the deadline starts again when the information arrives")),
    ("continue", _("the deadline runs on")),
]
_ON_MISS = [
    ("breach", _("a breach is recorded")),
    ("deemed_accepted", _("the complaint is deemed accepted")),
    ("reschedule", _("a new date is set")),
]
STEP_LABELS = {"ack": _("Acknowledgement"), "progress": _("Progress report"), "answer": _("Answer")}


class PolicyForm(forms.Form):
    """A deadline policy in words and numbers (no JSON): each step's period, unit and start, the
    holiday roll, receipt hours, extension, information requests and a missed deadline. Overrides per
    complaint kind are kept as they were (shown, not edited here)."""

    save_as = forms.RegexField(
        regex=r"^[a-z0-9][a-z0-9-]*$",
        error_messages={"invalid": _("A policy name is small letters, digits and dashes.")},
        label=_("Save as a new policy named"),
        required=False,
        max_length=64,
        help_text=_("Empty: a new version of this policy. A name: a copy the supplier can choose in its settings."),
    )
    roll = forms.ChoiceField(label=_("A due date on a holiday moves"), choices=_ROLLS)
    receipt_mode = forms.ChoiceField(label=_("A complaint counts as received on"), choices=_RECEIPT_MODES)
    opens = forms.TimeField(label=_("Office opens"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes = forms.TimeField(label=_("Office closes"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    max_count = forms.TypedChoiceField(
        label=_("Extensions allowed"), choices=[(0, _("none")), (1, _("one"))], coerce=int
    )
    max_days = forms.IntegerField(label=_("Longest extension (days)"), min_value=0, max_value=365)
    hard_cap_days = forms.IntegerField(
        label=_("Never later than (days from receipt, 0: no cap)"), min_value=0, max_value=730
    )
    notice_required = forms.BooleanField(label=_("A written notice must reach the customer first"), required=False)
    reasons = forms.MultipleChoiceField(
        label=_("Accepted reasons for an extension"),
        choices=[(k, _(v)) for k, v in EXTENSION_REASON_NAMES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    info_request = forms.ChoiceField(label=_("When we ask the customer for information"), choices=_INFO_MODES)
    on_miss = forms.ChoiceField(label=_("When a deadline is missed"), choices=_ON_MISS)
    sample_received = forms.DateTimeField(
        label=_("Preview: a complaint received at"),
        required=False,
        input_formats=RECEIVED_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, current: dict[str, Any], **kwargs: Any) -> None:
        self.current = current
        kwargs["initial"] = kwargs.get("initial") or self.initial_from(current)
        super().__init__(*args, **kwargs)
        for step in STEP_LABELS:
            label = STEP_LABELS[step]
            self.fields[f"{step}_on"] = forms.BooleanField(label=label, required=step == "answer")
            self.fields[f"{step}_period"] = forms.IntegerField(
                label=_("%(step)s: period") % {"step": label}, min_value=1, max_value=365, required=False
            )
            self.fields[f"{step}_unit"] = forms.ChoiceField(
                label=_("%(step)s: counted in") % {"step": label}, choices=_UNITS
            )
            self.fields[f"{step}_from"] = forms.ChoiceField(
                label=_("%(step)s: counted") % {"step": label}, choices=_ANCHORS
            )
            # Shown in a table row whose only visible label is the step's name: each control names itself.
            for name in ("period", "unit", "from"):
                field = self.fields[f"{step}_{name}"]
                field.widget.attrs["aria-label"] = str(field.label)

    def step_rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [(self[f"{s}_on"], self[f"{s}_period"], self[f"{s}_unit"], self[f"{s}_from"]) for s in STEP_LABELS]

    def general_fields(self) -> list[Any]:
        return [self[n] for n in ("receipt_mode", "opens", "closes", "roll", "info_request", "on_miss")]

    def extension_fields(self) -> list[Any]:
        return [self[n] for n in ("max_count", "max_days", "hard_cap_days", "notice_required", "reasons")]

    def overrides(self) -> list[tuple[Any, str, int]]:
        return [
            (STEP_LABELS.get(step, step), kind, days)
            for step, rule in self.current["steps"].items()
            for kind, days in rule.get("overrides", {}).items()
        ]

    @staticmethod
    def initial_from(d: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "roll": d["roll"],
            "receipt_mode": d["receipt"]["mode"],
            "opens": d["receipt"]["opens"],
            "closes": d["receipt"]["closes"],
            "max_count": d["extension"]["max_count"],
            "max_days": d["extension"]["max_days"],
            "hard_cap_days": d["extension"].get("hard_cap_days") or 0,
            "notice_required": d["extension"]["notice_required"],
            "reasons": d["extension"]["reasons"],
            "info_request": d["info_request"],
            "on_miss": d["on_miss"],
        }
        for step in STEP_LABELS:
            rule = d["steps"].get(step)
            values[f"{step}_on"] = rule is not None
            values[f"{step}_period"] = rule["period"] if rule else None
            values[f"{step}_unit"] = rule["unit"] if rule else "calendar_days"
            values[f"{step}_from"] = rule["from"] if rule else "received"
        return values

    def definition(self) -> dict[str, Any]:
        """The policy these fields describe, in the stored form (the engine validates it on save)."""
        d = self.cleaned_data
        steps = {}
        for step in STEP_LABELS:
            if d[f"{step}_on"]:
                old = self.current["steps"].get(step) or {}
                steps[step] = {
                    "period": d[f"{step}_period"],
                    "unit": d[f"{step}_unit"],
                    "from": d[f"{step}_from"],
                    "overrides": old.get("overrides", {}),
                }
        return {
            "name": self.current["name"],
            "country": self.current["country"],
            "steps": steps,
            "roll": d["roll"],
            "receipt": {
                "mode": d["receipt_mode"],
                "opens": d["opens"].strftime("%H:%M"),
                "closes": d["closes"].strftime("%H:%M"),
            },
            "extension": {
                "max_count": d["max_count"],
                "max_days": d["max_days"],
                "reasons": list(d["reasons"]),
                "notice_required": d["notice_required"],
                "hard_cap_days": d["hard_cap_days"] or None,
            },
            "info_request": d["info_request"],
            "on_miss": d["on_miss"],
        }

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for step in STEP_LABELS:
            if d.get(f"{step}_on") and not d.get(f"{step}_period"):
                self.add_error(f"{step}_period", _("Give the number of days."))
        return d


class CustomerForm(forms.Form):
    required_css_class = "required"
    customer_number = forms.CharField(label=_("Customer id (as on the bill)"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_channel = forms.ChoiceField(label=_("Preferred reply channel"), choices=Channel.choices)
    mailing_address = forms.CharField(label=_("Mailing address"), max_length=300, required=False)
    address = forms.CharField(label=_("Consumption place address"), max_length=300, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=12, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    region = forms.CharField(label=_("County/region"), max_length=120, required=False)
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices, required=False)
    meter_serials = forms.CharField(
        label=_("Meter serial numbers"), max_length=300, required=False, help_text=_("Separated by commas.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("address") and not (data.get("postal_code") and data.get("city") and data.get("service_type")):
            raise forms.ValidationError(_("A consumption place needs its postal code, city and service."))
        return data


class CustomerEditForm(forms.Form):
    required_css_class = "required"
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_channel = forms.ChoiceField(label=_("Preferred reply channel"), choices=Channel.choices)
    mailing_address = forms.CharField(label=_("Mailing address"), max_length=300, required=False)
    reason = forms.CharField(label=_("Why the record changes"), max_length=500)


class IdentifyForm(forms.Form):
    query = forms.CharField(
        label=_("Customer id or meter serial number"),
        max_length=60,
        help_text=_("Or a name, address or phone number that finds exactly one customer."),
    )


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Mailing address"), max_length=300, required=False)
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    power_of_attorney = forms.FileField(label=_("Power of attorney"), required=False)
