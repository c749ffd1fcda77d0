"""The online message wall (seed 004, a written channel): a message left on a supplier's public page
becomes a complaint whose answers are given there — on a private thread reached by a signed link —
with an e-mail that says an answer is waiting (never the answer itself).

The link works like the tracking link (portal/tracking.py): the tenant and the complaint, signed with
the installation's key and dated; its own salt, so a tracking link does not open a wall thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from querela.complaints import hooks
from querela.complaints.language import complaint_language
from querela.complaints.models import Complaint, Notification, TimelineEntry
from querela.complaints.notifications import notification_create
from querela.complaints.sector_texts import identification_request
from querela.complaints.services import complaint_add_message, complaint_flag, complaint_register
from querela.core import tenancy
from querela.core.channels import Channel
from querela.core.errors import NotFound, ValidationFailed
from querela.core.signed_links import complaint_link_read, complaint_link_token
from querela.customers.models import ConsumptionPlace, Customer
from querela.customers.selectors import customer_by_proof
from querela.tenants.access import system_actor

_SALT = "querela.postroom.wall"
ACTOR_LABEL = "message wall"


def wall_token(tenant_code: str, complaint_id: int) -> str:
    return complaint_link_token(_SALT, tenant_code, complaint_id)


def wall_read(tenant_code: str, token: str) -> int | None:
    """The complaint id a valid, unexpired token names in this tenant, else None (its own salt: a
    tracking link opens no wall thread)."""
    return complaint_link_read(_SALT, tenant_code, token, max_age_days=settings.QUERELA["TRACKING_DAYS"])


def wall_path(tenant_code: str, complaint_id: int) -> str:
    return reverse(
        "web:public_wall_thread", kwargs={"code": tenant_code, "token": wall_token(tenant_code, complaint_id)}
    )


def wall_url(tenant_code: str, complaint_id: int) -> str:
    return settings.QUERELA["PUBLIC_URL"] + wall_path(tenant_code, complaint_id)


def on_wall(complaint: Complaint) -> bool:
    return Channel.MESSAGE_WALL in (complaint.channel, complaint.reply_channel)


@dataclass(frozen=True)
class WallMessage:
    """What someone left on the wall, already validated field by field."""

    name: str
    email: str
    message: str
    language: str
    customer_number: str = ""


def wall_post(*, message: WallMessage, user: Any = None) -> Complaint:
    """Register a message left on the wall; it is answered there.

    A signed-in consumer's own customer record is linked. A stranger's customer id links only with
    proof, as on the complaint form (customers.selectors.customer_by_proof); otherwise the office asks
    on the wall for what identifies them — the same words whether the id exists or not."""
    tenant = tenancy.current_tenant()
    if not message.message.strip():
        raise ValidationFailed(_("Write your message."), code="message_required")
    if not message.email.strip():
        raise ValidationFailed(_("Give your e-mail address: we tell you there when an answer is waiting."))
    customer, place, id_only = _who(message, user)
    number = message.customer_number.strip()
    with translation.override(message.language or tenant.default_language):
        ask = identification_request(tenant) if customer is None else ""
        if ask and number:
            ask = " ".join(
                [
                    _("The details you gave (customer id %(number)s) did not let us identify you.")
                    % {"number": number},
                    ask,
                ]
            )
    note = (
        _("The customer id given is on file, but nothing else given matched it: check who sent it.") if id_only else ""
    )
    return complaint_register(
        actor=system_actor(tenant, label=ACTOR_LABEL),
        channel=Channel.MESSAGE_WALL,
        subject=_subject(message.message),
        description=message.message.strip(),
        customer=customer,
        place=place,
        contact_name=message.name.strip(),
        contact_email=message.email.strip(),
        reply_channel=Channel.MESSAGE_WALL,
        needs_attention=note,
        acknowledge=True,
        ask_for_information=ask,
        language=message.language,
        given={"given_customer_number": number},
    )


def _who(message: WallMessage, user: Any) -> tuple[Customer | None, ConsumptionPlace | None, bool]:
    number = message.customer_number.strip()
    if user is not None and getattr(user, "is_authenticated", False):
        own = Customer.objects.filter(user_id=user.pk)
        mine = list((own.filter(customer_number__iexact=number) if number else own)[:2])
        if len(mine) == 1:
            places = list(ConsumptionPlace.objects.filter(customer=mine[0])[:2])
            return mine[0], places[0] if len(places) == 1 else None, False
    proof = customer_by_proof(customer_number=number, name=message.name)
    return proof.customer, proof.place, proof.id_only


def _subject(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 80 else line[:79].rstrip() + "…"


def wall_follow_up(*, complaint_id: int, text: str) -> TimelineEntry:
    """The complainant writes again on their thread: a message from the customer, as by any channel."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None or not on_wall(complaint):
        raise NotFound(_("Not found."))
    return complaint_add_message(
        actor=system_actor(complaint.tenant, label=ACTOR_LABEL),
        complaint_id=complaint.pk,
        text=text.strip(),
        channel=Channel.MESSAGE_WALL,
    )


@hooks.on_outbound_entry  # type: ignore[arg-type]
def wall_notice(entry: TimelineEntry) -> Notification | None:
    """An answer in the wall channel is given on the wall; the complainant gets a notice with the link.

    Written in the transaction of the answer, sent once after it commits (notifications are unique
    per key, and retried until sent)."""
    if entry.channel != Channel.MESSAGE_WALL:
        return None
    complaint = entry.complaint
    to = complaint.contact_email or (complaint.customer.email if complaint.customer else "")
    if not to:
        with translation.override(complaint.tenant.default_language):
            note = _("No e-mail address to tell the complainant that an answer is waiting on the message wall.")
        complaint_flag(actor=system_actor(complaint.tenant, label=ACTOR_LABEL), complaint_id=complaint.pk, note=note)
        return None
    with translation.override(complaint_language(complaint)):
        subject = _("%(supplier)s: an answer is waiting for you on the message wall (%(ref)s)") % {
            "supplier": complaint.tenant.name,
            "ref": complaint.reference,
        }
        body = _(
            "Hello %(name)s,\n\n"
            "%(supplier)s has written to you about your message %(ref)s on the message wall. For your "
            "privacy the answer is not in this e-mail: read it, and reply if you wish, at your private link:\n\n"
            "%(url)s\n\n"
            "Keep the link to yourself: whoever has it can read the conversation."
        ) % {
            "name": complaint.contact_name or _("Customer"),
            "supplier": complaint.tenant.name,
            "ref": complaint.reference,
            "url": wall_url(complaint.tenant.code, complaint.pk),
        }
    notice = notification_create(
        complaint=complaint, kind="wall_notice", key=f"entry:{entry.pk}", recipient=to, subject=subject, body=body
    )
    if notice is not None:
        hooks.after_commit("notification:created", complaint.tenant_id, notice.pk)
    return notice
