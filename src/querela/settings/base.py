"""Settings shared by every environment; everything that differs comes from the environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[1]
# var/ holds the embedded run's database, queue and uploaded files.
VAR_DIR = Path(os.environ.get("QUERELA_VAR_DIR", Path.cwd() / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite queue opens its file at import time

SECRET_KEY = os.environ.get("QUERELA_SECRET_KEY", "insecure-embedded-only-key-change-me-in-production-0123456789")
DEBUG = os.environ.get("QUERELA_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("QUERELA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("QUERELA_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "querela.core",
    "querela.tenants",
    "querela.audit",
    "querela.customers",
    "querela.orgchart",
    "querela.edit_rules",
    "querela.remedies",
    "querela.complaints",
    "querela.intake",
    "querela.portal",
    "querela.accounts",
    "querela.appointments",
    "querela.calls",
    "querela.documents",
    "querela.deadlines",
    "querela.api",
    "querela.web",
    "querela.demo",
    "querela.ops",
    "querela.minutes",
    "querela.postroom",
    "querela.answer_templates",
    "querela.consultations",
    "querela.instructions",
    "querela.routing",
    "querela.supervision",
    "querela.printing",
    "querela.privacy",
    "querela.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "querela.core.middleware.SecureHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "querela.core.idle.IdleTimeoutMiddleware",
    # Staff who signed in without their second step (two-step sign-in, issue 16) reach no page.
    "querela.web.second_step.SecondStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "querela.tenants.middleware.TenantMiddleware",
    "querela.core.replica.ReplicaPinMiddleware",
]

ROOT_URLCONF = "querela.urls"
WSGI_APPLICATION = "querela.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "querela.web.context.navigation",
            ],
        },
    },
]


def _database_config(url: str) -> dict[str, object]:
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with foreign keys that still migrate once the schema is distributed by tenant.
        config["ENGINE"] = "querela.core.postgresql"
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
        # deadlocking on lock upgrade (reference numbers, audit chain heads).
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            # FULL: a commit is on disk when it returns (250 to a mail server is a promise).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        }
        config["CONN_MAX_AGE"] = 0
    return config


DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'querela.sqlite3'}")
DATABASES = {"default": _database_config(DATABASE_URL)}
# A PostgreSQL read replica for reports, exports and the worklist's heavy searches (core/replica.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _database_config(os.environ["DATABASE_REPLICA_URL"])
DATABASE_ROUTERS = ["querela.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Rate limits must be shared by all web workers of one machine: a file cache does that.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "querela",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "querela",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("hu", _("Hungarian")), ("pl", _("Polish")), ("ro", _("Romanian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("QUERELA_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"

# Local disk by default; any S3-compatible store when a bucket is configured.
_S3_BUCKET = os.environ.get("QUERELA_S3_BUCKET", "")
STORAGES: dict[str, dict[str, object]] = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _S3_BUCKET,
                "endpoint_url": os.environ.get("QUERELA_S3_ENDPOINT_URL") or None,
                "default_acl": "private",
                "querystring_auth": True,
            },
        }
        if _S3_BUCKET
        else {"BACKEND": "querela.core.storage.DurableFileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Form fields (not files) read before validation: room for a long pasted text to get the form's own
# message ("at most 100,000 characters") instead of a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
# A file named ".." or "." is kept (Django would drop it without a word) so the upload check can refuse
# it with a message on the form it came from (core.upload_names).
FILE_UPLOAD_HANDLERS = [
    "querela.core.upload_names.KeepUnnamedFiles",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = os.environ.get("QUERELA_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("QUERELA_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("QUERELA_EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("QUERELA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("QUERELA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("QUERELA_EMAIL_TLS", "0") == "1"
# A mail server that accepts the connection and never answers must delay mail, never anything else.
EMAIL_TIMEOUT = int(os.environ.get("QUERELA_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("QUERELA_FROM_EMAIL", "noreply@complaints.querela.test")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "querela.api.tokens.TenantTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "querela.api.schema.QuerelaAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "querela.api.base.querela_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["querela.api.throttling.IntegrationThrottle"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Querela API",
    "DESCRIPTION": "Complaint management for utilities: complaints, customers, timelines.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Channel choices are shared by channel, reply channel and preferred channel: one schema enum.
    "ENUM_NAME_OVERRIDES": {"ChannelEnum": "querela.core.channels.Channel"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

QUERELA = {
    # Public forms and logins: attempts per window per client address.
    "RATE_LIMIT_LOGIN": (int(os.environ.get("QUERELA_RATE_LIMIT_LOGIN", "10")), 300),
    # Sign-in (accounts/login_guard.py): wrong passwords per account lock it until the window ends or its
    # owner opens the e-mailed unlock link; per client address the limit is high enough for an office
    # behind one proxy. (count, seconds)
    # PostgreSQL row-level security between tenants (core/row_security.py); 0 takes the policies down at
    # the next migrate.
    "ROW_SECURITY": os.environ.get("QUERELA_ROW_SECURITY", "1") != "0",
    "LOGIN_ACCOUNT_LIMIT": (int(os.environ.get("QUERELA_LOGIN_ACCOUNT_LIMIT", "5")), 900),
    "LOGIN_ADDRESS_LIMIT": (int(os.environ.get("QUERELA_LOGIN_ADDRESS_LIMIT", "50")), 900),
    # Two-step sign-in (mfa/): mandatory for staff and platform operators unless set to 0; wrong codes per
    # person per window (count, seconds); the key the authenticator secrets are encrypted with (derived
    # from the secret key when unset).
    "MFA_REQUIRED_FOR_STAFF": os.environ.get("QUERELA_MFA_REQUIRED_FOR_STAFF", "1") != "0",
    "MFA_CODE_LIMIT": (int(os.environ.get("QUERELA_MFA_CODE_LIMIT", "5")), 300),
    "MFA_KEY": os.environ.get("QUERELA_MFA_KEY", ""),
    # Security keys answer for this domain; empty: the host name each page is served from.
    "WEBAUTHN_RP_ID": os.environ.get("QUERELA_WEBAUTHN_RP_ID", ""),
    "API_TOKEN_DAYS": int(os.environ.get("QUERELA_API_TOKEN_DAYS", "90")),
    # Minutes without a request after which a signed-in session ends (0: never).
    "IDLE_MINUTES": int(os.environ.get("QUERELA_IDLE_MINUTES", "30")),
    # After a write, the session reads the primary this long (its own change, not a lagging replica's view).
    "REPLICA_PIN_SECONDS": int(os.environ.get("QUERELA_REPLICA_PIN_SECONDS", "10")),
    # The intake sweep takes again stored mail not yet processed and mail not yet sent after this long (a
    # worker killed mid-job loses the job, never the mail).
    "SWEEP_GRACE_SECONDS": int(os.environ.get("QUERELA_SWEEP_GRACE_SECONDS", "120")),
    # Where rate-limit counters live: Redis when there is one (every machine shares it), else a SQLite
    # file every worker process of this machine shares.
    "RATE_LIMIT_STORE": ("redis", REDIS_URL) if REDIS_URL else ("sqlite", str(VAR_DIR / "ratelimit.sqlite3")),
    # API requests per (count, seconds): per token (or signed-in user) and per client address. The
    # defaults let one integration push hundreds per second; QUERELA_API_RATE_LIMITS sets a tenant's own,
    # as JSON: {"ENX": {"token": [60000, 60], "address": [120000, 60]}}.
    "API_RATE_LIMIT_TOKEN": (int(os.environ.get("QUERELA_API_RATE_LIMIT_TOKEN", "30000")), 60),
    "API_RATE_LIMIT_ADDRESS": (int(os.environ.get("QUERELA_API_RATE_LIMIT_ADDRESS", "60000")), 60),
    "API_RATE_LIMITS": json.loads(os.environ.get("QUERELA_API_RATE_LIMITS", "{}")),
    # The audit chain's MAC key (never stored in the database; derived from the secret key when unset) and
    # where each sealed head is anchored outside the database (an append-only JSON-lines file per tenant).
    "AUDIT_KEY": os.environ.get("QUERELA_AUDIT_KEY", ""),
    "AUDIT_ANCHOR_DIR": os.environ.get("QUERELA_AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchors")),
    "AUDIT_SEAL_BATCH": int(os.environ.get("QUERELA_AUDIT_SEAL_BATCH", "5000")),
    # How many reverse proxies stand in front (0: REMOTE_ADDR is the client). See core.ratelimit.client_address.
    "TRUSTED_PROXIES": int(os.environ.get("QUERELA_TRUSTED_PROXIES", "0")),
    "RATE_LIMIT_PUBLIC_FORM": (int(os.environ.get("QUERELA_RATE_LIMIT_PUBLIC_FORM", "20")), 3600),
    # The public complaint form per e-mail address given (besides per client address).
    "RATE_LIMIT_PUBLIC_EMAIL": (int(os.environ.get("QUERELA_RATE_LIMIT_PUBLIC_EMAIL", "5")), 3600),
    # Where the public reaches this installation: links in mail (tracking, sign-in) start with it.
    "PUBLIC_URL": os.environ.get("QUERELA_PUBLIC_URL", "http://localhost:8000").rstrip("/"),
    # How long a complaint's private tracking link works.
    "TRACKING_DAYS": int(os.environ.get("QUERELA_TRACKING_DAYS", "180")),
    "SMTP_HOST": os.environ.get("QUERELA_SMTPD_HOST", "127.0.0.1"),
    "SMTP_PORT": int(os.environ.get("QUERELA_SMTPD_PORT", "2525")),
    "SMTP_MAX_BYTES": int(os.environ.get("QUERELA_SMTPD_MAX_BYTES", str(40 * 1024 * 1024))),
    "MAILBOX_DOMAIN": os.environ.get("QUERELA_MAILBOX_DOMAIN", "complaints.querela.test"),
    # authserv-ids of our own MTAs: only their Authentication-Results headers can verify a sender.
    "TRUSTED_AUTHSERV_IDS": [
        x.strip() for x in os.environ.get("QUERELA_TRUSTED_AUTHSERV_IDS", "").split(",") if x.strip()
    ],
    # One upload of scanned post or faxes: at most this many pages and bytes (split larger ones in parts).
    "POSTROOM_MAX_PAGES": int(os.environ.get("QUERELA_POSTROOM_MAX_PAGES", "300")),
    "POSTROOM_MAX_BYTES": int(os.environ.get("QUERELA_POSTROOM_MAX_BYTES", str(60 * 1024 * 1024))),
    # Virus scan of every accepted upload (core.antivirus), off when empty: "clamd:/run/clamav/clamd.ctl" (the
    # socket of Debian's clamav-daemon) or "clamd:host:3310". A scan that cannot run refuses the file.
    "ANTIVIRUS": os.environ.get("QUERELA_ANTIVIRUS", ""),
    "ANTIVIRUS_TIMEOUT": int(os.environ.get("QUERELA_ANTIVIRUS_TIMEOUT", "30")),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("QUERELA_LOG_LEVEL", "INFO")},
}
