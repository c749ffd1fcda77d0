from collections.abc import Mapping

from django.apps import AppConfig


class RoutingConfig(AppConfig):
    """Routing rules (issue 14): which department, and optionally which handler of a pool, a complaint goes to,
    by its category, kind, channel and consumption place (region, service); evaluated at registration and on
    reclassification, dry-run by the administrator against last month's complaints."""

    name = "querela.routing"
    label = "routing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from querela.audit.vocabulary import register_object
        from querela.tenants.models import Department

        from . import hooks, tasks  # noqa: F401 - routing on the complaint hooks, the pool's pick after commit
        from .models import RoutingRule

        register_object("routing_rule", RoutingRule, names=_rules)
        # The rule set a registration reads is cached with its departments' names (selectors.active_rules):
        # any write to a rule or a department forgets it.
        post_save.connect(_changed, sender=RoutingRule, dispatch_uid="routing.rule_saved")
        post_delete.connect(_changed, sender=RoutingRule, dispatch_uid="routing.rule_deleted")
        post_save.connect(_changed, sender=Department, dispatch_uid="routing.department_saved")


def _changed(sender: type, instance: object, **kwargs: object) -> None:
    from .selectors import forget_rules

    forget_rules(int(getattr(instance, "tenant_id", 0) or 0))


def _rules(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import RoutingRule

    rows = RoutingRule.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "name")
    return {str(pk): name for pk, name in rows}
