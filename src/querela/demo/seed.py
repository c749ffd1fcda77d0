"""`querela seed-demo`: four invented suppliers with staff, customers and complaints in every state.

Everything after each tenant's first administrator is created through the same services the
application uses, so the demo's audit chains and reference numbers are real.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from tqdm import tqdm

from querela.appointments.models import Office
from querela.audit.sealing import audit_seal_all
from querela.complaints.models import Complaint, Kind, TimelineEntry
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import clock, tenancy
from querela.customers.models import ConsumptionPlace, Customer, Invoice
from querela.customers.services import customer_create_with_place, place_add
from querela.instructions.services import instructions_seed
from querela.minutes.models import Capacity, FilingWay
from querela.minutes.services import Facts, Signature, minutes_sign, minutes_take
from querela.orgchart.csvfile import COLUMNS
from querela.orgchart.importing import orgchart_import_csv
from querela.orgchart.models import Job
from querela.portal.models import PortalProfile
from querela.portal.services import matter_table_seed
from querela.remedies.models import RemedyBody, RemedyKind
from querela.remedies.services import remedy_bodies_seed
from querela.routing.models import RoutingRule
from querela.routing.services import rule_create
from querela.tenants.access import Actor, actor_for
from querela.tenants.models import Department, Membership, OperatorCompany, PlatformOperator, Tenant
from querela.tenants.services import department_create, membership_set, tenant_configure

from . import data

CUSTOMERS_PER_TENANT = 55

# Each demo complaint is walked through these moves to end in a given state.
PATHS: dict[str, list[str]] = {
    "received": [],
    "awaiting_info": ["request_info"],
    "registered": [],
    "assigned": ["assign"],
    "investigating": ["assign", "start_investigation"],
    "answered": ["assign", "start_investigation", "answer"],
    "closed": ["assign", "start_investigation", "answer", "close"],
    "reopened": ["assign", "start_investigation", "answer", "reopen"],
    "escalated": ["assign", "start_investigation", "escalate"],
    "redirected": ["redirect"],
}


def demo_logins() -> list[tuple[str, str, str]]:
    """(user name, role, tenant code) for the README and `make run`'s banner."""
    rows = [("operator", "platform_operator", "*")]
    for t in data.TENANTS:
        code = str(t["code"]).lower()
        rows += [(f"{code}.{role}", role, str(t["code"])) for role in data.STAFF_ROLES]
        rows.append((f"{code}.consumer", "consumer", str(t["code"])))
    rows.append(("multi.handler", "handler", "OPT+FRN"))
    return rows


def _user(username: str, first: str = "", last: str = "", email: str = "") -> Any:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": email}
    )
    if created:
        user.password = _demo_password_hash()
        user.save()
    return user


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; the demo's users share one password, so hash it once.
    return make_password(data.DEMO_PASSWORD)


def seed_demo(*, progress: bool = True) -> bool:
    """Create the demo once; returns False when it already exists."""
    if Tenant.objects.filter(code="OPT").exists():
        _seed_portals()  # a demo made before the public site gets its matter tables too
        _seed_remedies()  # … and one made before remedies, its remedy bodies
        _seed_instructions()  # … and one made before the work instructions, its sector's library
        _seed_orgcharts()  # … and one made before the org chart, its departments, jobs and holders
        _seed_routing_rules()  # … and one made before routing, its rules
        _seed_old_cases()  # … and one made before the retention purge, cases past their 5 years
        return False
    operator_company = OperatorCompany.objects.create(name=data.OPERATOR_COMPANY)
    PlatformOperator.objects.get_or_create(user=_user("operator", "Platform", "Operator"))
    rng = random.Random(2026)
    bar = tqdm(total=len(data.TENANTS), desc="demo suppliers", disable=not progress)
    for spec in data.TENANTS:
        with transaction.atomic():
            tenant = Tenant.objects.create(
                **{
                    k: spec[k]
                    for k in (
                        "code",
                        "name",
                        "country",
                        "sector",
                        "default_language",
                        "time_zone",
                        "mailbox",
                        "deadline_policy",
                    )
                },
                operator=operator_company if spec["operated"] else None,
            )
            with tenancy.tenant_scope(tenant):
                _seed_tenant(tenant, spec, rng)
        bar.update(1)
    bar.close()
    multi = _user("multi.handler", "Multi", "Handler")
    for code in ("OPT", "FRN"):
        tenant = Tenant.objects.get(code=code)
        with tenancy.tenant_scope(tenant):
            Membership.objects.create(user=multi, role="handler")
    _seed_portals()
    _seed_remedies()
    _seed_orgcharts()
    _seed_instructions()
    _seed_old_cases()
    audit_seal_all()  # the demo starts with sealed, anchored chains (`querela audit verify` says so)
    return True


