"""Asking a consultation from the case file; a refusal shows the case file again with the form as typed
(its own module: the case file lists consultations, so `consultations.py` must not import it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.complaints.selectors import complaint_for_write
from querela.consultations.services import consultation_ask
from querela.core.errors import QuerelaError

from ...decorators import tenant_page
from ...feedback import refuse_on_form
from .case_file import case_form_page
from .consultations import AskForm


@require_POST
@tenant_page("consultation.manage")
def consultation_ask_view(request: HttpRequest, tenant: str, reference: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    complaint = complaint_for_write(actor=actor, reference=reference)

    def run(d: dict[str, Any]) -> Any:
        return consultation_ask(
            actor=actor,
            complaint_id=complaint.pk,
            question=d["question"],
            department_id=d["department"],
            party_name=d["party_name"],
            party_email=d["party_email"],
            due_on=d["due_on"],
            assignee_id=d["assignee"],
        )

    form = AskForm(request.POST)
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except QuerelaError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("The consultation was asked."))
            return redirect("web:complaint_detail", tenant=tenant, reference=complaint.reference)
    # Refused (a department or person not of this supplier, a missing question): the form again, as typed.
    return case_form_page(request, complaint, "consult", form, status=400)
