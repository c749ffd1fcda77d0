"""The embedded run (`make run`): plain HTTP on localhost, SQLite, Huey on SQLite."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

if "QUERELA_EMAIL_HOST" not in os.environ and "QUERELA_EMAIL_BACKEND" not in os.environ:
    # No mail server configured: outbound mail is written to var/outbox/ so the demo can be followed.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
