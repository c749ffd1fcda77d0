"""A fault report redirected by the complaint office goes to the supplier's fault-handling team at once."""

from __future__ import annotations

import pytest
from django.core import mail

from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from querela.portal.services import portal_profile_save

pytestmark = pytest.mark.django_db(transaction=True)


def _fault(w, kind: str = "technical_fault"):
    return complaint_register(
        actor=w.actor("clerk"),
        kind=kind,
        channel="post",
        subject="Nincs melegvíz",
        description="Tegnap este óta nincs melegvíz a lépcsőházban.",
        customer=w.customer,
        place=w.place,
    )


def test_a_redirected_fault_report_is_mailed_to_the_fault_team(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        portal_profile_save(
            actor=w.actor("tenant_admin"), values={"fault_email": "hibabejelentes@aaa.example"}, form_fields={}
        )
        c = _fault(w)
        mail.outbox.clear()
        complaint_transition(
            actor=w.actor("clerk"), complaint_id=c.pk, action="redirect", text="Hibát a 80-as számon jelentsen."
        )
    [forwarded] = [m for m in mail.outbox if m.to == ["hibabejelentes@aaa.example"]]
    assert c.reference in forwarded.subject
    assert "nincs melegvíz a lépcsőházban" in forwarded.body and "Petőfi utca 1." in forwarded.body


def test_nothing_is_forwarded_without_a_fault_address_or_for_other_kinds(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = _fault(w)
        mail.outbox.clear()
        complaint_transition(actor=w.actor("clerk"), complaint_id=c.pk, action="redirect", text="80-as szám.")
        portal_profile_save(actor=w.actor("tenant_admin"), values={"fault_email": "hiba@aaa.example"}, form_fields={})
        info = _fault(w, kind="information_request")
        complaint_transition(actor=w.actor("clerk"), complaint_id=info.pk, action="redirect", text="Honlapunkon.")
    assert not [m for m in mail.outbox if "hiba" in m.to[0]]
