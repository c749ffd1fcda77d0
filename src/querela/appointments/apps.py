from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    """Personal visits to the customer office (seed 004): booked online or by phone, offered within 5 working days."""

    name = "querela.appointments"
    label = "appointments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The audit log names an appointment by its visitor, an office by its name.
        from querela.audit.vocabulary import register_object

        from .models import Appointment, Office

        register_object("appointment", Appointment, names=lambda keys: _names(Appointment, keys))
        register_object("office", Office, names=lambda keys: _names(Office, keys))


def _names(model: Any, keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    return {str(pk): name for pk, name in model.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "name")}
