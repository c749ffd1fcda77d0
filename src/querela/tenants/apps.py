from collections.abc import Mapping

from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "querela.tenants"
    label = "tenants"

    def ready(self) -> None:
        # The audit log names settings, departments and roles in words.
        from querela.audit.vocabulary import register_names, register_object, register_values

        from .models import Department, Membership, Tenant
        from .roles import Role

        register_object("tenant", Tenant)
        register_object("department", Department)
        register_object("user", Membership)  # a person's role and department in the tenant
        register_values("role", dict(Role.choices))
        register_names("department", _departments)


def _departments(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import Department

    return {str(pk): name for pk, name in Department.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "name")}
