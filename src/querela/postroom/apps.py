from collections.abc import Mapping

from django.apps import AppConfig


class PostroomConfig(AppConfig):
    """Post, fax and the online message wall (seed 004's written channels): scanned letters split into
    complaints, and a public wall whose answers are given there."""

    name = "querela.postroom"
    label = "postroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.audit.vocabulary import register_object

        from . import tasks, wall  # noqa: F401  (registers the split job and the wall's notice)
        from .models import ScanBatch

        # The audit log names a scan by its file.
        register_object("scan_batch", ScanBatch, names=_scan_files)


def _scan_files(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import ScanBatch

    rows = ScanBatch.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "filename")
    return {str(pk): filename for pk, filename in rows}
