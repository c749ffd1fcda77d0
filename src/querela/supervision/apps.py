from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class SupervisionConfig(AppConfig):
    """Supervision (issue 13): the team dashboard, extensions approved by a second person (four eyes), and
    the quality review of a random sample of answered complaints with the supplier's checklist."""

    name = "querela.supervision"
    label = "supervision"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.audit.vocabulary import register_object
        from querela.tenants.models import Tenant

        from .models import ExtensionRequest, QualityCheckItem, QualityReview, QualitySample

        # A new supplier starts with the default checklist (tenants sits below: a signal).
        post_save.connect(_new_tenant, sender=Tenant, dispatch_uid="supervision.new_tenant")
        # The audit log names a review by its complaint, a sample by its period.
        register_object("extension_request", ExtensionRequest)
        register_object("quality_review", QualityReview, names=_complaint_of_review)
        register_object("quality_sample", QualitySample, names=_period_of_sample)
        register_object("quality_checklist", QualityCheckItem)


def _new_tenant(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not created or raw:
        return
    from querela.core import tenancy

    from .services import quality_checklist_seed

    with tenancy.tenant_scope(instance):
        quality_checklist_seed()


def _complaint_of_review(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import QualityReview

    rows = QualityReview.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "complaint__reference")
    return {str(pk): reference for pk, reference in rows}


def _period_of_sample(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import QualitySample

    rows = QualitySample.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "date_from", "date_to")
    return {str(pk): f"{start.isoformat()} – {end.isoformat()}" for pk, start, end in rows}
