"""A new supplier from the platform page (issue 13): the tenant, its mailbox, its calendar and deadline
policy from its country, and its first administrator — in one transaction, audited.

The administrator gets an account with no usable password and an invitation to set their own (accounts
mails it after the commit). What lives in apps above this one is registered by them at start-up, as the
deadline-policy check is (`register_onboarding`): intake checks and creates the polled IMAP mailbox,
accounts sends the invitation. Everything else a supplier starts with (remedy bodies, matter table,
answer templates) follows the tenant's creation by its apps' `post_save` handlers, in the same
transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.deadlines.policies import COUNTRY_TIMEZONES, PRESETS

from .access import Actor, require
from .models import Country, Membership, Sector, Tenant
from .roles import Role
from .services import tenant_create

# The language a supplier's public site, letters and mail start in, by country.
COUNTRY_LANGUAGES: dict[str, str] = {"HU": "hu", "PL": "pl", "RO": "ro"}

# The deadline policy a new supplier starts with: its country's rules for its trade (deadlines.policies).
# Seed 000 (HU electricity: 15 days, 30 for damages), seed 004 (HU district heating and water: 15 + 15,
# at most 30), the Hungarian consumer-protection rule for products; in Poland 14 days or the complaint is
# deemed accepted; in Romania 30 days from receipt for energy and utilities.
_POLICY_BY_COUNTRY_AND_SECTOR: dict[tuple[str, str], str] = {
    ("HU", Sector.ELECTRICITY): "hu-electricity",
    ("HU", Sector.GAS): "hu-electricity",
    ("HU", Sector.DISTRICT_HEATING): "hu-utility",
    ("HU", Sector.WATER): "hu-utility",
    ("HU", Sector.PRODUCT_SERVICE): "hu-consumer",
}
_POLICY_BY_COUNTRY: dict[str, str] = {"HU": "hu-electricity", "PL": "pl-consumer", "RO": "ro-energy"}

_CODE = re.compile(r"^[A-Z]{2,5}$")


def default_policy(country: str, sector: str) -> str:
    return _POLICY_BY_COUNTRY_AND_SECTOR.get((country, sector)) or _POLICY_BY_COUNTRY.get(country, "")


def policies_of(country: str) -> list[str]:
    """The built-in policies that count a country's days (a policy's holidays are its country's)."""
    return sorted(name for name, policy in PRESETS.items() if policy.country == country)


def default_mailbox(code: str) -> str:
    return f"{code.strip().lower()}@{settings.QUERELA['MAILBOX_DOMAIN']}"


# --- what the apps above add (registered from their AppConfig.ready) ------------------------------------

# "imap_check": (values) -> a one-line description, or ValidationFailed; "imap_create": (tenant, values)
# -> the description, run in the new tenant's scope; "invite": (tenant, user) -> None, mails after commit.
_HOOKS: dict[str, Callable[..., Any]] = {}


def register_onboarding(name: str, hook: Callable[..., Any]) -> None:
    _HOOKS[name] = hook


def _hook(name: str) -> Callable[..., Any]:
    hook = _HOOKS.get(name)
    if hook is None:  # an installation without the app: a programming error, not the operator's
        raise RuntimeError(f"No {name!r} onboarding step is registered.")
    return hook


# --- the plan, checked before anything is written ----------------------------------------------------


@dataclass(frozen=True)
class OnboardingPlan:
    """What the operator asked for, with the country's defaults filled in: what the confirmation shows."""

    tenant: dict[str, str]
    admin_name: str
    admin_email: str
    imap: dict[str, Any] | None = None
    imap_label: str = ""
    defaults: tuple[str, ...] = field(default=())  # the fields the country filled in


def _problem(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code)


