"""A customer with something of every kind the privacy app exports, erases and purges, and a way to make
it old: complaints finished years ago, a call whose 5 years are over."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from django.db.models import QuerySet
from django.test import Client

from querela.calls.models import Call
from querela.calls.services import call_attach_audio, call_start
from querela.complaints.models import Attachment, Complaint, EntryType, TimelineEntry
from querela.complaints.services import Upload, complaint_add_message, complaint_attach, complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import clock, tenancy
from querela.customers.models import Customer
from querela.instructions.checklists import answer_refusal, checklist_override
from querela.intake.inbound import inbound_store
from querela.intake.models import InboundMessage
from querela.intake.registration import inbound_process
from querela.minutes.models import Minutes
from querela.minutes.services import Signature, minutes_sign, minutes_take
from querela.printing.models import StoredLetter
from querela.printing.services import letter_store
from tests.calls.audio import WAV
from tests.factories import PASSWORD, TenantWorld
from tests.minutes.helpers import facts

FINISH = ["assign", "start_investigation", "answer", "close"]


def client_of(w: TenantWorld, role: str) -> Client:
    c = Client()
    assert c.login(username=w.users[role].username, password=PASSWORD)
    return c


def finish(w: TenantWorld, complaint: Complaint) -> None:
    """Walk a complaint to closed, answering it (a letter by post, kept as a PDF)."""
    for action in FINISH:
        complaint.refresh_from_db()
        if action == "answer" and answer_refusal(complaint):  # a checklist attached after commit
            checklist_override(actor=w.actor("supervisor"), complaint_id=complaint.pk, reason="Test data")
        complaint_transition(
            actor=w.actor("supervisor"),
            complaint_id=complaint.pk,
            action=action,
            text="We corrected the bill.",
            assignee_id=w.users["handler"].pk if action == "assign" else None,
            decision="upheld" if action == "answer" else "",
        )
    for entry in TimelineEntry.objects.filter(complaint=complaint, entry_type=EntryType.OUTBOUND):
        letter_store(entry_id=entry.pk)


def make_old(complaint: Complaint, *, days: int) -> None:
    """Everything of the complaint as if it happened `days` ago."""
    back = timedelta(days=days)
    now = clock.now()
    Complaint.objects.filter(pk=complaint.pk).update(received_at=now - back, updated_at=now - back)
    TimelineEntry.objects.filter(complaint=complaint).update(created_at=now - back)
    Attachment.objects.filter(complaint=complaint).update(created_at=now - back)
    StoredLetter.objects.filter(complaint=complaint).update(created_at=now - back)
    # Signed minutes refuse every change through their manager; only the date moves here.
    QuerySet(model=Minutes).filter(complaint=complaint).update(created_at=now - back)
    InboundMessage.objects.filter(complaint=complaint).update(received_at=now - back)


@dataclass
class Person:
    """What `rich_customer` made: the complaints by what they are now, and the call."""

    customer: Customer
    old: Complaint  # finished 6 years ago: past every hold
    recent: Complaint  # finished a year ago: kept by law
    open: Complaint  # still being handled
    by_mail: Complaint  # from an e-mail (its raw message kept), finished 6 years ago
    oral: Complaint  # in person, with signed minutes, finished 6 years ago
    call: Call  # recorded 6 years ago: its 5 years are over
    files: dict[str, Any] = field(default_factory=dict)


def rich_customer(w: TenantWorld, *, prefix: str = "") -> Person:
    """In the tenant in scope: `w.customer` with complaints old and new, files, letters, minutes, mail, a call."""
    agent = w.actor("agent")
    customer = w.customer
    assert customer is not None

    def register(subject: str, channel: str = "email") -> Complaint:
        return complaint_register(
            actor=agent,
            channel=channel,
            subject=subject,
            description=f"{subject}: the details",
            customer=customer,
            place=w.place,
        )

    old = register(f"{prefix}Old bill of Anna")
    complaint_attach(actor=agent, complaint_id=old.pk, upload=Upload("anna-bill.txt", io.BytesIO(b"ANNA OLD BILL"), 13))
    complaint_add_message(actor=w.actor("handler"), complaint_id=old.pk, text="Message to Anna about the old bill")
    finish(w, old)
    recent = register(f"{prefix}Recent meter of Anna")
    complaint_attach(actor=agent, complaint_id=recent.pk, upload=Upload("meter.txt", io.BytesIO(b"ANNA METER"), 10))
    finish(w, recent)
    still_open = register(f"{prefix}Open matter of Anna")
    mail = EmailMessage()
    mail["From"], mail["To"] = str(customer.email), w.tenant.mailbox
    mail["Subject"], mail["Message-ID"] = f"{prefix}Mailed complaint of Anna", f"<{prefix}anna-1@example.test>"
    mail.set_content("I write about my invoice. Anna")
    msg = inbound_store(raw=mail.as_bytes(), tenant=w.tenant, source="smtp")
    inbound_process(inbound_id=msg.pk)
    msg.refresh_from_db()
    by_mail = Complaint.objects.get(pk=msg.complaint_id)
    Complaint.objects.filter(pk=by_mail.pk).update(customer=customer)
    finish(w, by_mail)
    now = clock.now()
    minutes = minutes_take(
        actor=w.actor("clerk"),
        facts=facts(
            customer_number=customer.customer_number,
            filed_at=now - timedelta(hours=1),
            drawn_up_at=now,
            subject=f"{prefix}Visit of Anna",
        ),
    )
    typed = Signature(typed_name="Őrsi Ődön", confirmed=True)
    minutes_sign(actor=w.actor("clerk"), minutes_id=minutes.pk, recorder=typed, customer=typed)
    oral = Complaint.objects.get(pk=minutes.complaint_id)
    Complaint.objects.filter(pk=oral.pk).update(customer=customer)
    finish(w, oral)
    call = call_start(actor=agent)
    call_attach_audio(actor=agent, call_id=call.pk, upload=Upload("anna-call.wav", io.BytesIO(WAV), len(WAV)))
    six_years = 6 * 366
    Call.objects.filter(pk=call.pk).update(
        customer=customer,
        caller_number="+36 30 123 4567",
        started_at=now - timedelta(days=six_years),
        retain_until=clock.tenant_today(w.tenant) - timedelta(days=30),
    )
    for c in (old, by_mail, oral):
        make_old(c, days=six_years)
    make_old(recent, days=365)
    for c in (old, recent, still_open, by_mail, oral):
        c.refresh_from_db()
    call.refresh_from_db()
    return Person(customer, old, recent, still_open, by_mail, oral, call)


def in_scope(w: TenantWorld) -> Any:
    return tenancy.tenant_scope(w.tenant)
