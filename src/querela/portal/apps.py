from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class PortalConfig(AppConfig):
    """The public side of a supplier: what a member of the public is told, and the form anyone may send."""

    name = "querela.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.tenants.models import Tenant

        post_save.connect(_new_tenant, sender=Tenant, dispatch_uid="portal.new_tenant")

        # The audit log names a matter's and the public site's fields in words.
        from querela.audit.vocabulary import register_object

        from .models import Matter, PortalProfile

        register_object("matter", Matter)
        register_object("tenant", PortalProfile)  # "portal.profile" is written about the tenant

        from . import fault_forwarding  # noqa: F401  (registers the forwarding of redirected fault reports)


def _new_tenant(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A new supplier's public site opens with its trade's matter table (tenants sits below portal: a signal)."""
    if not created or raw:
        return
    from querela.core import tenancy

    from .services import matter_table_seed

    with tenancy.tenant_scope(instance):
        matter_table_seed(instance.sector)
