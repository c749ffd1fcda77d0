"""Consumer accounts. Every answer to a stranger reads the same whether or not the address has an
account: the mailbox owner learns the difference, nobody else (no account enumeration)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from querela.customers.models import ConsumptionPlace, Customer, Invoice
from querela.customers.text import fold
from querela.tenants.access import Actor, require, system_actor
from querela.tenants.models import Membership
from querela.tenants.roles import Role

from .tasks import send_account_mail
from .tokens import user_for_link


def _mail(tenant: Any, user: Any, kind: str, language: str) -> None:
    transaction.on_commit(lambda: send_account_mail(tenant.pk, user.pk, kind, language))


def _find(email: str) -> Any | None:
    return get_user_model().objects.filter(username=email.strip().lower()).first()


def _check_password(password: str, user: Any = None) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="weak_password") from exc


def consumer_signup(*, email: str, name: str, password: str, language: str) -> None:
    """Ask for an account at the current supplier: a confirmation link goes to the address.

    An address that already has a confirmed account gets a note saying so instead; one that signed up
    before without confirming gets a fresh link (and the new password). The caller shows the same page.
    """
    tenant = tenancy.current_tenant()
    address = email.strip().lower()
    if not address or "@" not in address:
        raise ValidationFailed(_("Enter a valid e-mail address."), code="email_invalid")
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=address).first()
        if user is not None and user.is_active:
            _mail(tenant, user, "already_registered", language)
            return
        probe = user or User(username=address, email=address)
        _check_password(password, probe)
        first, _sep, last = name.strip().partition(" ")
        if user is None:
            user = User.objects.create_user(address, address, password, first_name=first[:150], last_name=last[:150])
            user.is_active = False
            user.save(update_fields=["is_active"])
        else:
            user.set_password(password)
            user.first_name, user.last_name = first[:150], last[:150]
            user.save(update_fields=["password", "first_name", "last_name"])
        audit_record(
            actor=system_actor(tenant, label="public site"),
            action="account.signup",
            object_type="user",
            object_id=str(user.pk),
        )
        _mail(tenant, user, "verify", language)


def _join(user: Any) -> Membership | None:
    """A consumer of this supplier from now on, unless they already hold a role here."""
    membership = Membership.objects.filter(user_id=user.pk).first()
    if membership is not None:
        return membership if membership.is_active else None
    return Membership.objects.create(user=user, role=Role.CONSUMER)


def consumer_verify(*, uidb64: str, token: str) -> Any | None:
    """Confirm the address: the account becomes usable and a consumer of the current supplier."""
    user = user_for_link("verify", uidb64, token)
    if user is None:
        return None
    tenant = tenancy.current_tenant()
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        _join(user)
        audit_record(
            actor=system_actor(tenant, label="public site"),
            action="account.verify",
            object_type="user",
            object_id=str(user.pk),
        )
    return user


def _consumer_here(user: Any) -> bool:
    """Sign-in on a supplier's public site is for its consumers; a consumer account of another supplier
    joins this one (one account, several suppliers). Staff sign in on the staff page."""
    membership = Membership.objects.filter(user_id=user.pk).first()
    if membership is not None:
        return bool(membership.is_active and membership.role == Role.CONSUMER)
    with tenancy.dangerously_all_tenants():
        staff_elsewhere = Membership.objects.filter(user_id=user.pk).exclude(role=Role.CONSUMER).exists()
    if staff_elsewhere:
        return False
    _join(user)
    return True


def consumer_authenticate(*, email: str, password: str) -> Any | None:
    user = _find(email)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user if _consumer_here(user) else None


def sign_in_link_request(*, email: str, language: str) -> None:
    user = _find(email)
    if user is not None and user.is_active and _consumer_here(user):
        _mail(tenancy.current_tenant(), user, "sign_in", language)


def sign_in_by_link(*, uidb64: str, token: str) -> Any | None:
    user = user_for_link("sign_in", uidb64, token)
    if user is None or not user.is_active or not _consumer_here(user):
        return None
    return user


def password_reset_request(*, email: str, language: str) -> None:
    user = _find(email)
    if user is not None and user.is_active and _consumer_here(user):
        _mail(tenancy.current_tenant(), user, "reset", language)


def password_reset_user(*, uidb64: str, token: str) -> Any | None:
    return user_for_link("reset", uidb64, token)


def password_reset_confirm(*, uidb64: str, token: str, password: str) -> Any | None:
    user = user_for_link("reset", uidb64, token)
    if user is None:
        return None
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            actor=system_actor(tenancy.current_tenant(), label="public site"),
            action="account.password_reset",
            object_type="user",
            object_id=str(user.pk),
        )
    return user


def customer_link(*, actor: Actor, customer_number: str, meter_serial: str = "", invoice_number: str = "") -> Customer:
    """Link the signed-in consumer to a customer record: the customer id and a second proof (the serial of
    one of its meters, or the number of one of its bills). A wrong pair says only that it did not match."""
    require(actor, "customer.link_own")
    refused = ValidationFailed(
        _("These details do not match our records. Check the customer id and the meter serial or invoice number."),
        code="no_match",
    )
    number = customer_number.strip()
    serial = fold(meter_serial).replace(" ", "")
    invoice = invoice_number.strip()
    if not number or not (serial or invoice):
        raise ValidationFailed(
            _("Give the customer id and the meter serial number or an invoice number."), code="proof_required"
        )
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(customer_number__iexact=number).first()
        if customer is None:
            raise refused
        proved = bool(invoice) and Invoice.objects.filter(customer=customer, number__iexact=invoice).exists()
        if not proved and serial:
            serials = ConsumptionPlace.objects.filter(customer=customer).values_list("meters__serial", flat=True)
            proved = any(s and fold(s).replace(" ", "") == serial for s in serials)
        if not proved:
            raise refused
        if customer.user_id not in (None, actor.user_id):
            raise ValidationFailed(
                _("This customer is already linked to another account. Please contact customer service."),
                code="linked_elsewhere",
            )
        if customer.user_id is None:
            customer.user_id = actor.user_id
            customer.save(update_fields=["user"])
            audit_record(
                actor=actor,
                action="customer.link",
                object_type="customer",
                object_id=customer.customer_number,
                changes={"account": [None, actor.user.get_username()]},
            )
    return customer


def linked_customers(*, actor: Actor) -> list[Customer]:
    return list(Customer.objects.filter(user_id=actor.user_id).prefetch_related("places__meters"))
