"""Polling tenants' own IMAP mailboxes: each message is stored (committed) before it is marked."""

from __future__ import annotations

import logging

from django.db import connection

from querela.core import clock, tenancy

from .email.imap_poll import ImapState, PollJob, PollResult, poll_many
from .email.imap_session import ImapConfig
from .inbound import inbound_store
from .models import ImapMailbox
from .oauth import OAuthRefreshFailed, needs_refresh, refresh_access_token

log = logging.getLogger(__name__)


def _config(box: ImapMailbox) -> ImapConfig:
    return ImapConfig(
        host=box.host,
        port=box.port,
        ssl=box.use_ssl,
        username=box.username,
        secret=box.secret,
        auth=box.auth,  # type: ignore[arg-type]
        folder=box.folder,
        processed_folder=box.done_folder,
        label=f"{box.tenant.code}:{box.username}@{box.host}",
    )


def _job(box: ImapMailbox) -> PollJob:
    tenant = box.tenant

    def store_raw(raw: bytes, uid: int) -> None:
        # Runs in a worker thread: enter the tenant there too. The raw mail is committed before the
        # poller marks the message; the job queued by that commit registers it (the one path every
        # stored message takes, SMTP or IMAP), and the sweep retries it if the job is lost.
        with tenancy.tenant_scope(tenant):
            inbound_store(raw=raw, tenant=tenant, source="imap", mailbox=tenant.mailbox)

    return PollJob(
        key=str(box.pk), config=_config(box), state=ImapState(box.uidvalidity, box.last_uid), store_raw=store_raw
    )


def poll_all_mailboxes() -> dict[str, PollResult]:
    """One pass over every active mailbox; a slow or broken one never holds up the others."""
    with tenancy.dangerously_all_tenants():
        boxes = {str(b.pk): b for b in ImapMailbox.objects.filter(is_active=True).select_related("tenant")}
    for key, box in list(boxes.items()):
        if not needs_refresh(box):
            continue
        with tenancy.tenant_scope(box.tenant):
            try:
                refresh_access_token(box)
            except OAuthRefreshFailed as exc:  # this mailbox waits for its administrator; the others go on
                ImapMailbox.objects.filter(pk=box.pk).update(last_error=str(exc)[:4000], last_polled_at=clock.now())
                del boxes[key]
    results = poll_many([_job(b) for b in boxes.values()], on_thread_exit=connection.close)
    for key, result in results.items():
        box = boxes[key]
        with tenancy.tenant_scope(box.tenant):
            problems = [result.error] if result.error else []
            problems += [f"UID {p.uid}: {p.reason}" for p in result.errors]
            ImapMailbox.objects.filter(pk=box.pk).update(
                uidvalidity=result.state.uidvalidity,
                last_uid=result.state.last_uid,
                last_polled_at=clock.now(),
                last_error="\n".join(problems)[:4000],
            )
            if problems:
                log.warning("mailbox %s: %s", result.mailbox, "; ".join(problems))
    return results
