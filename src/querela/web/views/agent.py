from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.audit.services import audit_personal_data
from querela.complaints.selectors import complaint_list
from querela.complaints.services import complaint_register, complaint_register_on_spot
from querela.core.channels import Channel
from querela.core.errors import NotFound, QuerelaError, ValidationFailed
from querela.core.numbers import is_plain_number
from querela.customers.models import Customer
from querela.customers.selectors import (
    customer_get,
    customer_open,
    customer_search,
    registration_parties,
    representative_poa_open,
)
from querela.customers.services import customer_create_with_place, representative_add
from querela.portal.selectors import matter_find
from querela.portal.services import phone_matter_refuse
from querela.tenants.access import can

from ..decorators import tenant_page
from ..forms import CustomerForm, RepresentativeForm, StaffRegisterForm
from .uploads import uploads_from


@tenant_page("customer.search")
def customer_search_view(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    query = request.GET.get("q", "")
    results = list(customer_search(actor=actor, query=query))
    if results:  # names, addresses and meters were shown: a view of personal data
        audit_personal_data(
            actor=actor,
            what="search",
            object_type="customer",
            object_id="",
            query=query[:100],
            shown=[c.customer_number for c in results],
        )
    template = "web/partials/customer_results.html" if request.headers.get("HX-Request") else "web/customer_search.html"
    return render(
        request, template, {"results": results, "q": query, "perms_customer_edit": can(actor, "customer.edit")}
    )


@tenant_page("customer.edit")
def customer_new(request: HttpRequest, tenant: str) -> HttpResponse:
    """A caller who is not on file yet: create the customer (and the consumption place) while on the phone."""
    actor = request.actor  # type: ignore[attr-defined]
    form = CustomerForm(request.POST or None, initial={"customer_number": request.GET.get("q", "")})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        place = {k: d.pop(k) for k in ("address", "postal_code", "city", "region", "service_type", "meter_serials")}
        try:
            customer = customer_create_with_place(actor=actor, customer=d, place=place)
            messages.success(request, _("Customer %(number)s created.") % {"number": customer.customer_number})
            return redirect("web:customer_detail", tenant=tenant, customer_id=customer.pk)
        except QuerelaError as exc:
            form.add_error(None, exc.message)
    return render(request, "web/customer_new.html", {"form": form})


def _customer_page(request: HttpRequest, customer: Customer, **extra: Any) -> dict[str, Any]:
    actor = request.actor  # type: ignore[attr-defined]
    return {
        "customer": customer,
        "complaints": customer.complaints.order_by("-received_at")[:50],
        "form": StaffRegisterForm(initial={"customer": customer.pk}),
        "rep_form": RepresentativeForm() if can(actor, "customer.edit") else None,
        **extra,
    }


@tenant_page("customer.view")
def customer_detail(request: HttpRequest, tenant: str, customer_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    customer = customer_open(actor=actor, customer_id=customer_id)
    return render(request, "web/customer_detail.html", _customer_page(request, customer))


@require_POST
@tenant_page("customer.edit")
def representative_new(request: HttpRequest, tenant: str, customer_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    customer = customer_get(actor=actor, customer_id=customer_id)
    form = RepresentativeForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        poa = d.pop("power_of_attorney")
        try:
            representative_add(
                actor=actor, customer=customer, power_of_attorney=(poa.name, poa, poa.size) if poa else None, **d
            )
            messages.success(request, _("Representative added."))
            return redirect("web:customer_detail", tenant=tenant, customer_id=customer.pk)
        except QuerelaError as exc:
            form.add_error(None, exc.message)
    return render(request, "web/customer_detail.html", _customer_page(request, customer, rep_form=form), status=400)


@tenant_page("customer.view")
def representative_poa(request: HttpRequest, tenant: str, customer_id: int, rep_id: int) -> HttpResponseBase:
    actor = request.actor  # type: ignore[attr-defined]
    rep = representative_poa_open(actor=actor, customer_id=customer_id, rep_id=rep_id)
    response = FileResponse(rep.power_of_attorney.open("rb"), as_attachment=True, filename=rep.poa_filename)
    response["Content-Type"] = "application/octet-stream"
    return response


@require_POST
@tenant_page("complaint.register")
def staff_register(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = StaffRegisterForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            parties = registration_parties(
                actor=actor,
                customer_id=data["customer"] or None,
                place_id=data["place"] or None,
                representative_id=data["representative"] or None,
            )
            # What the call or the letter says, whatever becomes of it.
            given = {
                "channel": data["channel"],
                "received_at": data["received_at"],
                "category": data["category"],
                "subject": data["subject"],
                "description": data["description"],
                "customer": parties.customer,
                "place": parties.place,
                "contact_name": data["contact_name"],
                "contact_phone": data["contact_phone"],
                "contact_email": data["contact_email"],
                "reply_channel": data["reply_channel"] or None,
                "uploads": uploads_from(data["documents"]),
                "call_recording": data["call_recording"],
                "representative": parties.representative,
            }
            matter = matter_find(data["matter"]) if data.get("matter") else None
            if matter is not None and not matter.by_phone and data["channel"] == Channel.PHONE:
                refused = phone_matter_refuse(actor=actor, matter=matter, **given)
                messages.warning(request, _("Not a phone matter. Tell the caller: %(text)s") % {"text": matter.text})
                return redirect("web:complaint_detail", tenant=tenant, reference=refused.reference)
            if data.get("outcome") == "on_spot":
                complaint = complaint_register_on_spot(
                    actor=actor,
                    kind=data["kind"],
                    answer=data["answer"],
                    confirm_in_writing=data["confirm_in_writing"],
                    **given,
                )
            else:
                # A written confirmation with the answer date, where we have an address.
                complaint = complaint_register(actor=actor, kind=data["kind"], acknowledge=True, **given)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Registered as %(ref)s.") % {"ref": complaint.reference})
            return redirect("web:complaint_detail", tenant=tenant, reference=complaint.reference)
    # Show the form again with everything typed so far: the caller is still on the line.
    customer_id = form.data.get("customer")
    if customer_id and is_plain_number(str(customer_id)):
        try:
            customer = customer_get(actor=actor, customer_id=int(customer_id))
        except NotFound:
            # A customer id that names nobody here: the general form, with what was typed and why.
            if not form.non_field_errors():
                form.add_error(None, _("No such customer here."))
        else:
            return render(request, "web/customer_detail.html", _customer_page(request, customer, form=form), status=400)
    recent = complaint_list(actor=actor).filter(created_by_id=actor.user_id)[:15]
    return render(request, "web/home_agent.html", {"form": form, "recent": recent}, status=400)
