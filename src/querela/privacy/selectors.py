"""Reads for the data-protection pages: the schedule in force, runs, exports, erasure requests, and finding
the person a request is about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from querela.audit.services import audit_personal_data
from querela.core.errors import NotFound
from querela.customers.models import Customer
from querela.customers.selectors import customers_matching
from querela.tenants.access import Actor, require
from querela.tenants.models import Membership
from querela.tenants.roles import Role

from .models import ErasureRequest, PurgeRun, RetentionRule, RunState, SubjectExport
from .schedule import SPECS, DocumentType, Spec


def retention_months() -> dict[str, int]:
    """The period of every document type in the tenant in scope: its own rows over the defaults."""
    months = {kind: spec.default_months for kind, spec in SPECS.items()}
    for kind, value in RetentionRule.objects.values_list("document_type", "months"):
        if kind in months and SPECS[kind].configurable:
            months[kind] = value
    return months


@dataclass(frozen=True)
class ScheduleRow:
    document_type: str
    label: str | Promise
    spec: Spec
    months: int
    is_default: bool


def retention_schedule(*, actor: Actor) -> list[ScheduleRow]:
    require(actor, "privacy.manage")
    months = retention_months()
    return [
        ScheduleRow(kind, label, SPECS[kind], months[kind], months[kind] == SPECS[kind].default_months)
        for kind, label in DocumentType.choices
    ]


@dataclass(frozen=True)
class Runs:
    last_dry: PurgeRun | None
    last_real: PurgeRun | None
    running: PurgeRun | None


def periods_shortened_since_last_purge() -> list[str]:
    """The document types whose period is shorter now than under the last purge that removed anything (or
    than the default, before any): the nightly purge would remove what no report has shown anyone. Until a
    person confirms a dry run under the new periods, the nightly job only counts (`tasks.py`)."""
    baseline = {kind: spec.default_months for kind, spec in SPECS.items()}
    last = PurgeRun.objects.filter(dry_run=False, state=RunState.DONE).first()
    marks = [e.get("schedule") for e in (last.report.values() if last else []) if isinstance(e, dict)]
    for part in str(next((m for m in marks if m), "")).split(","):
        kind, _sep, months = part.partition("=")
        if kind in baseline and months.isascii() and months.isdigit():
            baseline[kind] = int(months)
    return sorted(kind for kind, months in retention_months().items() if months < baseline[kind])


def people_find(*, actor: Actor, query: str, limit: int = 25) -> list[Customer]:
    """A person's customer id from their name, address, meter, phone or e-mail, for the officer whose
    other pages take the id. The same search as the call center's; seeing the hits is audited."""
    require(actor, "privacy.manage")
    found = list(customers_matching(query, limit=limit))
    if found:
        audit_personal_data(
            actor=actor,
            what="search",
            object_type="customer",
            object_id="",
            query=query.strip()[:100],
            shown=[c.customer_number for c in found],
        )
    return found


def purge_runs(*, actor: Actor) -> Runs:
    require(actor, "privacy.manage")
    return Runs(
        last_dry=PurgeRun.objects.filter(dry_run=True, state=RunState.DONE).first(),
        last_real=PurgeRun.objects.filter(dry_run=False, state__in=[RunState.DONE, RunState.FAILED]).first(),
        running=PurgeRun.objects.filter(dry_run=False, state__in=[RunState.QUEUED, RunState.RUNNING]).first(),
    )


def exports_list(*, actor: Actor, limit: int = 50) -> list[SubjectExport]:
    require(actor, "privacy.manage")
    return list(SubjectExport.objects.select_related("requested_by")[:limit])


def export_get(*, actor: Actor, export_id: int) -> SubjectExport:
    require(actor, "privacy.manage")
    export = SubjectExport.objects.select_related("customer", "account").filter(pk=export_id).first()
    if export is None:
        raise NotFound(_("Export not found."))
    return export


def erasure_requests(*, actor: Actor, limit: int = 50) -> list[ErasureRequest]:
    require(actor, "privacy.manage")
    return list(ErasureRequest.objects.select_related("customer", "requested_by")[:limit])


def customer_by_number(*, actor: Actor, number: str) -> Customer:
    """The customer a request names by the id on their bill."""
    require(actor, "privacy.manage")
    customer = Customer.objects.filter(customer_number__iexact=number.strip()).first()
    if customer is None:
        raise NotFound(_("No customer with this customer id."))
    return customer


def customer_for_request(*, actor: Actor, customer_id: int) -> Customer:
    require(actor, "privacy.manage")
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("Customer not found."))
    return customer


def consumer_account(*, actor: Actor, name: str) -> Any:
    """A consumer's online account at this supplier, by its user name or e-mail address."""
    require(actor, "privacy.manage")
    text = name.strip()
    users = Membership.objects.filter(role=Role.CONSUMER).filter(
        Q(user__username__iexact=text) | Q(user__email__iexact=text)
    )
    user_ids = list(users.values_list("user_id", flat=True)[:2])
    if len(user_ids) != 1:
        raise NotFound(_("No online account (or more than one) with this user name or e-mail address."))
    return get_user_model().objects.get(pk=user_ids[0])


def customers_of(*, customer: Customer | None, account: Any) -> list[Customer]:
    """The records an export covers: the customer, or every record linked to the account."""
    if customer is not None:
        return [customer]
    if account is None:
        return []
    return list(Customer.objects.filter(user_id=account.pk).order_by("pk"))
