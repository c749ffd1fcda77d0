from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Consumer accounts: sign-up with a verified e-mail, sign-in links, password reset, linking to a customer."""

    name = "querela.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A new supplier's first administrator is invited to set a password (tenants sits below: registered).
        from querela.tenants.onboarding import register_onboarding

        from .invitations import staff_invite

        register_onboarding("invite", staff_invite)