def tenant_onboard_plan(
    *,
    actor: Actor,
    code: str,
    name: str,
    country: str,
    sector: str,
    admin_name: str,
    admin_email: str,
    default_language: str = "",
    time_zone: str = "",
    deadline_policy: str = "",
    mailbox: str = "",
    imap: dict[str, Any] | None = None,
) -> OnboardingPlan:
    """Check everything the new supplier needs, fill in its country's defaults, write nothing.

    Raises ValidationFailed with a code naming the field at fault (`code`, `mailbox`, `deadline_policy`,
    `admin_email`, `imap_…`), so a form can show the message under it.
    """
    require(actor, "platform.manage_tenants")
    code = code.strip().upper()
    if not _CODE.match(code):
        raise _problem(_("The short code is 2 to 5 capital letters, e.g. OPT."), "code_invalid")
    if Tenant.objects.filter(code=code).exists():
        raise _problem(_("A supplier with the code %(code)s exists already.") % {"code": code}, "code_taken")
    if not name.strip():
        raise _problem(_("Give the supplier's name."), "name_required")
    if country not in Country.values:
        raise _problem(_("Unknown country."), "country_invalid")
    if sector not in Sector.values:
        raise _problem(_("Unknown sector."), "sector_invalid")
    defaults: list[str] = []  # what the country chose, for the confirmation
    if not default_language:
        default_language = COUNTRY_LANGUAGES.get(country, "en")
        defaults.append("default_language")
    if not time_zone:
        time_zone = COUNTRY_TIMEZONES.get(country, "UTC")
        defaults.append("time_zone")
    if not deadline_policy:
        deadline_policy = default_policy(country, sector)
        defaults.append("deadline_policy")
    if not mailbox.strip():
        mailbox = default_mailbox(code)
        defaults.append("mailbox")
    if default_language not in dict(settings.LANGUAGES):
        raise _problem(_("Unknown language."), "language_invalid")
    if time_zone not in available_timezones():
        raise _problem(_("Unknown time zone."), "time_zone_invalid")
    policy = PRESETS.get(deadline_policy)
    if policy is None:
        raise _problem(_("Unknown deadline policy %(name)s.") % {"name": deadline_policy}, "policy_invalid")
    if policy.country != country:
        raise _problem(
            _("The deadline policy %(name)s counts the days of another country: choose one of %(names)s.")
            % {"name": deadline_policy, "names": ", ".join(policies_of(country))},
            "policy_country",
        )
    mailbox = _checked_mailbox(mailbox)
    admin_email = _checked_admin(admin_name, admin_email)
    imap_label = ""
    if imap:
        imap_label = str(_hook("imap_check")(imap))
    return OnboardingPlan(
        tenant={
            "code": code,
            "name": name.strip(),
            "country": country,
            "sector": sector,
            "default_language": default_language,
            "time_zone": time_zone,
            "deadline_policy": deadline_policy,
            "mailbox": mailbox,
        },
        admin_name=" ".join(admin_name.split()),
        admin_email=admin_email,
        imap=dict(imap) if imap else None,
        imap_label=imap_label,
        defaults=tuple(defaults),
    )


def _checked_mailbox(mailbox: str) -> str:
    """The complaint address: mail to it reaches this installation's SMTP server only at its own domain
    (seed 003: `<supplier>@<operator-domain>`); a supplier's existing mailbox elsewhere is polled by IMAP."""
    address = mailbox.strip().lower()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise _problem(_("The complaint mailbox is not an e-mail address."), "mailbox_invalid") from exc
    domain = str(settings.QUERELA["MAILBOX_DOMAIN"]).lower()
    if address.rpartition("@")[2] != domain:
        raise _problem(
            _(
                "The complaint mailbox must be an address at %(domain)s, where this installation receives mail; "
                "to read an existing mailbox elsewhere, fill in its IMAP settings."
            )
            % {"domain": domain},
            "mailbox_domain",
        )
    if Tenant.objects.filter(mailbox__iexact=address).exists():
        raise _problem(
            _("The mailbox %(mailbox)s belongs to another supplier already.") % {"mailbox": address}, "mailbox_taken"
        )
    return address


def _checked_admin(admin_name: str, admin_email: str) -> str:
    if not admin_name.strip():
        raise _problem(_("Give the first administrator's name."), "admin_name_required")
    address = admin_email.strip().lower()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise _problem(_("The administrator's e-mail address is not valid."), "admin_email_invalid") from exc
    User = get_user_model()
    if User.objects.filter(Q(username__iexact=address) | Q(email__iexact=address)).exists():
        raise _problem(
            _(
                "An account with the address %(email)s exists already: the first administrator needs an account "
                "of their own. Use another address, or let the new administrator add that person later."
            )
            % {"email": address},
            "admin_exists",
        )
    return address


# --- the write ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewSupplier:
    tenant: Tenant
    administrator: Any  # the user invited


def tenant_onboard(*, actor: Actor, **given: Any) -> NewSupplier:
    """Create the supplier the plan describes, all or nothing: the tenant (its country's remedy bodies,
    matter table and answer templates follow by signal), the polled mailbox, the first administrator's
    account (no usable password) and role, and the invitation mailed once it all committed."""
    plan = tenant_onboard_plan(actor=actor, **given)
    User = get_user_model()
    try:
        with transaction.atomic():
            tenant = tenant_create(actor=actor, **plan.tenant)
            with tenancy.tenant_scope(tenant):
                first, _sep, last = plan.admin_name.partition(" ")
                user = User.objects.create_user(
                    plan.admin_email, plan.admin_email, None, first_name=first[:150], last_name=last[:150]
                )  # no password: they set their own from the invitation
                Membership.objects.create(user=user, role=Role.TENANT_ADMIN)
                audit_record(
                    actor=actor,
                    action="membership.set",
                    object_type="user",
                    object_id=user.username,
                    changes={"role": [None, Role.TENANT_ADMIN], "department": None, "new_account": True},
                )
                polled = _hook("imap_create")(tenant, plan.imap) if plan.imap else None
                audit_record(
                    actor=actor,
                    action="tenant.onboard",
                    object_type="tenant",
                    object_id=tenant.code,
                    changes={"administrator": user.username, "polled_mailbox": str(polled) if polled else None},
                )
                _hook("invite")(tenant, user)
    except IntegrityError as exc:  # another operator took the code, the mailbox or the address a moment ago
        raise _problem(
            _("The code, the mailbox or the administrator's address was taken a moment ago: check them and try again."),
            "taken",
        ) from exc
    return NewSupplier(tenant=tenant, administrator=user)
