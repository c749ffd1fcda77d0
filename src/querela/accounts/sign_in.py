"""What happens around a password: a lock's notice and its unlock link, and a new password for staff.

Answers to strangers read the same whether or not a name exists (no enumeration): the mails go to the
account's own address, the pages say only "if it exists, a mail is on its way".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q

from querela.audit.services import audit_record
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.tenants.access import Actor, is_platform_operator, memberships_of
from querela.tenants.roles import Role

from . import login_guard
from .tasks import send_account_mail, send_staff_mail
from .tokens import user_for_link


def _user(name: str) -> Any | None:
    name = name.strip()
    if not name:
        return None
    users = get_user_model().objects.filter(Q(username__iexact=name) | Q(email__iexact=name), is_active=True)
    found = list(users[:2])
    return found[0] if len(found) == 1 else None  # a shared e-mail address names nobody in particular


def _staff(user: Any) -> bool:
    return is_platform_operator(user) or any(m.role != Role.CONSUMER for m in memberships_of(user))


def _audit(user: Any, *, action: str) -> None:
    """Written in every supplier the person works for (the login itself belongs to none)."""
    for membership in memberships_of(user):
        with tenancy.tenant_scope(membership.tenant):
            audit_record(
                actor=Actor(user=user, tenant=membership.tenant, role=membership.role),
                action=action,
                object_type="user",
                object_id=str(user.pk),
            )


def lock_notice(*, account: str, language: str, tenant: Any = None) -> None:
    """The account was just locked: its owner gets the unlock link — staff from the installation, a
    consumer from the supplier whose page they used (`tenant`). Audited."""
    user = _user(account)
    if user is None or not user.email:
        return
    with transaction.atomic():
        _audit(user, action="account.locked")
        if _staff(user) or tenant is None:
            transaction.on_commit(lambda: send_staff_mail(user.pk, "staff_unlock", language))
        else:
            transaction.on_commit(lambda: send_account_mail(tenant.pk, user.pk, "unlock", language))


def unlock_by_link(*, kind: str, uidb64: str, token: str) -> Any | None:
    """The owner's unlock link (`kind`: "unlock" or "staff_unlock"): the lock is lifted; None for a dead link."""
    user = user_for_link(kind, uidb64, token)
    if user is None or not user.is_active:
        return None
    login_guard.unlock(user.username)
    if user.email and user.email.casefold() != user.username.casefold():
        login_guard.unlock(user.email)
    with transaction.atomic():
        _audit(user, action="account.unlocked")
    return user


def staff_password_reset_request(*, name: str, language: str) -> None:
    """A staff member forgot their password: a link to choose a new one, to their own address."""
    user = _user(name)
    if user is None or not user.email or not user.has_usable_password() or not _staff(user):
        return  # invited people set their first password from the invitation
    transaction.on_commit(lambda: send_staff_mail(user.pk, "staff_reset", language))


def staff_password_reset_user(*, uidb64: str, token: str) -> Any | None:
    user = user_for_link("staff_reset", uidb64, token)
    return user if user is not None and user.is_active and _staff(user) else None


def staff_password_reset_confirm(*, uidb64: str, token: str, password: str) -> Any | None:
    """Set the new password (the installation's rules apply; other sessions end with the old one)."""
    user = staff_password_reset_user(uidb64=uidb64, token=token)
    if user is None:
        return None
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="weak_password") from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _audit(user, action="account.password_reset")
    login_guard.unlock(user.username)
    return user
