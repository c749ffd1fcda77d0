from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    """Personal visits to the customer office (seed 004): booked online or by phone, offered within 5 working days."""

    name = "querela.appointments"
    label = "appointments"
    default_auto_field = "django.db.models.BigAutoField"
