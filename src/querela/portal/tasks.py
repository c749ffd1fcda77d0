"""Nightly housekeeping of the public form."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .pending_uploads import purge


@db_periodic_task(crontab(hour="3", minute="17"), name="querela.purge_pending_uploads")
def purge_pending_uploads() -> None:
    purge()
