"""A supplier's existing mailbox that Querela polls by IMAP, as the operator sets it up with a new supplier
(`tenants.onboarding`, which registers these at start-up and audits the whole set-up)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from querela.core.errors import ValidationFailed

from .models import ImapMailbox

# A host name or an IPv4/IPv6 address, nothing else (no scheme, no path, no spaces).
_HOST = re.compile(
    r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]{1,63}$"  # a name, or IPv4
    r"|^\[?[0-9a-fA-F:.]+\]?$"  # IPv6
)


def imap_settings_check(values: dict[str, Any]) -> str:
    """The settings a poll needs, each said in words when missing or wrong; returns how the mailbox reads
    ("user on imap.example.com:993, folder INBOX"). The server is not contacted here: the tenant
    administrator's page shows the first poll's error, if any."""
    host = str(values.get("host") or "").strip()
    username = str(values.get("username") or "").strip()
    if not host:
        raise ValidationFailed(_("Give the IMAP server's host name."), code="imap_host")
    if not _HOST.match(host):
        raise ValidationFailed(
            _("“%(host)s” is not a host name: give only the server's name, e.g. imap.example.com.") % {"host": host},
            code="imap_host",
        )
    port = values.get("port") or 993
    if not isinstance(port, int) or not 0 < port < 65536:
        raise ValidationFailed(_("The IMAP port is a number from 1 to 65535."), code="imap_port")
    if not username:
        raise ValidationFailed(_("Give the user name of the IMAP mailbox."), code="imap_username")
    if not str(values.get("password") or ""):
        raise ValidationFailed(_("Give the password of the IMAP mailbox."), code="imap_password")
    folder = str(values.get("folder") or "").strip() or "INBOX"
    return _("%(username)s on %(host)s:%(port)s, folder %(folder)s") % {
        "username": username,
        "host": host,
        "port": port,
        "folder": folder,
    }


def imap_mailbox_create(tenant: Any, values: dict[str, Any]) -> ImapMailbox:
    """Poll this mailbox from now on; runs in the new tenant's scope, inside its onboarding transaction."""
    imap_settings_check(values)
    return ImapMailbox.objects.create(
        tenant=tenant,
        host=str(values["host"]).strip(),
        port=values.get("port") or 993,
        use_ssl=bool(values.get("use_ssl", True)),
        username=str(values["username"]).strip(),
        auth="password",
        secret=str(values["password"]),
        folder=str(values.get("folder") or "").strip() or "INBOX",
        done_folder=str(values.get("done_folder") or "").strip(),
    )
