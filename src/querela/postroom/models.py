"""A scan as it was uploaded, kept whole, and the letters it was split into (each one a complaint)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel


class ScanStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting to be split")
    SPLITTING = "splitting", _("Being split")
    SPLIT = "split", _("Split into letters")
    FAILED = "failed", _("Not split: see why")


class ScanBatch(TenantModel):
    """One upload of scanned post or received faxes: the original file stays, whatever becomes of it."""

    file = models.FileField(upload_to="scans/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=120)
    page_count = models.PositiveIntegerField(_("pages"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=ScanStatus.choices, default=ScanStatus.UPLOADED)
    # The letters as the clerk described them (pages, channel, receipt time, sender, subject): what the
    # split job registers, and what the form shows again when a split was refused.
    plan = models.JSONField(default=list, blank=True)
    split_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pages_done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    split_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        indexes = [
            models.Index(fields=["tenant", "uploaded_at"], name="scanbatch_tenant_uploaded"),
            models.Index(fields=["tenant", "status"], name="scanbatch_tenant_status"),
        ]
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class ScanLetter(TenantModel):
    """One letter of a scan: its pages, and the complaint it was registered as."""

    batch = TenantForeignKey(ScanBatch, on_delete=models.PROTECT, related_name="letters")
    position = models.PositiveIntegerField()
    first_page = models.PositiveIntegerField()
    last_page = models.PositiveIntegerField()
    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "batch", "position"], name="scanletter_once"),
        ]
        indexes = [
            models.Index(fields=["tenant", "batch"], name="scanletter_tenant_batch"),
            models.Index(fields=["tenant", "complaint"], name="scanletter_tenant_complaint"),
        ]
        ordering = ["position"]

    @property
    def pages(self) -> str:
        return str(self.first_page) if self.first_page == self.last_page else f"{self.first_page}-{self.last_page}"
