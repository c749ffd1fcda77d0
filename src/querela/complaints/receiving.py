"""What one received e-mail does to complaints, as one service call (the intake's only one)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from querela.audit.services import audit_batch
from querela.core.channels import Channel
from querela.customers.models import ConsumptionPlace, Customer
from querela.tenants.access import Actor

from .models import Complaint
from .services import Upload, complaint_add_message, complaint_flag, complaint_register, complaint_update


def complaint_receive_email(
    *,
    actor: Actor,
    thread: Complaint | None,
    text: str,
    uploads: Sequence[Upload] = (),
    verified: bool,
    customer: Customer | None = None,
    place: ConsumptionPlace | None = None,
    notes: Sequence[str] = (),
    subject: str = "",
    received_at: datetime | None = None,
    contact_name: str = "",
    contact_email: str = "",
    acknowledge: bool = False,
    ask_for_information: str = "",
    inbound_data: dict[str, Any] | None = None,
) -> Complaint:
    """Everything one received e-mail does to complaints, in one transaction: a reply joins its thread
    (identifying the customer it names, and moving the complaint on only when the sender is verified),
    anything else is registered; the reasons a person must look are flagged either way."""
    # All or nothing with the caller's record of the mail; its audit events chained together.
    with transaction.atomic(savepoint=False), audit_batch():
        if thread is None:
            return complaint_register(
                actor=actor,
                channel=Channel.EMAIL,
                subject=subject[:300],
                description=text,
                received_at=received_at,
                customer=customer,
                place=place,
                contact_name=contact_name[:200],
                contact_email=contact_email[:254],
                uploads=uploads,
                needs_attention="; ".join(n for n in notes if n),
                inbound_data=inbound_data,
                acknowledge=acknowledge,
                ask_for_information=ask_for_information,
                savepoint=False,
            )
        if verified and customer is not None and thread.customer_id is None:
            complaint_update(actor=actor, complaint_id=thread.pk, customer=customer, place=place)
        complaint_add_message(
            actor=actor,
            complaint_id=thread.pk,
            text=text,
            channel=Channel.EMAIL,
            uploads=uploads,
            reopen=verified,
            data=inbound_data,
        )
        for note in notes:
            complaint_flag(actor=actor, complaint_id=thread.pk, note=note)
        thread.refresh_from_db()
        return thread
