"""What an authenticator app does in the MFA tests: the code for a moment, a device set up."""

from __future__ import annotations

from typing import Any

from querela.audit.models import AuditEvent
from querela.core import clock, tenancy
from querela.mfa import totp
from querela.mfa.models import TotpDevice
from querela.mfa.secret_box import unseal
from querela.mfa.services import enrolment_confirm, enrolment_start


def code(secret: str, *, steps: int = 0) -> str:
    """The code the app shows now (`steps` later: the next code, still inside the accepted window)."""
    return totp.code_at(secret, clock.now().timestamp() + steps * totp.STEP_SECONDS)


def secret_of(user: Any) -> str:
    secret = unseal(TotpDevice.objects.get(user=user).secret)
    assert secret is not None
    return secret


def confirm_app(user: Any, secret: str | None = None) -> list[str]:
    """Set an app up for the person as they would (the first code confirms it); the recovery codes."""
    secret = secret or enrolment_start(user).secret
    return enrolment_confirm(user, code(secret))


def set_up(user: Any) -> tuple[str, list[str]]:
    secret = enrolment_start(user).secret
    return secret, confirm_app(user, secret)


def audited_actions(w: Any, user: Any) -> list[str]:
    """The two-step sign-in events about the person in supplier `w`'s audit log, oldest first."""
    with tenancy.tenant_scope(w.tenant):
        return list(
            AuditEvent.objects.filter(object_type="user", object_id=str(user.pk))
            .order_by("pk")
            .values_list("action", flat=True)
        )
