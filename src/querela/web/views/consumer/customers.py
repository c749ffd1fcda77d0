"""A consumer's own customer records: linked only by proof (customer id and a meter serial or invoice number)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.accounts.services import customer_link, linked_customers
from querela.core.errors import ValidationFailed
from querela.core.ratelimit import client_address, hit

from ...decorators import tenant_page


class LinkForm(forms.Form):
    required_css_class = "required"
    customer_number = forms.CharField(label=gettext_lazy("Customer id (printed on your bill)"), max_length=40)
    meter_serial = forms.CharField(label=gettext_lazy("Meter serial number"), max_length=60, required=False)
    invoice_number = forms.CharField(
        label=gettext_lazy("or the number of one of your bills"), max_length=40, required=False
    )


@tenant_page("customer.link_own")
def consumer_customers(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = LinkForm(request.POST or None)
    status = 200
    linked = None
    if request.method == "POST" and form.is_valid():
        # Guessing meter serials for someone else's id is slowed per account and per address.
        allowed = hit("link-customer", str(actor.user_id), setting="RATE_LIMIT_LOGIN") and hit(
            "link-customer-ip", client_address(request), setting="RATE_LIMIT_LOGIN"
        )
        if not allowed:
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            status = 429
        else:
            d = form.cleaned_data
            try:
                linked = customer_link(
                    actor=actor,
                    customer_number=d["customer_number"],
                    meter_serial=d["meter_serial"],
                    invoice_number=d["invoice_number"],
                )
            except ValidationFailed as exc:
                form.add_error(None, exc.message)
            else:
                form = LinkForm()
    if form.errors:
        status = max(status, 400)
    return render(
        request,
        "consumer/customers.html",
        {"form": form, "customers": linked_customers(actor=actor), "linked": linked},
        status=status,
    )
