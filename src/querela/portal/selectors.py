"""Reads for the public site: the supplier's contacts, its matter table, a tracked complaint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import translation
from django.utils.translation import gettext as _

from querela.complaints.models import Complaint, EntryType, TimelineEntry
from querela.complaints.workflow import Status
from querela.core import tenancy

from .form_fields import field_states
from .matter_presets import PRESETS
from .models import Matter, PortalProfile, Route


def portal_profile() -> PortalProfile:
    """The current tenant's public contacts; an unsaved default (the complaint mailbox) when none is set."""
    tenant = tenancy.current_tenant()
    profile = PortalProfile.objects.filter().first()
    if profile is None:
        profile = PortalProfile(tenant=tenant, service_email=tenant.mailbox)
    return profile


@dataclass(frozen=True)
class MatterView:
    code: str
    title: str
    text: str
    kind: str
    route: str
    variant: str
    category: str
    by_phone: bool = True

    @property
    def files_complaint(self) -> bool:
        return self.route == Route.COMPLAINT_FORM


def _wording(matter: Matter) -> tuple[str, str]:
    """The supplier's own wording in the reader's language, else the preset's translation, else any."""
    lang = (translation.get_language() or "en")[:2]
    preset = PRESETS.get(matter.preset)
    title = matter.titles.get(lang) or (str(preset.title) if preset else "")
    text = matter.texts.get(lang) or (str(preset.text) if preset else "")
    if not title:
        title = next(iter(matter.titles.values()), matter.code)
    if not text:
        text = next(iter(matter.texts.values()), "")
    return title, text


def _view(m: Matter) -> MatterView:
    title, text = _wording(m)
    return MatterView(m.code, title, text, m.kind, m.route, m.variant, m.category, m.by_phone)


def matter_table() -> list[MatterView]:
    return [_view(m) for m in Matter.objects.filter(is_active=True)]


def matter_find(code: str) -> MatterView | None:
    m = Matter.objects.filter(code=code, is_active=True).first()
    return _view(m) if m else None


def form_states(matter: MatterView) -> dict[str, str]:
    return field_states(matter.variant, portal_profile().form_fields)


# --- a tracked complaint, as its complainant sees it ---


@dataclass(frozen=True)
class PublicEntry:
    at: datetime
    from_us: bool
    body: str


@dataclass(frozen=True)
class PublicStatus:
    reference: str
    subject: str
    received_at: datetime
    answer_due: date | None
    stage: str  # consumer wording
    expected: str  # what happens next
    messages: list[PublicEntry]
    attachments: list[str]
    reply_channel: str = ""
    awaiting_reply: bool = False


def stage_for(c: Complaint) -> tuple[str, str]:
    """The status in the complainant's words, and what they can expect next."""
    s = c.status
    if s == Status.RECEIVED:
        return _("Received"), _("We are checking who you are and which place it is about; we may ask you for data.")
    if s == Status.AWAITING_INFO:
        return _("Waiting for your reply"), _("We asked you for information. Please answer our message.")
    if s == Status.ANSWERED:
        return _("Answered"), _("Our answer was sent to you. If you disagree, you may dispute it.")
    if s == Status.CLOSED:
        return _("Closed"), _("The matter is closed.")
    if s == Status.REDIRECTED:
        return _("Sent elsewhere"), _("This matter is not a complaint; our message says where it is settled.")
    return _("Being investigated"), _("We are investigating your complaint and will answer by the date shown.")


def public_status(complaint_id: int) -> PublicStatus | None:
    """What the complainant may see: status, dates, our messages and theirs — never staff notes or names."""
    c = Complaint.objects.filter(pk=complaint_id).first()
    if c is None:
        return None
    entries = TimelineEntry.objects.filter(complaint=c, entry_type__in=(EntryType.INBOUND, EntryType.OUTBOUND)).only(
        "created_at", "entry_type", "body"
    )
    stage, expected = stage_for(c)
    return PublicStatus(
        reference=c.reference,
        subject=c.subject,
        received_at=c.received_at,
        answer_due=None if c.is_finished else c.answer_due,
        stage=stage,
        expected=expected,
        messages=[PublicEntry(e.created_at, e.entry_type == EntryType.OUTBOUND, e.body) for e in entries if e.body],
        attachments=list(c.attachments.values_list("filename", flat=True)),
        reply_channel=c.reply_channel,
        awaiting_reply=c.status == Status.AWAITING_INFO,
    )


@dataclass(frozen=True)
class RecordingCopy:
    requested: datetime | None
    delivered: datetime | None


def recording_copy(complaint: Complaint) -> RecordingCopy:
    """When the customer asked for their call recording, and when the office sent it (seed 004)."""
    entries = TimelineEntry.objects.filter(complaint=complaint).order_by("created_at")
    asked = entries.filter(data__request="recording_copy").values_list("created_at", flat=True).first()
    delivered = (
        entries.filter(entry_type=EntryType.OUTBOUND, data__purpose="recording_copy")
        .values_list("created_at", flat=True)
        .first()
    )
    return RecordingCopy(asked, delivered)
