"""What a member of the public sends: registered through the same service as every channel."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints.models import Complaint
from querela.complaints.sector_texts import identification_request
from querela.complaints.services import Upload, complaint_register
from querela.core import tenancy
from querela.core.channels import Channel
from querela.core.errors import ValidationFailed
from querela.customers.selectors import customer_by_proof
from querela.tenants.access import Actor, require, system_actor

from .form_fields import clean_overrides
from .matter_presets import PRESETS, table_for
from .models import Matter, PortalProfile, Route
from .pending_uploads import Kept, open_kept
from .selectors import MatterView, matter_find
from .tracking import tracking_url


@dataclass
class PublicComplaint:
    """The public form's answers, already validated field by field (the form decides what is required)."""

    name: str
    subject: str
    description: str
    reply_channel: str
    language: str
    email: str = ""
    phone: str = ""
    customer_number: str = ""
    acting_for: str = ""
    place_address: str = ""
    mailing_address: str = ""
    meter_serial: str = ""
    ticket_number: str = ""
    product_model: str = ""
    earlier_contacts: str = ""
    proposed_solution: str = ""
    files: list[Kept] = field(default_factory=list)


def public_complaint_submit(*, matter: MatterView, form: PublicComplaint) -> Complaint:
    """Register a complaint sent by anyone through the public form.

    The customer is linked only when the customer id and a second identifier agree (see
    customer_by_proof); otherwise the complaint is registered as not yet identified and the office
    asks, in the reply channel, for what identifies the person (seed 000: identify first, then
    investigate). Nothing on the way back tells the sender whether the id they typed exists.
    """
    tenant = tenancy.current_tenant()
    if matter.route != Route.COMPLAINT_FORM:
        # An outage or a question is not a complaint: nothing is registered, no deadline starts.
        raise ValidationFailed(_("This matter is not handled by the complaint form."), code="not_a_complaint")
    if form.reply_channel == Channel.EMAIL and not form.email.strip():
        raise ValidationFailed(_("To answer by e-mail, an e-mail address is needed."), code="email_required")
    if form.reply_channel == Channel.POST and not (form.mailing_address.strip() or form.place_address.strip()):
        raise ValidationFailed(_("To answer by post, a mailing address is needed."), code="address_required")
    proof = customer_by_proof(
        customer_number=form.customer_number,
        meter_serial=form.meter_serial,
        name=form.acting_for or form.name,
        place_address=form.place_address,
    )
    notes = []
    if proof.id_only:
        notes.append(_("The customer id given is on file, but nothing else given matched it: check who sent it."))
    poa = [k for k in form.files if k.role == "poa"]
    if form.acting_for:
        notes.append(
            _("Filed by %(name)s on behalf of %(customer)s: check the power of attorney (%(file)s).")
            % {
                "name": form.name,
                "customer": form.acting_for,
                "file": ", ".join(k.filename for k in poa) or _("none attached"),
            }
        )
    with translation.override(form.language):
        # Public-interest reports need no customer: nothing to ask before they are looked at.
        ask = identification_request(tenant) if proof.customer is None and matter.kind == "complaint" else ""
        if ask and form.customer_number.strip():
            # The same words whether the id exists or not: the sender learns nothing about anyone.
            ask = " ".join(
                [
                    _("The details you gave (customer id %(number)s) did not let us identify you.")
                    % {"number": form.customer_number.strip()},
                    ask,
                ]
            )
    actor = system_actor(tenant, label="web form")
    with ExitStack() as files:
        uploads = [
            Upload(filename=k.filename, stream=files.enter_context(open_kept(k)), size=k.size) for k in form.files
        ]
        return complaint_register(
            actor=actor,
            channel=Channel.WEB,
            subject=form.subject,
            description=form.description,
            kind=matter.kind,
            category=matter.category,
            customer=proof.customer,
            place=proof.place,
            contact_name=form.name,
            contact_email=form.email.strip(),
            contact_phone=form.phone.strip(),
            reply_channel=form.reply_channel,
            uploads=uploads,
            needs_attention=" ".join(notes),
            acknowledge=True,
            ask_for_information=ask,
            language=form.language,
            given={
                "given_customer_number": form.customer_number,
                "acting_for": form.acting_for,
                "place_address": form.place_address,
                "mailing_address": form.mailing_address,
                "serial_number": form.meter_serial,
                "product_model": form.product_model,
                "ticket_number": form.ticket_number,
                "earlier_contacts": form.earlier_contacts,
                "proposed_solution": form.proposed_solution,
            },
            acknowledge_postscript=lambda c: _tracking_sentence(c, form.language),
        )


