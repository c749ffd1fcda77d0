"""Writing answer templates: a new supplier's defaults, and the administrator's edits (audited)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from querela.audit.services import audit_record
from querela.complaints.models import Category, Kind
from querela.complaints.workflow import Decision
from querela.core import tenancy
from querela.core.errors import NotFound, ValidationFailed
from querela.tenants.access import Actor, require

from .defaults import DEFAULTS
from .models import AnswerTemplate
from .placeholders import PLACEHOLDERS, unknown_placeholders

# What the administrator edits (the form page and the service agree on this list).
EDITABLE = ("name", "language", "kind", "category", "decision", "body", "is_active")


def answer_templates_seed() -> int:
    """Give the current tenant the default templates it lacks (by preset key); one the administrator
    changed or switched off stays as they left it. Returns how many were added."""
    tenant = tenancy.current_tenant()
    have = set(AnswerTemplate.objects.exclude(preset="").values_list("preset", flat=True))
    new = [
        AnswerTemplate(tenant=tenant, preset=d.key, name=d.name, language=d.language, decision=d.decision, body=d.body)
        for d in DEFAULTS
        if d.key not in have
    ]
    AnswerTemplate.objects.bulk_create(new)
    return len(new)


def check_placeholders(body: str) -> None:
    """Refuse a text naming a placeholder that does not exist: it would reach the customer as written."""
    unknown = unknown_placeholders(body)
    if unknown:
        raise ValidationFailed(
            _("Unknown placeholder %(unknown)s. The text may use: %(known)s.")
            % {
                "unknown": ", ".join("{" + name + "}" for name in unknown),
                "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
            },
            code="placeholder",
        )


def answer_template_save(*, actor: Actor, template_id: int | None, values: dict[str, Any]) -> AnswerTemplate:
    """Create (`template_id` None) or change one template."""
    require(actor, "tenant.configure")
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items() if k in EDITABLE}
    if "name" in values and not values["name"]:
        raise ValidationFailed(_("The template needs a name."), code="name")
    if "body" in values:
        if not values["body"]:
            raise ValidationFailed(_("The template needs a text."), code="body")
        check_placeholders(values["body"])
    if "language" in values and values["language"] not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Unknown language."), code="language")
    for field, allowed in (("kind", Kind.values), ("category", Category.values), ("decision", Decision.values)):
        if values.get(field) and values[field] not in allowed:
            raise ValidationFailed(_("Unknown %(field)s.") % {"field": field}, code=field)
    with transaction.atomic():
        if template_id is None:
            template = AnswerTemplate()
        else:
            found = AnswerTemplate.objects.select_for_update().filter(pk=template_id).first()
            if found is None:
                raise NotFound(_("No such template."))
            template = found
        changes = {k: [getattr(template, k), v] for k, v in values.items() if getattr(template, k) != v}
        for k, v in values.items():
            setattr(template, k, v)
        template.save()
        if template_id is None:
            changes["name"] = ["", template.name]
        audit_record(
            actor=actor,
            action="answer_template.created" if template_id is None else "answer_template.changed",
            object_type="answer_template",
            object_id=template.pk,
            changes=changes,
        )
    return template
