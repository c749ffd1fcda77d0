from __future__ import annotations

from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition


def investigating(w, **kw):
    """A complaint of tenant `w` under investigation by its handler (call inside the tenant's scope)."""
    c = complaint_register(
        actor=w.actor("agent"),
        channel=kw.pop("channel", "email"),
        subject="Hibás számla",
        description="A számla hibás.",
        customer=w.customer,
        place=w.place,
        **kw,
    )
    h = w.actor("handler")
    complaint_transition(actor=h, complaint_id=c.pk, action="assign")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    c.refresh_from_db()
    return c
