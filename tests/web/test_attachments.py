from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from querela.complaints.models import Attachment
from querela.complaints.services import Upload, complaint_attach, complaint_register
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _complaint(w):
    return complaint_register(actor=w.actor("agent"), channel="post", subject="s", description="d", customer=w.customer)


def test_stored_with_hash_size_and_sniffed_type(in_a):
    c = _complaint(in_a)
    a = complaint_attach(
        actor=in_a.actor("agent"), complaint_id=c.pk, upload=Upload("számla.pdf", io.BytesIO(PDF), len(PDF))
    )
    assert a.sha256 == hashlib.sha256(PDF).hexdigest()
    assert a.size == len(PDF) and a.content_type == "application/pdf" and a.filename == "számla.pdf"
    assert a.file.read() == PDF


def test_type_is_sniffed_not_trusted_from_the_name(in_a):
    c = _complaint(in_a)
    with pytest.raises(ValidationFailed) as err:
        complaint_attach(
            actor=in_a.actor("agent"), complaint_id=c.pk, upload=Upload("photo.jpg", io.BytesIO(EXE), len(EXE))
        )
    assert "photo.jpg" in err.value.message and "not accepted" in err.value.message
    assert not Attachment.objects.exists()


def test_size_limit_per_tenant_says_the_limit(in_a):
    in_a.tenant.max_attachment_bytes = 1024
    in_a.tenant.save()
    c = _complaint(in_a)
    c.tenant.refresh_from_db()
    data = PDF + b"0" * 2000
    with pytest.raises(ValidationFailed) as err:
        complaint_attach(
            actor=in_a.actor("agent"), complaint_id=c.pk, upload=Upload("big.pdf", io.BytesIO(data), len(data))
        )
    assert "1 kB" in err.value.message and "big.pdf" in err.value.message


def test_consumer_upload_rejected_on_the_page_with_the_reason(world):
    w = world.a
    client = Client()
    client.login(username=w.users["consumer"].username, password=PASSWORD)
    response = client.post(
        "/t/AAA/file/",
        {
            "place": w.place.pk,
            "category": "billing",
            "subject": "S",
            "description": "D",
            "reply_channel": "email",
            "documents": [SimpleUploadedFile("virus.pdf", EXE)],
        },
    )
    assert response.status_code == 400
    assert "virus.pdf" in response.content.decode() and "not accepted" in response.content.decode()
    with tenancy.tenant_scope(w.tenant):
        assert not w.customer.complaints.exists()  # nothing half-registered
    # The form keeps what was typed so nothing is lost.
    assert 'value="S"' in response.content.decode()


def test_download_needs_permission_and_is_audited(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = _complaint(w)
        a = complaint_attach(
            actor=w.actor("agent"), complaint_id=c.pk, upload=Upload("a.pdf", io.BytesIO(PDF), len(PDF))
        )
    client = Client()
    client.login(username=w.users["handler"].username, password=PASSWORD)
    response = client.get(f"/t/AAA/complaints/{c.reference}/files/{a.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