def _seed_tenant(tenant: Tenant, spec: dict[str, Any], rng: random.Random) -> None:
    country = tenant.country
    code = tenant.code.lower()
    # The first administrator has nobody to appoint them but the platform: created directly.
    admin_user = _user(f"{code}.tenant_admin", data.FIRST_NAMES[country][5], data.LAST_NAMES[country][5])
    admin_m = Membership.objects.create(user=admin_user, role="tenant_admin")
    admin = Actor(user=admin_user, tenant=tenant, role="tenant_admin", membership_id=admin_m.pk)
    tenant_configure(actor=admin, answer_footer=data.ANSWER_FOOTERS[tenant.code])
    departments = [department_create(actor=admin, code=c, name=n) for c, n in spec["departments"]]
    staff: dict[str, Actor] = {"tenant_admin": admin}
    for i, role in enumerate(r for r in data.STAFF_ROLES if r != "tenant_admin"):
        user = _user(f"{code}.{role}", data.FIRST_NAMES[country][i], data.LAST_NAMES[country][i])
        m = membership_set(
            actor=admin, username=user.username, role=role, department_id=departments[i % len(departments)].pk
        )
        staff[role] = Actor(user=user, tenant=tenant, role=role, membership_id=m.pk)
    _seed_routing(admin)  # before the complaints: they are routed as they are registered
    services = spec.get("services") or [spec["service"]]
    customers = []
    for n in range(CUSTOMERS_PER_TENANT):
        first = rng.choice(data.FIRST_NAMES[country])
        last = rng.choice(data.LAST_NAMES[country])
        name = f"{last} {first}" if country == "HU" else f"{first} {last}"
        number = (
            f"{3100000000 + n * 7919 + sum(map(ord, tenant.code)) % 1000:010d}"
            if country != "PL"
            else f"PL-{10000 + n}"
        )
        city, postal, region = rng.choice(data.PLACES[country])
        customer = customer_create_with_place(
            actor=staff["agent"],
            customer={
                "customer_number": number,
                "name": name,
                "phone": f"+{ {'HU': 36, 'PL': 48, 'RO': 40}[country] } 30 {1000000 + n * 37}",
                "email": f"{_ascii(first)}.{_ascii(last)}{n}@example.{country.lower()}",
                "preferred_channel": rng.choice(["email", "post"]),
                "mailing_address": f"{postal} {city}, {rng.choice(data.STREETS[country])} {rng.randint(1, 120)}.",
                "language": spec["default_language"],
            },
            place=_demo_place(tenant, n, 0, services[n % len(services)], (city, postal, region), rng),
        )
        if n % 3 == 0:  # some customers have a second consumption place
            place_add(
                actor=staff["agent"],
                customer=customer,
                **_demo_place(tenant, n, 1, services[(n + 1) % len(services)], (city, postal, region), rng),
            )
        customers.append(customer)
    consumer_user = _user(
        f"{code}.consumer", customers[0].name.split()[-1], customers[0].name.split()[0], customers[0].email
    )
    customers[0].user = consumer_user
    customers[0].save()
    Membership.objects.create(user=consumer_user, role="consumer")
    _seed_complaints(tenant, staff, customers, rng)
    _seed_invoices(tenant, customers)
    if tenant.code == "KVK":  # seed 004's utility: one visit with signed minutes
        _seed_minutes(tenant, staff, customers[1])


