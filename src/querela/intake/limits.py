"""How much mail one sender (and one mailbox) may turn into complaints and automatic replies.

Beyond the intake limits mail is held for a person: kept, never lost, never billed, never answered
automatically. Automatic replies follow RFC 3834: at most one per sender per period, never to lists.
Counts are read, not locked: two workers racing may let one message past a limit, never lose one.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from querela.core import clock
from querela.tenants.models import Tenant

from .models import InboundMessage, InboundStatus, OutboundEmail

WINDOW = timedelta(hours=1)


def over_intake_limit(msg: InboundMessage) -> str:
    """Why this message must wait for a person, or "" when it is within the tenant's limits."""
    tenant = msg.tenant
    counts = (
        InboundMessage.objects.filter(received_at__gte=msg.received_at - WINDOW, received_at__lte=msg.received_at)
        .exclude(pk=msg.pk)
        .exclude(status=InboundStatus.PENDING)
        .aggregate(all=Count("pk"), sender=Count("pk", filter=Q(sender_key=msg.sender_key)))
    )
    if msg.sender_key and counts["sender"] >= tenant.intake_limit_per_sender:
        return _("More than %(n)d mails from %(sender)s within an hour: held for a person.") % {
            "n": tenant.intake_limit_per_sender,
            "sender": msg.from_address or msg.sender_key,
        }
    if counts["all"] >= tenant.intake_limit_per_mailbox:
        return _("More than %(n)d mails to the mailbox within an hour: held for a person.") % {
            "n": tenant.intake_limit_per_mailbox
        }
    return ""


def may_auto_reply(tenant: Tenant, address: str) -> bool:
    """RFC 3834 5.1: no automatic reply when one went to this address within the tenant's period."""
    if not address:
        return False
    since = clock.now() - timedelta(hours=tenant.auto_reply_interval_hours)
    return not OutboundEmail.objects.filter(
        tenant=tenant, automatic=True, created_at__gte=since, to__iexact=address
    ).exists()
