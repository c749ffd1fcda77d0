from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class InstructionsConfig(AppConfig):
    """The work instruction library (issue 14, seed 003): how to verify what a complaint reports, who does
    each check (a job of the org chart) and the justifying documents to draw up; versioned, per supplier."""

    name = "querela.instructions"
    label = "instructions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.tenants.models import Tenant

        post_save.connect(_new_tenant, sender=Tenant, dispatch_uid="instructions.new_tenant")

        from querela.audit.vocabulary import register_object

        from .models import WorkInstruction

        register_object("work_instruction", WorkInstruction)

        # The checklist on a case: attached by a job after a complaint is registered or its category
        # corrected (`tasks.py` registers on the complaint hooks), and consulted before the answer goes out
        # (complaints never imports this app).
        from querela.complaints import answer_checks

        from . import tasks  # noqa: F401 - registers the job on the complaint hooks
        from .checklists import answer_refusal

        answer_checks.register(answer_refusal)


def _new_tenant(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A new supplier starts from its sector's default instructions in its language (tenants sits below
    this app: a signal, as remedies and answer templates do)."""
    if not created or raw:
        return
    from querela.core import tenancy

    from .services import instructions_seed

    with tenancy.tenant_scope(instance):
        instructions_seed(sector=instance.sector, language=instance.default_language)
