"""Each role's landing page in a tenant."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from querela.appointments.services import capacity_warnings
from querela.complaints.models import Complaint
from querela.complaints.selectors import complaint_list
from querela.complaints.services import handlers_of_tenant
from querela.complaints.statistics import answer_statistics
from querela.complaints.workflow import OPEN_ORDER, Status
from querela.consultations.selectors import overdue_consultations
from querela.core.channels import Channel
from querela.customers.models import Customer
from querela.tenants.roles import Role

from ..decorators import tenant_page
from .agent import agent_home_context, clerk_home_context
from .consumer.filing import consumer_form


@tenant_page()
def tenant_home(request: HttpRequest, tenant: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    role = actor.role
    if role == Role.CONSUMER:
        form = consumer_form(request)
        return render(
            request,
            "web/home_consumer.html",
            {
                "complaints": complaint_list(actor=actor)[:50],
                "form": form,
                "has_customer": Customer.objects.filter(user_id=actor.user_id).exists(),
            },
        )
    if role == Role.AGENT:
        return render(request, "web/home_agent.html", agent_home_context(actor))
    if role == Role.CLERK:
        return render(request, "web/home_clerk.html", clerk_home_context(actor))
    if role == Role.HANDLER:
        return render(
            request,
            "web/home_handler.html",
            {
                "mine": complaint_list(actor=actor, assignee_id=actor.user_id, only_open=True, order="due")[:100],
                "unassigned": complaint_list(actor=actor, status=Status.REGISTERED)[:50],
            },
        )
    if role == Role.SUPERVISOR:
        qs = complaint_list(actor=actor, only_open=True)
        # One grouped count for every open state (not a count per state).
        by_status = dict(
            Complaint.objects.filter(status__in=OPEN_ORDER).order_by().values_list("status").annotate(n=Count("pk"))
        )
        counts = [(s.value, s.label, by_status.get(s.value, 0)) for s in Status if s.value in OPEN_ORDER]
        return render(
            request,
            "web/home_supervisor.html",
            {
                "counts": counts,
                "overdue": complaint_list(actor=actor, deadline="overdue", order="due")[:50],
                "due_soon": complaint_list(actor=actor, deadline="due_soon", order="due")[:50],
                "escalated": qs.filter(status=Status.ESCALATED)[:50],
                "unassigned": qs.filter(status=Status.REGISTERED)[:50],
                "awaiting": qs.filter(status__in=[Status.RECEIVED, Status.AWAITING_INFO])[:50],
                "handlers": handlers_of_tenant(),
                "capacity_warnings": capacity_warnings(),
                "overdue_consultations": overdue_consultations()[:50],
                "stats": answer_statistics(actor=actor),
                "channel_labels": dict(Channel.choices),
            },
        )
    if role == Role.TENANT_ADMIN:
        return redirect("web:tenant_admin", tenant=tenant)
    if role == Role.DPO:
        return redirect("web:privacy_home", tenant=tenant)
    return redirect("web:tenant_billing", tenant=tenant)
