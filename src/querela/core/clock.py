"""One place to read the time, so tests and the deadline engine agree on 'now'."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
