"""Account mail is sent by the worker: thin, takes ids, and a retry sends a fresh link."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from huey.contrib.djhuey import db_task

from querela.tenants.models import Tenant

from .mails import compose, compose_staff


@db_task(retries=3, retry_delay=60, name="querela.send_account_mail")
def send_account_mail(tenant_id: int, user_id: int, kind: str, language: str) -> None:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if tenant is None or user is None or not user.email:
        return
    compose(kind, tenant, user, language).send()


@db_task(retries=3, retry_delay=60, name="querela.send_staff_mail")
def send_staff_mail(user_id: int, kind: str, language: str) -> None:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return
    compose_staff(kind, user, language).send()
