"""Reads of calls for the console."""

from __future__ import annotations

from django.db.models import QuerySet

from querela.customers.models import Customer
from querela.customers.selectors import customer_search
from querela.tenants.access import Actor, require

from .models import Call


def calls_of_agent(*, actor: Actor) -> QuerySet[Call]:
    """The agent's own calls, newest first (the console lists the open ones to go back to)."""
    require(actor, "call.take")
    return Call.objects.filter(agent_id=actor.user_id).order_by("-started_at")


def match_count(*, actor: Actor, query: str, limit: int = 25) -> int:
    """How many customers what the agent typed finds — all an unidentified caller's search shows
    (seed 001: no personal data before identification). Capped: "25 or more" says enough."""
    require(actor, "call.take")
    ids = customer_search(actor=actor, query=query, limit=limit).values_list("pk", flat=True)
    return len(list(ids))


def customer_for_call(call: Call) -> Customer | None:
    """The identified caller's record with what the console shows (no invoice amounts: seed 001
    gives arrears only in person)."""
    if call.identified_at is None or call.customer_id is None:
        return None
    return Customer.objects.filter(pk=call.customer_id).prefetch_related("places__meters", "representatives").first()


def call_of_recording(recording_id: str) -> Call | None:
    """The call a complaint's recording id names (the console's, or one the telephony system reported)."""
    return Call.objects.filter(recording_id=recording_id).first() if recording_id else None
