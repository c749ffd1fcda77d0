"""The account mails, written in the reader's language, each with its one-time link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .tokens import make_link_parts

KINDS = ("verify", "sign_in", "reset", "already_registered")

_ROUTES = {"verify": "web:account_verify", "sign_in": "web:account_link_login", "reset": "web:account_reset_confirm"}


def _link(kind: str, tenant: Any, user: Any) -> str:
    uid, token = make_link_parts(kind, user)
    path = reverse(_ROUTES[kind], kwargs={"code": tenant.code, "uidb64": uid, "token": token})
    return settings.QUERELA["PUBLIC_URL"] + path


def compose(kind: str, tenant: Any, user: Any, language: str) -> EmailMessage:
    with translation.override(language or tenant.default_language):
        sign_in = settings.QUERELA["PUBLIC_URL"] + reverse("web:account_login", kwargs={"code": tenant.code})
        if kind == "verify":
            subject = _("Confirm your e-mail address")
            body = _(
                "You (or someone using your address) asked for an account at %(tenant)s. To confirm it, open "
                "this link within 3 days:\n\n%(link)s\n\nIf it was not you, ignore this message."
            ) % {"tenant": tenant.name, "link": _link(kind, tenant, user)}
        elif kind == "sign_in":
            subject = _("Your sign-in link")
            body = _(
                "Open this link within 20 minutes to sign in to %(tenant)s. It works once.\n\n%(link)s\n\n"
                "If you did not ask for it, ignore this message."
            ) % {"tenant": tenant.name, "link": _link(kind, tenant, user)}
        elif kind == "reset":
            subject = _("Set a new password")
            body = _(
                "Open this link within a day to set a new password for %(tenant)s. It works once.\n\n%(link)s\n\n"
                "If you did not ask for it, ignore this message: your password stays as it is."
            ) % {"tenant": tenant.name, "link": _link(kind, tenant, user)}
        else:
            subject = _("You already have an account")
            body = _(
                "Someone asked for a new account at %(tenant)s with this address, which already has one. "
                "Sign in here, or ask for a sign-in link or a new password on that page:\n\n%(link)s"
            ) % {"tenant": tenant.name, "link": sign_in}
        body = "\n\n".join([_("Dear Customer,"), body, _("Yours sincerely,") + "\n" + tenant.name])
    return EmailMessage(subject=subject, body=body, from_email=tenant.mailbox, to=[user.email])
