from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "querela.core"
    label = "core"
