"""The invited administrator of a new supplier chooses their password (the link in the invitation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from querela.accounts.invitations import staff_invitation_user, staff_password_set
from querela.core.errors import ValidationFailed


class WelcomePasswordForm(forms.Form):
    required_css_class = "required"
    password = forms.CharField(
        label=gettext_lazy("Your new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=gettext_lazy("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("password") and d.get("password_again") and d["password"] != d["password_again"]:
            self.add_error("password_again", _("The two passwords differ."))
        return d


def staff_welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = staff_invitation_user(uidb64=uidb64, token=token)
    if user is None:
        return render(
            request,
            "error_page.html",
            {
                "title": _("This link does not work"),
                "message": _(
                    "It was used already, or it is older than 7 days. If you have not chosen your password yet, "
                    "ask the platform operator for a new invitation."
                ),
            },
            status=404,
        )
    form = WelcomePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = staff_password_set(uidb64=uidb64, token=token, password=form.cleaned_data["password"])
        except ValidationFailed as exc:
            form.add_error("password", exc.message)
        else:
            if done is not None:
                messages.success(request, _("Your password is set: sign in with your user name and it."))
                return redirect("web:login")
    status = 400 if form.errors else 200
    return render(request, "staff/welcome.html", {"form": form, "invited": user}, status=status)
