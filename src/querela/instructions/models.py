"""The work instruction library (issue 14, seed 003): how to verify what a complaint reports, step by step,
who does each step (a job of the supplier's org chart), the evidence each step produces, and the justifying
documents to draw up.

An instruction is versioned: an edit never changes a row, it writes the next version (steps and documents
copied into it) and marks it current; the earlier versions stay readable as they were.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from querela.complaints.models import Category
from querela.core.channels import Channel
from querela.core.fields import TenantForeignKey
from querela.core.models import TenantModel
from querela.customers.models import ServiceType


class Segment(models.TextChoices):
    """Which customers an instruction is written for (blank: any)."""

    HOUSEHOLD = "household", _("Household customers")
    BUSINESS = "business", _("Business customers")
    PUBLIC = "public", _("Public institutions")


class Check(models.TextChoices):
    """The fixed vocabulary of checks a step runs: routing, reports and the checklist on a case speak of
    these codes, so an administrator words a step as they like but picks its check from this list."""

    CASE_HISTORY_REVIEW = "case_history_review", _("Earlier contacts and cases")
    IDENTIFICATION_CHECK = "identification_check", _("Identification of the customer, place and subject")
    METER_READING_HISTORY = "meter_reading_history", _("Meter reading history")
    BILL_RECALCULATION = "bill_recalculation", _("Bill recalculation")
    TARIFF_CHECK = "tariff_check", _("Tariff and price check")
    SUPPLY_INTERRUPTION_LOG = "supply_interruption_log", _("Supply-interruption log")
    VOLTAGE_QUALITY_MEASUREMENT = "voltage_quality_measurement", _("Voltage-quality measurement")
    PRESSURE_TEMPERATURE_MEASUREMENT = "pressure_temperature_measurement", _("Pressure or temperature measurement")
    WATER_QUALITY_SAMPLE = "water_quality_sample", _("Water-quality sample")
    ON_SITE_INSPECTION = "on_site_inspection", _("On-site inspection")
    ACCREDITED_METER_TEST = "accredited_meter_test", _("Meter test at an accredited laboratory")
    RECORDING_REVIEW = "recording_review", _("Call recording review")
    STAFF_CONDUCT_HEARING = "staff_conduct_hearing", _("Staff-conduct hearing")
    DAMAGE_ASSESSMENT = "damage_assessment", _("Damage assessment")
    COMPENSATION_CALCULATION = "compensation_calculation", _("Compensation calculation")
    PAYMENT_BOOKING_CHECK = "payment_booking_check", _("Payment and booking check")
    DEBT_COLLECTION_CHECK = "debt_collection_check", _("Arrears, reminders and disconnection check")
    CONTRACT_CHECK = "contract_check", _("Contract check")
    SWITCHING_PROCESS_CHECK = "switching_process_check", _("Supplier-switching process check")
    CONNECTION_PROCESS_CHECK = "connection_process_check", _("Connection or capacity request check")
    WORK_ORDER_CHECK = "work_order_check", _("Work order and field report check")
    HEAT_COST_ALLOCATION = "heat_cost_allocation", _("Heat-cost allocation check")
    DATA_PROTECTION_CHECK = "data_protection_check", _("Personal-data processing check")
    LEGAL_REVIEW = "legal_review", _("Legal review")
    DEVICE_DIAGNOSTICS = "device_diagnostics", _("Device diagnostics")
    WARRANTY_CHECK = "warranty_check", _("Warranty check")
    RMA = "rma", _("Return (RMA)")
    SHIPMENT_TRACKING = "shipment_tracking", _("Shipment tracking")
    SERVICE_VISIT_LOG = "service_visit_log", _("Service visit log")
    FIRMWARE_CHECK = "firmware_check", _("Firmware and monitoring data check")


class WorkInstruction(TenantModel):
    """One version of one instruction in one language. `code` + `language` name the instruction; the row
    with `is_current` is the one in use, the others are its history (each with the reason it was made)."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices, blank=True)
    segment = models.CharField(_("customer segment"), max_length=20, choices=Segment.choices, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    change_reason = models.TextField(_("reason for this version"), blank=True)
    # The default it was loaded from (data/*.json, "<code>:<language>"), on the version loaded: loading
    # again adds only what is missing, and an instruction the administrator edited stays as they left it.
    preset = models.CharField(max_length=80, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code", "language", "version"], name="instruction_version_once"),
            models.UniqueConstraint(
                fields=["tenant", "code", "language"], condition=Q(is_current=True), name="instruction_one_current"
            ),
            models.UniqueConstraint(
                fields=["tenant", "preset"], condition=~Q(preset=""), name="instruction_preset_once"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "is_current", "category", "code"], name="instruction_current")]
        ordering = ["code", "language", "-version"]
        verbose_name = _("work instruction")

    def __str__(self) -> str:
        return f"{self.code} v{self.version} — {self.title}"


