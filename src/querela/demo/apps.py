from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "querela.demo"
    label = "demo"
