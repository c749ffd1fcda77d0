"""The work instruction library (issue 14, seed 003): caseworkers read it; the tenant administrator writes
instructions and edits them in forms — steps added, removed and reordered, documents with placeholders —
each save a new version with its reason, the earlier versions kept readable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.complaints.models import Category
from querela.core.channels import Channel
from querela.core.errors import QuerelaError
from querela.customers.models import ServiceType
from querela.instructions.documents import blank_values, document_pdf
from querela.instructions.models import Check, Segment, WorkInstruction
from querela.instructions.placeholders import PLACEHOLDERS
from querela.instructions.presets import jobs_for
from querela.instructions.selectors import (
    document_open,
    instruction_current_of,
    instruction_languages,
    instruction_open,
    instruction_versions,
    instructions_current,
)
from querela.instructions.services import (
    MAX_DOCUMENTS,
    MAX_STEP_DAYS,
    MAX_STEPS,
    DocumentInput,
    StepInput,
    instruction_save,
    instructions_load,
)
from querela.tenants.access import can

from ...decorators import tenant_page
from ...feedback import submit

_ANY = [("", gettext_lazy("Any"))]


class FilterForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=_ANY + list(Category.choices), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=_ANY + list(settings.LANGUAGES), required=False
    )


class LoadForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of the set"), choices=settings.LANGUAGES)


class InstructionForm(forms.Form):
    required_css_class = "required"
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy("Capital letters, digits and hyphens, e.g. EL-BILL-01; it never changes."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    category = forms.ChoiceField(label=gettext_lazy("Complaint category"), choices=Category.choices)
    channel = forms.ChoiceField(
        label=gettext_lazy("Only for the channel"), choices=_ANY + list(Channel.choices), required=False
    )
    service_type = forms.ChoiceField(
        label=gettext_lazy("Only for the service"), choices=_ANY + list(ServiceType.choices), required=False
    )
    segment = forms.ChoiceField(
        label=gettext_lazy("Only for the customer segment"), choices=_ANY + list(Segment.choices), required=False
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    purpose = forms.CharField(
        label=gettext_lazy("Purpose: what the instruction establishes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for this version"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept with the version and in the audit log."),
    )

    def __init__(self, *args: Any, editing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the code and language name the instruction: they stay
            del self.fields["code"]
            del self.fields["language"]
        else:
            self.fields["reason"].required = False
            self.fields["reason"].label = gettext_lazy("Note (optional)")


class StepForm(forms.Form):
    check_code = forms.ChoiceField(label=gettext_lazy("Check"), choices=[("", "—"), *Check.choices], required=False)
    title = forms.CharField(label=gettext_lazy("Step title"), max_length=200, required=False)
    how_to = forms.CharField(
        label=gettext_lazy("How to do it"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    job_code = forms.CharField(
        label=gettext_lazy("Job (org chart code)"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("The code of the job on the org chart whose holders do this step."),
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence the step must produce"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    mandatory = forms.BooleanField(label=gettext_lazy("Mandatory"), required=False, initial=True)
    days = forms.IntegerField(
        label=gettext_lazy("Days of the deadline"), min_value=1, max_value=MAX_STEP_DAYS, initial=2, required=False
    )

    CONTENT = ("check_code", "title", "how_to", "job_code", "evidence")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(k) for k in self.CONTENT):
            for name in self.CONTENT:
                if not data.get(name):
                    self.add_error(name, _("Fill this in, or empty the whole step."))
            if not data.get("days"):
                self.add_error("days", _("Fill this in, or empty the whole step."))
        return data


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Document title"), max_length=200, required=False)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Placeholders: %(names)s") % {"names": ", ".join("{" + p + "}" for p in PLACEHOLDERS)},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("title")) != bool(data.get("body")):
            self.add_error(None, _("A document needs both a title and a text (or neither, to leave the row out)."))
        return data


class _Rows(forms.BaseFormSet):  # type: ignore[type-arg]
    """Rows that can be reordered by number and removed by a box, each labelled for what it does."""

    remove_label = gettext_lazy("Remove")

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = gettext_lazy("Position")
            form.fields["ORDER"].widget.attrs["min"] = 1
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.remove_label


class _StepRows(_Rows):
    remove_label = gettext_lazy("Remove this step")


class _DocumentRows(_Rows):
    remove_label = gettext_lazy("Remove this document")


StepFormSet = forms.formset_factory(
    StepForm,
    formset=_StepRows,
    extra=2,
    can_order=True,
    can_delete=True,
    max_num=MAX_STEPS,
    absolute_max=MAX_STEPS,
    validate_max=True,
)
DocumentFormSet = forms.formset_factory(
    DocumentForm,
    formset=_DocumentRows,
    extra=1,
    can_delete=True,
    max_num=MAX_DOCUMENTS,
    absolute_max=MAX_DOCUMENTS,
    validate_max=True,
)


def _step_initial(instruction: WorkInstruction | None) -> list[dict[str, Any]]:
    if instruction is None:
        return []
    return [
        {
            "check_code": s.check_code,
            "title": s.title,
            "how_to": s.how_to,
            "job_code": s.job_code,
            "evidence": s.evidence,
            "mandatory": s.mandatory,
            "days": s.days,
            "ORDER": s.position,
        }
        for s in instruction.steps.all()
    ]


def _document_initial(instruction: WorkInstruction | None) -> list[dict[str, Any]]:
    return [{"title": d.title, "body": d.body} for d in instruction.documents.all()] if instruction else []


def _steps_of(formset: Any) -> list[StepInput]:
    out = []
    for form in formset.ordered_forms:
        d = form.cleaned_data
        if not d.get("check_code"):
            continue  # a row left empty
        out.append(
            StepInput(
                check_code=d["check_code"],
                title=d["title"],
                how_to=d["how_to"],
                job_code=d["job_code"],
                evidence=d["evidence"],
                mandatory=bool(d.get("mandatory")),
                days=int(d["days"]),
            )
        )
    return out


def _documents_of(formset: Any) -> list[DocumentInput]:
    return [
        DocumentInput(title=f.cleaned_data["title"], body=f.cleaned_data["body"])
        for f in formset.forms
        if f.cleaned_data.get("title") and not f.cleaned_data.get("DELETE")
    ]


def _job_titles(request: HttpRequest, language: str) -> dict[str, str]:
    """The default library's name for each job code (the org chart may word it its own way)."""
    return jobs_for(request.tenant.sector, language)  # type: ignore[attr-defined]


