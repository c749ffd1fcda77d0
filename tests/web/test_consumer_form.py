"""A consumer files a complaint the way their supplier asks: a utility wants the meter, a vendor the device."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.complaints.models import Complaint
from querela.core import tenancy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _consumer() -> Client:
    c = Client()
    assert c.login(username="aaa-consumer", password=PASSWORD)
    return c


def test_a_product_vendor_asks_for_model_serial_and_proposed_solution(world) -> None:
    w = world.a
    w.tenant.sector = "product_service"
    w.tenant.save()
    page = _consumer().get("/t/AAA/").content.decode()
    assert "Serial number of the device" in page and "What solution do you propose?" in page
    assert "fault-reporting line" not in page
    _consumer().post(
        "/t/AAA/file/",
        {
            "place": w.place.pk,
            "category": "product",
            "subject": "Falownik",
            "description": "Błąd izolacji.",
            "meter_serial": "INV-5021-AX",
            "product_model": "SunMax 5K",
            "proposed_solution": "Wymiana urządzenia",
            "reply_channel": "email",
        },
    )
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(subject="Falownik")
        assert "Model: SunMax 5K" in c.description and "Proposed solution: Wymiana urządzenia" in c.description
        assert "INV-5021-AX" in c.description


def test_a_utility_asks_for_the_meter_and_points_faults_elsewhere(world) -> None:
    page = _consumer().get("/t/AAA/").content.decode()
    assert "Meter serial number" in page and "fault-reporting line" in page
    assert "What solution do you propose?" not in page
