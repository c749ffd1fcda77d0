from collections.abc import Mapping

from django.apps import AppConfig


class MinutesConfig(AppConfig):
    """Minutes of an oral complaint (seed 004, "jegyzőkönyv"): taken at the office or on the phone, signed on
    screen by the recorder and the customer, kept as a PDF on the complaint; corrected only by a new version."""

    name = "querela.minutes"
    label = "minutes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.audit.vocabulary import register_object

        from . import tasks  # noqa: F401  (registers the mail job)
        from .models import Minutes

        # The audit log names minutes by their complaint.
        register_object("minutes", Minutes, names=_complaint_of_minutes)


def _complaint_of_minutes(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import Minutes

    rows = Minutes.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "complaint__reference")
    return {str(pk): reference for pk, reference in rows}
