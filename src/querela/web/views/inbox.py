"""The tenant's mail inbox: every received message with what became of it, and its raw source."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from querela.audit.services import audit_personal_data
from querela.core.errors import QuerelaError
from querela.intake.models import InboundMessage, InboundStatus
from querela.intake.registration import inbound_release
from querela.tenants.access import can

from ..decorators import tenant_page


@tenant_page("complaint.list")
def inbox(request: HttpRequest, tenant: str) -> HttpResponse:
    status = request.GET.get("status") or None
    qs = InboundMessage.objects.select_related("complaint").order_by("-received_at")
    if status:
        qs = qs.filter(status=status)
    context = {
        "messages_in": qs[:200],
        "statuses": InboundStatus.choices,
        "status": status,
        "held": InboundStatus.HELD,
        "pending": InboundStatus.PENDING,
        "may_release": can(request.actor, "mail.release"),  # type: ignore[attr-defined]
    }
    return render(request, "web/inbox.html", context)


@require_POST
@tenant_page("mail.release")
def inbox_release(request: HttpRequest, tenant: str, message_id: int) -> HttpResponse:
    try:
        msg = inbound_release(actor=request.actor, inbound_id=message_id)  # type: ignore[attr-defined]
    except QuerelaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Released: %(outcome)s") % {"outcome": msg.get_status_display()})
    return redirect("web:inbox", tenant=tenant)


@tenant_page("complaint.list")
def inbox_raw(request: HttpRequest, tenant: str, message_id: int) -> HttpResponseBase:
    msg = InboundMessage.objects.filter(pk=message_id).first()
    if msg is None:
        raise Http404
    audit_personal_data(
        actor=request.actor,  # type: ignore[attr-defined]
        what="download",
        object_type="inbound_message",
        object_id=msg.pk,
        message_id=msg.message_id,
    )
    response = FileResponse(msg.raw.open("rb"), as_attachment=True, filename=f"message-{msg.pk}.eml")
    response["Content-Type"] = "application/octet-stream"
    return response
