"""Someone acting for the customer, with a power of attorney (seed 000)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from querela.audit.models import AuditEvent
from querela.complaints.models import Complaint
from querela.core import tenancy
from querela.customers.models import Representative
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _agent() -> Client:
    c = Client()
    assert c.login(username="aaa-clerk", password=PASSWORD)
    return c


def test_a_representative_with_a_power_of_attorney_files_for_the_customer(world) -> None:
    w = world.a
    agent = _agent()
    url = f"/t/AAA/customers/{w.customer.pk}/representatives/"
    refused = agent.post(
        url, {"name": "Kovács Béla", "power_of_attorney": SimpleUploadedFile("m.exe", b"MZ" + bytes(99))}
    )
    assert refused.status_code == 400 and "not accepted" in refused.content.decode()
    agent.post(
        url,
        {
            "name": "Kovács Béla",
            "email": "bela@example.hu",
            "valid_until": "2027-12-31",
            "power_of_attorney": SimpleUploadedFile("meghatalmazás.pdf", PDF),
        },
    )
    with tenancy.tenant_scope(w.tenant):
        rep = Representative.objects.get()
        assert rep.poa_filename == "meghatalmazás.pdf" and len(rep.poa_sha256) == 64
    download = agent.get(f"/t/AAA/customers/{w.customer.pk}/representatives/{rep.pk}/poa/")
    assert b"".join(download.streaming_content) == PDF
    agent.post(
        "/t/AAA/complaints/register/",
        {
            "customer": w.customer.pk,
            "representative": rep.pk,
            "channel": "in_person",
            "kind": "complaint",
            "category": "billing",
            "subject": "Meghatalmazottként",
            "description": "Anyám nevében.",
        },
    )
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(subject="Meghatalmazottként")
        assert c.representative == rep and c.contact_email == "bela@example.hu" and not c.needs_attention
        assert AuditEvent.objects.filter(action="representative.add").exists()
        assert AuditEvent.objects.filter(action="personal_data.download", object_type="representative").exists()


def test_without_a_power_of_attorney_the_complaint_is_flagged(world) -> None:
    w = world.a
    _agent().post(f"/t/AAA/customers/{w.customer.pk}/representatives/", {"name": "Szomszéd"})
    with tenancy.tenant_scope(w.tenant):
        rep = Representative.objects.get()
    _agent().post(
        "/t/AAA/complaints/register/",
        {
            "customer": w.customer.pk,
            "representative": rep.pk,
            "channel": "in_person",
            "kind": "complaint",
            "category": "billing",
            "subject": "Szomszéd hív",
            "description": "A szomszéd nevében.",
        },
    )
    with tenancy.tenant_scope(w.tenant):
        assert "power of attorney" in Complaint.objects.get(subject="Szomszéd hív").needs_attention
