from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "querela.complaints"
    label = "complaints"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the after-commit hooks and the jobs)
