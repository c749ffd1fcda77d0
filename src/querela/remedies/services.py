"""Writing remedy bodies: a new supplier's preset, and the administrator's edits (audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import tenancy
from querela.core.errors import NotFound, ValidationFailed
from querela.tenants.access import Actor, require

from .counties import counties_of, normalise_region
from .models import RemedyBody, RemedyKind
from .presets import presets_for

# What the administrator edits (the form page and the service agree on this list).
EDITABLE = ("kind", "country", "region", "name", "address", "phone", "email", "web", "position", "is_active", "is_seat")


def remedy_bodies_seed(*, country: str, sector: str) -> int:
    """Give the current tenant its country's preset bodies for its trade; only the missing ones (by preset
    key), so a body the administrator changed or switched off stays as they left it. Returns how many."""
    tenant = tenancy.current_tenant()
    have = set(RemedyBody.objects.exclude(preset="").values_list("preset", flat=True))
    new = [
        RemedyBody(
            tenant=tenant,
            preset=p.key,
            kind=p.kind,
            country=p.country,
            region=p.region,
            name=p.name,
            address=p.address,
            phone=p.phone,
            email=p.email,
            web=p.web,
            position=position * 10,
            is_active=p.active,
        )
        for position, p in enumerate(presets_for(country, sector))
        if p.key not in have
    ]
    RemedyBody.objects.bulk_create(new)
    return len(new)


def remedy_bodies_load(*, actor: Actor) -> int:
    """The administrator loads the preset bodies of the supplier's country that are missing (a supplier
    made before remedies existed starts with none, and its answers keep its own footer until then)."""
    require(actor, "tenant.configure")
    tenant = tenancy.current_tenant()
    with transaction.atomic():
        made = remedy_bodies_seed(country=tenant.country, sector=tenant.sector)
        audit_record(
            actor=actor, action="remedies.load", object_type="tenant", object_id=tenant.code, changes={"added": made}
        )
    return made


def remedy_body_save(*, actor: Actor, body_id: int | None, values: dict[str, Any]) -> RemedyBody:
    """Create (`body_id` None) or change one body. Marking it as the seat's body unmarks the others of its
    kind: one body stands in for an unknown county."""
    require(actor, "tenant.configure")
    values = {k: v for k, v in values.items() if k in EDITABLE}
    if "kind" in values and values["kind"] not in RemedyKind.values:
        raise ValidationFailed(_("Unknown kind of body."), code="kind")
    if "name" in values and not str(values["name"]).strip():
        raise ValidationFailed(_("The body needs a name."), code="name")
    with transaction.atomic():
        if body_id is None:
            body = RemedyBody(country=tenancy.current_tenant().country)
        else:
            found = RemedyBody.objects.select_for_update().filter(pk=body_id).first()
            if found is None:
                raise NotFound(_("No such body."))
            body = found
        values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
        if values.get("region"):
            values["region"] = _county(values.get("country") or body.country, values["region"])
        changes = {k: [getattr(body, k), v] for k, v in values.items() if getattr(body, k) != v}
        for k, v in values.items():
            setattr(body, k, v)
        body.save()
        if body.is_seat:
            RemedyBody.objects.filter(kind=body.kind, country=body.country, is_seat=True).exclude(pk=body.pk).update(
                is_seat=False
            )
        audit_record(
            actor=actor,
            action="remedies.body_created" if body_id is None else "remedies.body_changed",
            object_type="remedy_body",
            object_id=body.pk,
            changes=changes,
        )
    return body


def _county(country: str, region: str) -> str:
    """The county as the answers match it ("baranya megye" → "Baranya"); refused when the country has a
    county table and this is none of its counties (it would never be named)."""
    county = normalise_region(country, region)
    if county is None and counties_of(country):
        raise ValidationFailed(
            _("“%(region)s” is not a county of this country; leave it empty for the whole country.")
            % {"region": region},
            code="region",
        )
    return county or region
