from __future__ import annotations

import threading

import pytest
from django.db import connection

from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.complaints.workflow import Status
from querela.core import tenancy
from querela.core.errors import InvalidTransition
from querela.instructions.checklists import checklist_override


@pytest.mark.django_db(transaction=True)
def test_two_handlers_answering_at_once_one_wins(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="phone", subject="s", description="d", customer=w.customer
        )
        h = w.actor("handler")
        complaint_transition(actor=h, complaint_id=c.pk, action="assign")
        complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
        # Its work instruction's checklist came with it (issue 14): a supervisor lets the answer through.
        checklist_override(actor=w.actor("supervisor"), complaint_id=c.pk, reason="Concurrency test")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def answer(text: str) -> None:
        with tenancy.tenant_scope(w.tenant):
            barrier.wait()
            try:
                complaint_transition(actor=w.actor("supervisor"), complaint_id=c.pk, action="answer", text=text)
                results.append("ok")
            except InvalidTransition:
                results.append("refused")
            finally:
                connection.close()

    threads = [threading.Thread(target=answer, args=(f"answer {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(pk=c.pk)
        assert c.status == Status.ANSWERED
        assert c.timeline.filter(entry_type="outbound").count() == 1
