"""A supplier's public site: where to turn with what (the matter table), and how its complaint form asks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from querela.core.models import TenantModel


class Route(models.TextChoices):
    """Where the guidance sends a person who picked a matter."""

    COMPLAINT_FORM = "complaint_form", _("The complaint form")
    FAULT_LINE = "fault_line", _("The fault line (no complaint is registered)")
    CONTACT = "contact", _("Customer service: by letter, e-mail or phone")
    IN_PERSON = "in_person", _("Only in person: the office and an appointment")


class FormVariant(models.TextChoices):
    UTILITY = "utility", _("Utility complaint (customer id, place, meter)")
    SERVICE = "service", _("Service complaint (ticket number, serial number)")
    PRODUCT = "product", _("Product complaint (model, serial number)")


class PortalProfile(TenantModel):
    """The supplier's public contacts and form settings; one per tenant, made on first use."""

    fault_phone = models.CharField(_("fault line phone"), max_length=60, blank=True)
    fault_url = models.URLField(_("fault report web page"), blank=True)
    # Where a fault report that reached the complaint office is forwarded when it is redirected.
    fault_email = models.EmailField(_("fault-handling e-mail (reports forwarded to it)"), blank=True)
    service_phone = models.CharField(_("customer service phone"), max_length=60, blank=True)
    service_email = models.EmailField(_("customer service e-mail"), blank=True)
    postal_address = models.CharField(_("postal address for letters"), max_length=300, blank=True)
    office_address = models.CharField(_("customer office address"), max_length=300, blank=True)
    office_hours = models.CharField(_("customer office opening hours"), max_length=300, blank=True)
    # Which form fields this supplier shows and requires: {"meter_serial": "required", "phone": "hidden"}.
    # Unnamed fields keep their defaults (form_fields.DEFAULTS).
    form_fields = models.JSONField(_("complaint form fields"), default=dict, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant"], name="portal_profile_once")]


class Matter(TenantModel):
    """One line of the matter table: what a person may come with, and where it is settled.

    `preset` names built-in wording translated into every language; `titles` and `texts` hold the
    supplier's own wording per language ({"hu": "…"}), which wins where given.
    """

    code = models.SlugField(_("code"), max_length=40)
    preset = models.CharField(max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30)
    route = models.CharField(_("where it goes"), max_length=20, choices=Route.choices)
    variant = models.CharField(_("form"), max_length=20, choices=FormVariant.choices, default=FormVariant.UTILITY)
    category = models.CharField(_("category"), max_length=20, default="other")
    titles = models.JSONField(_("title per language"), default=dict, blank=True)
    texts = models.JSONField(_("guidance per language"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)
    # Seed 001: arrears and balances are never given by phone; the call center refuses such a matter.
    by_phone = models.BooleanField(_("may be settled by phone"), default=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="matter_code_per_tenant")]
        indexes = [models.Index(fields=["tenant", "is_active", "position"], name="matter_tenant_shown")]
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.code
