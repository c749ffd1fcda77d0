from django.apps import AppConfig


class CallsConfig(AppConfig):
    """Phone calls to the call center (seeds 001, 003, 004): every call recorded under an id the caller
    is told, the caller identified before personal data is shown, the recording kept 5 years."""

    name = "querela.calls"
    label = "calls"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.tenants.permissions import register_agent_sight

        register_agent_sight(_caller_on_the_line)


def _caller_on_the_line(actor: object, complaint: object) -> bool:
    """The complaint's customer is the caller this agent identified on a call still open."""
    from .models import Call

    customer_id = getattr(complaint, "customer_id", None)
    return customer_id is not None and (
        Call.objects.filter(
            agent_id=getattr(actor, "user_id", None),
            customer_id=customer_id,
            identified_at__isnull=False,
            ended_at__isnull=True,
        ).exists()
    )
