from django.apps import AppConfig


class CallsConfig(AppConfig):
    """Phone calls to the call center (seeds 001, 003, 004): every call recorded under an id the caller
    is told, the caller identified before personal data is shown, the recording kept 5 years."""

    name = "querela.calls"
    label = "calls"
    default_auto_field = "django.db.models.BigAutoField"
