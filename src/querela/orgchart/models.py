"""Jobs, who holds them and who stands in for them. Departments are `tenants.Department`.

A job is named by its `code` (work instructions refer to it by that string), so the code never changes
once the job exists. Terms and deputising are date ranges in the tenant's calendar: `until`/`ends_on`
is the last day, inclusive, and empty means "until further notice".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel


class SignCapability(models.TextChoices):
    """What a job may sign on the supplier's behalf: the documents a complaint's handling produces."""

    ANSWERS = "answers", _("Answers to complaints")
    EXTENSION_NOTICES = "extension_notices", _("Extension notices")
    MINUTES = "minutes", _("Minutes")
    TECHNICAL_REPORTS = "technical_reports", _("Technical reports")
    INSPECTION_REPORTS = "inspection_reports", _("On-site inspection reports")
    BILL_RECALCULATIONS = "bill_recalculations", _("Bill recalculations")
    DAMAGE_ASSESSMENTS = "damage_assessments", _("Damage assessments")
    OPINIONS = "opinions", _("Opinions on consultations")


class Job(TenantModel):
    department = TenantForeignKey(
        "tenants.Department", on_delete=models.PROTECT, related_name="jobs", verbose_name=_("department")
    )
    code = models.CharField(_("job code"), max_length=40)
    title = models.CharField(_("job title"), max_length=200)
    duties = models.TextField(_("duties"), blank=True)
    # Codes of `SignCapability`, in that order.
    may_sign = models.JSONField(_("may sign"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["title", "code"]
        constraints = [
            # One job per code and tenant, whatever the case ("BILL-SPEC" and "bill-spec" are one job).
            models.UniqueConstraint(F("tenant"), Lower("code"), name="orgchart_job_code_per_tenant"),
        ]
        indexes = [models.Index(fields=["tenant", "department", "is_active"], name="orgchart_job_department")]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class JobHolder(TenantModel):
    """A staff member in a job for a term."""

    job = TenantForeignKey(Job, on_delete=models.PROTECT, related_name="holders", verbose_name=_("job"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("staff member")
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until (last day)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("job holder")
        verbose_name_plural = _("job holders")
        ordering = ["since", "pk"]
        indexes = [
            models.Index(fields=["tenant", "job", "since"], name="orgchart_holder_job"),
            models.Index(fields=["tenant", "user", "since"], name="orgchart_holder_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="orgchart_holder_term_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.job_id} from {self.since}"


class Deputy(TenantModel):
    """Someone standing in for a job: for one holder (`holder`, e.g. while they are on leave) or for the job
    as a whole (`holder` empty: a standing deputy, or a vacancy)."""

    job = TenantForeignKey(Job, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("job"))
    holder = TenantForeignKey(
        JobHolder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputies",
        verbose_name=_("stands in for"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("deputy")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (last day)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["starts_on", "pk"]
        indexes = [
            models.Index(fields=["tenant", "job", "starts_on"], name="orgchart_deputy_job"),
            models.Index(fields=["tenant", "user", "starts_on"], name="orgchart_deputy_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="orgchart_deputy_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} for {self.job_id} from {self.starts_on}"
