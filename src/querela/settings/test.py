"""Tests: SQLite in a temp dir by default, PostgreSQL when QUERELA_TEST_DATABASE_URL is set."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import _database_config

_TMP = Path(tempfile.mkdtemp(prefix="querela-test-"))
MEDIA_ROOT = _TMP / "media"
_TEST_DB = os.environ.get("QUERELA_TEST_DATABASE_URL", "")
DATABASES = {"default": _database_config(_TEST_DB or f"sqlite:///{_TMP / 'test.sqlite3'}")}
if not _TEST_DB:
    # A file, not Django's shared-cache memory database: threads in the concurrency tests need
    # SQLite's real locking (which queues writers) instead of "table is locked" errors.
    DATABASES["default"]["TEST"] = {"NAME": str(_TMP / "test-db.sqlite3")}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HUEY = {"huey_class": "huey.MemoryHuey", "name": "querela-test", "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "querela.core.storage.DurableFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = _TMP / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Threads and the live server open their own connections; don't keep them past the request.
DATABASES["default"]["CONN_MAX_AGE"] = 0

import atexit  # noqa: E402
import shutil  # noqa: E402

atexit.register(shutil.rmtree, _TMP, ignore_errors=True)

# Rate-limit counters in memory: one test's requests must not spill into the next (conftest clears it).
QUERELA = {**QUERELA, "RATE_LIMIT_STORE": ("memory", "")}  # noqa: F405

# Two-step sign-in is mandatory for staff in every real installation; the suite signs staff in with
# `Client.login` everywhere, so here it is off, and the MFA tests turn it on (`settings` fixture).
QUERELA["MFA_REQUIRED_FOR_STAFF"] = False
