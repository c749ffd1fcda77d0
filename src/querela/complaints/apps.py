from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "querela.complaints"
    label = "complaints"

    def ready(self) -> None:
        from . import deadline_service, tasks  # noqa: F401  (registers the hooks and the jobs)
