"""The operator's form for a new supplier: what the supplier is, where its mail arrives, who administers it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.deadlines.policies import PRESETS
from querela.tenants.models import Country, Sector

from ...forms import TIME_ZONES

FROM_COUNTRY = gettext_lazy("From the country")

# The service's refusals by the field they concern (`tenants.onboarding` codes), shown under that field.
FIELD_OF_CODE = {
    "code_invalid": "code",
    "code_taken": "code",
    "name_required": "name",
    "country_invalid": "country",
    "sector_invalid": "sector",
    "language_invalid": "default_language",
    "time_zone_invalid": "time_zone",
    "policy_invalid": "deadline_policy",
    "policy_country": "deadline_policy",
    "mailbox_invalid": "mailbox",
    "mailbox_domain": "mailbox",
    "mailbox_taken": "mailbox",
    "admin_name_required": "admin_name",
    "admin_email_invalid": "admin_email",
    "admin_exists": "admin_email",
    "imap_host": "imap_host",
    "imap_port": "imap_port",
    "imap_username": "imap_username",
    "imap_password": "imap_password",
}

IMAP_FIELDS = ("imap_host", "imap_port", "imap_use_ssl", "imap_username", "imap_password", "imap_folder")


def _policy_choices() -> list[tuple[str, Any]]:
    named = [(name, f"{name} ({policy.country})") for name, policy in sorted(PRESETS.items())]
    return [("", gettext_lazy("The country's rule for the sector")), *named]


class SupplierForm(forms.Form):
    required_css_class = "required"
    code = forms.CharField(
        label=gettext_lazy("Short code"),
        max_length=5,
        help_text=gettext_lazy("2 to 5 capital letters; it is in every address of the supplier, e.g. /t/OPT/."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        choices=Country.choices,
        help_text=gettext_lazy("Sets the public holidays, the time zone, the language and the deadline policy."),
    )
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), choices=Sector.choices)
    default_language = forms.ChoiceField(
        label=gettext_lazy("Default language"), choices=[("", FROM_COUNTRY), *settings.LANGUAGES], required=False
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"), choices=[("", FROM_COUNTRY), *((z, z) for z in TIME_ZONES)], required=False
    )
    deadline_policy = forms.ChoiceField(label=gettext_lazy("Deadline policy"), choices=_policy_choices, required=False)
    mailbox = forms.EmailField(label=gettext_lazy("Complaint mailbox"), required=False)
    imap_host = forms.CharField(
        label=gettext_lazy("IMAP server"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Only when the supplier's own existing mailbox is to be read as well; else empty."),
    )
    imap_port = forms.IntegerField(
        label=gettext_lazy("IMAP port"), min_value=1, max_value=65535, initial=993, required=False
    )
    imap_use_ssl = forms.BooleanField(label=gettext_lazy("Encrypted (IMAPS)"), initial=True, required=False)
    imap_username = forms.CharField(label=gettext_lazy("IMAP user name"), max_length=255, required=False)
    imap_password = forms.CharField(
        label=gettext_lazy("IMAP password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"}),
    )
    imap_folder = forms.CharField(label=gettext_lazy("IMAP folder"), max_length=255, initial="INBOX", required=False)
    admin_name = forms.CharField(label=gettext_lazy("First administrator's name"), max_length=300)
    admin_email = forms.EmailField(
        label=gettext_lazy("First administrator's e-mail address"),
        help_text=gettext_lazy("Their user name; an invitation to choose a password is mailed here."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].help_text = _(
            "Mail to this address becomes complaints. Empty: the short code at %(domain)s."
        ) % {"domain": settings.QUERELA["MAILBOX_DOMAIN"]}

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields in the form's three parts, each with its legend."""
        supplier = ("code", "name", "country", "sector", "default_language", "time_zone", "deadline_policy")
        return [
            (_("The supplier"), [self[f] for f in supplier]),
            (_("Where its complaint mail arrives"), [self[f] for f in ("mailbox", *IMAP_FIELDS)]),
            (_("Its first administrator"), [self[f] for f in ("admin_name", "admin_email")]),
        ]

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if any(d.get(f) for f in ("imap_host", "imap_username", "imap_password")):
            for name in ("imap_host", "imap_username", "imap_password"):
                if not d.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed to read the existing mailbox (or leave all IMAP fields empty)."))
        return d

    def service_values(self) -> dict[str, Any]:
        """The keyword arguments of `tenant_onboard_plan` / `tenant_onboard`."""
        d = self.cleaned_data
        imap = None
        if d.get("imap_host"):
            imap = {
                "host": d["imap_host"],
                "port": d.get("imap_port") or 993,
                "use_ssl": bool(d.get("imap_use_ssl")),
                "username": d["imap_username"],
                "password": d["imap_password"],
                "folder": d.get("imap_folder") or "INBOX",
            }
        keys = ("code", "name", "country", "sector", "default_language", "time_zone", "deadline_policy", "mailbox")
        values = {k: d.get(k) or "" for k in keys}
        return {**values, "admin_name": d["admin_name"], "admin_email": d["admin_email"], "imap": imap}
