"""The print room (issue 13): the letters by post of the open batch; closing it (after seeing the list)
makes one PDF to print; a closed batch gets the day it was posted, typed as the supplier's local date."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.core import clock
from querela.core.errors import ValidationFailed
from querela.printing.selectors import (
    batch_get,
    batch_letters,
    batch_pdf_open,
    closed_batches,
    letter_open,
    open_batch,
)
from querela.printing.services import batch_close, batch_dispatch

from ...decorators import tenant_page


@tenant_page("printing.manage")
def print_room(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    batch = open_batch(actor=actor)
    return render(
        request,
        "staff/print_room.html",
        {
            "open_batch": batch,
            "letters": batch_letters(batch) if batch else [],
            "closed": list(closed_batches(actor=actor)),
            "today": clock.tenant_today(request.tenant),  # type: ignore[attr-defined]
        },
    )


@tenant_page("printing.manage")
def print_batch_detail(request: HttpRequest, tenant: str, print_batch_id: int) -> HttpResponse:
    """One batch: its letters, its PDF once closed, the day it was posted (or the form to record it)."""
    actor = request.actor  # type: ignore[attr-defined]
    batch = batch_get(actor=actor, batch_id=print_batch_id)
    return render(
        request,
        "staff/print_batch.html",
        {
            "batch": batch,
            "letters": batch_letters(batch),
            "today": clock.tenant_today(request.tenant),  # type: ignore[attr-defined]
        },
    )


@tenant_page("printing.manage")
def print_batch_close(request: HttpRequest, tenant: str, print_batch_id: int) -> HttpResponse:
    """GET: the letters that will be printed, to check; POST: close the batch and make its PDF."""
    actor = request.actor  # type: ignore[attr-defined]
    batch = batch_get(actor=actor, batch_id=print_batch_id)
    if not batch.is_open:
        return redirect("web:print_batch", tenant=tenant, print_batch_id=batch.pk)
    letters = batch_letters(batch)
    if request.method == "POST":
        try:
            seen = int(request.POST.get("letters", ""))
        except ValueError:
            seen = -1  # not from the confirmation page: show the list again
        try:
            closed = batch_close(actor=actor, batch_id=batch.pk, expected_letters=seen)
        except ValidationFailed as exc:
            messages.error(request, exc.message)
            letters = batch_letters(batch)
        else:
            messages.success(
                request,
                _("Batch %(number)s closed: %(pages)d pages to print.")
                % {"number": closed.number, "pages": closed.page_count},
            )
            return redirect("web:print_batch", tenant=tenant, print_batch_id=closed.pk)
    return render(
        request,
        "staff/print_batch_close.html",
        {"batch": batch, "letters": letters, "pages": sum(letter.page_count for letter in letters)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@tenant_page("printing.manage")
def print_batch_dispatch(request: HttpRequest, tenant: str, print_batch_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    batch = batch_get(actor=actor, batch_id=print_batch_id)
    try:
        day = date.fromisoformat(request.POST.get("posted_on", "").strip())
    except ValueError:
        messages.error(request, _("Posted on: enter the day as a date."))
    else:
        try:
            batch = batch_dispatch(actor=actor, batch_id=batch.pk, day=day)
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Batch %(number)s recorded as posted on %(day)s.") % {"number": batch.number, "day": day.isoformat()},
            )
    if request.POST.get("next") == "room":
        return redirect("web:print_room", tenant=tenant)
    return redirect("web:print_batch", tenant=tenant, print_batch_id=batch.pk)


@tenant_page("printing.manage")
def print_batch_pdf(request: HttpRequest, tenant: str, print_batch_id: int) -> HttpResponseBase:
    """The whole batch as one PDF, streamed (hundreds of letters)."""
    batch, stream = batch_pdf_open(actor=request.actor, batch_id=print_batch_id)  # type: ignore[attr-defined]
    filename = f"{request.tenant.code}-print-batch-{batch.number}.pdf"  # type: ignore[attr-defined]
    return FileResponse(stream, as_attachment=True, filename=filename, content_type="application/pdf")


@tenant_page("printing.manage")
def print_letter_pdf(request: HttpRequest, tenant: str, letter_id: int) -> HttpResponseBase:
    letter, stream = letter_open(actor=request.actor, letter_id=letter_id)  # type: ignore[attr-defined]
    filename = f"{letter.complaint.reference}-{letter.entry_id}.pdf"
    return FileResponse(stream, as_attachment=True, filename=filename, content_type="application/pdf")
