from django.apps import AppConfig


class MinutesConfig(AppConfig):
    """Minutes of an oral complaint (seed 004, "jegyzőkönyv"): taken at the office or on the phone, signed on
    screen by the recorder and the customer, kept as a PDF on the complaint; corrected only by a new version."""

    name = "querela.minutes"
    label = "minutes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the mail job)
