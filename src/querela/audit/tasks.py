"""The sealing job: every minute, so the window in which an event has only its own MAC stays short."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .sealing import audit_seal_all


@db_periodic_task(crontab(minute="*"), name="querela.audit_seal")
def audit_seal_task() -> None:
    audit_seal_all()
