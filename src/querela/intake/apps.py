from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "querela.intake"
    label = "intake"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers jobs and after-commit hooks)
