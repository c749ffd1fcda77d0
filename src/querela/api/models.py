"""API tokens: each belongs to one person in one tenant (the one it was issued in)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from querela.core.models import TenantModel


class ApiToken(TenantModel):
    """Only the key's SHA-256 is stored: the key itself is shown once, when it is issued.

    The key lookup (authentication, before any tenant is known) is the one query here that does not
    start with the tenant: a random key names its row on its own.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_sha256 = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="one_api_token_per_tenant_user")]

    def __str__(self) -> str:
        return f"token of {self.user_id} in {self.tenant_id}"
