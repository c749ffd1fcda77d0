"""A letter handed in at the office: registered with its receipt time, answered by post, a stamped receipt."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import Client
from pypdf import PdfReader

from querela.complaints.models import Complaint
from querela.core import tenancy


def test_a_handed_in_letter_gets_a_stamped_receipt_and_a_written_answer(world):
    w = world.a
    clerk = Client()
    clerk.force_login(w.users["agent"])
    w.users["agent"].first_name, w.users["agent"].last_name = "Ügyintéző", "Őrsi"
    w.users["agent"].save()
    response = clerk.post(
        "/t/AAA/complaints/register/",
        {
            "channel": "handed_in",
            "received_at": "2026-12-02T23:30",
            "customer": w.customer.pk,
            "place": w.place.pk,
            "kind": "complaint",
            "category": "billing",
            "subject": "Levél a számláról",
            "description": "Kézzel írt levél a márciusi számláról.",
        },
    )
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
    assert c.channel == "handed_in" and c.reply_channel in ("post", "email")
    assert c.received_at == datetime(2026, 12, 2, 23, 30, tzinfo=ZoneInfo("Europe/Budapest"))
    page = clerk.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "Stamped receipt for the customer" in page
    pdf = clerk.get(f"/t/AAA/complaints/{c.reference}/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Received at the office" in text and c.reference in text and "Őrsi" in text
    assert "Dec. 2, 2026, 11:30 p.m." in text  # the receipt time as typed, in the supplier's time zone
    consumer = Client()
    consumer.force_login(w.users["consumer"])
    assert consumer.get(f"/t/AAA/complaints/{c.reference}/receipt.pdf").status_code == 403
