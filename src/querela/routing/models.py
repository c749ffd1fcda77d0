"""Routing rules (issue 14): in the order of their position the first rule whose conditions all hold sends a
complaint to its department and, with a handler pool, to one of the pool's handlers.

A condition left blank holds for anything. The region is compared as a person reads it (case and accents
aside: "hajdu-bihar" is "Hajdú-Bihar"). The pool is the department's active handlers, or the people acting
for a job of the org chart on the day (its holders and deputies); `cursor` is the last one a rule handed a
complaint to, kept under the rule's row lock.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from querela.complaints.models import Category, Kind
from querela.core.channels import Channel
from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel
from querela.customers.models import ServiceType


class Pool(models.TextChoices):
    NONE = "none", _("None: the department only")
    ROUND_ROBIN = "round_robin", _("Round robin: each handler in turn")
    LEAST_LOADED = "least_loaded", _("Least loaded: the handler with the fewest open complaints")


class RoutingRule(TenantModel):
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    # Conditions: blank holds for anything.
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    region = models.CharField(_("county/region"), max_length=120, blank=True)
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, blank=True)
    # Where it goes.
    department = TenantForeignKey(
        "tenants.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    pool = models.CharField(_("handler pool"), max_length=20, choices=Pool.choices, default=Pool.NONE)
    pool_job = TenantForeignKey(
        "orgchart.Job",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pool: people acting for the job"),
    )
    cursor = models.PositiveBigIntegerField(_("last handler assigned"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["tenant", "is_active", "position"], name="routing_rule_order")]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name
