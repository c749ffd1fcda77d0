from django.apps import AppConfig


class MfaConfig(AppConfig):
    """Two-step sign-in: a code from an authenticator app (TOTP) after the password, with single-use
    recovery codes. Mandatory for staff and platform operators, optional for consumers (issue 16)."""

    name = "querela.mfa"
    label = "mfa"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from querela.tenants.permissions import register_actions
        from querela.tenants.roles import Role

        # A person who lost their phone and their recovery codes is let back in by someone else: the
        # administrator of a supplier they work for, or the platform operator (tenants sits below: registered).
        register_actions(
            {
                "mfa.reset_other": (
                    _("Reset another person's two-step sign-in (lost phone), with a reason"),
                    frozenset({Role.TENANT_ADMIN, Role.PLATFORM_OPERATOR}),
                )
            }
        )
