"""Customer offices with opening hours, and the appointments booked at them (seed 004)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel


class Office(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    # {"mon": [["08:00", "12:00"], ["13:00", "16:00"]], "tue": [...], ...}; days not named are closed.
    opening_hours = models.JSONField(_("opening hours"), default=dict)
    slot_minutes = models.PositiveSmallIntegerField(_("appointment length (minutes)"), default=20)
    capacity = models.PositiveSmallIntegerField(_("customers served at once"), default=1)
    is_active = models.BooleanField(_("open for booking"), default=True)

    class Meta(TenantModel.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(TenantModel):
    office = TenantForeignKey(Office, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    matter = models.CharField(_("matter"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    customer_number = models.CharField(_("customer id"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AppointmentStatus.choices, default="booked")
    requested_at = models.DateTimeField(_("requested at"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Booked by a member of staff for a caller on the phone (seed 004: "online or by phone").
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    # Bumped by every reschedule and cancel: a link mailed before it no longer changes anything.
    version = models.PositiveIntegerField(default=1)

    class Meta(TenantModel.Meta):
        indexes = [
            models.Index(fields=["tenant", "office", "starts_at"], name="appt_tenant_office_start"),
            models.Index(fields=["tenant", "starts_at"], name="appt_tenant_start"),
        ]
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.office} {self.starts_at:%Y-%m-%d %H:%M}"
