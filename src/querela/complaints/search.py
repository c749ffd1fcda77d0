"""Free-text search over complaints: reference, subject, the people and places named, and what the
customer wrote — folded (accents, case, punctuation aside) into one stored text per complaint.

On PostgreSQL a GIN index on `to_tsvector('simple', search_text)` (tenant first; migration 0008)
answers "every word, as a word start" at a million complaints; SQLite, the embedded default, reads the
same text with LIKE.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import F, Func, QuerySet

from querela.customers.text import fold

from .models import Complaint, EntryType, TimelineEntry

# Enough for every identifying word and the gist of the messages; the index stays small.
SEARCH_TEXT_CHARS = 4000
MESSAGE_CHARS = 600
MAX_TERMS = 8


def compose(parts: Iterable[str]) -> str:
    return fold(" ".join(p for p in parts if p))[:SEARCH_TEXT_CHARS]


def search_text_of(complaint: Complaint, messages: Iterable[str] = ()) -> str:
    customer = complaint.customer if complaint.customer_id else None
    place = complaint.place if complaint.place_id else None
    return compose(
        [
            complaint.reference,
            complaint.subject,
            complaint.contact_name,
            complaint.contact_email,
            customer.name if customer else "",
            customer.customer_number if customer else "",
            f"{place.postal_code} {place.city} {place.address}" if place else "",
            complaint.given_customer_number,
            complaint.serial_number,
            complaint.place_address,
            complaint.description,
            *(m[:MESSAGE_CHARS] for m in messages),
        ]
    )


def search_refresh(complaint: Complaint) -> None:
    """Rewrite the complaint's search text (after registration, identification, a customer's message)."""
    messages = TimelineEntry.objects.filter(complaint=complaint, entry_type=EntryType.INBOUND).order_by("pk")
    text = search_text_of(complaint, messages.values_list("body", flat=True)[:10])
    if text != complaint.search_text:
        Complaint.objects.filter(pk=complaint.pk).update(search_text=text)
        complaint.search_text = text


class _TsVector(Func):
    # The very expression the index is built on (migration 0008), so PostgreSQL uses it.
    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def search_filter(qs: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Complaints whose text holds every word typed, each as the start of a word ("kovacs an",
    "000024", "petofi"). Terms are folded to [0-9a-z] words, so nothing typed reaches the query syntax."""
    terms = fold(query).split()[:MAX_TERMS]
    if not terms:
        return qs
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{t}:*" for t in terms)
        return qs.annotate(fts=_TsVector(F("search_text"))).filter(
            fts=SearchQuery(tsquery, config="simple", search_type="raw")
        )
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    return qs
