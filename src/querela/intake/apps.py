from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "querela.intake"
    label = "intake"

    def ready(self) -> None:
        # Registers the jobs, and the handler that turns a message to the customer into an outbound
        # mail: without this import, answers in the e-mail channel would never be queued.
        from . import outbound, tasks  # noqa: F401
