"""What registering one e-mail costs, in what doesn't depend on the machine: SQL statements and runs of
the deadline engine. A later change that adds a query per mail (or a second engine run) fails here.

Issue 10's budget is 20 statements (issue 9 left 24; it was 74, with three engine runs): the
registration's audit events are one INSERT with no chain lock, a new complaint's first acknowledgement
reads nothing back (not even the thread it replies to), and the mail's transaction needs no savepoint
of its own. The reference number is taken last: after the counter's UPDATE (whose row lock every other
registration of the tenant waits for until commit) come only the writes that quote the number."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from querela.core import tenancy
from querela.customers.models import Customer
from querela.deadlines import engine
from querela.instructions import tasks as instruction_tasks
from querela.intake import tasks
from querela.intake.inbound import inbound_store
from querela.intake.models import InboundStatus
from querela.intake.registration import inbound_process
from querela.printing import tasks as printing_tasks

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENTS = 20  # issue 10's budget, BEGIN and COMMIT included
AFTER_THE_NUMBER = 6  # the complaint's number, the acknowledgement (entry, mail), the audit, the mail row, COMMIT


def _mail(w, n: int, sender: str) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, w.tenant.mailbox, f"Számla {n}"
    m["Message-ID"] = f"<cost-{n}@example.hu>"
    m.set_content("Kétszer számláztak.")
    return m.as_bytes()


def test_an_identified_e_mail_registers_with_one_engine_run_and_a_fixed_number_of_statements(world, monkeypatch):
    w = world.a
    monkeypatch.setattr(tasks, "process_inbound_task", lambda *ids: None)  # processed below, measured
    monkeypatch.setattr(tasks, "send_outbound_email_task", lambda *ids: None)
    monkeypatch.setattr(printing_tasks, "store_letter_task", lambda *ids: None)  # the letter's PDF: a job of its own
    monkeypatch.setattr(instruction_tasks, "checklist_attach_task", lambda *ids: None)  # the checklist: one too
    runs: list[int] = []
    compute = engine.compute
    monkeypatch.setattr(engine, "compute", lambda *a, **k: runs.append(1) or compute(*a, **k))
    with tenancy.tenant_scope(w.tenant):
        other = Customer.objects.create(customer_number="COST-2", name="Második Ügyfél", email="masik@example.hu")
    first = inbound_store(raw=_mail(w, 1, w.customer.email), tenant=w.tenant, source="smtp")
    # Another customer: acknowledged too (one automatic reply per sender and period, RFC 3834).
    second = inbound_store(raw=_mail(w, 2, other.email), tenant=w.tenant, source="smtp")
    with tenancy.tenant_scope(w.tenant):
        inbound_process(inbound_id=first.pk)  # the tenant's first: its counters are created here
        runs.clear()
        with CaptureQueriesContext(connection) as statements:
            inbound_process(inbound_id=second.pk)
        second.refresh_from_db()
        assert second.status == InboundStatus.REGISTERED
        assert second.complaint.status == "registered" and second.complaint.answer_due is not None
        assert second.complaint.outbound_emails.filter(automatic=True).exists()  # acknowledged
    assert len(runs) == 1, f"the deadline engine ran {len(runs)} times"
    sql = [q["sql"] for q in statements.captured_queries]
    assert len(sql) <= STATEMENTS, "\n".join(q[:120] for q in sql)
    counter = next(i for i, q in enumerate(sql) if "referencecounter" in q)
    after = sql[counter + 1 :]
    assert len(after) <= AFTER_THE_NUMBER, "\n".join(q[:120] for q in after)
    assert not any(q.lstrip().upper().startswith("SELECT") for q in after), "a read while holding the counter"
