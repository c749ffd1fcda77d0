"""The online message wall (seed 004): leave a message; the answer is given on a private thread."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.audit.services import audit_personal_data
from querela.complaints.sector_texts import is_vendor
from querela.core.errors import ValidationFailed
from querela.core.ratelimit import client_address, hit
from querela.customers.models import Customer
from querela.portal.selectors import stage_for
from querela.postroom.selectors import wall_thread as thread_for
from querela.postroom.wall import WallMessage, wall_follow_up, wall_path, wall_post, wall_read
from querela.tenants.access import system_actor

from ...decorators import public_page
from ...forms import LONG_TEXT


class _Described(forms.Form):
    required_css_class = "required"
    error_css_class = "invalid"

    def describe_errors(self) -> None:
        """Screen readers read a field's help and error with the field."""
        for name, field in self.fields.items():
            ids = [f"id_{name}_error"] if name in self.errors else []
            if field.help_text:
                ids.append(f"id_{name}_helptext")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"


class WallForm(_Described):
    name = forms.CharField(
        label=gettext_lazy("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        help_text=gettext_lazy(
            "We write to you when an answer is waiting on the wall, with your private link; the answer itself "
            "is only on the wall."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    customer_number = forms.CharField(
        label=gettext_lazy("Customer id (printed on your bill)"), required=False, max_length=40
    )
    message = forms.CharField(
        label=gettext_lazy("Your message"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 6})
    )
    # Left empty by people; bots fill every field they find.
    website = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"))

    def __init__(self, *args: Any, vendor: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if vendor:
            self.fields["customer_number"].label = _("Order or invoice number")

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def visible(self) -> list[Any]:
        return [self[name] for name in self.fields if name != "website"]


class FollowUpForm(_Described):
    message = forms.CharField(
        label=gettext_lazy("Write again"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


def _too_many(request: HttpRequest) -> bool:
    return not hit("message-wall", client_address(request), setting="RATE_LIMIT_PUBLIC_FORM")


@public_page
def wall(request: HttpRequest, code: str) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    vendor = is_vendor(tenant)
    user = request.user if request.user.is_authenticated else None
    if request.method != "POST":
        return _wall_page(request, WallForm(initial=_known(user), vendor=vendor))
    form = WallForm(request.POST, vendor=vendor)
    if _too_many(request):
        form.is_valid()
        form.add_error(None, _("Many messages were sent from your network in a short time. Please try again later."))
        return _wall_page(request, form, status=429)
    if form.is_bot:
        return render(request, "public/refused.html", status=400)
    if not form.is_valid():
        return _wall_page(request, form, status=400)
    d = form.cleaned_data
    email = d["email"].strip().lower()
    if not hit("message-wall-email", email, setting="RATE_LIMIT_PUBLIC_EMAIL"):
        form.add_error(None, _("Many messages were sent with this e-mail address in a short time. Please try later."))
        return _wall_page(request, form, status=429)
    try:
        complaint = wall_post(
            message=WallMessage(
                name=d["name"],
                email=d["email"],
                message=d["message"],
                customer_number=d["customer_number"],
                language=translation.get_language() or tenant.default_language,
            ),
            user=user,
        )
    except ValidationFailed as exc:
        form.add_error(None, exc.message)
        return _wall_page(request, form, status=400)
    messages.success(
        request,
        _(
            "Your message is on the wall under number %(ref)s. This page is your private link: "
            "we have sent it to %(email)s too."
        )
        % {"ref": complaint.reference, "email": d["email"]},
    )
    return redirect(wall_path(code, complaint.pk))


def _known(user: Any) -> dict[str, str]:
    """A signed-in consumer's name and address, as on file."""
    if user is None:
        return {}
    customer = Customer.objects.filter(user_id=user.pk).first()
    return {
        "name": (customer.name if customer else "") or user.get_full_name(),
        "email": (customer.email if customer else "") or user.email,
        "customer_number": customer.customer_number if customer else "",
    }


def _wall_page(request: HttpRequest, form: WallForm, *, status: int = 200) -> HttpResponse:
    form.describe_errors()
    return render(request, "public/message_wall.html", {"form": form}, status=status)


@public_page
def wall_thread(request: HttpRequest, code: str, token: str) -> HttpResponse:
    complaint_id = wall_read(code, token)
    thread = thread_for(complaint_id) if complaint_id is not None else None
    if thread is None:
        # Expired, altered or invented: one answer, so a link tells nothing about what exists.
        return render(request, "public/track_invalid.html", status=404)
    form = FollowUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _too_many(request):
            form.is_valid()
            form.add_error(
                None, _("Many messages were sent from your network in a short time. Please try again later.")
            )
            status = 429
        elif form.is_valid():
            try:
                wall_follow_up(complaint_id=thread.complaint.pk, text=form.cleaned_data["message"])
            except ValidationFailed as exc:
                form.add_error("message", exc.message)
            else:
                messages.success(request, _("Your message is on the wall."))
                return redirect(request.path)
        status = status if status != 200 else 400
    actor = system_actor(request.tenant, label="message wall link")  # type: ignore[attr-defined]
    audit_personal_data(actor=actor, what="view", object_type="complaint", object_id=thread.reference)
    stage, expected = stage_for(thread.complaint)
    form.describe_errors()
    return render(
        request,
        "public/wall_thread.html",
        {"thread": thread, "stage": stage, "expected": expected, "form": form},
        status=status,
    )
