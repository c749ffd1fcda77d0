from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "querela.complaints"
    label = "complaints"

    def ready(self) -> None:
        from querela.tenants.permissions import register_actions
        from querela.tenants.services import register_setting_check

        from . import deadline_policies, deadline_schedule, tasks  # noqa: F401  (registers the hooks and the jobs)
        from .workflow import SYSTEM, TRANSITIONS

        register_actions(
            {
                f"complaint.transition.{t.name}": (t.label, frozenset(r for r in t.roles if r != SYSTEM))
                for t in TRANSITIONS
            },
            own_only_for_consumers=True,
        )
        # Unknown policy names are refused with a message (the supplier's own policies live here).
        register_setting_check("deadline_policy", lambda tenant, name: deadline_policies.policy_for(tenant, name))