@tenant_page("instructions.view")
def instruction_library(request: HttpRequest, tenant: str) -> HttpResponse:
    """Every current instruction, filtered by category and language."""
    filters = FilterForm(request.GET or None)
    category = language = ""
    if filters.is_valid():
        category, language = filters.cleaned_data["category"], filters.cleaned_data["language"]
    current = request.tenant  # type: ignore[attr-defined]
    return render(
        request,
        "staff/instructions.html",
        {
            "instructions": instructions_current(category=category, language=language),
            "filters": filters if request.GET else FilterForm(),
            # Its own ids: the filter above has a language field too.
            "load_form": LoadForm(initial={"language": current.default_language}, auto_id="load_%s"),
            "may_manage": can(request.actor, "instructions.manage"),  # type: ignore[attr-defined]
        },
    )


@tenant_page("instructions.view")
def instruction_detail(request: HttpRequest, tenant: str, instruction_id: int) -> HttpResponse:
    """One version as it was saved, with the list of versions and the same instruction in other languages."""
    instruction = instruction_open(instruction_id)
    if instruction is None:
        raise Http404
    jobs = _job_titles(request, instruction.language)
    return render(
        request,
        "staff/instruction_detail.html",
        {
            "instruction": instruction,
            "steps": [(s, jobs.get(s.job_code, "")) for s in instruction.steps.all()],
            "total_days": sum(s.days for s in instruction.steps.all()),
            "versions": instruction_versions(instruction),
            "translations": instruction_languages(instruction),
            "may_manage": can(request.actor, "instructions.manage"),  # type: ignore[attr-defined]
        },
    )


def _edit(request: HttpRequest, tenant: str, instruction: WorkInstruction | None) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    editing = instruction is not None
    data = request.POST if request.method == "POST" else None
    if instruction is None:
        initial: dict[str, Any] = {"language": request.tenant.default_language}  # type: ignore[attr-defined]
    else:
        initial = {k: getattr(instruction, k) for k in ("category", "channel", "service_type", "segment", "title")}
        initial["purpose"] = instruction.purpose
    form = InstructionForm(data, initial=initial, editing=editing)
    steps = StepFormSet(data, prefix="steps", initial=_step_initial(instruction))
    documents = DocumentFormSet(data, prefix="documents", initial=_document_initial(instruction))
    if request.method == "POST":
        valid = all([form.is_valid(), steps.is_valid(), documents.is_valid()])
        if not valid:
            messages.error(request, _("Please correct the fields marked below."))
        else:
            try:
                saved = instruction_save(
                    actor=actor,
                    instruction_id=instruction.pk if instruction else None,
                    values=form.cleaned_data,
                    steps=_steps_of(steps),
                    documents=_documents_of(documents),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except QuerelaError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Saved as version %(version)s.") % {"version": saved.version}
                    if editing
                    else _("The instruction was added."),
                )
                return redirect("web:instruction_detail", tenant=tenant, instruction_id=saved.pk)
    return render(
        request,
        "staff/instruction_edit.html",
        {
            "instruction": instruction,
            "form": form,
            "steps": steps,
            "documents": documents,
            "placeholders": PLACEHOLDERS,
        },
        status=400 if request.method == "POST" else 200,
    )


@tenant_page("instructions.manage")
def instruction_new(request: HttpRequest, tenant: str) -> HttpResponse:
    return _edit(request, tenant, None)


@tenant_page("instructions.manage")
def instruction_edit(request: HttpRequest, tenant: str, instruction_id: int) -> HttpResponse:
    """The current version in the forms; saving writes the next version. An earlier version opens the
    current one (only that is edited)."""
    instruction = instruction_open(instruction_id)
    if instruction is None:
        raise Http404
    if not instruction.is_current:
        current = instruction_current_of(instruction)
        if current is None:
            raise Http404
        messages.info(request, _("Only the current version is edited: this is version %(v)s.") % {"v": current.version})
        return redirect("web:instruction_edit", tenant=tenant, instruction_id=current.pk)
    return _edit(request, tenant, instruction)


@require_POST
@tenant_page("instructions.manage")
def instruction_library_load(request: HttpRequest, tenant: str) -> HttpResponse:
    """Add the sector's default instructions that are missing, in the language chosen."""
    actor = request.actor  # type: ignore[attr-defined]
    submit(
        request,
        LoadForm(request.POST, auto_id="load_%s"),
        lambda d: instructions_load(actor=actor, language=d["language"]),
        lambda made: _("%(n)s instructions were added.") % {"n": made},
    )
    return redirect("web:instructions", tenant=tenant)


@tenant_page("instructions.view")
def instruction_document(request: HttpRequest, tenant: str, instruction_id: int, document_id: int) -> HttpResponse:
    """A justifying document as a blank form to print (the supplier and the day filled in)."""
    document = document_open(instruction_id, document_id)
    if document is None:
        raise Http404
    response = HttpResponse(document_pdf(document, blank_values()), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.instruction.code}-{document.position}.pdf"'
    return response
