from collections.abc import Mapping

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data-subject rights and retention (issue 16): the personal-data access log, subject exports,
    erasure within the law's holds, and the retention schedule with its daily purge."""

    name = "querela.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.audit.vocabulary import register_object, register_values

        from . import tasks  # noqa: F401 - the export and purge jobs, the daily purge
        from .models import PurgeRun, RetentionRule, SubjectExport
        from .schedule import DocumentType

        register_object("subject_export", SubjectExport, names=_exports)
        register_object("purge_run", PurgeRun)
        register_object("retention_rule", RetentionRule, names=_document_types)
        register_values("document_type", {**dict(DocumentType.choices), "print_batch": _print_batch_label()})
        register_values("purged_by", _purged_by())


def _exports(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import SubjectExport

    rows = SubjectExport.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "subject")
    return {str(pk): subject or str(pk) for pk, subject in rows}


def _document_types(keys: set[str]) -> Mapping[str, str]:
    from .schedule import DocumentType

    labels = dict(DocumentType.choices)
    return {k: str(labels[k]) for k in keys if k in labels}


def _print_batch_label() -> object:
    from django.utils.translation import gettext_lazy as _

    return _("Print batches' PDFs")


def _purged_by() -> Mapping[str, object]:
    from django.utils.translation import gettext_lazy as _

    return {"retention": _("the retention schedule"), "erasure": _("an erasure request")}
