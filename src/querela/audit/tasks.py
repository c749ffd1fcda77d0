"""The sealing job: every minute, so the window in which an event has only its own MAC stays short."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab

from querela.core.periodic import periodic_job

from .sealing import audit_seal_all


@periodic_job(crontab(minute="*"), name="querela.audit_seal", every=timedelta(minutes=1))
def audit_seal_task() -> None:
    audit_seal_all()
