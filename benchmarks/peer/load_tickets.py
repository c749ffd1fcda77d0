"""Inside the peer's venv: bring django-helpdesk's ticket count to --target, through its models.

Started by peer.load(); the site folder and benchmarks/peer are on PYTHONPATH.

Ticket number k (0-based position in id order) is generated from Random(seed, k) alone, so a given seed
always yields the same tickets whatever the batch size or how many were already there. Shape of a
ticket, documented so our own loader can mirror it:
  - title from a pool of complaint subjects; description 300-1200 characters in 1 paragraph plus
    greeting and signature; submitter e-mail from 250,000 returning customers;
  - status: 8 % open, 2 % reopened, 10 % resolved, 78 % closed, 2 % duplicate; priority 3 mostly;
    assigned to one of 10 agents (90 % of finished tickets, 50 % of open ones); due date on 40 %;
  - created every ~90 s from 2023-01-01 (1M tickets span ~2.9 years);
  - follow-ups: the opening one that helpdesk itself writes on creation, then 0-3 more (agent
    replies, customer replies, internal notes; the last one resolves or closes a finished ticket):
    about 2.2 follow-ups per ticket.
Rows go in with multi-row INSERTs (bulk_create) of one batch per transaction; while PostgreSQL
writes one batch, the next one is built in a second thread (the database driver releases the GIL).
More tickets than the target: the newest are deleted (the ones a benchmark run created).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import queue
import random
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import django

django.setup()

from complaint_text import ComplaintText  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
SECONDS_BETWEEN_TICKETS = 90
N_AGENTS = 10
N_CUSTOMERS = 250_000
STATUSES = (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS, Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS,
            Ticket.DUPLICATE_STATUS)  # fmt: skip
STATUS_WEIGHTS = (8, 2, 10, 78, 2)
PRIORITIES = (1, 2, 3, 4, 5)
PRIORITY_WEIGHTS = (5, 15, 60, 15, 5)
OPEN = {Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS}
CLOSING_TITLE = {Ticket.RESOLVED_STATUS: "Resolved", Ticket.CLOSED_STATUS: "Closed"}


@contextlib.contextmanager
def keep_our_timestamps() -> Iterator[None]:
    """created/modified are auto_now(_add): bulk_create would stamp every row with now()."""
    created, modified = Ticket._meta.get_field("created"), Ticket._meta.get_field("modified")
    saved = created.auto_now_add, modified.auto_now  # type: ignore[union-attr]
    created.auto_now_add = modified.auto_now = False  # type: ignore[union-attr]
    try:
        yield
    finally:
        created.auto_now_add, modified.auto_now = saved  # type: ignore[union-attr]


def agents() -> list[Any]:
    user_model = get_user_model()
    unusable = make_password(None)  # agents only own tickets; nobody logs in as them
    out = []
    for i in range(1, N_AGENTS + 1):
        agent, _ = user_model.objects.get_or_create(
            username=f"agent{i:02d}",
            defaults={"email": f"agent{i:02d}@example.invalid", "first_name": "Agent", "last_name": f"{i:02d}",
                      "is_staff": True, "password": unusable},
        )  # fmt: skip
        out.append(agent)
    return out


class Builder:
    """Unsaved Ticket and FollowUp objects for ticket positions k0..k1-1."""

    def __init__(self, seed: int, queue_obj: Queue, staff: list[Any]) -> None:
        self.seed = seed
        self.queue = queue_obj
        self.agents = staff
        self.text = ComplaintText(seed)
        self.rng = random.Random()

    def batch(self, k0: int, k1: int) -> tuple[list[Ticket], list[list[FollowUp]]]:
        tickets, followups = [], []
        for k in range(k0, k1):
            ticket, fus = self.ticket(k)
            tickets.append(ticket)
            followups.append(fus)
        return tickets, followups

    def ticket(self, k: int) -> tuple[Ticket, list[FollowUp]]:
        rng, text = self.rng, self.text
        rng.seed(self.seed * 1_000_000_007 + k)  # an int seed: cheap, and ticket k depends on (seed, k) only
        created = EPOCH + timedelta(seconds=k * SECONDS_BETWEEN_TICKETS + rng.randrange(60))
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        is_open = status in OPEN
        assignee = rng.choice(self.agents) if rng.random() < (0.5 if is_open else 0.9) else None
        customer_no = rng.randrange(N_CUSTOMERS)
        email = text.email(customer_no)
        description = text.description(rng, text.name(rng))
        opened = "Ticket Opened" if assignee is None else f"Ticket Opened & Assigned to {assignee.get_full_name()}"
        fus = [FollowUp(date=created, title=opened, comment=description, public=True, email_recipients=[email])]
        date = created
        more = rng.choices((0, 1, 2, 3), (25, 35, 25, 15))[0]
        for j in range(more):
            date += timedelta(minutes=rng.randint(15, 3 * 24 * 60))
            author = assignee or self.agents[0]
            if j == more - 1 and not is_open:
                final = Ticket.CLOSED_STATUS if status == Ticket.DUPLICATE_STATUS else status
                fus.append(FollowUp(date=date, title=CLOSING_TITLE[final], comment=text.reply(rng), public=True,
                                    new_status=final, user=author))  # fmt: skip
            elif rng.random() < 0.5:
                fus.append(FollowUp(date=date, title="Comment", comment=text.reply(rng), public=True, user=author))
            elif rng.random() < 0.7:
                fus.append(FollowUp(date=date, title=f"E-Mail Received from {email}",
                                    comment=text.customer_reply(rng), public=True,
                                    message_id=f"<{rng.getrandbits(64):016x}@mail.example.invalid>"))  # fmt: skip
            else:
                fus.append(FollowUp(date=date, title="Internal note", comment=text.reply(rng), public=False,
                                    user=author))  # fmt: skip
        ticket = Ticket(
            title=text.subject(rng),
            queue=self.queue,
            created=created,
            modified=date,
            submitter_email=email,
            assigned_to=assignee,
            status=status,
            on_hold=rng.random() < 0.02,
            description=description,
            resolution=None if is_open else text.reply(rng),
            priority=rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0],
            due_date=created + timedelta(days=rng.choice((15, 30))) if rng.random() < 0.4 else None,
            secret_key=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        )
        return ticket, fus


def add(start: int, target: int, seed: int, batch: int, queue_slug: str) -> dict[str, Any]:
    builder = Builder(seed, Queue.objects.get(slug=queue_slug), agents())
    n = target - start
    ranges = [(k, min(k + batch, target)) for k in range(start, target, batch)]
    # One batch built ahead, in a thread: it runs while the main thread waits on PostgreSQL.
    built: queue.Queue[tuple[list[Ticket], list[list[FollowUp]]] | BaseException] = queue.Queue(maxsize=1)

    def produce() -> None:
        try:
            for k0, k1 in ranges:
                built.put(builder.batch(k0, k1))
        except BaseException as exc:  # handed to the main thread, which re-raises it
            built.put(exc)

    threading.Thread(target=produce, daemon=True).start()
    with connection.cursor() as cur:
        # This session only: a crash mid-load loses at most the last batches, which a rerun re-adds.
        # Saves waiting for a WAL flush on every commit; the peer's own sessions keep the default.
        cur.execute("SET synchronous_commit TO off")
    t0 = last_report = time.perf_counter()
    done = followups = 0
    waited = 0.0
    with keep_our_timestamps():
        for _ in ranges:
            tw = time.perf_counter()
            item = built.get()
            waited += time.perf_counter() - tw
            if isinstance(item, BaseException):
                raise item
            tickets, fu_lists = item
            with transaction.atomic():
                Ticket.objects.bulk_create(tickets)  # PostgreSQL returns the ids (RETURNING)
                flat = []
                for ticket, fus in zip(tickets, fu_lists, strict=True):
                    for fu in fus:
                        fu.ticket = ticket
                    flat += fus
                FollowUp.objects.bulk_create(flat)
            done += len(tickets)
            followups += len(flat)
            now = time.perf_counter()
            if now - last_report >= 5 or done == n:
                last_report = now
                rate = done / (now - t0)
                print(f"  {start + done:>9,}/{target:,} tickets, {rate:,.0f}/s, {followups:,} follow-ups, "
                      f"{(n - done) / rate:,.0f} s to go", flush=True)  # fmt: skip
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    with connection.cursor() as cur:  # fresh statistics and visibility map, as on a desk in service
        cur.execute("VACUUM (ANALYZE) helpdesk_ticket")
        cur.execute("VACUUM (ANALYZE) helpdesk_followup")
    return {"added": n, "followups_added": followups, "load_s": round(load_s, 1), "waited_for_text_s": round(waited, 1),
            "tickets_per_s": round(n / load_s), "vacuum_analyze_s": round(time.perf_counter() - t1, 1)}  # fmt: skip


def trim(target: int, chunk: int = 20_000) -> dict[str, Any]:
    """Delete the tickets after the first `target` (with follow-ups etc., through the ORM's cascade)."""
    ids = Ticket.objects.order_by("id").values_list("id", flat=True)
    cutoff = ids[target - 1] if target else 0
    deleted = 0
    while True:
        chunk_ids = list(Ticket.objects.filter(id__gt=cutoff).order_by("-id").values_list("id", flat=True)[:chunk])
        if not chunk_ids:
            break
        with transaction.atomic():
            Ticket.objects.filter(id__in=chunk_ids).delete()
        deleted += len(chunk_ids)
        print(f"  deleted {deleted:,} tickets", flush=True)
    return {"deleted": deleted}


def main() -> None:
    ap = argparse.ArgumentParser(description="Bring django-helpdesk's ticket count to --target.")
    ap.add_argument("--target", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--queue", default="complaints")
    args = ap.parse_args()
    if args.target < 0:
        sys.exit("--target must be >= 0")

    start = Ticket.objects.count()
    print(f"peer load: {start:,} tickets now, target {args.target:,} (seed {args.seed})", flush=True)
    if start < args.target:
        result = add(start, args.target, args.seed, args.batch, args.queue)
    elif start > args.target:
        result = trim(args.target)
    else:
        result = {}
    result["tickets"] = Ticket.objects.count()
    print(json.dumps(result), flush=True)
    if result["tickets"] != args.target:
        sys.exit(f"peer load: ended with {result['tickets']} tickets, not {args.target}")


if __name__ == "__main__":
    main()
