from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.appointments.services import appointments_of_day
from querela.audit.services import audit_personal_data
from querela.calls.selectors import calls_of_agent, match_count
from querela.calls.services import call_new_customer
from querela.complaints.selectors import complaint_list
from querela.complaints.services import complaint_register, complaint_register_on_spot
from querela.core import clock
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
from querela.customers.services import customer_create_with_place, customer_update, representative_add
from querela.tenants.access import can

from ..decorators import tenant_page
from ..feedback import refuse_on_form, submit
from ..forms import CallStartForm, CustomerEditForm, CustomerForm, RepresentativeForm, StaffRegisterForm
from .uploads import uploads_from


@tenant_page("customer.search")
def customer_search_view(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    query = request.GET.get("q", "")
    if not can(actor, "customer.view"):
        # An agent on a call: only that a match exists, until the caller is identified (seed 001).
        if not request.headers.get("HX-Request"):
            return redirect("web:tenant_home", tenant=tenant)
        return render(
            request, "staff/partials/call_matches.html", {"q": query, "count": match_count(actor=actor, query=query)}
        )
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
            call_id = request.GET.get("call", "")
            if is_plain_number(call_id) and can(actor, "call.take"):
                # Made from what the caller said on this call: the call goes on with this customer.
                call_new_customer(actor=actor, call_id=int(call_id), customer=customer)
                return redirect("web:call_console", tenant=tenant, call_id=int(call_id))
            if not can(actor, "customer.view"):
                return redirect("web:tenant_home", tenant=tenant)
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
@tenant_page("customer.view", "customer.edit")
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


def registration_given(actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """What the call, the visit or the letter says, whatever becomes of it: the keyword arguments of
    the registration services, read from a register form."""
    parties = registration_parties(
        actor=actor,
        customer_id=data["customer"] or None,
        place_id=data["place"] or None,
        representative_id=data["representative"] or None,
    )
    return {
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
        "representative": parties.representative,
    }


@require_POST
@tenant_page("complaint.register")
def staff_register(request: HttpRequest, tenant: str) -> HttpResponse:
    """A visit, a letter handed in, post, fax or a forwarded e-mail (calls: `staff.calls`)."""
    actor = request.actor  # type: ignore[attr-defined]
    form = StaffRegisterForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            given = registration_given(actor, data)
            given.update(channel=data["channel"], received_at=data["received_at"])
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
            refuse_on_form(form, exc)  # a customer, place or representative not of this supplier: beside it
        else:
            messages.success(request, _("Registered as %(ref)s.") % {"ref": complaint.reference})
            return redirect("web:complaint_detail", tenant=tenant, reference=complaint.reference)
    # Show the form again with everything typed so far: the customer is still at the desk.
    customer_id = form.data.get("customer")
    if customer_id and is_plain_number(str(customer_id)) and can(actor, "customer.view"):
        try:
            customer = customer_get(actor=actor, customer_id=int(customer_id))
        except NotFound:
            # A customer id that names nobody here: the general form, with what was typed and why.
            if not form.has_error("customer"):
                form.add_error("customer", _("No such customer here."))
        else:
            return render(request, "web/customer_detail.html", _customer_page(request, customer, form=form), status=400)
    return render(request, "web/home_agent.html", agent_home_context(actor, form=form), status=400)


def agent_home_context(actor: Any, **extra: Any) -> dict[str, Any]:
    return {
        "form": StaffRegisterForm(),
        "start_form": CallStartForm(),
        "calls": calls_of_agent(actor=actor)[:10] if can(actor, "call.take") else [],
        "recent": complaint_list(actor=actor).filter(created_by_id=actor.user_id)[:15],
        **extra,
    }


def clerk_home_context(actor: Any, **extra: Any) -> dict[str, Any]:
    """The customer office's desk: find the visitor, register what they bring, today's visits."""
    return {
        "form": StaffRegisterForm(),
        "recent": complaint_list(actor=actor).filter(created_by_id=actor.user_id)[:15],
        "visits": appointments_of_day(actor=actor, day=clock.tenant_today(actor.tenant))
        if can(actor, "appointment.view")
        else [],
        **extra,
    }


@tenant_page("customer.view", "customer.edit")
def customer_edit(request: HttpRequest, tenant: str, customer_id: int) -> HttpResponse:
    """Correct a customer's contact data, with the reason (audited); the record itself is shown only to
    those who may see it."""
    actor = request.actor  # type: ignore[attr-defined]
    customer = customer_open(actor=actor, customer_id=customer_id)
    initial = {f: getattr(customer, f) for f in ("name", "phone", "email", "preferred_channel", "mailing_address")}
    form = CustomerEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: customer_update(actor=actor, customer_id=customer.pk, **d),
        _("The record was changed."),
    ):
        return redirect("web:customer_detail", tenant=tenant, customer_id=customer.pk)
    return render(request, "staff/customer_edit.html", {"customer": customer, "form": form})
