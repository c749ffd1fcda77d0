"""A tenant's own cells of the edit matrix: a role's "when" for a field instead of the platform's default,
or a job whose holders (and deputies of the day) may change a field beyond what their role allows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel

from .catalogue import OBJECTS, WHENS
from .labels import OBJECT_LABELS, WHEN_LABELS


class FieldRule(TenantModel):
    """One cell: (object, field) × (a role or an org chart job) → when. A role's row replaces the default
    cell; a job's row adds to what its holders' roles allow."""

    object_type = models.CharField(_("object"), max_length=20, choices=[(o, OBJECT_LABELS[o]) for o in OBJECTS])
    field = models.CharField(_("field"), max_length=40)
    role = models.CharField(_("role"), max_length=30, blank=True)
    job = TenantForeignKey(
        "orgchart.Job", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("job")
    )
    when = models.CharField(_("when"), max_length=20, choices=[(w, WHEN_LABELS[w]) for w in WHENS])
    reason = models.CharField(_("reason"), max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("edit rule")
        verbose_name_plural = _("edit rules")
        ordering = ["object_type", "field", "role", "job_id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="") & Q(job__isnull=False)) | (~Q(role="") & Q(job__isnull=True)),
                name="edit_rule_role_or_job",
            ),
            models.UniqueConstraint(
                fields=["tenant", "object_type", "field", "role"],
                condition=Q(job__isnull=True),
                name="edit_rule_per_role",
            ),
            models.UniqueConstraint(
                fields=["tenant", "object_type", "field", "job"],
                condition=Q(job__isnull=False),
                name="edit_rule_per_job",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}.{self.field} {self.role or self.job_id}: {self.when}"
