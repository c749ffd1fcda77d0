from collections.abc import Mapping

from django.apps import AppConfig


class EditRulesConfig(AppConfig):
    """Restricted data changes (issue 14, seed 003): who may change which field after registration, and when."""

    name = "querela.edit_rules"
    label = "edit_rules"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.audit.vocabulary import register_object

        from .models import FieldRule

        # The audit log names a cell by its object and field ("complaint.category" → "Complaint: category")
        # and words its "when" by the model's labels.
        register_object("field_rule", FieldRule, names=_cells)


def _cells(keys: set[str]) -> Mapping[str, str]:
    from .labels import OBJECT_LABELS, field_label

    out = {}
    for key in keys:
        object_type, _dot, field = key.partition(".")
        if object_type in OBJECT_LABELS and field:
            out[key] = f"{OBJECT_LABELS[object_type]}: {field_label(object_type, field)}"
    return out