def _seed_invoices(tenant: Tenant, customers: list[Customer]) -> None:
    """Three monthly bills per customer: their numbers prove a consumer holds the record (account linking)."""
    today = clock.tenant_today(tenant)
    Invoice.objects.bulk_create(
        Invoice(
            tenant=tenant,
            customer=c,
            number=f"{tenant.code}-{today.year}-{n:05d}{month}",
            issued_on=today - timedelta(days=30 * month),
            amount=10000 + 137 * n + month,
        )
        for n, c in enumerate(customers)
        for month in (1, 2, 3)
    )


def _seed_portals() -> None:
    """Each demo supplier's public site: the matter table of its trade and its public contacts."""
    for code, contacts in data.PORTAL.items():
        tenant = Tenant.objects.filter(code=code).first()
        if tenant is None:
            continue
        with tenancy.tenant_scope(tenant), transaction.atomic():
            matter_table_seed(tenant.sector)
            PortalProfile.objects.get_or_create(defaults={**contacts, "service_email": tenant.mailbox})
            if not Office.objects.exists():
                for name, address, hours in data.OFFICES.get(code, []):
                    Office.objects.create(name=name, address=address, opening_hours=hours, slot_minutes=20, capacity=2)


def _seed_remedies() -> None:
    """Each demo supplier's remedy bodies: its country's preset (a new tenant has it already), the body of
    its seat marked, seed 004's examples switched on for the utility modelled on it."""
    for code, seat in data.REMEDY_SEATS.items():
        tenant = Tenant.objects.filter(code=code).first()
        if tenant is None:
            continue
        with tenancy.tenant_scope(tenant), transaction.atomic():
            remedy_bodies_seed(country=tenant.country, sector=tenant.sector)
            RemedyBody.objects.filter(preset__in=data.REMEDY_SWITCHED_ON.get(code, ())).update(is_active=True)
            if not RemedyBody.objects.filter(is_seat=True).exists():
                RemedyBody.objects.filter(kind=RemedyKind.CONCILIATION_BODY, region=seat).update(is_seat=True)


def _seed_orgcharts() -> None:
    """Each demo supplier's org chart, imported from CSV by its administrator (the real import: departments,
    jobs with their signing rights, holders and deputies from the demo staff). Only where there is none yet."""
    for code, rows in data.ORG_CHARTS.items():
        tenant = Tenant.objects.filter(code=code).first()
        if tenant is None:
            continue
        with tenancy.tenant_scope(tenant):
            if Job.objects.exists():
                continue
            admin = actor_for(get_user_model().objects.get(username=f"{code.lower()}.tenant_admin"), tenant)
            assert admin is not None
            names = dict(Department.objects.values_list("code", "name"))
            names.update(data.ORG_DEPARTMENTS.get(code, {}))
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow([c for c in COLUMNS if c != "duties"])
            for department, job, title, may_sign, holders, deputy in rows:
                for n, role in enumerate(holders or ("",)):
                    writer.writerow(
                        [
                            department,
                            names[department],
                            job,
                            title,
                            may_sign,
                            _demo_username(code, role),
                            _demo_username(code, deputy) if n == 0 else "",
                        ]
                    )
            report = orgchart_import_csv(
                actor=admin, stream=io.BytesIO(out.getvalue().encode()), filename=f"{code.lower()}-orgchart.csv"
            )
            if not report.applied:
                raise RuntimeError(
                    f"{code} org chart: " + "; ".join(f"row {e.row}: {e.message}" for e in report.errors)
                )