def _tracking_sentence(complaint: Complaint, language: str) -> str:
    with translation.override(language):
        return _("You can follow your complaint here: %(url)s") % {
            "url": tracking_url(complaint.tenant.code, complaint.pk)
        }


# --- the tenant administrator's side ---


def matter_table_seed(tenant_sector: str) -> int:
    """Give the current tenant the matter table of its trade (the demo and a new tenant start from it)."""
    made = 0
    for position, code in enumerate(table_for(tenant_sector)):
        p = PRESETS[code]
        _, created = Matter.objects.get_or_create(
            code=code,
            defaults={
                "preset": code,
                "kind": p.kind,
                "route": p.route,
                "variant": p.variant,
                "category": p.category,
                "by_phone": p.by_phone,
                "position": position * 10,
            },
        )
        made += created
    return made


def matter_save(
    *,
    actor: Actor,
    code: str,
    language: str,
    title: str,
    text: str,
    route: str,
    position: int,
    is_active: bool,
    by_phone: bool = True,
) -> Matter:
    """A tenant administrator rewords, reorders, reroutes or hides one line of the matter table."""
    require(actor, "tenant.configure")
    if route not in Route.values:
        raise ValidationFailed(_("Unknown route."))
    with transaction.atomic():
        matter = Matter.objects.select_for_update().filter(code=code).first()
        if matter is None:
            raise ValidationFailed(_("No such matter."), code="not_found")
        before = {
            "route": matter.route,
            "title": matter.titles.get(language, ""),
            "is_active": matter.is_active,
            "by_phone": matter.by_phone,
        }
        matter.titles = (
            {**matter.titles, language: title.strip()} if title.strip() else _without(matter.titles, language)
        )
        matter.texts = {**matter.texts, language: text.strip()} if text.strip() else _without(matter.texts, language)
        matter.route, matter.position, matter.is_active, matter.by_phone = route, position, is_active, by_phone
        matter.save()
        after = {"route": route, "title": title.strip(), "is_active": is_active, "by_phone": by_phone}
        audit_record(
            actor=actor,
            action="portal.matter",
            object_type="matter",
            object_id=code,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return matter


def _without(d: dict[str, str], key: str) -> dict[str, str]:
    return {k: v for k, v in d.items() if k != key}


def portal_profile_save(*, actor: Actor, values: dict[str, str], form_fields: dict[str, object]) -> PortalProfile:
    require(actor, "tenant.configure")
    with transaction.atomic():
        profile = PortalProfile.objects.select_for_update().first() or PortalProfile()
        changes = {}
        for name, value in values.items():
            if getattr(profile, name) != value:
                changes[name] = [getattr(profile, name), value]
                setattr(profile, name, value)
        fields = clean_overrides(form_fields)
        if fields != profile.form_fields:
            changes["form_fields"] = [profile.form_fields, fields]
            profile.form_fields = fields
        profile.save()
        audit_record(actor=actor, action="portal.profile", object_type="tenant", object_id="portal", changes=changes)
    return profile


def phone_matter_refuse(*, actor: Actor, matter: MatterView, **register: Any) -> Complaint:
    """A matter the supplier never settles by phone (seed 001: arrears, balances): logged as the
    non-complaint it is, and the caller told — in the supplier's words — where it is settled."""
    from querela.complaints.transitions import complaint_transition

    if matter.by_phone:
        raise ValidationFailed(_("This matter may be settled by phone."), code="phone_matter")
    from querela.complaints.language import complaint_language

    with transaction.atomic():
        complaint = complaint_register(actor=actor, kind=matter.kind, acknowledge=False, **register)
        # Read out and logged in the caller's language, whatever the agent's screen shows.
        with translation.override(complaint_language(complaint)):
            said = matter_find(matter.code) or matter
        return complaint_transition(actor=actor, complaint_id=complaint.pk, action="refuse_by_phone", text=said.text)
