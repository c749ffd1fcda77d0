from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "querela.tenants"
    label = "tenants"
