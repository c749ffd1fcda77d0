from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Consumer accounts: sign-up with a verified e-mail, sign-in links, password reset, linking to a customer."""

    name = "querela.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
