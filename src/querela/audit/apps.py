from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "querela.audit"
    label = "audit"
