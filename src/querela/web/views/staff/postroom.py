"""The post room: scanned letters and received faxes, split into letters, each registered as a complaint.

Upload → preview (page count, thumbnails) → the pages of each letter → what each letter says →
confirm. The split runs as a job; the page shows its progress until every letter is registered.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from querela.core import clock
from querela.core.errors import ValidationFailed
from querela.postroom.models import ScanBatch, ScanStatus
from querela.postroom.ranges import PageRange, uncovered
from querela.postroom.selectors import (
    scan_batch_get,
    scan_batch_list,
    scan_letters,
    scan_original_open,
    scan_thumbnail,
)
from querela.postroom.services import LetterInvalid, LetterPlan, local_receipt, scan_batch_plan, scan_batch_upload

from ...decorators import tenant_page
from .postroom_forms import LetterForm, RangesForm, ScanUploadForm


@tenant_page("post.register")
def postroom(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = ScanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        scan = form.cleaned_data["scan"]
        try:
            batch = scan_batch_upload(actor=actor, filename=scan.name, stream=scan, size=scan.size)
        except ValidationFailed as exc:
            form.add_error("scan", exc.message)
        else:
            messages.success(request, _("Scan kept: %(pages)d pages.") % {"pages": batch.page_count})
            return redirect("web:scan_batch", tenant=tenant, batch_id=batch.pk)
    form.describe_errors()
    return render(
        request,
        "staff/postroom.html",
        {"form": form, "batches": scan_batch_list(actor=actor)},
        status=400 if form.errors else 200,
    )


@tenant_page("post.register")
def scan_batch(request: HttpRequest, tenant: str, batch_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    batch = scan_batch_get(actor=actor, batch_id=batch_id)
    if request.method != "POST":
        return _page(request, batch, **_resume(batch))
    if batch.status in (ScanStatus.SPLITTING, ScanStatus.SPLIT):
        return redirect("web:scan_batch", tenant=tenant, batch_id=batch.pk)  # sent twice: the first one counts
    step = request.POST.get("step")
    ranges_form = RangesForm(request.POST, page_count=batch.page_count)
    if not ranges_form.is_valid():
        return _page(request, batch, ranges_form=ranges_form, status=400)
    ranges: list[PageRange] = ranges_form.cleaned_data["ranges"]
    if step != "confirm":
        # The pages are set: now what each letter says (anything typed before the pages changed is kept).
        typed = [
            {n: request.POST[f"letter{i}-{n}"] for n in LetterForm.base_fields if f"letter{i}-{n}" in request.POST}
            for i in range(len(ranges))
        ]
        return _page(request, batch, ranges_form=ranges_form, letters=_letter_forms(ranges, initial=typed))
    letters = _letter_forms(ranges, request.POST)
    if all(f.is_valid() for _r, f in letters):
        plans = [
            LetterPlan(
                first_page=r.first,
                last_page=r.last,
                received_at=local_receipt(request.tenant, f.cleaned_data["received_at"]),  # type: ignore[attr-defined]
                **{k: v for k, v in f.cleaned_data.items() if k != "received_at"},
            )
            for r, f in letters
        ]
        try:
            scan_batch_plan(actor=actor, batch_id=batch.pk, letters=plans)
        except LetterInvalid as exc:
            letters[exc.index][1].add_error(exc.field, exc.message)
        except ValidationFailed as exc:
            ranges_form.add_error(None, exc.message)
        else:
            return redirect("web:scan_batch", tenant=tenant, batch_id=batch.pk)
    return _page(request, batch, ranges_form=ranges_form, letters=letters, status=400)


def _letter_forms(ranges: list[PageRange], data: Any = None, initial: list[dict[str, Any]] | None = None) -> list[Any]:
    return [
        (r, LetterForm(data, prefix=f"letter{i}", initial=(initial[i] if initial else None)))
        for i, r in enumerate(ranges)
    ]


def _resume(batch: ScanBatch) -> dict[str, Any]:
    """A split that was refused comes back with the letters as they were described, to correct."""
    if batch.status != ScanStatus.FAILED or not batch.plan:
        return {}
    plans = [LetterPlan.from_json(x) for x in batch.plan]
    ranges = [p.pages for p in plans]
    zone = clock.tenant_zone(batch.tenant)
    initial = [
        {
            **{k: v for k, v in p.as_json().items() if k not in ("first_page", "last_page")},
            "received_at": p.received_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        }
        for p in plans
    ]
    text = ", ".join(str(r) for r in ranges)
    return {
        "ranges_form": RangesForm(initial={"ranges": text}, page_count=batch.page_count),
        "letters": _letter_forms(ranges, initial=initial),
    }


def _page(
    request: HttpRequest,
    batch: ScanBatch,
    *,
    ranges_form: RangesForm | None = None,
    letters: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    ranges_form = ranges_form or RangesForm(page_count=batch.page_count)
    forms = [ranges_form] + [f for _r, f in letters or []]
    for f in forms:
        f.describe_errors()
    chosen = [r for r, _f in letters or []]
    return render(
        request,
        "staff/scan_batch.html",
        {
            "batch": batch,
            "pages": range(1, batch.page_count + 1),
            "ranges_form": ranges_form,
            "letters": letters or [],
            "left_out": uncovered(chosen, batch.page_count) if chosen else [],
            "results": scan_letters(batch) if batch.status == ScanStatus.SPLIT else [],
            "has_errors": any(f.errors for f in forms),
        },
        status=status,
    )


@tenant_page("post.register")
def scan_progress(request: HttpRequest, tenant: str, batch_id: int) -> HttpResponse:
    """The progress bar, polled while the job runs; once it has finished the whole page is reloaded."""
    batch = scan_batch_get(actor=request.actor, batch_id=batch_id)  # type: ignore[attr-defined]
    if batch.status != ScanStatus.SPLITTING:
        if request.headers.get("HX-Request"):
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        return redirect("web:scan_batch", tenant=tenant, batch_id=batch.pk)
    return render(request, "staff/_scan_progress.html", {"batch": batch})


@tenant_page("post.register")
def scan_page(request: HttpRequest, tenant: str, batch_id: int, page: int) -> HttpResponse:
    large = request.GET.get("size") == "large"  # the page to read, not the thumbnail
    png = scan_thumbnail(actor=request.actor, batch_id=batch_id, page=page, large=large)  # type: ignore[attr-defined]
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@tenant_page("post.register")
def scan_original(request: HttpRequest, tenant: str, batch_id: int) -> HttpResponseBase:
    batch, stream = scan_original_open(actor=request.actor, batch_id=batch_id)  # type: ignore[attr-defined]
    response = FileResponse(stream, as_attachment=True, filename=batch.filename)
    response["Content-Type"] = "application/octet-stream"
    return response
