from collections.abc import Mapping

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "querela.customers"
    label = "customers"

    def ready(self) -> None:
        # The audit log names customers (by customer id or row id), their places and their fields.
        from querela.audit.vocabulary import register_names, register_object

        from .models import ConsumptionPlace, Customer, Meter, Representative

        # A customer's events also change their places and meters: those fields are named from their models.
        register_object("customer", Customer, ConsumptionPlace, Meter, names=_customers_by_number)
        register_object("representative", Representative)
        register_names("customer_pk", _customers_by_pk)
        register_names("place", _places)


def _customers_by_number(numbers: set[str]) -> Mapping[str, str]:
    from .models import Customer

    return dict(Customer.objects.filter(customer_number__in=numbers).values_list("customer_number", "name"))


def _customers_by_pk(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import Customer

    return {str(pk): name for pk, name in Customer.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "name")}


def _places(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import ConsumptionPlace

    return {str(p.pk): str(p) for p in ConsumptionPlace.objects.filter(pk__in=numeric_ids(keys))}
