from __future__ import annotations

import pytest
from django.test import Client

from querela.audit.models import AuditEvent
from querela.core import tenancy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _token_client(user, tenant_code: str = "AAA") -> Client:
    """A client holding a token of this person in that tenant (made directly, whatever the role, so
    every role's API permissions can be tried)."""
    import secrets

    from querela.tenants.models import ApiToken, Tenant
    from querela.tenants.tokens import digest

    key = secrets.token_urlsafe(32)
    with tenancy.tenant_scope(Tenant.objects.get(code=tenant_code)):
        ApiToken.objects.filter(user=user).delete()
        ApiToken.objects.create(user=user, key_sha256=digest(key))
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_register_move_and_read_a_complaint_with_a_token(world):
    w = world.a
    agent = _token_client(w.users["agent"])
    r = agent.post(
        "/api/v1/t/AAA/complaints/",
        {
            "channel": "phone",
            "subject": "Áramszünet után rossz számla",
            "description": "Kétszer számlázták.",
            "customer_number": w.customer.customer_number,
            "category": "billing",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    ref = r.json()["reference"]
    assert r.json()["status"] == "registered" and r.json()["customer_number"] == w.customer.customer_number

    sup = _token_client(w.users["supervisor"])
    r = sup.post(
        f"/api/v1/t/AAA/complaints/{ref}/transitions/",
        {"action": "assign", "assignee_id": w.users["handler"].pk},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "assigned"

    r = sup.post(f"/api/v1/t/AAA/complaints/{ref}/transitions/", {"action": "close"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"

    r = sup.get(f"/api/v1/t/AAA/complaints/{ref}/")
    assert r.status_code == 200
    assert [e["entry_type"] for e in r.json()["timeline"]][:2] == ["inbound", "status"]
    with tenancy.tenant_scope(w.tenant):
        assert AuditEvent.objects.filter(action="personal_data.view", object_id=ref).exists()


def test_same_permission_checks_as_the_ui(world):
    w = world.a
    consumer = _token_client(w.users["consumer"])
    assert consumer.get("/api/v1/t/AAA/complaints/").status_code == 403
    assert consumer.get("/api/v1/t/AAA/customers/?q=Kov").status_code == 403
    admin = _token_client(w.users["tenant_admin"])
    assert (
        admin.post(
            "/api/v1/t/AAA/complaints/", {"channel": "phone", "subject": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert Client().get("/api/v1/t/AAA/complaints/").status_code in (401, 403)
    other = _token_client(world.b.users["supervisor"])
    assert other.get("/api/v1/t/AAA/complaints/").status_code == 404


def test_customer_search_by_meter_serial(world):
    r = _token_client(world.a.users["handler"]).get("/api/v1/t/AAA/customers/?q=AAA-METER-1")
    assert [c["customer_number"] for c in r.json()] == [world.a.customer.customer_number]
    # A call-center agent's token sees people only through an identified call (seed 001).
    assert _token_client(world.a.users["agent"]).get("/api/v1/t/AAA/customers/?q=AAA-METER-1").status_code == 403


def test_bad_input_gets_a_clear_message(world):
    r = _token_client(world.a.users["agent"]).post(
        "/api/v1/t/AAA/complaints/", {"channel": "pigeon"}, content_type="application/json"
    )
    assert r.status_code == 400 and "channel" in r.json() and "subject" in r.json()


def test_token_issued_from_a_session_replaces_the_old_one(world):
    client = Client()
    client.login(username=world.a.users["handler"].username, password=PASSWORD)
    first = client.post("/api/v1/t/AAA/token/").json()["token"]
    second = client.post("/api/v1/t/AAA/token/").json()["token"]
    assert first != second
    assert _token_client(world.a.users["handler"]).get("/api/v1/t/AAA/complaints/").status_code == 200
    assert Client(HTTP_AUTHORIZATION=f"Token {first}").get("/api/v1/t/AAA/complaints/").status_code == 401


def test_openapi_schema_and_docs(db):
    client = Client()
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert (
        "/api/v1/t/{tenant}/complaints/" in paths and "/api/v1/t/{tenant}/complaints/{reference}/transitions/" in paths
    )
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_integration_does_a_whole_case_over_the_api(world):
    w = world.a
    agent, handler = _token_client(w.users["agent"]), _token_client(w.users["handler"])
    # an unknown field is refused, nothing is registered
    r = agent.post(
        "/api/v1/t/AAA/complaints/",
        {"channel": "post", "subject": "S", "customer": "x"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "customer" in r.json()
    r = agent.post(
        "/api/v1/t/AAA/complaints/",
        {"channel": "post", "subject": "Levél", "description": "Panasz."},
        content_type="application/json",
    )
    ref = r.json()["reference"]
    assert r.json()["status"] == "received"
    r = agent.post(
        f"/api/v1/t/AAA/complaints/{ref}/identify/",
        {"query": w.customer.customer_number},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["customer_number"] == w.customer.customer_number
    for action in ("register", "assign", "start_investigation"):
        r = handler.post(
            f"/api/v1/t/AAA/complaints/{ref}/transitions/", {"action": action}, content_type="application/json"
        )
        assert r.status_code == 200, (action, r.content)
    # files: a PDF is stored, an executable is refused with the reason
    r = handler.post(f"/api/v1/t/AAA/complaints/{ref}/attachments/", {"file": _file("számla.pdf", PDF)})
    assert r.status_code == 201 and r.json()["content_type"] == "application/pdf"
    file_id = r.json()["id"]
    r = handler.post(f"/api/v1/t/AAA/complaints/{ref}/attachments/", {"file": _file("x.exe", b"MZ" + b"\0" * 64)})
    assert r.status_code == 400 and "not accepted" in r.json()["detail"]
    r = handler.get(f"/api/v1/t/AAA/complaints/{ref}/attachments/{file_id}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    # deadlines: read, refused extension says why, acknowledgement recorded
    r = handler.get(f"/api/v1/t/AAA/complaints/{ref}/deadlines/")
    assert [s["name"] for s in r.json()] == ["Answer"]
    r = handler.post(
        f"/api/v1/t/AAA/complaints/{ref}/deadlines/",
        {"action": "extend", "days": 40, "reason": "outside_opinion", "text": "Szakvélemény kell."},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "extension_too_long"
    r = handler.post(
        f"/api/v1/t/AAA/complaints/{ref}/messages/", {"text": "Vizsgáljuk."}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["entry_type"] == "outbound"
    with tenancy.tenant_scope(w.tenant):
        assert AuditEvent.objects.filter(action="personal_data.download", object_id=str(file_id)).exists()


def test_another_tenants_complaint_is_invisible_over_the_api(world):
    with tenancy.tenant_scope(world.b.tenant):
        from querela.complaints.services import complaint_register

        c = complaint_register(
            actor=world.b.actor("agent"), channel="post", subject="B", description="d", customer=world.b.customer
        )
    handler = _token_client(world.a.users["handler"])
    for path in ("", "deadlines/", "attachments/"):
        assert handler.get(f"/api/v1/t/AAA/complaints/{c.reference}/{path}").status_code == 404
    assert (
        handler.post(
            f"/api/v1/t/AAA/complaints/{c.reference}/messages/", {"text": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert handler.get(f"/api/v1/t/BBB/complaints/{c.reference}/").status_code == 404  # no role there


def test_an_old_token_is_refused(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from querela.tenants.models import ApiToken

    client = _token_client(world.a.users["agent"])
    with tenancy.tenant_scope(world.a.tenant):
        ApiToken.objects.update(created=timezone.now() - timedelta(days=91))
    r = client.get("/api/v1/t/AAA/complaints/")
    assert r.status_code in (401, 403) and "expired" in r.json()["detail"]


def test_the_schema_describes_each_operation_by_what_it_does(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    descriptions = [
        op.get("description", "") for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)
    ]
    assert descriptions and not any("Subclasses" in d for d in descriptions)
    tags = {
        t
        for item in schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for t in op.get("tags", [])
    }
    assert {"complaints", "customers", "deadlines", "attachments"} <= tags


def test_a_token_is_issued_on_its_page_and_works(world):
    c = Client()
    assert c.login(username="aaa-handler", password=PASSWORD)
    page = c.post("/t/AAA/api-token/").content.decode()
    token = page.split('<pre class="token">')[1].split("</pre>")[0]
    assert Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/t/AAA/complaints/").status_code == 200
    consumer = Client()
    assert consumer.login(username="aaa-consumer", password=PASSWORD)
    assert consumer.post("/t/AAA/api-token/").status_code == 403


def test_a_token_reaches_only_the_tenant_it_was_issued_in(world):
    """One person working for two suppliers: the token issued under one never reads the other's."""
    from querela.tenants.models import Membership

    person = world.a.users["handler"]
    with tenancy.tenant_scope(world.b.tenant):
        Membership.objects.create(user=person, role="handler")
    session = Client()
    session.force_login(person)
    assert session.get("/api/v1/t/BBB/complaints/").status_code == 200  # the person may work in BBB
    under_a = _token_client(person, "AAA")
    assert under_a.get("/api/v1/t/AAA/complaints/").status_code == 200
    assert under_a.get("/api/v1/t/BBB/complaints/").status_code == 404
    under_b = _token_client(person, "BBB")
    assert under_b.get("/api/v1/t/BBB/complaints/").status_code == 200
    assert under_a.get("/api/v1/t/AAA/complaints/").status_code == 200  # one token per tenant: A's still works


def test_only_the_keys_digest_is_stored(world):
    from querela.tenants.models import ApiToken

    session = Client()
    session.force_login(world.a.users["agent"])
    key = session.post("/api/v1/t/AAA/token/").json()["token"]
    with tenancy.tenant_scope(world.a.tenant):
        stored = ApiToken.objects.get()
    assert key not in stored.key_sha256 and len(stored.key_sha256) == 64


def test_a_subject_with_line_breaks_is_kept_on_one_line_and_mail_about_it_still_goes_out(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from querela.complaints.models import Complaint
    from querela.complaints.transitions import complaint_transition
    from querela.intake.models import OutboundEmail, OutboundStatus

    w = world.a
    agent = _token_client(w.users["agent"])
    r = agent.post(
        "/api/v1/t/AAA/complaints/",
        {
            "channel": "email",
            "subject": "Rossz számla\r\nBcc: victim@example.net",
            "description": "Kétszer számlázták.",
            "customer_number": w.customer.customer_number,
            "category": "billing",
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get(reference=r.json()["reference"])
        assert c.subject == "Rossz számla Bcc: victim@example.net"
        h = w.actor("handler")
        with django_capture_on_commit_callbacks(execute=True):
            complaint_transition(actor=h, complaint_id=c.pk, action="assign")
            complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
            complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="Javítottuk.")
        assert OutboundEmail.objects.filter(complaint=c).exists()
        assert not OutboundEmail.objects.filter(complaint=c).exclude(status=OutboundStatus.SENT).exists()
    assert all("\n" not in m.subject for m in mail.outbox)
