"""A person's second factor. Users are installation-wide (one account may work for several suppliers), so
these tables are global and keyed by user, like `auth_user` itself — not tenant-owned."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TotpDevice(models.Model):
    """A person's authenticator app: the shared secret (encrypted at rest, `secret_box.py`), whether its
    first code confirmed it, and the time step of the last code accepted — a code is never taken twice."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    secret = models.TextField()  # a Fernet token; the plain secret is shown only while setting up
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)  # unix time // 30 of the last accepted code
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"TOTP of user {self.user_id}"


class RecoveryCode(models.Model):
    """One of the codes given once at set-up, for a lost phone: kept as a salted hash, used once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=100)  # "salt$sha256(salt + code)"
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of user {self.user_id}"
