from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "querela.customers"
    label = "customers"
