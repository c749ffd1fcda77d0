"""Production: HTTPS only, a real secret key required."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _secret_key() -> str:
    """The signing key of sessions, CSRF tokens and tracking links: refused, with what to do, when it is
    missing, the embedded run's published key, or too weak to resist guessing."""
    key = os.environ.get("QUERELA_SECRET_KEY", "")
    if not key:
        raise ImproperlyConfigured(
            "QUERELA_SECRET_KEY is not set. Generate one, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`, and set it in the environment.'
        )
    if key.startswith("insecure-") or len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            "QUERELA_SECRET_KEY is too weak: use at least 50 random characters "
            '(`python -c "import secrets; print(secrets.token_urlsafe(50))"`).'
        )
    return key


DEBUG = False
SECRET_KEY = _secret_key()
SECURE_SSL_REDIRECT = os.environ.get("QUERELA_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer probes the processes themselves, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
