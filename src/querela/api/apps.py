from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "querela.api"
    label = "api"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
