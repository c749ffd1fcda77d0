from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from querela.core.channels import Channel
from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel

from .text import digits, fold


class ServiceType(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Gas")
    DISTRICT_HEATING = "district_heating", _("District heating")
    HOT_WATER = "hot_water", _("Hot water")
    WATER = "water", _("Water and sewage")
    PRODUCT = "product", _("Product (device)")


class Customer(TenantModel):
    customer_number = models.CharField(_("customer id (as on the bill)"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(
        _("preferred reply channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL
    )
    mailing_address = models.CharField(_("mailing address"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, blank=True)
    # A consumer who files complaints online logs in as this user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer_records"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept by save(): the name folded (no accents) and the phone's digits, for the agent's search.
    search_key = models.CharField(max_length=300, blank=True, editable=False)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "customer_number"], name="customer_number_per_tenant")]
        indexes = [
            models.Index(fields=["tenant", "name"], name="customer_tenant_name"),
            models.Index(fields=["tenant", "email"], name="customer_tenant_email"),
            # Mail and bills quote ids and addresses in any case (`iexact` is UPPER(…) = UPPER(…)): without
            # these, identifying one incoming mail read every customer of the tenant.
            models.Index(F("tenant"), Upper("customer_number"), name="customer_tenant_number_ci"),
            models.Index(F("tenant"), Upper("email"), name="customer_tenant_email_ci"),
            models.Index(fields=["tenant", "user"], name="customer_tenant_user"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = f"{fold(self.name)} {digits(self.phone)}"[:300]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)


class ConsumptionPlace(TenantModel):
    customer = TenantForeignKey(Customer, on_delete=models.CASCADE, related_name="places")
    address = models.CharField(_("address"), max_length=300)
    postal_code = models.CharField(_("postal code"), max_length=12)
    city = models.CharField(_("city"), max_length=120)
    region = models.CharField(_("county/region"), max_length=120, blank=True)
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    search_key = models.CharField(max_length=400, blank=True, editable=False)  # folded address, kept by save()

    class Meta(TenantModel.Meta):
        indexes = [
            models.Index(fields=["tenant", "customer"], name="place_tenant_customer"),
            models.Index(fields=["tenant", "postal_code"], name="place_tenant_postal"),
        ]

    def __str__(self) -> str:
        return f"{self.postal_code} {self.city}, {self.address}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = fold(f"{self.postal_code} {self.city} {self.address} {self.region}")[:400]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)


class Meter(TenantModel):
    place = TenantForeignKey(
        ConsumptionPlace, verbose_name=_("consumption place"), on_delete=models.CASCADE, related_name="meters"
    )
    serial = models.CharField(_("meter serial number"), max_length=60)
    # What the bill or the plate says it is ("smart, three-phase", "G4 diaphragm"): free text, trades differ.
    meter_type = models.CharField(_("meter type"), max_length=60, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    # A replaced or removed meter stays on the record (old bills and complaints quote its serial).
    removed_on = models.DateField(_("removed on"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "serial"], name="meter_serial_per_tenant")]
        indexes = [models.Index(F("tenant"), Upper("serial"), name="meter_tenant_serial_ci")]

    def __str__(self) -> str:
        return self.serial

    @property
    def in_service(self) -> bool:
        return self.removed_on is None


class Representative(TenantModel):
    """Someone acting for the customer (seed 000): needs a power of attorney on file."""

    customer = TenantForeignKey(Customer, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("mailing address"), max_length=300, blank=True)
    power_of_attorney = models.FileField(_("power of attorney"), upload_to="poa/%Y/%m/", blank=True)
    poa_filename = models.CharField(max_length=255, blank=True)
    poa_sha256 = models.CharField(max_length=64, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["tenant", "customer"], name="rep_tenant_customer")]

    def __str__(self) -> str:
        return self.name

    @property
    def poa_valid_today(self) -> bool:
        from querela.core import clock

        return self.may_act_on(clock.tenant_today(self.tenant))

    def may_act_on(self, day: date) -> bool:
        """A power of attorney on file, not expired on that day."""
        return bool(self.power_of_attorney) and (self.valid_until is None or day <= self.valid_until)


class Invoice(TenantModel):
    """A bill sent to a customer: its number, printed on the bill, proves who holds it (account linking)."""

    customer = TenantForeignKey(Customer, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="invoice_number_per_tenant")]
        indexes = [
            models.Index(F("tenant"), Upper("number"), name="invoice_tenant_number_ci"),
            models.Index(fields=["tenant", "customer"], name="invoice_tenant_customer"),
        ]

    def __str__(self) -> str:
        return self.number