def _seed_routing(admin: Actor) -> None:
    """The supplier's routing rules (issue 14), written by its administrator; the departments they name that
    it lacks are made first (the org chart import finds them then)."""
    tenant = tenancy.current_tenant()
    specs = data.ROUTING_RULES.get(tenant.code, [])
    departments = dict(Department.objects.values_list("code", "pk"))
    for code in dict.fromkeys(department for _name, _when, department, _pool in specs):
        if code not in departments:
            made = department_create(actor=admin, code=code, name=data.ORG_DEPARTMENTS[tenant.code][code])
            departments[code] = made.pk
    for name, when, department, pool in specs:
        rule_create(actor=admin, values={"name": name, **when, "department_id": departments[department], "pool": pool})


def _seed_routing_rules() -> None:
    """A demo made before routing gets its rules (only a supplier that has none)."""
    for spec in data.TENANTS:
        tenant = Tenant.objects.filter(code=spec["code"]).first()
        if tenant is None:
            continue
        with tenancy.tenant_scope(tenant), transaction.atomic():
            if RoutingRule.objects.exists():
                continue
            admin = actor_for(get_user_model().objects.get(username=f"{tenant.code.lower()}.tenant_admin"), tenant)
            assert admin is not None
            _seed_routing(admin)


# Data protection (issue 16): KVK (seed 004's utility) keeps complaint records 5 years from their last entry;
# these cases were closed longer ago, so the officer's dry run lists them and the purge anonymises them.
OLD_CASES = 2
OLD_CASE_DAYS = 6 * 365


def _seed_old_cases() -> None:
    """Two KVK complaints handled as in any year, then dated back: received and closed six years ago."""
    tenant = Tenant.objects.filter(code="KVK").first()
    if tenant is None:
        return
    with tenancy.tenant_scope(tenant), transaction.atomic():
        back = clock.now() - timedelta(days=OLD_CASE_DAYS)
        if Complaint.objects.filter(received_at__lt=back + timedelta(days=30)).exists():
            return
        staff: dict[str, Actor] = {}
        for role in ("agent", "handler", "supervisor"):
            actor = actor_for(get_user_model().objects.get(username=f"kvk.{role}"), tenant)
            assert actor is not None
            staff[role] = actor
        texts = data.TEXTS[tenant.country]
        for n, customer in enumerate(Customer.objects.order_by("pk")[2 : 2 + OLD_CASES]):
            category, subject = data.SUBJECTS[tenant.country][n]
            complaint = complaint_register(
                actor=staff["agent"],
                channel="post",
                subject=subject,
                description=f"{subject}. (demo)",
                category=category,
                customer=customer,
                place=ConsumptionPlace.objects.filter(customer=customer).first(),
            )
            for action in PATHS["closed"]:
                complaint_transition(
                    actor=staff["supervisor"] if action == "assign" else staff["handler"],
                    complaint_id=complaint.pk,
                    action=action,
                    text=texts.get(f"{action}_upheld", texts.get(action, "")),
                    assignee_id=staff["handler"].user_id if action == "assign" else None,
                    decision="upheld" if action == "answer" else "",
                )
            closed = back + timedelta(days=12)
            Complaint.objects.filter(pk=complaint.pk).update(received_at=back, updated_at=closed)
            TimelineEntry.objects.filter(complaint=complaint).update(created_at=closed)


def _demo_username(code: str, role: str) -> str:
    if not role:
        return ""
    return "multi.handler" if role == "multi" else f"{code.lower()}.{role}"


def _seed_instructions() -> None:
    """Each demo supplier's work instruction library: its sector's defaults in its language (a new tenant has
    them already; a demo made before the library gets them here). Only what is missing is added."""
    for spec in data.TENANTS:
        tenant = Tenant.objects.filter(code=spec["code"]).first()
        if tenant is None:
            continue
        with tenancy.tenant_scope(tenant), transaction.atomic():
            instructions_seed(sector=tenant.sector, language=tenant.default_language)


