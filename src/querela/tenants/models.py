from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel

from .roles import Role


class Country(models.TextChoices):
    HU = "HU", _("Hungary")
    PL = "PL", _("Poland")
    RO = "RO", _("Romania")


class Sector(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Gas")
    DISTRICT_HEATING = "district_heating", _("District heating")
    WATER = "water", _("Water")
    PRODUCT_SERVICE = "product_service", _("Product/service")


class OperatorCompany(models.Model):
    """A service company handling complaints on behalf of one or more suppliers (seeds 000, 003)."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


class Tenant(models.Model):
    """A supplier. Not tenant-owned itself: it is the scope."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("short code"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,5}$", _("2 to 5 capital letters."))],
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    default_language = models.CharField(_("default language"), max_length=5, choices=settings.LANGUAGES)
    time_zone = models.CharField(_("time zone"), max_length=64)
    mailbox = models.EmailField(_("complaint mailbox"), unique=True)
    deadline_policy = models.CharField(_("deadline policy"), max_length=64)
    operator = models.ForeignKey(
        OperatorCompany, verbose_name=_("operator company"), null=True, blank=True, on_delete=models.SET_NULL
    )
    max_attachment_bytes = models.PositiveIntegerField(_("largest attachment (bytes)"), default=20 * 1024 * 1024)
    allowed_attachment_types = models.JSONField(
        _("allowed attachment types"),
        default=list,
        blank=True,
        help_text=_("Content types accepted for uploads; empty means the platform default list."),
    )
    # The supplier's own calendar on top of the national one: office closures, extra working days.
    closures = models.JSONField(_("office closures (dates)"), default=list, blank=True)
    extra_working_days = models.JSONField(_("extra working days (dates)"), default=list, blank=True)
    # Seed 000/004: an answer names where a dissatisfied customer may turn (authority, conciliation body,
    # regulator). Written once per supplier and added to every answer.
    answer_footer = models.TextField(_("added to every answer (remedies)"), blank=True)
    reminder_working_days = models.PositiveSmallIntegerField(
        _("remind the assignee this many working days before a due date"), default=3
    )
    # Seed 001: by phone, personal data only after identification — by the customer id, or by this many
    # other items (meter serial, invoice number, full name, address, phone, e-mail).
    identify_items_required = models.PositiveSmallIntegerField(
        _("identifying items a caller gives instead of the customer id"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    # Mail intake limits (issue: 2,010 mails from one address in 4 minutes): beyond them mail is kept and
    # held for a person — never lost, never billed, never answered automatically.
    intake_limit_per_sender = models.PositiveIntegerField(_("mails per sender and hour before holding"), default=20)
    intake_limit_per_mailbox = models.PositiveIntegerField(
        _("mails per hour to the mailbox before holding"), default=2000
    )
    # RFC 3834: at most one automatic reply to the same sender in this period.
    auto_reply_interval_hours = models.PositiveSmallIntegerField(
        _("hours between automatic replies to one sender"), default=24
    )
    # Four eyes (issue 13): a handler's extension of the answer deadline is a request a supervisor other than
    # the requester approves before the notice goes out.
    extension_needs_approval = models.BooleanField(
        _("extensions need a supervisor's approval (four eyes)"), default=False
    )
    price_per_complaint = models.DecimalField(_("price per complaint"), max_digits=8, decimal_places=2, default=6)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Department(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="department_code_per_tenant")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A person's role in one tenant. An operator's staff hold one membership per served tenant."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=20, choices=[c for c in Role.choices if c[0] != Role.PLATFORM_OPERATOR]
    )
    department = TenantForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="one_membership_per_tenant")]
        indexes = [models.Index(fields=["tenant", "role"], name="membership_tenant_role")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant_id}: {self.role}"


class PlatformOperator(models.Model):
    """Installation-wide role: manages tenants and billing, not complaint contents."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_operator")

    def __str__(self) -> str:
        return str(self.user)


class ApiToken(TenantModel):
    """Only the key's SHA-256 is stored: the key itself is shown once, when it is issued.

    The key lookup (authentication, before any tenant is known) is the one query here that does not
    start with the tenant: a random key names its row on its own.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_sha256 = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="one_api_token_per_tenant_user")]

    def __str__(self) -> str:
        return f"token of {self.user_id} in {self.tenant_id}"
