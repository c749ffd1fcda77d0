"""A new supplier's first administrator chooses their own password from an invitation link.

The platform operator creates the account with no usable password (`tenants.onboarding`); the link is
Django's password-reset token with its own salt (`tokens.py`, kind "invite"), valid 7 days and spent
once the password is set. It works only for an account that has no usable password yet: a forwarded
old invitation never resets anyone's password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from querela.audit.services import audit_record
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.tenants.access import Actor, memberships_of

from .tasks import send_account_mail
from .tokens import user_for_link


def staff_invite(tenant: Any, user: Any) -> None:
    """Mail the invitation once the caller's transaction has committed (the account exists by then)."""
    transaction.on_commit(lambda: send_account_mail(tenant.pk, user.pk, "invite", tenant.default_language))


def staff_invitation_user(*, uidb64: str, token: str) -> Any | None:
    """The invited person, if the link is genuine, unspent, in time, and their password still unset."""
    user = user_for_link("invite", uidb64, token)
    if user is None or not user.is_active or user.has_usable_password():
        return None
    return user


def staff_password_set(*, uidb64: str, token: str, password: str) -> Any | None:
    """Set the invited person's password (the installation's password rules apply); None for a dead link.
    Audited in every supplier the person works for."""
    user = staff_invitation_user(uidb64=uidb64, token=token)
    if user is None:
        return None
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="weak_password") from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        for membership in memberships_of(user):
            with tenancy.tenant_scope(membership.tenant):
                audit_record(
                    actor=Actor(user=user, tenant=membership.tenant, role=membership.role),
                    action="account.password_set",
                    object_type="user",
                    object_id=str(user.pk),
                )
    return user
