"""Routing rules (issue 14), the tenant administrator's: the rules in the order they are evaluated (moved up
and down, switched on and off), a rule's form, its deletion after a confirmation, and the dry run of the
rules — saved, or with the rule being edited — against last month's complaints."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from querela.complaints.models import Category, Kind
from querela.core.channels import Channel
from querela.core.errors import QuerelaError
from querela.customers.models import ServiceType
from querela.orgchart.models import Job
from querela.routing.matching import Rule
from querela.routing.models import Pool, RoutingRule
from querela.routing.selectors import DRY_RUN_CAP, dry_run, known_regions, rule_open, rule_rows, saved_rules
from querela.routing.services import rule_create, rule_delete, rule_move, rule_switch, rule_update, rules_preview
from querela.tenants.models import Department

from ...decorators import tenant_page
from ...feedback import form_errors, submit

_ANY = [("", gettext_lazy("Any"))]


class RuleForm(forms.Form):
    required_css_class = "required"
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=120,
        help_text=gettext_lazy("How the timeline and the dry run name the rule, e.g. “Billing, Hajdú-Bihar”."),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False, choices=_ANY + Category.choices)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False, choices=_ANY + Kind.choices)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False, choices=_ANY + Channel.choices)
    service_type = forms.ChoiceField(label=gettext_lazy("Service"), required=False, choices=_ANY + ServiceType.choices)
    region = forms.CharField(
        label=gettext_lazy("County/region of the consumption place"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"list": "routing-regions", "autocomplete": "off"}),
        help_text=gettext_lazy("Empty: any. Compared whatever the case and accents."),
    )
    department = forms.TypedChoiceField(label=gettext_lazy("Department it goes to"), coerce=int)
    pool = forms.ChoiceField(label=gettext_lazy("Handler pool"), choices=Pool.choices, initial=Pool.NONE)
    pool_job = forms.TypedChoiceField(
        label=gettext_lazy("Pool from the org chart"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy(
            "Empty: the department's active handlers. A job: the people acting for it on the day "
            "(its holders and deputies) who handle complaints."
        ),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Switched on"), required=False, initial=True)
    before = forms.TypedChoiceField(
        label=gettext_lazy("Read"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("The first rule that holds decides: put a narrow rule before a broad one."),
    )

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if new:
            self.fields["before"].choices = [("", _("After every rule"))] + [  # type: ignore[attr-defined]
                (r.pk, _("Before “%(name)s”") % {"name": r.name})
                for r in RoutingRule.objects.order_by("position", "pk")
            ]
        else:
            del self.fields["before"]  # an existing rule moves up and down on the list
        self.fields["department"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (d.pk, f"{d.name} ({d.code})") for d in Department.objects.order_by("name")
        ]
        self.fields["pool_job"].choices = [("", _("The department's handlers"))] + [  # type: ignore[attr-defined]
            (j.pk, f"{j.title} ({j.code})") for j in Job.objects.filter(is_active=True).order_by("title", "code")
        ]

    @staticmethod
    def values(data: dict[str, Any]) -> dict[str, Any]:
        """The cleaned form as the services take it."""
        out = dict(data)
        out["department_id"] = out.pop("department")
        out["pool_job_id"] = out.pop("pool_job")
        out.pop("before", None)
        return out

    @staticmethod
    def initial_of(rule: RoutingRule) -> dict[str, Any]:
        fields = ("name", "category", "kind", "channel", "service_type", "region", "pool", "is_active")
        initial: dict[str, Any] = {name: getattr(rule, name) for name in fields}
        initial.update(department=rule.department_id, pool_job=rule.pool_job_id)
        return initial


def _form_page(request: HttpRequest, form: RuleForm, rule: RoutingRule | None) -> HttpResponse:
    return render(
        request,
        "staff/routing_rule.html",
        {"form": form, "rule": rule, "regions": known_regions(), "cap": DRY_RUN_CAP},
    )


def _dry_run_page(request: HttpRequest, rules: list[Rule], edited: RoutingRule | None, draft: bool) -> HttpResponse:
    only_moving = request.GET.get("moving") == "1"
    return render(
        request,
        "staff/routing_dry_run.html",
        {
            "run": dry_run(rules, only_moving=only_moving),
            "rules": rules,
            "draft": draft,
            "edited": edited,
            "only_moving": only_moving,
        },
    )


@tenant_page("routing.manage")
def routing_rules(request: HttpRequest, tenant: str) -> HttpResponse:
    """The rules in evaluation order: the first whose conditions all hold routes the complaint."""
    return render(request, "staff/routing_rules.html", {"rows": rule_rows()})


@tenant_page("routing.manage")
def routing_rule_new(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = RuleForm(request.POST or None, initial={"is_active": True, "pool": Pool.NONE}, new=True)
    if request.method == "POST" and "dry_run" in request.POST:
        return _draft(request, form, None)
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: rule_create(actor=actor, values=RuleForm.values(d), before_id=d.get("before")),
        _("The rule was added."),
    ):
        return redirect("web:routing_rules", tenant=tenant)
    return _form_page(request, form, None)


@tenant_page("routing.manage")
def routing_rule_edit(request: HttpRequest, tenant: str, routing_rule_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    rule = rule_open(routing_rule_id)
    if rule is None:
        raise Http404
    form = RuleForm(request.POST or None, initial=RuleForm.initial_of(rule))
    if request.method == "POST" and "dry_run" in request.POST:
        return _draft(request, form, rule)
    if request.method == "POST" and submit(
        request,
        form,
        lambda d: rule_update(actor=actor, rule_id=rule.pk, values=RuleForm.values(d)),
        _("The rule was saved."),
    ):
        return redirect("web:routing_rules", tenant=tenant)
    return _form_page(request, form, rule)


def _draft(request: HttpRequest, form: RuleForm, rule: RoutingRule | None) -> HttpResponse:
    """The dry run of the rules with this rule as the form has it, nothing saved."""
    actor = request.actor  # type: ignore[attr-defined]
    if not form.is_valid():
        form_errors(request, form)
        return _form_page(request, form, rule)
    try:
        rules = rules_preview(
            actor=actor,
            rule_id=rule.pk if rule else None,
            values=RuleForm.values(form.cleaned_data),
            before_id=form.cleaned_data.get("before"),
        )
    except QuerelaError as exc:
        messages.error(request, exc.message)
        return _form_page(request, form, rule)
    return _dry_run_page(request, rules, rule, draft=True)


@tenant_page("routing.manage")
def routing_rule_delete(request: HttpRequest, tenant: str, routing_rule_id: int) -> HttpResponse:
    """A confirmation page; the rule is deleted by its form."""
    actor = request.actor  # type: ignore[attr-defined]
    rule = rule_open(routing_rule_id)
    if rule is None:
        raise Http404
    if request.method == "POST":
        name = rule.name
        try:
            rule_delete(actor=actor, rule_id=rule.pk)
        except QuerelaError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The rule “%(name)s” was deleted.") % {"name": name})
        return redirect("web:routing_rules", tenant=tenant)
    return render(request, "staff/routing_rule_delete.html", {"rule": rule})


@require_POST
@tenant_page("routing.manage")
def routing_rule_move(request: HttpRequest, tenant: str, routing_rule_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    try:
        rule_move(actor=actor, rule_id=routing_rule_id, up=request.POST.get("direction") == "up")
    except QuerelaError as exc:
        messages.error(request, exc.message)
    return redirect("web:routing_rules", tenant=tenant)


@require_POST
@tenant_page("routing.manage")
def routing_rule_switch(request: HttpRequest, tenant: str, routing_rule_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    on = request.POST.get("on") == "1"
    try:
        rule_switch(actor=actor, rule_id=routing_rule_id, on=on)
    except QuerelaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The rule was switched on.") if on else _("The rule was switched off."))
    return redirect("web:routing_rules", tenant=tenant)


@tenant_page("routing.manage")
def routing_dry_run(request: HttpRequest, tenant: str) -> HttpResponse:
    """Where last month's complaints would have gone under the saved rules, and where they are."""
    return _dry_run_page(request, saved_rules(), None, draft=False)
