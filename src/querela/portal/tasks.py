"""Nightly housekeeping of the public form."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab

from querela.core.periodic import periodic_job

from .pending_uploads import purge


@periodic_job(crontab(hour="3", minute="17"), name="querela.purge_pending_uploads", every=timedelta(days=1))
def purge_pending_uploads() -> None:
    purge()
