from collections.abc import Mapping

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "querela.intake"
    label = "intake"

    def ready(self) -> None:
        # Registers the jobs, and the handler that turns a message to the customer into an outbound
        # mail: without this import, answers in the e-mail channel would never be queued.
        from querela.audit.vocabulary import register_object

        from . import outbound, tasks  # noqa: F401
        from .models import InboundMessage

        # The audit log names a stored mail by its subject and sender.
        register_object("inbound_message", InboundMessage, names=_mail_names)

        # A new supplier's polled mailbox, set up by the operator with the supplier (tenants sits below).
        from querela.tenants.onboarding import register_onboarding

        from .mailboxes import imap_mailbox_create, imap_settings_check

        register_onboarding("imap_check", imap_settings_check)
        register_onboarding("imap_create", imap_mailbox_create)


def _mail_names(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import InboundMessage

    rows = InboundMessage.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "subject", "from_address")
    return {str(pk): f"“{subject}” ({sender})" if sender else f"“{subject}”" for pk, subject, sender in rows}
