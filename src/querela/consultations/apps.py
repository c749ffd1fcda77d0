from collections.abc import Mapping

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """Consultations (issue 13): a handler asks another department or an outside party for an opinion or a
    technical check on a complaint (seed 000: "the competent department", "needed opinions"); each is a
    sub-task with its question, due date, status and result, followed on the case (seed 003)."""

    name = "querela.consultations"
    label = "consultations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.audit.vocabulary import register_object

        from .models import Consultation

        # The audit log names a consultation by its complaint.
        register_object("consultation", Consultation, names=_complaint_of_consultation)


def _complaint_of_consultation(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import Consultation

    rows = Consultation.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "complaint__reference")
    return {str(pk): reference for pk, reference in rows}
