from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "querela.api"
    label = "api"