class InstructionStep(TenantModel):
    """One check of an instruction, in order: who does it (a job of the org chart, by its code: the org
    chart may be edited without touching instructions), how, the evidence it must produce, whether it may
    be skipped, and the days it gets of the statutory deadline."""

    instruction = TenantForeignKey(WorkInstruction, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    # Not `check`: that name is Django's `Model.check()`.
    check_code = models.CharField(_("check"), max_length=40, choices=Check.choices)
    title = models.CharField(_("title"), max_length=200)
    how_to = models.TextField(_("how to do it"))
    job_code = models.CharField(_("job (org chart code)"), max_length=40)
    evidence = models.TextField(_("evidence required"))
    mandatory = models.BooleanField(_("mandatory"), default=True)
    days = models.PositiveSmallIntegerField(_("days of the deadline"), default=1)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "instruction", "position"], name="instruction_step_position")
        ]
        ordering = ["position"]
        verbose_name = _("instruction step")

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class DocumentTemplate(TenantModel):
    """A justifying document an instruction has drawn up (a recalculation statement, an inspection record…):
    its text with placeholders (`placeholders.py`) filled from the complaint, rendered to PDF."""

    instruction = TenantForeignKey(WorkInstruction, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "instruction", "position"], name="instruction_document_position")
        ]
        ordering = ["position"]
        verbose_name = _("document template")

    def __str__(self) -> str:
        return self.title


class StepState(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ChecklistStep(TenantModel):
    """One step of a work instruction on one complaint (issue 14, item 4): attached when the complaint is
    registered or its category corrected, with the instruction's version pinned and the step's wording
    copied, assigned to the job's holders and deputies of the day it was attached, due within the answer
    deadline. Open → done (with its evidence: files of the complaint, or a note) or not applicable (with
    a reason), only through `checklists.py`."""

    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="checklist_steps")
    instruction = TenantForeignKey(WorkInstruction, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    check_code = models.CharField(_("check"), max_length=40, choices=Check.choices)
    title = models.CharField(_("title"), max_length=200)
    job_code = models.CharField(_("job (org chart code)"), max_length=40)
    evidence_required = models.TextField(_("evidence required"), blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    # The people acting for the job on the day it was attached (holders, then deputies): ids, not a join
    # table, so every row of the checklist stays in its tenant's table.
    assignee_ids = models.JSONField(_("assignees"), default=list, blank=True)
    attached_on = models.DateField(_("attached on"))
    due_on = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=20, choices=StepState.choices, default=StepState.OPEN)
    note = models.TextField(_("note or reason"), blank=True)
    # The complaint's attachments that prove it (ids of `complaints.Attachment` rows of the same complaint).
    evidence_ids = models.JSONField(_("evidence files"), default=list, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "complaint", "instruction", "position"], name="checklist_step_once"
            )
        ]
        indexes = [models.Index(fields=["tenant", "complaint", "state"], name="checklist_complaint_state")]
        ordering = ["complaint", "attached_on", "instruction_id", "position"]
        verbose_name = _("checklist step")

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class ChecklistOverride(TenantModel):
    """A supervisor's decision that a complaint may be answered with mandatory steps still open."""

    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["tenant", "complaint"], name="checklist_override_complaint")]
        verbose_name = _("checklist override")


class ChecklistChoice(TenantModel):
    """The instruction a handler chose for a complaint instead of the one picked for its category (a billing
    complaint about the tariff, not the amount): kept while the category stays; its current version is
    followed. A new category starts from the automatic pick again."""

    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    instruction_code = models.CharField(_("instruction"), max_length=40)
    reason = models.TextField(_("reason"))
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(_("chosen at"))

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "complaint"], name="checklist_choice_once")]
        verbose_name = _("instruction chosen for a case")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.instruction_code}"
