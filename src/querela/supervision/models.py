"""Supervision (issue 13): extension requests decided by a second person, and the quality review of answered
complaints (random samples, a checklist per supplier, one review per sampled complaint).

Every row is tenant-owned; every index starts with the tenant."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel

from .checklist import DEFAULT_ITEMS


class RequestState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(TenantModel):
    """A handler's extension of the answer deadline, held until a supervisor other than the requester
    approves it (then `complaint_extend` runs and the notice goes out) or refuses it with a reason.
    At most one is pending per complaint."""

    complaint = TenantForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="extension_requests", verbose_name=_("complaint")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.CharField(_("reason"), max_length=40)
    notice_text = models.TextField(_("notice to the customer"))
    state = models.CharField(_("state"), max_length=20, choices=RequestState.choices, default=RequestState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["requested_at", "pk"]
        indexes = [
            # The dashboard's pending list, oldest first.
            models.Index(fields=["tenant", "state", "requested_at"], name="extension_request_state"),
            models.Index(fields=["tenant", "complaint", "requested_at"], name="extension_request_complaint"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "complaint"], condition=Q(state="pending"), name="extension_request_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: +{self.days} ({self.state})"


class QualityCheckItem(TenantModel):
    """One item of the supplier's quality checklist. A preset item with no text of its own reads in the
    reviewer's language; an edited one reads as written."""

    preset = models.CharField(max_length=40, blank=True, editable=False)
    text = models.CharField(_("text"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["tenant", "is_active", "position"], name="quality_item_active")]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "preset"], condition=~Q(preset=""), name="quality_item_preset"),
            models.CheckConstraint(condition=~Q(preset="") | ~Q(text=""), name="quality_item_has_words"),
        ]

    @property
    def label(self) -> str:
        if self.text:
            return self.text
        return gettext(DEFAULT_ITEMS.get(self.preset, self.preset))

    def __str__(self) -> str:
        return self.label


class QualitySample(TenantModel):
    """A random draw of answered or closed complaints, answered in a date range (optionally one handler's)."""

    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("drawn by")
    )
    drawn_at = models.DateTimeField(_("drawn at"))
    date_from = models.DateField(_("answered from"))
    date_to = models.DateField(_("answered until"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handler"),
    )
    size = models.PositiveSmallIntegerField(_("complaints asked for"))

    class Meta(TenantModel.Meta):
        ordering = ["-drawn_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "drawn_at"], name="quality_sample_drawn")]

    def __str__(self) -> str:
        return f"{self.date_from}–{self.date_to} ({self.size})"


class QualityReview(TenantModel):
    """One sampled complaint, reviewed once: each checklist item met / not met / not applicable (kept as
    worded then, so editing the checklist never changes a past review), a score 0–100 and a comment."""

    sample = TenantForeignKey(QualitySample, on_delete=models.PROTECT, related_name="reviews")
    complaint = TenantForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="+", verbose_name=_("complaint")
    )
    # Who answered it (its assignee when drawn): results are listed per handler.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handler"),
    )
    checks = models.JSONField(_("checklist"), default=list, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, validators=[MaxValueValidator(100)])
    comment = models.TextField(_("comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["tenant", "sample"], name="quality_review_sample"),
            # Results per handler over a period.
            models.Index(fields=["tenant", "handler", "reviewed_at"], name="quality_review_handler"),
        ]
        constraints = [
            # A complaint is sampled once: a later draw never picks it again.
            models.UniqueConstraint(fields=["tenant", "complaint"], name="quality_review_once"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100), name="quality_review_score"),
        ]

    @property
    def done(self) -> bool:
        return self.reviewed_at is not None

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.score}"
