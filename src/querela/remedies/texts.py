"""The remedies paragraph of an answer, in the active language: each body with address, phone, e-mail, web.

The caller activates the complaint's language (`translation.override`); the bodies' own names and
addresses stay as the supplier keeps them.
"""

from __future__ import annotations

from itertools import groupby

from django.utils.translation import gettext as _

from .models import RemedyKind
from .selectors import Named, Remedies


def _heading(kind: str) -> str:
    headings = {
        RemedyKind.CONSUMER_PROTECTION.value: _("Consumer-protection authority"),
        RemedyKind.CONCILIATION_BODY.value: _("Conciliation body (out-of-court settlement of consumer disputes)"),
        RemedyKind.MUNICIPALITY.value: _("Municipality (for breaches of the business rules)"),
        RemedyKind.REGULATOR.value: _("Regulator (for breaches of the licence)"),
    }
    return headings.get(kind, _("Other body"))


def _of_your_county(kind: str) -> str:
    sentences = {
        RemedyKind.CONSUMER_PROTECTION.value: _("The consumer-protection authority of the county where you live."),
        RemedyKind.CONCILIATION_BODY.value: _("The conciliation body of the county where you live."),
    }
    return sentences.get(kind, _("The body of the county where you live."))


def _body(n: Named) -> list[str]:
    b = n.body
    if b is None:
        return [_of_your_county(n.kind)]
    lines = [b.name]
    for label, value in (
        (_("Address"), b.address),
        (_("Phone"), b.phone),
        (_("E-mail"), b.email),
        (_("Web"), b.web),
    ):
        if value.strip():
            lines.append(f"{label}: {value.strip()}")
    if n.for_seat:
        lines.append(
            _("This is the body of the county of our seat; you may also turn to the one of the county where you live.")
        )
    return lines


def remedies_text(remedies: Remedies) -> str:
    """The paragraph naming where the customer may turn, one heading per kind; empty when none is named."""
    if not remedies.named:
        return ""
    blocks = [_("If you do not agree with our answer, you may turn to the following bodies.")]
    for kind, named in groupby(remedies.named, key=lambda n: n.kind):
        bodies = "\n\n".join("\n".join(_body(n)) for n in named)
        blocks.append(f"{_heading(kind)}:\n{bodies}")
    return "\n\n".join(blocks)
