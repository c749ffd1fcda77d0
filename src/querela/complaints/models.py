from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from querela.core.channels import Channel
from querela.core.fields import TenantForeignKey
from querela.core.models import TenantManager, TenantModel

from .workflow import FINISHED_STATUSES, Decision, Status


class Kind(models.TextChoices):
    """Complaint, public-interest report, or a non-complaint that is redirected (seeds 000, 004)."""

    COMPLAINT = "complaint", _("Complaint")
    PUBLIC_INTEREST = "public_interest", _("Public-interest report")
    INFORMATION_REQUEST = "information_request", _("Information request")
    TECHNICAL_FAULT = "technical_fault", _("Technical fault report (outage, damaged line)")
    DATA_CHANGE = "data_change", _("Data or owner change")
    EQUITY_REQUEST = "equity_request", _("Equity request (instalments, deferral)")
    BALANCE_QUERY = "balance_query", _("Account balance query")
    BILL_COPY = "bill_copy", _("Bill copy or replacement cheque")
    METER_READING = "meter_reading", _("Meter reading report")
    OTHER = "other", _("Other non-complaint")


COMPLAINT_KINDS = frozenset({Kind.COMPLAINT, Kind.PUBLIC_INTEREST})


class Category(models.TextChoices):
    BILLING = "billing", _("Billing")
    METERING = "metering", _("Metering")
    SUPPLY = "supply", _("Supply quality or interruption")
    CONTRACT = "contract", _("Contract")
    STAFF_CONDUCT = "staff_conduct", _("Staff conduct")
    DAMAGE = "damage", _("Damage compensation")
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")
    OTHER = "other", _("Other")


# The form facts above, in the order a handler reads them.
GIVEN_FIELDS = (
    "given_customer_number",
    "acting_for",
    "place_address",
    "mailing_address",
    "serial_number",
    "product_model",
    "ticket_number",
    "earlier_contacts",
    "proposed_solution",
)


class ReferenceCounter(TenantModel):
    """Last number issued per tenant and year; incremented in the complaint's own transaction."""

    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="refcounter_tenant_year")]


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def update(self, **kwargs: Any) -> int:
        # A status changes only through the workflow (complaint_transition: row lock, role guard,
        # timeline, audit). A bulk update would skip all four.
        if "status" in kwargs:
            raise TypeError("Complaint.status is written only by complaints.services.complaint_transition.")
        return super().update(**kwargs)


class ComplaintManager(TenantManager.from_queryset(ComplaintQuerySet)):  # type: ignore[misc]
    pass


