"""A supplier's answer templates: wording a handler starts an answer from, per language and case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from querela.complaints.models import Category, Kind
from querela.complaints.workflow import Decision
from querela.core.models import TenantModel


class AnswerTemplate(TenantModel):
    """Offered for a complaint in its language; `kind`, `category`, `decision` blank: any. The most
    specific match comes first (`selectors.templates_for`)."""

    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("offered to handlers"), default=True)
    # The default it was seeded from (defaults.py): seeding again adds only what is missing.
    preset = models.CharField(max_length=40, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "preset"], condition=~Q(preset=""), name="answer_template_preset_once"
            )
        ]
        indexes = [models.Index(fields=["tenant", "language", "is_active"], name="answer_template_lang")]
        ordering = ["language", "name", "pk"]

    def __str__(self) -> str:
        return self.name
