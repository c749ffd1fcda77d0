"""The worklist's pages: keyset pagination over the order the list is shown in, so page 400 costs
what page 1 costs (an OFFSET would read every row before it). The cursor is the last row's sort key
and id, e.g. "d2026-12-04.1234" (by due date) or "r2026-12-04T08:15:00+00:00.1234" (newest first)."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from querela.core.replica import replica_reads

from .models import Complaint

PAGE_SIZE = 50
_NO_DATE = "-"

# The worklist's ready-made views (the tabs); each is a set of `complaint_list` arguments. "mine" and
# "team" are filled in for the person asking (see `view_arguments`).
VIEWS: dict[str, dict[str, Any]] = {
    "mine": {"only_open": True},
    "team": {"only_open": True},
    "unassigned": {"statuses": ("registered",), "unassigned": True},
    "awaiting": {"statuses": ("received", "awaiting_info")},
    "due_soon": {"deadline": "due_soon"},
    "overdue": {"deadline": "overdue"},
    "deemed": {"deemed_accepted": True},
    "escalated": {"statuses": ("escalated",)},
}


def view_arguments(view: str, *, user_id: int | None, department_id: int | None) -> dict[str, Any]:
    args = dict(VIEWS.get(view, {}))
    if view == "mine":
        args["assignee_id"] = user_id
    if view == "team":
        args["department_id"] = department_id if department_id is not None else -1  # no team: nothing
    return args


@dataclass(frozen=True)
class Page:
    rows: list[Complaint]
    next_cursor: str  # "" on the last page


def _cursor(order: str, row: Complaint) -> str:
    if order == "due":
        return f"d{row.next_due.isoformat() if row.next_due else _NO_DATE}.{row.pk}"
    return f"r{row.received_at.isoformat()}.{row.pk}"


def _parse(order: str, cursor: str) -> tuple[Any, int] | None:
    """The cursor's key and id; None for a cursor that is not one (a stale or edited link: page 1)."""
    kind, rest = cursor[:1], cursor[1:]
    key, _, pk = rest.rpartition(".")
    if kind != ("d" if order == "due" else "r") or not pk.isdigit() or len(pk) > 18:
        return None
    try:
        if kind == "d":
            return (None if key == _NO_DATE else date.fromisoformat(key)), int(pk)
        return datetime.fromisoformat(key), int(pk)
    except ValueError:
        return None


def worklist_page(
    qs: QuerySet[Complaint], *, order: str, after: str = "", size: int = PAGE_SIZE, replica: bool = False
) -> Page:
    """One page of `qs` (already ordered by `complaint_list`: due date then id, or newest first). `replica`:
    a heavy search (free text), which a read replica may answer when there is one."""
    with replica_reads() if replica else nullcontext():
        return _page(qs, order=order, after=after, size=size)


def _page(qs: QuerySet[Complaint], *, order: str, after: str, size: int) -> Page:
    key = _parse(order, after) if after else None
    if order == "due":
        rows = _due_page(qs, key, size + 1)
    else:
        if key is not None:
            at, pk = key
            # `received_at <= at` is the index condition (a seek); the OR breaks ties by id.
            qs = qs.filter(received_at__lte=at).filter(Q(received_at__lt=at) | Q(pk__lt=pk))
        rows = _rows(qs, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, _cursor(order, rows[-1]) if more and rows else "")


def _due_page(qs: QuerySet[Complaint], key: tuple[Any, int] | None, limit: int) -> list[Complaint]:
    """Dated rows first (earliest due), then the undated ones by id — two seeks, never a scan from the start."""
    rows: list[Complaint] = []
    if key is None or key[0] is not None:
        dated = qs.filter(next_due__isnull=False)
        if key is not None:
            due, pk = key
            dated = dated.filter(next_due__gte=due).filter(Q(next_due__gt=due) | Q(pk__gt=pk))
        rows = _rows(dated, limit)
    if len(rows) < limit:
        undated = qs.filter(next_due__isnull=True)
        if key is not None and key[0] is None:
            undated = undated.filter(pk__gt=key[1])
        rows += _rows(undated, limit - len(rows))
    return rows


def _rows(qs: QuerySet[Complaint], limit: int) -> list[Complaint]:
    """The page's ids first (an index walk that stops at `limit`), then those rows with their customer,
    assignee and department: joined before the LIMIT, PostgreSQL joined and sorted every match (110 ms
    for 7,700 overdue complaints; 2 ms this way)."""
    ids = list(qs.values_list("pk", flat=True)[:limit])
    found = qs.model.objects.select_related("customer", "assignee", "department").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
