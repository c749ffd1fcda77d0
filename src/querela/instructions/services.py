"""Writing work instructions: a new supplier's defaults, the administrator's loading of a set in a
language, and edits — each a new version, with its reason, audited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints.models import Category
from querela.core import clock, tenancy
from querela.core.channels import Channel
from querela.core.errors import NotFound, ValidationFailed
from querela.customers.models import ServiceType
from querela.tenants.access import Actor, require

from .models import Check, DocumentTemplate, InstructionStep, Segment, WorkInstruction
from .placeholders import PLACEHOLDERS, unknown_placeholders
from .presets import presets_for

# What the administrator edits on an instruction (the form page and the service agree on this list).
EDITABLE = ("category", "channel", "service_type", "segment", "title", "purpose")
MAX_STEPS = 30
MAX_DOCUMENTS = 10
MAX_STEP_DAYS = 90
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,39}$")
# As the org chart writes a job code (matched there whatever its case).
_JOB = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


@dataclass(frozen=True)
class StepInput:
    check_code: str
    title: str
    how_to: str
    job_code: str
    evidence: str
    mandatory: bool = True
    days: int = 1


@dataclass(frozen=True)
class DocumentInput:
    title: str
    body: str


def instructions_seed(*, sector: str, language: str) -> int:
    """Give the current tenant its sector's default instructions in the language (English where one has no
    text in it) that it lacks: by preset key, and never a second instruction under a code and language it
    already uses. An instruction the administrator edited or wrote stays as they left it. Returns how many."""
    tenant = tenancy.current_tenant()
    have = set(WorkInstruction.objects.exclude(preset="").values_list("preset", flat=True))
    taken = set(WorkInstruction.objects.values_list("code", "language"))
    presets = [p for p in presets_for(sector, language) if p.key not in have and (p.code, p.language) not in taken]
    if not presets:
        return 0
    now = clock.now()
    rows = WorkInstruction.objects.bulk_create(
        WorkInstruction(
            tenant=tenant,
            code=p.code,
            version=1,
            is_current=True,
            category=p.category,
            channel=p.channel,
            service_type=p.service_type,
            segment=p.segment,
            language=p.language,
            title=p.title,
            purpose=p.purpose,
            preset=p.key,
            created_at=now,
        )
        for p in presets
    )
    if any(r.pk is None for r in rows):  # a database that returns no ids from a bulk insert
        ids = dict(WorkInstruction.objects.filter(preset__in=[p.key for p in presets]).values_list("preset", "pk"))
        for r in rows:
            r.pk = ids[r.preset]
    InstructionStep.objects.bulk_create(
        InstructionStep(
            tenant=tenant,
            instruction_id=row.pk,
            position=n,
            check_code=s.check,
            title=s.title,
            how_to=s.how_to,
            job_code=s.job,
            evidence=s.evidence,
            mandatory=s.mandatory,
            days=s.days,
        )
        for row, p in zip(rows, presets, strict=True)
        for n, s in enumerate(p.steps, start=1)
    )
    DocumentTemplate.objects.bulk_create(
        DocumentTemplate(tenant=tenant, instruction_id=row.pk, position=n, title=d.title, body=d.body)
        for row, p in zip(rows, presets, strict=True)
        for n, d in enumerate(p.documents, start=1)
    )
    return len(rows)


def instructions_load(*, actor: Actor, language: str) -> int:
    """The administrator loads the sector's default instructions that are missing, in a language (a
    supplier made before the library existed starts with none; one may want the English set beside its own)."""
    require(actor, "instructions.manage")
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Unknown language."), code="language")
    tenant = tenancy.current_tenant()
    with transaction.atomic():
        made = instructions_seed(sector=tenant.sector, language=language)
        audit_record(
            actor=actor,
            action="instructions.load",
            object_type="tenant",
            object_id=tenant.code,
            changes={"language": language, "added": made},
        )
    return made


def instruction_save(
    *,
    actor: Actor,
    instruction_id: int | None,
    values: dict[str, Any],
    steps: Sequence[StepInput],
    documents: Sequence[DocumentInput],
    reason: str = "",
) -> WorkInstruction:
    """Create an instruction (`instruction_id` None: `values` also give its `code` and `language`), or save
    an edit of the current version as the next version, with the reason for it. The earlier version keeps
    its steps and documents as they were; an edit that changes nothing writes nothing."""
    require(actor, "instructions.manage")
    fields = _checked_fields(values)
    steps = [_checked_step(n, s) for n, s in enumerate(steps, start=1)]
    documents = [_checked_document(n, d) for n, d in enumerate(documents, start=1)]
    if not steps:
        raise ValidationFailed(_("An instruction needs at least one step."), code="steps")
    if len(steps) > MAX_STEPS:
        raise ValidationFailed(_("At most %(n)s steps.") % {"n": MAX_STEPS}, code="steps")
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationFailed(_("At most %(n)s documents.") % {"n": MAX_DOCUMENTS}, code="documents")
    reason = reason.strip()
    with transaction.atomic():
        if instruction_id is None:
            code, language = _checked_identity(values)
            previous = None
            version = 1
        else:
            previous = WorkInstruction.objects.select_for_update().filter(pk=instruction_id).first()
            if previous is None:
                raise NotFound(_("No such instruction."))
            if not previous.is_current:
                raise ValidationFailed(
                    _("A newer version of this instruction exists: edit that one."), code="not_current"
                )
            if not reason:
                raise ValidationFailed(_("Say why the instruction changes."), code="reason")
            code, language, version = previous.code, previous.language, previous.version + 1
        changes: dict[str, Any] = _changes(previous, fields, steps, documents)
        if previous is not None and not changes:
            raise ValidationFailed(_("Nothing was changed: no new version was written."), code="unchanged")
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        row = WorkInstruction.objects.create(
            code=code,
            language=language,
            version=version,
            is_current=True,
            change_reason=reason,
            created_by=actor.user if actor.user_id else None,
            created_at=clock.now(),
            **fields,
        )
        InstructionStep.objects.bulk_create(
            InstructionStep(tenant=row.tenant, instruction=row, position=n, **asdict(s))
            for n, s in enumerate(steps, start=1)
        )
        DocumentTemplate.objects.bulk_create(
            DocumentTemplate(tenant=row.tenant, instruction=row, position=n, title=d.title, body=d.body)
            for n, d in enumerate(documents, start=1)
        )
        audit_record(
            actor=actor,
            action="instructions.create" if previous is None else "instructions.version",
            object_type="work_instruction",
            object_id=code,
            changes={**changes, "language": language, "version": version, "reason": reason},
        )
    return row


def _checked_identity(values: dict[str, Any]) -> tuple[str, str]:
    code = str(values.get("code") or "").strip().upper()
    language = str(values.get("language") or "")
    if not _CODE.match(code):
        raise ValidationFailed(
            _("A code is 2 to 40 capital letters, digits, hyphens or underscores, e.g. EL-BILL-01."), code="code"
        )
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Unknown language."), code="language")
    if WorkInstruction.objects.filter(code=code, language=language).exists():
        raise ValidationFailed(
            _("An instruction with the code %(code)s exists in this language: edit it instead.") % {"code": code},
            code="code_taken",
        )
    return code, language


def _checked_fields(values: dict[str, Any]) -> dict[str, Any]:
    fields = {k: (str(values.get(k) or "")).strip() for k in EDITABLE}
    if not fields["title"]:
        raise ValidationFailed(_("The instruction needs a title."), code="title")
    for name, allowed, blank_ok in (
        ("category", Category.values, False),
        ("channel", Channel.values, True),
        ("service_type", ServiceType.values, True),
        ("segment", Segment.values, True),
    ):
        if not (fields[name] in allowed or (blank_ok and not fields[name])):
            raise ValidationFailed(_("Unknown %(field)s.") % {"field": name}, code=name)
    return fields


def _checked_step(n: int, s: StepInput) -> StepInput:
    step = StepInput(
        check_code=s.check_code.strip(),
        title=s.title.strip(),
        how_to=s.how_to.strip(),
        job_code=s.job_code.strip(),
        evidence=s.evidence.strip(),
        mandatory=bool(s.mandatory),
        days=int(s.days),
    )
    if step.check_code not in Check.values:
        raise ValidationFailed(_("Step %(n)s: unknown check.") % {"n": n}, code="check")
    for value, message in (
        (step.title, _("Step %(n)s needs a title.")),
        (step.how_to, _("Step %(n)s needs to say how it is done.")),
        (step.evidence, _("Step %(n)s needs the evidence it must produce.")),
    ):
        if not value:
            raise ValidationFailed(message % {"n": n}, code="step")
    if not _JOB.match(step.job_code):
        raise ValidationFailed(
            _("Step %(n)s: name the job by its org chart code (letters, digits, “.”, “_”, “-”).") % {"n": n},
            code="job",
        )
    if not 1 <= step.days <= MAX_STEP_DAYS:
        raise ValidationFailed(_("Step %(n)s: from 1 to %(max)s days.") % {"n": n, "max": MAX_STEP_DAYS}, code="days")
    return step


def _checked_document(n: int, d: DocumentInput) -> DocumentInput:
    doc = DocumentInput(title=d.title.strip(), body=d.body.strip())
    if not doc.title or not doc.body:
        raise ValidationFailed(_("Document %(n)s needs a title and a text.") % {"n": n}, code="document")
    unknown = unknown_placeholders(doc.body)
    if unknown:
        raise ValidationFailed(
            _("Document %(n)s: unknown placeholder %(unknown)s. The text may use: %(known)s.")
            % {
                "n": n,
                "unknown": ", ".join("{" + name + "}" for name in unknown),
                "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
            },
            code="placeholder",
        )
    return doc


def _changes(
    previous: WorkInstruction | None,
    fields: dict[str, Any],
    steps: list[StepInput],
    documents: list[DocumentInput],
) -> dict[str, Any]:
    """Before/after pairs of what an edit changes (everything, for a new instruction)."""
    if previous is None:
        return {
            **{k: [None, v] for k, v in fields.items() if v},
            "steps": [None, len(steps)],
            "documents": [None, len(documents)],
        }
    changes: dict[str, Any] = {k: [getattr(previous, k), v] for k, v in fields.items() if getattr(previous, k) != v}
    old_steps = [
        StepInput(
            check_code=s.check_code,
            title=s.title,
            how_to=s.how_to,
            job_code=s.job_code,
            evidence=s.evidence,
            mandatory=s.mandatory,
            days=s.days,
        )
        for s in previous.steps.all()
    ]
    if old_steps != steps:
        changes["steps"] = [_step_summary(old_steps), _step_summary(steps)]
    old_documents = [DocumentInput(title=d.title, body=d.body) for d in previous.documents.all()]
    if old_documents != documents:
        changes["documents"] = [[d.title for d in old_documents], [d.title for d in documents]]
    return changes


def _step_summary(steps: list[StepInput]) -> list[str]:
    return [f"{s.title} ({s.job_code}, {s.days})" for s in steps]