class Complaint(TenantModel):
    objects = ComplaintManager()
    # Not a field: while a registration runs, the message ids of the conversation so far (what a reply
    # written in the same transaction threads to, without reading back what it has just inserted).
    fresh_thread: list[str] | None = None

    reference = models.CharField(_("reference number"), max_length=20)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received (registration time)"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.COMPLAINT)
    kind_confirmed = models.BooleanField(_("kind confirmed by a person"), default=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    subject = models.CharField(_("subject"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    customer = TenantForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    place = TenantForeignKey(
        "customers.ConsumptionPlace", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    # Seed 000: someone acting for the customer files with a power of attorney.
    representative = TenantForeignKey(
        "customers.Representative", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    # Contact as given by whoever filed it, kept even when no customer could be matched yet.
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    reply_channel = models.CharField(_("reply channel"), max_length=20, choices=Channel.choices)
    department = TenantForeignKey(
        "tenants.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_complaints"
    )
    # Seed 004: every call is recorded under a unique id that the customer is told and may ask for.
    call_recording = models.CharField(_("call recording id"), max_length=60, blank=True)
    policy_name = models.CharField(_("deadline policy"), max_length=64, blank=True)
    policy_version = models.PositiveIntegerField(default=0)  # 0: the built-in preset; see policy_for
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("deemed accepted by law"), default=False)
    # Seeds 001, 004: settled during the call or the visit (the answer was said; see the timeline).
    resolved_on_spot = models.BooleanField(_("answered on the spot"), default=False)
    # What the (last) answer decided; partly upheld or rejected, the answer named the remedies.
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    # The earliest due date of a step not yet done and its reminder day, kept by `deadlines_recompute`:
    # the worklist sorts and filters by them through an index (at a million complaints, a per-row
    # subquery to find them was most of the page).
    next_due = models.DateField(_("next due"), null=True, blank=True)
    next_remind = models.DateField(null=True, blank=True)
    # What the free-text search reads (complaints/search.py): folded reference, subject, people,
    # places and the customer's messages; kept by `search_refresh`.
    search_text = models.TextField(blank=True, default="", db_default="", editable=False)
    needs_attention = models.CharField(_("flagged for a person"), max_length=300, blank=True)
    redirect_explanation = models.TextField(_("where to turn instead"), blank=True)
    # What the complainant gave on a form (seed 000's fields; seed 002's service and product complaints), kept
    # as fields of their own: handlers and the API read them as such, and a customer not yet identified is
    # identified from them.
    given_customer_number = models.CharField(_("customer id given"), max_length=40, blank=True)
    serial_number = models.CharField(_("meter or device serial number"), max_length=60, blank=True)
    product_model = models.CharField(_("product model"), max_length=120, blank=True)
    ticket_number = models.CharField(_("service ticket number"), max_length=60, blank=True)
    place_address = models.CharField(_("consumption place address given"), max_length=300, blank=True)
    mailing_address = models.CharField(_("mailing address given"), max_length=300, blank=True)
    acting_for = models.CharField(_("filed on behalf of"), max_length=200, blank=True)
    earlier_contacts = models.TextField(_("earlier contacts and their outcome"), blank=True)
    proposed_solution = models.TextField(_("solution proposed by the customer"), blank=True)
    # The language the complainant used on the form: what we write back in (see complaint_language).
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "reference"], name="complaint_reference_per_tenant")]
        indexes = [
            models.Index(fields=["tenant", "status", "received_at"], name="complaint_tenant_status"),
            models.Index(fields=["tenant", "assignee", "status"], name="complaint_tenant_assignee"),
            models.Index(fields=["tenant", "customer"], name="complaint_tenant_customer"),
            models.Index(fields=["tenant", "answer_due"], name="complaint_tenant_answer_due"),
            models.Index(fields=["tenant", "received_at", "id"], name="complaint_tenant_received"),
            models.Index(fields=["tenant", "next_due", "id"], name="complaint_tenant_next_due"),
            models.Index(fields=["tenant", "assignee", "next_due", "id"], name="complaint_tenant_mine_due"),
        ]
        ordering = ["-received_at"]

    @property
    def is_finished(self) -> bool:
        """Answered, closed or redirected: no answer is owed now."""
        return self.status in FINISHED_STATUSES

    def __str__(self) -> str:
        return self.reference


class EntryType(models.TextChoices):
    INBOUND = "inbound", _("Message from the customer")
    OUTBOUND = "outbound", _("Message to the customer")
    NOTE = "note", _("Internal note")
    STATUS = "status", _("Status change")
    ATTACHMENT = "attachment", _("Attachment")
    SYSTEM = "system", _("System event")


class TimelineEntry(TenantModel):
    complaint = TenantForeignKey(Complaint, on_delete=models.CASCADE, related_name="timeline")
    entry_type = models.CharField(max_length=20, choices=EntryType.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    author_label = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["tenant", "complaint", "created_at"], name="timeline_tenant_complaint")]
        ordering = ["created_at", "pk"]


class Attachment(TenantModel):
    complaint = TenantForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    entry = TenantForeignKey(TimelineEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="files")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["tenant", "complaint"], name="attachment_tenant_complaint")]


class Notification(TenantModel):
    """A message to staff that must go out once: the unique key makes retries and parallel workers safe."""

    complaint = TenantForeignKey(Complaint, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30)  # assigned, due_soon, breached, deemed_accepted, ...
    key = models.CharField(max_length=80)  # e.g. the step and due date it is about
    recipient = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "complaint", "kind", "key"], name="notification_once")]
        indexes = [models.Index(fields=["tenant", "sent_at"], name="notification_tenant_unsent")]


class DeadlinePolicy(TenantModel):
    """A tenant's own copy of a policy (edited from a preset); every edit is a new version."""

    name = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "name", "version"], name="policy_version_once")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class DeadlineEvent(TenantModel):
    """What the deadline engine counts from: acknowledged, info requested/received, extended, answered."""

    complaint = TenantForeignKey(Complaint, on_delete=models.CASCADE, related_name="deadline_events")
    event_type = models.CharField(max_length=30)
    at = models.DateTimeField()
    days = models.PositiveIntegerField(null=True, blank=True)
    notice_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=60, blank=True)

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["tenant", "complaint", "at"], name="dlevent_tenant_complaint")]
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.event_type}@{self.at:%Y-%m-%d}"


class DeadlineStep(TenantModel):
    """A step's current due date, stored for queries; `next_check_on` is what the sweep reads."""

    complaint = TenantForeignKey(Complaint, on_delete=models.CASCADE, related_name="deadline_steps")
    step = models.CharField(max_length=20)  # ack, progress, answer
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    remind_on = models.DateField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)
    next_check_on = models.DateField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "complaint", "step"], name="deadline_step_once")]
        indexes = [models.Index(fields=["tenant", "next_check_on"], name="deadline_tenant_next_check")]

    def __str__(self) -> str:
        return f"{self.step}: {self.due_date}"
