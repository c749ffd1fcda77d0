"""`audit verify`: checks a tenant's sealed chain against its MACs, its seals and the anchors outside
the database, and the content MAC of events not sealed yet."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from querela.core import tenancy

from . import chain
from .anchors import anchors_read
from .models import AuditChainHead, AuditEvent, AuditSeal


@dataclass(frozen=True)
class VerifyResult:
    tenant_code: str
    checked: int  # sealed events whose content and link hold
    broken_seq: int | None  # the first sealed event that does not hold (or the missing one)
    reason: str
    unsealed: int = 0  # written but not sealed yet (protected by their content MAC only)
    anchors: int = 0  # anchored heads compared

    @property
    def ok(self) -> bool:
        return not self.reason


def _sealed(tenant_id: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(tenant_id=tenant_id, seq__isnull=False).order_by("seq").iterator(chunk_size=2000)


def audit_verify(*, tenant: Any) -> VerifyResult:
    """Report the first thing that does not hold; an intact chain reports how much it checked."""
    with tenancy.tenant_scope(tenant):
        return _verify(tenant)


def _verify(tenant: Any) -> VerifyResult:
    code = tenant.code
    anchors, unreadable = anchors_read(tenant_code=code, tenant_id=tenant.pk)
    anchored = {a.seq: a for a in anchors}
    prev, expected, checked = chain.GENESIS, 1, 0

    def broken(seq: int | None, reason: str) -> VerifyResult:
        return VerifyResult(code, checked, seq, reason, anchors=len(anchors))

    if unreadable:
        return broken(None, _("anchor lines %(lines)s cannot be read") % {"lines": unreadable[:5]})
    foreign = {a.key_id for a in anchors} - {chain.key_id()}
    if foreign:
        return broken(None, _("anchors were made with another key (%(keys)s)") % {"keys": ", ".join(sorted(foreign))})
    for event in _sealed(tenant.pk):
        if event.seq != expected:
            return broken(expected, _("event %(seq)s is missing") % {"seq": expected})
        if chain.content_mac(event) != event.content_mac:
            return broken(event.seq, _("contents do not match the recorded MAC"))
        link = chain.link_mac(tenant_id=tenant.pk, seq=expected, prev_hash=prev, content=event.content_mac)
        if event.prev_hash != prev or event.hash != link:
            return broken(event.seq, _("link to the previous event is broken (edited, moved or reordered)"))
        anchor = anchored.get(event.seq)
        if anchor is not None and anchor.head_hash != event.hash:
            return broken(event.seq, _("the chain differs from the head anchored outside the database"))
        prev, expected, checked = link, expected + 1, checked + 1
    newest_anchor = max(anchored, default=0)
    if newest_anchor > checked:
        why = _("the newest events were removed (the anchor outside the database reaches %(seq)s)")
        return broken(checked + 1, why % {"seq": newest_anchor})
    head = AuditChainHead.objects.filter(tenant_id=tenant.pk).first()
    if head is not None and (head.seq != checked or head.last_hash != prev):
        return broken(checked + 1, _("the newest events were removed (the chain head says more)"))
    for seal in AuditSeal.objects.filter(tenant_id=tenant.pk, last_seq__gt=checked).order_by("last_seq")[:1]:
        why = _("the newest events were removed (a seal reaches %(seq)s)")
        return broken(checked + 1, why % {"seq": seal.last_seq})
    unsealed = 0
    for event in AuditEvent.objects.filter(tenant_id=tenant.pk, seq__isnull=True).order_by("id").iterator(2000):
        if chain.content_mac(event) != event.content_mac:
            why = _("unsealed event #%(id)s: contents do not match the recorded MAC") % {"id": event.pk}
            return VerifyResult(code, checked, None, why, unsealed)
        unsealed += 1
    return VerifyResult(code, checked, None, "", unsealed=unsealed, anchors=len(anchors))
