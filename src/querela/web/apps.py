from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "querela.web"
    label = "web"
