"""A consultation: one question on a complaint put to another department or an outside party.

Its status moves only through the services (open → answered, open → cancelled), each move audited and
written on the complaint's timeline as an internal note.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")


class Consultation(TenantModel):
    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="consultations")
    # Whom it is asked of: a department of the supplier, or an outside party by name and e-mail.
    department = TenantForeignKey(
        "tenants.Department", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("department")
    )
    party_name = models.CharField(_("outside party"), max_length=200, blank=True)
    party_email = models.EmailField(_("outside party's e-mail"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    question = models.TextField(_("question"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    result = models.TextField(_("result"), blank=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(_("asked at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["asked_at", "pk"]
        indexes = [
            models.Index(fields=["tenant", "complaint", "asked_at"], name="consultation_complaint"),
            # The supervisor's overdue list: open ones by due date.
            models.Index(fields=["tenant", "status", "due_on"], name="consultation_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | ~Q(party_name=""), name="consultation_has_a_party"
            ),
        ]

    @property
    def party(self) -> str:
        return self.department.name if self.department_id and self.department else self.party_name

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.party}"
