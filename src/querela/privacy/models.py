"""Data-subject rights and retention: the supplier's retention schedule, purge runs, subject exports,
erasure requests, and which complaint records have been anonymised."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel

from .schedule import DocumentType


class RetentionRule(TenantModel):
    """The supplier's own period for one kind of document; without a row the default of `schedule.SPECS`."""

    document_type = models.CharField(_("document type"), max_length=30, choices=DocumentType.choices)
    months = models.PositiveSmallIntegerField(_("kept for (months)"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "document_type"], name="retention_rule_once")]
        verbose_name = _("retention period")

    def __str__(self) -> str:
        return f"{self.document_type}: {self.months}"


class RunState(models.TextChoices):
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PurgeRun(TenantModel):
    """One pass of the retention purge, or its dry run: what was due per document type, what was removed,
    and the oldest thing kept. A real run started from a dry run counts from the same day, so it removes
    what that report listed (less anything reopened since), never more."""

    dry_run = models.BooleanField(_("dry run"))
    as_of = models.DateField(_("periods counted back from"))
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plan = TenantForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # {document type: {"due": n, "done": n, "oldest_kept": "YYYY-MM-DD" | None}}
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["tenant", "dry_run", "started_at"], name="purgerun_tenant_started")]
        ordering = ["-started_at", "-pk"]
        verbose_name = _("purge run")

    def __str__(self) -> str:
        return f"purge {self.as_of}{' (dry run)' if self.dry_run else ''}"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be built")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Deleted after its days")


class SubjectExport(TenantModel):
    """Everything held about one person (GDPR art. 15) as a ZIP with a readable index: a customer record,
    or a consumer's online account with the records linked to it. Built by a job; kept a few days."""

    customer = TenantForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # How the officer named the person (a customer id or a user name); blanked when the person is erased.
    subject = models.CharField(_("person"), max_length=200)
    include_internal = models.BooleanField(_("internal notes included"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="privacy-exports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted on"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta(TenantModel.Meta):
        indexes = [
            models.Index(fields=["tenant", "requested_at"], name="subjectexport_tenant_req"),
            models.Index(fields=["tenant", "state", "expires_at"], name="subjectexport_tenant_expiry"),
        ]
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data-subject export")

    def __str__(self) -> str:
        return f"export {self.pk}"


class ErasureState(models.TextChoices):
    DONE = "done", _("Erased")
    PARTIAL = "partial", _("Erased except what the law keeps")


class ErasureRequest(TenantModel):
    """A person's request to be erased (GDPR art. 17), as carried out: what was anonymised or deleted, and
    what the law still keeps, with the day it becomes erasable. The daily job finishes it then."""

    customer = TenantForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("how the request came in"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("carried out"))
    state = models.CharField(_("state"), max_length=10, choices=ErasureState.choices)
    # The day the last kept item becomes erasable; None with `held_open`: an open complaint, no day yet.
    held_until = models.DateField(_("kept until"), null=True, blank=True)
    held_open = models.BooleanField(_("an open complaint is kept"), default=False)
    summary = models.JSONField(default=dict, blank=True)  # counts per kind: erased, deleted, kept
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["tenant", "state", "held_until"], name="erasure_tenant_state")]
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("erasure request")

    def __str__(self) -> str:
        return f"erasure {self.pk}"


class ErasedComplaint(TenantModel):
    """A complaint record anonymised (by the retention purge or an erasure request): it is not erased twice,
    and the purge's report counts what is left."""

    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    erased_at = models.DateTimeField()
    reason = models.CharField(max_length=20)  # retention | erasure

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "complaint"], name="erased_complaint_once")]
