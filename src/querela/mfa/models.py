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


class SecurityKey(models.Model):
    """A security key or a passkey (WebAuthn) registered as a person's second step: the credential's id and
    public key as the authenticator gave them at registration, and its signature counter — a counter that
    goes back means a copied key, and the sign-in is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)  # the person's own label: "Blue YubiKey", "Work laptop"
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url; the spec allows 1,023 bytes
    public_key = models.BinaryField()  # COSE, as the authenticator gave it
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)  # "usb", "nfc", "internal" …: hints for the browser
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="mfa_key_user_idx")]

    def __str__(self) -> str:
        return f"security key {self.name!r} of user {self.user_id}"
