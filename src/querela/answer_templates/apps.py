from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class AnswerTemplatesConfig(AppConfig):
    """Wording a handler starts an answer from, with the complaint's facts filled in."""

    name = "querela.answer_templates"
    label = "answer_templates"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.tenants.models import Tenant

        post_save.connect(_new_tenant, sender=Tenant, dispatch_uid="answer_templates.new_tenant")

        from querela.audit.vocabulary import register_object

        from .models import AnswerTemplate

        register_object("answer_template", AnswerTemplate)


def _new_tenant(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A new supplier starts with the default templates in every language (tenants sits below: a signal)."""
    if not created or raw:
        return
    from querela.core import tenancy

    from .services import answer_templates_seed

    with tenancy.tenant_scope(instance):
        answer_templates_seed()
