"""Telling the person why their input was refused: each field's errors under its own label."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from querela.core.errors import QuerelaError


def form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(e) for e in errors)
        messages.error(request, f"{label}: {text}" if label else text)


def refuse_on_form(form: forms.BaseForm, exc: QuerelaError, fields: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal on the form it came from: beside the field it names (`exc.field`, the
    service's name for it, or `fields` mapping that name to the form's), else above the form."""
    name = (fields or {}).get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields else None, exc.message)


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    run: Callable[[dict[str, Any]], Any],
    success: str | Callable[[Any], str] | None = None,
) -> bool:
    """Validate the form, call the service with its data, and tell the person the outcome either way."""
    if not form.is_valid():
        form_errors(request, form)
        return False
    try:
        result = run(form.cleaned_data)
    except QuerelaError as exc:
        messages.error(request, exc.message)
        return False
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return True
