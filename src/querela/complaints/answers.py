"""The answer letter: the handler's text, the decision, and where a dissatisfied customer may turn.

Seed 000: the answer explains the decision and its reasons and names the forums a dissatisfied customer may
turn to; seed 004 lists them (the consumer-protection authority, the conciliation body of the customer's
county, the municipality, the regulator). Written in the complaint's language; the e-mail, the letter PDF
and the consumer's page all carry the text this returns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from querela.core.channels import Channel
from querela.core.errors import ValidationFailed
from querela.remedies.selectors import remedies_for
from querela.remedies.texts import remedies_text

from .language import complaint_language
from .models import Attachment, Complaint
from .workflow import Decision


def decision_sentence(decision: str) -> str:
    sentences = {
        Decision.UPHELD.value: _("Our decision: your complaint is upheld."),
        Decision.PARTLY_UPHELD.value: _("Our decision: your complaint is partly upheld."),
        Decision.REJECTED.value: _("Our decision: your complaint is rejected."),
    }
    return sentences.get(decision, "")


def answer_letter(complaint: Complaint, text: str, decision: str) -> tuple[str, list[int]]:
    """The letter's text and the ids of the remedy bodies it names.

    Upheld: no remedies. Partly upheld, rejected or not stated (an older caller): the bodies for the
    customer's county. A supplier with no remedy data keeps its own `answer_footer` on every answer.
    """
    with translation.override(complaint_language(complaint)):
        parts = [text.rstrip(), decision_sentence(decision)]
        remedies = remedies_for(complaint)
        named: list[int] = []
        if not remedies.on_file:
            parts.append(complaint.tenant.answer_footer.strip())
        elif decision != Decision.UPHELD:
            parts.append(remedies_text(remedies))
            named = [n.body.pk for n in remedies.named if n.body is not None]
    return "\n\n".join(p for p in parts if p), named


def letter_digest(letter: str, enclosures: Sequence[int] = ()) -> str:
    """A short fingerprint of a letter's text and its enclosures: what the person confirmed on the
    preview is what is sent."""
    signed = letter + "\0" + ",".join(str(pk) for pk in sorted(enclosures))
    return hashlib.sha256(signed.encode("utf-8", "surrogatepass")).hexdigest()


# An e-mail carries its enclosures; past this the customer's mail server would likely refuse it.
MAIL_ENCLOSURES_MAX_BYTES = 20 * 1024 * 1024


def answer_enclosures(complaint: Complaint, ids: Sequence[int]) -> list[Attachment]:
    """The case's documents sent with an answer, in the order chosen; refused when one is not of this
    complaint, or when an e-mail would be too large to arrive."""
    wanted = list(dict.fromkeys(ids))
    found = {a.pk: a for a in Attachment.objects.filter(complaint_id=complaint.pk, pk__in=wanted)}
    if len(found) != len(wanted):
        raise ValidationFailed(_("An enclosure is not a document of this complaint."), code="enclosure_unknown")
    chosen = [found[pk] for pk in wanted]
    total = sum(a.size for a in chosen)
    if complaint.reply_channel == Channel.EMAIL and total > MAIL_ENCLOSURES_MAX_BYTES:
        raise ValidationFailed(
            _("The enclosures come to %(size)s; an e-mail carries at most %(max)s. Send fewer, or by post.")
            % {"size": filesizeformat(total), "max": filesizeformat(MAIL_ENCLOSURES_MAX_BYTES)},
            code="enclosures_too_large",
        )
    return chosen
