from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.complaints.selectors import complaint_list
from querela.complaints.services import Upload, complaint_register
from querela.core.errors import ValidationFailed
from querela.core.ratelimit import hit
from querela.customers.models import ConsumptionPlace
from querela.customers.selectors import registration_parties
from querela.portal import pending_uploads
from querela.tenants.access import Actor

from ...decorators import tenant_page
from ...feedback import refuse_on_form
from ...forms import ConsumerComplaintForm
from ..uploads import uploads_from


def consumer_places(actor: Actor) -> list[tuple[int, str]]:
    places = ConsumptionPlace.objects.filter(customer__user_id=actor.user_id).select_related("customer")
    return [(p.pk, f"{p} — {p.customer.customer_number}") for p in places]


def consumer_form(request: HttpRequest, *args: Any) -> ConsumerComplaintForm:
    """The complaint form as this supplier asks it: a utility asks for the meter, a vendor for the device."""
    form = ConsumerComplaintForm(*args, product=request.tenant.sector == "product_service")  # type: ignore[attr-defined]
    form.fields["place"].choices = consumer_places(request.actor)  # type: ignore[attr-defined]
    return form


@require_POST
@tenant_page("complaint.file_own")
def consumer_file(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not hit("file", str(actor.user_id), setting="RATE_LIMIT_PUBLIC_FORM"):
        messages.error(request, _("You have sent many complaints in a short time. Please try again later."))
        return redirect("web:tenant_home", tenant=tenant)
    session = request.session
    wanted = set(request.POST.getlist("keep"))
    for k in pending_uploads.kept_files(session):
        if k.key not in wanted:
            pending_uploads.forget(session, k.key)
    form = consumer_form(request, request.POST, request.FILES)
    if form.is_valid():
        description = form.complaint_text()
        try:
            parties = registration_parties(actor=actor, place_id=int(form.cleaned_data["place"]))
            with ExitStack() as files:
                kept = [
                    Upload(filename=k.filename, stream=files.enter_context(pending_uploads.open_kept(k)), size=k.size)
                    for k in pending_uploads.kept_files(session)
                ]
                complaint = complaint_register(
                    actor=actor,
                    channel="web",
                    subject=form.cleaned_data["subject"],
                    description=description,
                    category=form.cleaned_data["category"],
                    customer=parties.customer,
                    place=parties.place,
                    reply_channel=form.cleaned_data["reply_channel"],
                    uploads=[*kept, *uploads_from(form.cleaned_data["documents"])],
                    acknowledge=True,
                )
        except ValidationFailed as exc:
            refuse_on_form(form, exc)
        else:
            pending_uploads.clear(session)
            messages.success(
                request, _("Your complaint was registered under number %(ref)s.") % {"ref": complaint.reference}
            )
            return redirect("web:complaint_detail", tenant=tenant, reference=complaint.reference)
    # Refused: the files sent with it are kept on the server for the corrected form (a browser can't refill them).
    for f in request.FILES.getlist("documents"):
        try:
            pending_uploads.keep(session, request.tenant, f)  # type: ignore[attr-defined]
        except ValidationFailed as exc:
            form.add_error("documents", exc.message)
    complaints = complaint_list(actor=actor)[:50]  # the page shows them beside the form, refused or not
    return render(
        request,
        "web/home_consumer.html",
        {"form": form, "complaints": complaints, "kept": pending_uploads.kept_files(session)},
        status=400,
    )
