from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class RemediesConfig(AppConfig):
    """Where a dissatisfied customer may turn: remedy bodies per supplier, named in answers."""

    name = "querela.remedies"
    label = "remedies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.tenants.models import Tenant

        post_save.connect(_new_tenant, sender=Tenant, dispatch_uid="remedies.new_tenant")


def _new_tenant(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A new supplier starts with its country's remedy bodies (tenants sits below remedies: a signal)."""
    if not created or raw:
        return
    from querela.core import tenancy

    from .services import remedy_bodies_seed

    with tenancy.tenant_scope(instance):
        remedy_bodies_seed(country=instance.country, sector=instance.sector)
