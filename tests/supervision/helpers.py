"""Complaints of a known age and state for the supervision tests."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.test import Client

from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import clock, tenancy
from tests.factories import PASSWORD, TenantWorld

PATHS = {
    "registered": [],
    "assigned": ["assign"],
    "investigating": ["assign", "start_investigation"],
    "answered": ["assign", "start_investigation", "answer"],
    "closed": ["assign", "start_investigation", "answer", "close"],
}


def complaint(w: TenantWorld, *, days_ago: int = 0, status: str = "registered", handler: str = "handler") -> Complaint:
    """A complaint received `days_ago` (at noon, the tenant's day) walked to `status`; assigned to `handler`."""
    with tenancy.tenant_scope(w.tenant):
        day = clock.tenant_today(w.tenant) - timedelta(days=days_ago)
        c = complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject=f"Bill {days_ago} days ago",
            description="Too high",
            customer=w.customer,
            place=w.place,
            received_at=datetime.combine(day, time(12), clock.tenant_zone(w.tenant)),
        )
        for action in PATHS[status]:
            complaint_transition(
                actor=w.actor("supervisor"),
                complaint_id=c.pk,
                action=action,
                text="The meter was read again; the bill is right.",
                assignee_id=w.users[handler].pk if action == "assign" else None,
                decision="rejected" if action == "answer" else "",
            )
        c.refresh_from_db()
        return c


def client_for(w: TenantWorld, role: str) -> Client:
    c = Client()
    assert c.login(username=w.users[role].username, password=PASSWORD)
    return c


REF = re.compile(r'class="ref" href="[^"]*">([A-Z0-9~-]+)<')


def listed(client: Client, url: str) -> set[str]:
    """The references a worklist address lists (one page: the tests keep lists short)."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert 'rel="next"' not in html, "the test expects one page"
    return set(REF.findall(html))
