"""The account mails, written in the reader's language, each with its one-time link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .tokens import make_link_parts

_ROUTES = {
    "verify": "web:account_verify",
    "sign_in": "web:account_link_login",
    "reset": "web:account_reset_confirm",
    "unlock": "web:account_unlock",
}
_STAFF_ROUTES = {"staff_reset": "web:password_reset_confirm", "staff_unlock": "web:login_unlock"}


def _link(kind: str, tenant: Any, user: Any) -> str:
    uid, token = make_link_parts(kind, user)
    if kind == "invite":  # staff set their password on the installation's own page, not a supplier's site
        path = reverse("web:staff_welcome", kwargs={"uidb64": uid, "token": token})
    elif kind in _STAFF_ROUTES:
        path = reverse(_STAFF_ROUTES[kind], kwargs={"uidb64": uid, "token": token})
    else:
        path = reverse(_ROUTES[kind], kwargs={"code": tenant.code, "uidb64": uid, "token": token})
    return settings.QUERELA["PUBLIC_URL"] + path


# Each kind's subject and body; the body names the supplier and the link.
_TEXTS = {
    "verify": (
        gettext_lazy("Confirm your e-mail address"),
        gettext_lazy(
            "You (or someone using your address) asked for an account at %(tenant)s. To confirm it, open "
            "this link within 3 days:\n\n%(link)s\n\nIf it was not you, ignore this message."
        ),
    ),
    "sign_in": (
        gettext_lazy("Your sign-in link"),
        gettext_lazy(
            "Open this link within 20 minutes to sign in to %(tenant)s. It works once.\n\n%(link)s\n\n"
            "If you did not ask for it, ignore this message."
        ),
    ),
    "reset": (
        gettext_lazy("Set a new password"),
        gettext_lazy(
            "Open this link within a day to set a new password for %(tenant)s. It works once.\n\n%(link)s\n\n"
            "If you did not ask for it, ignore this message: your password stays as it is."
        ),
    ),
    "invite": (
        gettext_lazy("Your administrator account at %(tenant)s"),
        gettext_lazy(
            "You are the first administrator of %(tenant)s in Querela, the complaint-handling platform. Your "
            "user name is %(username)s. To choose your password, open this link within 7 days; it works once:"
            "\n\n%(link)s\n\nThen sign in at %(login)s with your user name and that password."
        ),
    ),
    "unlock": (
        gettext_lazy("Your account was locked"),
        gettext_lazy(
            "Someone tried to sign in to your account at %(tenant)s with wrong passwords several times, so "
            "it is locked for up to 15 minutes. If it was you, open this link within an hour to unlock it now:"
            "\n\n%(link)s\n\nIf it was not you, your password is still safe; you may change it on the sign-in "
            "page."
        ),
    ),
    "staff_unlock": (
        gettext_lazy("Your Querela account was locked"),
        gettext_lazy(
            "Someone tried to sign in as %(username)s with wrong passwords several times, so the account is "
            "locked for up to 15 minutes. If it was you, open this link within an hour to unlock it now from your "
            "browser:\n\n%(link)s\n\nIf it was not you, tell your administrator."
        ),
    ),
    "staff_reset": (
        gettext_lazy("A new password for Querela"),
        gettext_lazy(
            "A new password was asked for the user name %(username)s. Open this link within a day to "
            "choose it; it works once:\n\n%(link)s\n\nIf you did not ask for it, ignore this message: your "
            "password stays as it is."
        ),
    ),
    "already_registered": (
        gettext_lazy("You already have an account"),
        gettext_lazy(
            "Someone asked for a new account at %(tenant)s with this address, which already has one. "
            "Sign in here, or ask for a sign-in link or a new password on that page:\n\n%(link)s"
        ),
    ),
}


def _invitation(tenant: Any, user: Any, language: str) -> EmailMessage:
    """The first administrator's invitation: from the installation, not the supplier's complaint mailbox
    (a reply there would become a complaint)."""
    with translation.override(language or tenant.default_language):
        subject, text = _TEXTS["invite"]
        values = {
            "tenant": tenant.name,
            "username": user.username,
            "link": _link("invite", tenant, user),
            "login": settings.QUERELA["PUBLIC_URL"] + reverse("web:login"),
        }
        greeting = _("Dear %(name)s,") % {"name": user.get_full_name() or user.username}
        body = "\n\n".join([greeting, str(text) % values])
        return EmailMessage(subject=str(subject) % {"tenant": tenant.name}, body=body, from_email=None, to=[user.email])


def compose_staff(kind: str, user: Any, language: str) -> EmailMessage:
    """A staff account's mail (unlock, new password): from the installation, in the user's language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, text = _TEXTS[kind]
        body = str(text) % {"username": user.username, "link": _link(kind, None, user)}
        greeting = _("Dear %(name)s,") % {"name": user.get_full_name() or user.username}
        return EmailMessage(subject=str(subject), body=f"{greeting}\n\n{body}", from_email=None, to=[user.email])


def compose(kind: str, tenant: Any, user: Any, language: str) -> EmailMessage:
    if kind == "invite":
        return _invitation(tenant, user, language)
    with translation.override(language or tenant.default_language):
        subject, text = _TEXTS[kind]
        if kind in _ROUTES:
            link = _link(kind, tenant, user)
        else:  # the account exists: the sign-in page, where a link or a new password can be asked for
            link = settings.QUERELA["PUBLIC_URL"] + reverse("web:account_login", kwargs={"code": tenant.code})
        body = str(text) % {"tenant": tenant.name, "link": link}
        body = "\n\n".join([_("Dear Customer,"), body, _("Yours sincerely,") + "\n" + tenant.name])
    return EmailMessage(subject=str(subject), body=body, from_email=tenant.mailbox, to=[user.email])
