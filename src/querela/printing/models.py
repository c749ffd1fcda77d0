"""Letters kept as PDFs on the case, and the print room's batches of letters to post."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from querela.core.channels import Channel
from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel


class PrintBatch(TenantModel):
    """The letters by post printed together: open while letters join it, closed with its one PDF for the
    printing room, then the day it was posted, as the person who took it to the post office typed it."""

    number = models.PositiveIntegerField(_("batch number"))  # 1, 2, 3… per supplier
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.FileField(_("batch PDF"), upload_to="print-batches/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    # A calendar day in the supplier's time zone (the post office's stamp), not a moment.
    dispatched_on = models.DateField(_("posted on"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatched_at = models.DateTimeField(_("posting recorded at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="printbatch_number_once"),
            # One open batch per supplier: two letters stored at once can't open two.
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(closed_at__isnull=True), name="printbatch_one_open"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "closed_at"], name="printbatch_tenant_closed")]
        ordering = ["-number"]
        verbose_name = _("print batch")

    def __str__(self) -> str:
        return str(self.number)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class StoredLetter(TenantModel):
    """One message to the customer as the letter it is: the PDF rendered once, when it was written, and
    kept (what was sent is what is shown later, whatever the templates become)."""

    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    # The outbound timeline entry it is the letter of: one letter per entry (see the constraint).
    entry = TenantForeignKey("complaints.TimelineEntry", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    file = models.FileField(upload_to="letters/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    page_count = models.PositiveIntegerField(_("pages"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    batch = TenantForeignKey(PrintBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="letters")

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "entry"], name="storedletter_once")]
        indexes = [
            models.Index(fields=["tenant", "complaint"], name="storedletter_tenant_complaint"),
            models.Index(fields=["tenant", "batch"], name="storedletter_tenant_batch"),
        ]
        ordering = ["created_at", "pk"]
        verbose_name = _("letter")

    def __str__(self) -> str:
        return f"{self.complaint_id}/{self.entry_id}"
