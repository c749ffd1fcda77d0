"""A supplier's remedy bodies: who a dissatisfied customer may turn to, with how to reach them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from querela.core.models import TenantModel


class RemedyKind(models.TextChoices):
    """In the order an answer names them (seed 004)."""

    CONSUMER_PROTECTION = "consumer_protection", _("Consumer-protection authority")
    CONCILIATION_BODY = "conciliation_body", _("Conciliation body")
    MUNICIPALITY = "municipality", _("Municipality (breaches of the business rules)")
    REGULATOR = "regulator", _("Regulator (licence breaches)")
    OTHER = "other", _("Other body")


KIND_ORDER = {kind.value: n for n, kind in enumerate(RemedyKind)}


class RemedyBody(TenantModel):
    """One body. `region` blank: it serves the whole country; else the county it serves (a conciliation
    body, a county consumer-protection office). `is_seat`: the body of the supplier's seat, named when the
    customer's county can't be told from what we hold."""

    kind = models.CharField(_("kind"), max_length=30, choices=RemedyKind.choices)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("county/region it serves"), max_length=120, blank=True)
    name = models.CharField(_("name"), max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=120, blank=True)
    email = models.CharField(_("e-mail"), max_length=200, blank=True)
    web = models.CharField(_("web"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("named in answers"), default=True)
    is_seat = models.BooleanField(_("the supplier's seat is in its area"), default=False)
    # The preset entry it was loaded from (data/<country>.json): loading again adds only what is missing.
    preset = models.CharField(max_length=60, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "preset"], condition=~Q(preset=""), name="remedy_preset_once")
        ]
        indexes = [models.Index(fields=["tenant", "is_active", "kind", "position"], name="remedy_tenant_active")]
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name
