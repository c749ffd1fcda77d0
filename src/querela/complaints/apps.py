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

        # The audit log names a complaint's fields and values (statuses, kinds, channels) in words.
        from querela.audit.vocabulary import register_object, register_values
        from querela.deadlines.texts import EXTENSION_REASON_NAMES, STEP_NAMES

        from .models import Attachment, Complaint

        register_object("complaint", Complaint)
        register_object("attachment", Attachment)
        register_values("step", STEP_NAMES)
        register_values("reason", EXTENSION_REASON_NAMES)