def _demo_place(
    tenant: Tenant, n: int, p: int, service: str, where: tuple[str, str, str], rng: random.Random
) -> dict[str, Any]:
    city, postal, region = where
    street = rng.choice(data.STREETS[tenant.country])
    return {
        "address": f"{street} {rng.randint(1, 150)}.",
        "postal_code": postal,
        "city": city,
        "region": region,
        "service_type": service,
        "meter_serials": (f"{tenant.code}-{n:04d}-{p}{rng.randint(100, 999)}",),
    }


def _seed_complaints(tenant: Tenant, staff: dict[str, Actor], customers: list[Customer], rng: random.Random) -> None:
    now = clock.now()
    subjects = data.SUBJECTS[tenant.country]
    states = list(PATHS) * 3
    for i, state in enumerate(states):
        customer = customers[i % 12] if state != "received" else None
        category, subject = subjects[i % len(subjects)]
        kind = Kind.TECHNICAL_FAULT if state == "redirected" else Kind.COMPLAINT
        place = ConsumptionPlace.objects.filter(customer=customer).first() if customer else None
        complaint = complaint_register(
            actor=staff["agent"],
            channel=rng.choice(["email", "phone", "web", "post"]),
            received_at=now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 8)),
            subject=subject,
            description=f"{subject}. (demo)",
            kind=kind,
            category=category,
            customer=customer,
            place=place,
            contact_name="" if customer else data.UNKNOWN_SENDER[tenant.country],
            contact_email="" if customer else f"unknown{i}@example.net",
        )
        decision = data.DECISIONS[i % len(data.DECISIONS)]
        for action in PATHS[state]:
            actor = staff["supervisor"] if action in ("assign", "escalate") else staff["handler"]
            if action == "redirect":
                actor = staff["agent"]
            texts = data.TEXTS[tenant.country]
            complaint_transition(
                actor=actor,
                complaint_id=complaint.pk,
                action=action,
                text=texts.get(f"{action}_{decision}", texts.get(action, "")),
                assignee_id=staff["handler"].user_id if action == "assign" else None,
                decision=decision if action == "answer" else "",
            )


def _ascii(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if c.isascii() and c.isalnum())


def _seed_minutes(tenant: Tenant, staff: dict[str, Actor], customer: Customer) -> None:
    """An in-person complaint at the office with its signed minutes (seed 004): the clerk signed on the pad,
    the customer by the typed name the clerk confirmed."""
    clerk = staff.get("clerk") or staff["agent"]
    office, address, _hours = data.OFFICES[tenant.code][0]
    now = clock.now()
    minutes = minutes_take(
        actor=clerk,
        facts=Facts(
            customer_name=customer.name,
            customer_address=customer.mailing_address,
            customer_number=customer.customer_number,
            customer_email=customer.email,
            customer_phone=customer.phone,
            filed_at=now - timedelta(minutes=50),
            filed_place=f"{office}, {address}",
            filing_way=FilingWay.IN_PERSON,
            present=[(customer.name, Capacity.OWNER), (clerk.label, Capacity.STAFF)],
            subject="Vitatott hőmennyiségmérő-leolvasás",
            description="Az ügyfél szerint a novemberi számlán szereplő hőmennyiség a duplája a mért értéknek.",
            evidence=["Novemberi számla", "Fénykép a hőmennyiségmérőről"],
            statement="A szolgáltató a mérőt a helyszínen ellenőrzi, és 15 napon belül írásban válaszol.",
            drawn_up_place=f"{office}, {address}",
            drawn_up_at=now - timedelta(minutes=20),
        ),
    )
    minutes_sign(
        actor=clerk,
        minutes_id=minutes.pk,
        recorder=Signature(drawn=_demo_signature()),
        customer=Signature(typed_name=customer.name, confirmed=True),
    )


def _demo_signature() -> str:
    from PIL import Image, ImageDraw  # WeasyPrint's image library

    img = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(img).line(
        [(30, 140), (90, 60), (140, 150), (200, 70), (260, 140), (330, 90), (420, 120), (560, 100)],
        fill=(20, 30, 90, 255),
        width=4,
    )
    out = io.BytesIO()
    img.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
