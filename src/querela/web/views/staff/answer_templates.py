"""The tenant administrator's page for answer templates (issue 13): a form per template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.answer_templates.models import AnswerTemplate
from querela.answer_templates.placeholders import PLACEHOLDERS
from querela.answer_templates.selectors import answer_template_open
from querela.answer_templates.selectors import answer_templates as templates_on_file
from querela.answer_templates.services import EDITABLE, answer_template_save
from querela.complaints.models import Category, Kind
from querela.complaints.workflow import Decision

from ...decorators import tenant_page
from ...feedback import submit

_ANY = [("", gettext_lazy("Any"))]


class AnswerTemplateForm(forms.Form):
    required_css_class = "required"
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=_ANY + list(Kind.choices), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=_ANY + list(Category.choices), required=False)
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=_ANY + list(Decision.choices), required=False)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Placeholders: %(names)s") % {"names": ", ".join("{" + p + "}" for p in PLACEHOLDERS)},
    )
    is_active = forms.BooleanField(label=gettext_lazy("Offered to handlers"), required=False)


def _initial(template: AnswerTemplate | None, language: str) -> dict[str, Any]:
    if template is None:
        return {"language": language, "is_active": True}
    return {k: getattr(template, k) for k in EDITABLE}


@tenant_page("tenant.configure")
def answer_templates(request: HttpRequest, tenant: str) -> HttpResponse:
    """Every template on file, and a form to add one."""
    actor = request.actor  # type: ignore[attr-defined]
    current = request.tenant  # type: ignore[attr-defined]
    form = AnswerTemplateForm(request.POST or None, initial=_initial(None, current.default_language))
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: answer_template_save(actor=actor, template_id=None, values=d),
        _("The template was added."),
    ):
        return redirect("web:answer_templates", tenant=tenant)
    return render(request, "staff/answer_templates.html", {"templates": templates_on_file(), "form": form})


@tenant_page("tenant.configure")
def answer_template_edit(request: HttpRequest, tenant: str, template_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    template = answer_template_open(template_id)
    if template is None:
        raise Http404
    form = AnswerTemplateForm(request.POST or None, initial=_initial(template, template.language))
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: answer_template_save(actor=actor, template_id=template.pk, values=d),
        _("The template was saved."),
    ):
        return redirect("web:answer_templates", tenant=tenant)
    return render(request, "staff/answer_template_edit.html", {"template": template, "form": form})
