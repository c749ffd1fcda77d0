from django.apps import AppConfig


class PostroomConfig(AppConfig):
    """Post, fax and the online message wall (seed 004's written channels): scanned letters split into
    complaints, and a public wall whose answers are given there."""

    name = "querela.postroom"
    label = "postroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import tasks, wall  # noqa: F401  (registers the split job and the wall's notice)
