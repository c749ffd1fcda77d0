from collections.abc import Mapping

from django.apps import AppConfig


class PrintingConfig(AppConfig):
    """Answering (issue 13): every letter to the customer kept as a PDF on the case, and the print room —
    letters by post gathered into batches, each batch one PDF to print, and the day it was posted."""

    name = "querela.printing"
    label = "printing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.audit.vocabulary import register_object

        # Registers the handler that keeps every message to the customer as a letter, and its jobs:
        # without this import no letter would be stored, and none would reach the print room.
        from . import services, tasks  # noqa: F401
        from .models import PrintBatch, StoredLetter

        # The audit log names a stored letter by its complaint; a batch is written under its number.
        register_object("stored_letter", StoredLetter, names=_complaint_of_letter)
        register_object("print_batch", PrintBatch)


def _complaint_of_letter(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import StoredLetter

    rows = StoredLetter.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "complaint__reference")
    return {str(pk): reference for pk, reference in rows}
