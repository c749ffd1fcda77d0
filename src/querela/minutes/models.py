"""Minutes of an oral complaint (seed 004): every element the rules list, both signatures, the PDF.

Signed minutes never change: the row refuses a save, an update and a delete once signed. A mistake is
corrected by a new version that `supersedes` the old one; both stay, each with its own PDF.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from querela.core.errors import ValidationFailed
from querela.core.fields import TenantForeignKey
from querela.core.models import TenantManager, TenantModel


class MinutesSigned(ValidationFailed):
    """Signed minutes were about to change."""

    code = "minutes_signed"

    def __init__(self) -> None:
        super().__init__(gettext("Signed minutes cannot be changed. Write a correction (a new version) instead."))


class FilingWay(models.TextChoices):
    IN_PERSON = "in_person", _("In person at the customer office")
    APPOINTMENT = "appointment", _("In person, by appointment")
    PHONE = "phone", _("By phone")


class Capacity(models.TextChoices):
    """In what capacity someone was present (seed 004: proxy, owner, staff)."""

    OWNER = "owner", _("Customer (owner or user)")
    PROXY = "proxy", _("Proxy (authorised representative)")
    STAFF = "staff", _("Staff of the supplier")
    OTHER = "other", _("Other")


class ReplyBy(models.TextChoices):
    """The case continues as a written complaint: answered by post or by e-mail."""

    POST = "post", _("By post")
    EMAIL = "email", _("By e-mail")


class CopyBy(models.TextChoices):
    PRINT = "print", _("Printed and handed over")
    EMAIL = "email", _("Sent by e-mail")


class MinutesQuerySet(models.QuerySet["Minutes"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(signed_at__isnull=False).exists():
            raise MinutesSigned()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(signed_at__isnull=False).exists():
            raise MinutesSigned()
        return super().delete()


class MinutesManager(TenantManager.from_queryset(MinutesQuerySet)):  # type: ignore[misc]
    pass


class Minutes(TenantModel):
    objects = MinutesManager()

    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="minutes")
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = TenantForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects")
    )
    # The customer.
    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_address = models.CharField(_("address"), max_length=300)
    customer_number = models.CharField(_("customer id"), max_length=40, blank=True)
    customer_email = models.EmailField(_("e-mail"), blank=True)
    customer_phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Time, place and way of filing.
    filed_at = models.DateTimeField(_("time of filing"))
    filed_place = models.CharField(_("place of filing"), max_length=300)
    filing_way = models.CharField(_("way of filing"), max_length=20, choices=FilingWay.choices)
    # Those present: [{"name": "…", "capacity": "owner"}, …]
    present = models.JSONField(_("present"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    description = models.TextField(_("detailed description"))
    evidence = models.JSONField(_("documents and evidence shown"), default=list)  # ["…", …]
    statement = models.TextField(_("the supplier's statement on the complaint"))
    drawn_up_place = models.CharField(_("place of the minutes"), max_length=300)
    drawn_up_at = models.DateTimeField(_("time of the minutes"))
    reply_channel = models.CharField(_("the answer goes out"), max_length=20, choices=ReplyBy.choices)
    copy_by = models.CharField(_("the customer's copy"), max_length=10, choices=CopyBy.choices)
    # The signatures: a drawn PNG, or a typed name that the clerk confirmed (the keyboard alternative).
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorder_name = models.CharField(_("recorder"), max_length=200, blank=True)
    recorder_signature = models.BinaryField(null=True, blank=True)
    recorder_typed_name = models.CharField(max_length=200, blank=True)
    recorder_confirmed_by = models.CharField(max_length=200, blank=True)
    customer_signature = models.BinaryField(null=True, blank=True)
    customer_typed_name = models.CharField(max_length=200, blank=True)
    customer_confirmed_by = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    pdf = TenantForeignKey("complaints.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            # One correction per version: the versions of a minutes form one line, never a tree.
            models.UniqueConstraint(fields=["tenant", "supersedes"], name="minutes_one_correction"),
        ]
        indexes = [models.Index(fields=["tenant", "complaint", "version"], name="minutes_tenant_complaint")]
        ordering = ["complaint", "version", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id} v{self.version}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Minutes.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise MinutesSigned()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.pk is not None and Minutes.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise MinutesSigned()
        return super().delete(*args, **kwargs)

    def present_rows(self) -> list[tuple[str, str]]:
        """(name, capacity as people read it) for each person present."""
        labels = dict(Capacity.choices)
        return [
            (str(p.get("name", "")), str(labels.get(p.get("capacity", ""), p.get("capacity", ""))))
            for p in self.present
        ]
