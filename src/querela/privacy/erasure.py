"""A person's request to be erased (GDPR art. 17), within what the law keeps.

`erasure_plan` says, without changing anything, what would be kept and until when, and what would be
anonymised or deleted; the officer reads it and confirms with its digest (`erasure_apply`), which refuses
when anything changed since. Kept under the law (seed 004): a complaint while it is open and for 5 years
from its last entry once finished (with everything of it: files, minutes, letters, e-mails), a call for
the 5 years of its recording, a visit booked for a day not yet past. The customer record itself, and the
consumption places, meters and representatives those kept complaints name, stay while anything is kept
(a kept complaint must still say whose it is); the rest goes now. The request stays on record with the day
the last kept item becomes erasable; the daily job finishes it then (`erasures_continue`).

The audit log is not rewritten. Its events hold ids (customer ids, references) and, for changes of a
record, the values before and after, which can be names and addresses: the log is the supplier's proof
of what was done with personal data, kept under its own legal basis (GDPR art. 5(2), 17(3)(b) and (e)),
and a rewritten chain would no longer verify. An erasure is itself audited, with counts and no values.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.appointments.models import Appointment, AppointmentStatus
from querela.audit.services import audit_record
from querela.calls.models import Call
from querela.complaints.models import Attachment, Complaint
from querela.core import clock, tenancy
from querela.core.errors import NotFound, ValidationFailed
from querela.customers.models import ConsumptionPlace, Customer, Invoice, Meter, Representative
from querela.intake.models import InboundMessage, InboundStatus
from querela.minutes.models import Minutes
from querela.printing.models import StoredLetter
from querela.tenants.access import Actor, require, system_actor
from querela.tenants.models import Membership
from querela.tenants.roles import Role

from . import erase
from .erase import ERASED
from .export import exports_expire
from .holds import erasable_from, with_closing
from .models import ErasedComplaint, ErasureRequest, ErasureState, ExportState, SubjectExport
from .schedule import LEGAL_MONTHS


@dataclass(frozen=True)
class Kept:
    what: str | Promise
    name: str  # a reference, a recording id, a day
    until: date | None  # the first day it may go; None: while the complaint is open
    why: str | Promise


@dataclass
class ErasurePlan:
    customer: Customer
    today: date
    kept: list[Kept] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)  # past their hold: anonymised
    calls: list[Call] = field(default_factory=list)  # past their hold: unlinked
    held_complaints: set[int] = field(default_factory=set)
    places: list[ConsumptionPlace] = field(default_factory=list)  # anonymised
    representatives: list[Representative] = field(default_factory=list)  # deleted
    appointments: list[Appointment] = field(default_factory=list)  # anonymised
    counts: dict[str, int] = field(default_factory=dict)
    record_kept: bool = False
    account: Any = None  # the online account erased with the record

    @property
    def held_until(self) -> date | None:
        days = [k.until for k in self.kept if k.until is not None]
        return max(days) if days else None

    @property
    def held_open(self) -> bool:
        return any(k.until is None for k in self.kept)

    @property
    def digest(self) -> str:
        """What the officer confirmed: the same plan, or the confirmation is refused."""
        facts = {
            "customer": self.customer.pk,
            "kept": sorted([str(k.what), k.name, k.until.isoformat() if k.until else ""] for k in self.kept),
            "complaints": sorted(c.pk for c in self.complaints),
            "calls": sorted(c.pk for c in self.calls),
            "counts": self.counts,
            "record_kept": self.record_kept,
        }
        return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()

    @property
    def nothing_to_do(self) -> bool:
        return not any(self.counts.values())


_COMPLAINT = gettext_lazy("Complaint")
_CALL = gettext_lazy("Call recording")
_VISIT = gettext_lazy("Appointment")
_RECORD = gettext_lazy("Customer record")
_OPEN = gettext_lazy("open: kept while it is handled")
_FIVE_YEARS = gettext_lazy("kept 5 years from its last entry (complaint records, as the law requires)")
_RECORDING = gettext_lazy("call recordings are kept 5 years, as the law requires")
_COMING = gettext_lazy("a visit still to come")
_RECORD_WHY = gettext_lazy("the kept complaints and calls must still say whose they are")


def erasure_plan(*, actor: Actor, customer_id: int, today: date | None = None) -> ErasurePlan:
    """What an erasure would do now: kept items with their days, and counts of what goes. Nothing changes."""
    require(actor, "privacy.manage")
    customer = Customer.objects.filter(pk=customer_id).select_related("user").first()
    if customer is None:
        raise NotFound(_("Customer not found."))
    return _plan(customer, today or clock.tenant_today(tenancy.current_tenant()))


def _plan(customer: Customer, today: date) -> ErasurePlan:
    plan = ErasurePlan(customer=customer, today=today)
    erased = ErasedComplaint.objects.values("complaint_id")
    finished = {c.pk: c for c in with_closing().filter(customer=customer).exclude(pk__in=erased)}
    for c in Complaint.objects.filter(customer=customer).exclude(pk__in=erased).order_by("received_at", "pk"):
        if c.pk not in finished:
            plan.kept.append(Kept(_COMPLAINT, c.reference, None, _OPEN))
            plan.held_complaints.add(c.pk)
            continue
        day = erasable_from(finished[c.pk].closed_at, LEGAL_MONTHS)  # type: ignore[attr-defined]
        if day is not None and day > today:
            plan.kept.append(Kept(_COMPLAINT, c.reference, day, _FIVE_YEARS))
            plan.held_complaints.add(c.pk)
        else:
            plan.complaints.append(c)
    for call in Call.objects.filter(customer=customer).order_by("started_at"):
        if call.retain_until >= today:
            plan.kept.append(Kept(_CALL, call.recording_id, call.retain_until + timedelta(days=1), _RECORDING))
        else:
            plan.calls.append(call)
    appointments = Appointment.objects.filter(_appointments_of(customer)).exclude(name=ERASED)
    for visit in appointments.order_by("starts_at"):
        day = clock.tenant_date(tenancy.current_tenant(), visit.starts_at)
        if visit.status == AppointmentStatus.BOOKED and day >= today:
            plan.kept.append(Kept(_VISIT, day.isoformat(), day + timedelta(days=1), _COMING))
        else:
            plan.appointments.append(visit)
    plan.record_kept = bool(plan.kept)
    held = Complaint.objects.filter(pk__in=plan.held_complaints)
    held_places = set(held.exclude(place=None).values_list("place_id", flat=True))
    held_reps = set(held.exclude(representative=None).values_list("representative_id", flat=True))
    plan.places = [p for p in customer.places.all() if p.pk not in held_places and p.address != ERASED]
    plan.representatives = [r for r in customer.representatives.all() if r.pk not in held_reps]
    if plan.record_kept:
        plan.kept.append(Kept(_RECORD, customer.customer_number, plan.held_until, _RECORD_WHY))
    elif customer.user_id:
        plan.account = customer.user
    ids = [c.pk for c in plan.complaints]
    plan.counts = {
        "complaints": len(plan.complaints),
        "attachments": Attachment.objects.filter(complaint_id__in=ids).exclude(pk__in=erase.minutes_pdf_ids()).count(),
        "minutes": Minutes.objects.filter(complaint_id__in=ids).count(),
        "letters": StoredLetter.objects.filter(complaint_id__in=ids).count(),
        "mail": _mail_of(customer, ids).count(),
        "calls": len(plan.calls),
        "places": len(plan.places),
        "meters": Meter.objects.filter(place__in=[p.pk for p in plan.places])
        .exclude(serial__startswith="ERASED-")
        .count(),
        "representatives": len(plan.representatives),
        "invoices": customer.invoices.count(),
        "appointments": len(plan.appointments),
        "record": 0 if plan.record_kept or customer.name == ERASED else 1,
        "account": 1 if plan.account is not None else 0,
    }
    return plan


def _appointments_of(customer: Customer) -> Q:
    q = Q(customer_number__iexact=customer.customer_number)
    if customer.user_id:
        q |= Q(user_id=customer.user_id)
    return q


def _mail_of(customer: Customer, complaint_ids: list[int]) -> Any:
    """The e-mails of the complaints that go, and automatic mail from the customer's address that became
    no complaint (mail held or quarantined waits for a person and stays)."""
    q = Q(complaint_id__in=complaint_ids)
    if customer.email:
        q |= Q(complaint__isnull=True, status=InboundStatus.AUTO, sender_key=customer.email.lower())
    return InboundMessage.objects.filter(q)


def erasure_apply(*, actor: Actor, customer_id: int, reason: str, digest: str) -> ErasureRequest:
    """Carry out the plan the officer confirmed (its digest), and record the request."""
    require(actor, "privacy.manage")
    if not reason.strip():
        raise ValidationFailed(_("Say how the request came in (letter, e-mail, at the office, its date)."))
    with transaction.atomic():
        customer = (
            Customer.objects.select_for_update(of=("self",)).filter(pk=customer_id).select_related("user").first()
        )
        if customer is None:
            raise NotFound(_("Customer not found."))
        plan = _plan(customer, clock.tenant_today(tenancy.current_tenant()))
        if plan.digest != digest:
            raise ValidationFailed(_("What would be erased has changed since the preview: look at it again."))
        request = ErasureRequest(
            customer=customer, reason=reason.strip()[:2000], requested_by_id=actor.user_id, requested_at=clock.now()
        )
        _erase_and_audit(request, plan, actor, why={"reason": request.reason})
    return request


def _erase_and_audit(request: ErasureRequest, plan: Any, actor: Actor, *, why: dict[str, Any]) -> None:
    """Carry a plan out, record it on the request and audit it (the officer's confirmation and the daily
    job's later steps alike)."""
    number = request.customer.customer_number  # read before the record is anonymised
    _carry_out(plan, actor)
    _record(request, plan)
    audit_record(
        actor=actor,
        action="privacy.erasure",
        object_type="customer",
        object_id=number,
        changes={
            **why,
            "erased": {k: v for k, v in plan.counts.items() if v},
            "kept": len(plan.kept),
            "kept_until": plan.held_until.isoformat() if plan.held_until else None,
        },
    )


def _record(request: ErasureRequest, plan: ErasurePlan) -> None:
    request.state = ErasureState.PARTIAL if plan.kept else ErasureState.DONE
    request.held_until = plan.held_until
    request.held_open = plan.held_open
    done = dict(request.summary.get("erased", {})) if request.summary else {}
    for k, v in plan.counts.items():
        done[k] = done.get(k, 0) + v
    request.summary = {
        "erased": done,
        "kept": [[str(k.what), k.name, k.until.isoformat() if k.until else None] for k in plan.kept],
    }
    request.last_run_at = clock.now()
    request.save()


def _carry_out(plan: ErasurePlan, actor: Actor) -> None:
    reason = "erasure"
    customer = plan.customer
    ids = [c.pk for c in plan.complaints]
    erase.attachments_delete(
        list(
            Attachment.objects.filter(complaint_id__in=ids)
            .exclude(pk__in=erase.minutes_pdf_ids())
            .select_related("complaint")
        ),
        actor=actor,
        reason=reason,
    )
    erase.minutes_delete(
        list(Minutes.objects.filter(complaint_id__in=ids).select_related("complaint", "pdf")),
        actor=actor,
        reason=reason,
    )
    erase.letters_delete(
        list(StoredLetter.objects.filter(complaint_id__in=ids).select_related("complaint")), actor=actor, reason=reason
    )
    erase.raw_mail_delete(list(_mail_of(customer, ids).select_related("complaint")), actor=actor, reason=reason)
    erase.complaints_anonymise(plan.complaints, actor=actor, reason=reason)
    Call.objects.filter(pk__in=[c.pk for c in plan.calls]).update(customer=None, caller_number="")
    for visit in plan.appointments:
        visit.name, visit.email, visit.phone, visit.customer_number, visit.user = ERASED, "", "", "", None
    Appointment.objects.bulk_update(plan.appointments, ["name", "email", "phone", "customer_number", "user"])
    for place in plan.places:
        place.address = ERASED
        place.save(update_fields=["address"])
        Meter.objects.filter(place=place).exclude(serial__startswith="ERASED-").update(serial=_erased_serial())
    poa = [r.power_of_attorney.name for r in plan.representatives if r.power_of_attorney]
    Representative.objects.filter(pk__in=[r.pk for r in plan.representatives]).delete()
    erase.files_go_after_commit(poa)
    Invoice.objects.filter(customer=customer).delete()
    # An export made for the person holds everything about them, what is kept included: it goes now.
    exports_expire(
        list(SubjectExport.objects.filter(customer=customer, state=ExportState.READY)), actor=actor, reason=reason
    )
    if not plan.record_kept:
        _record_anonymise(customer, plan.account)


def _erased_serial() -> Concat:
    """Meter serials are unique per supplier: "ERASED-<row id>" keeps them so."""
    return Concat(Value("ERASED-"), Cast(F("pk"), output_field=CharField()))


def _record_anonymise(customer: Customer, account: Any) -> None:
    if customer.name != ERASED:
        customer.name = ERASED
        customer.customer_number = f"ERASED-{customer.pk}"
        customer.phone = customer.email = customer.mailing_address = ""
        customer.user = None
        customer.save(update_fields=["name", "customer_number", "phone", "email", "mailing_address", "user"])
    SubjectExport.objects.filter(customer=customer).update(subject="")
    if account is not None:
        _account_erase(account)


def _account_erase(user: Any) -> None:
    """The consumer's online account here ends; the person's login itself goes when no other supplier
    knows them (their customer records elsewhere are another supplier's to erase)."""
    Membership.objects.filter(user_id=user.pk, role=Role.CONSUMER).update(is_active=False)
    with tenancy.dangerously_all_tenants():
        elsewhere = Membership.objects.filter(user_id=user.pk, is_active=True).exists()
        linked = Customer.objects.filter(user_id=user.pk).exists()
    if elsewhere or linked:
        return
    User = get_user_model()
    User.objects.filter(pk=user.pk).update(
        username=f"erased-{user.pk}",
        email="",
        first_name="",
        last_name="",
        is_active=False,
        password=make_password(None),
    )


def erasures_continue(*, today: date | None = None) -> int:
    """The daily job: requests whose kept items may now go are carried on (by the system, audited)."""
    tenant = tenancy.current_tenant()
    day = today or clock.tenant_today(tenant)
    actor = system_actor(tenant, label="system")
    done = 0
    waiting = ErasureRequest.objects.filter(state=ErasureState.PARTIAL, customer__isnull=False).filter(
        Q(held_open=True) | Q(held_until__lte=day)
    )
    for request_id in list(waiting.values_list("pk", flat=True)):
        with transaction.atomic():
            request = (
                ErasureRequest.objects.select_for_update(of=("self",))
                .filter(pk=request_id)
                .select_related("customer")
                .first()
            )
            if request is None or request.customer is None:
                continue
            plan = _plan(request.customer, day)
            if plan.nothing_to_do and plan.held_open == request.held_open and plan.held_until == request.held_until:
                continue
            _erase_and_audit(request, plan, actor, why={"request": request.pk})
            done += 1
    return done
