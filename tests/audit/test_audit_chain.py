from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from querela.audit.models import AuditEvent, AuditImmutable
from querela.audit.services import audit_verify
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _activity(w):
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="phone", subject="s", description="d", customer=w.customer
        )
        complaint_transition(
            actor=w.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=w.users["handler"].pk
        )
    return c


def test_every_change_is_recorded_with_who_what_and_before_after(world):
    c = _activity(world.a)
    with tenancy.tenant_scope(world.a.tenant):
        events = list(AuditEvent.objects.filter(object_id=c.reference).order_by("seq"))
    assert [e.action for e in events] == ["complaint.register", "complaint.register", "complaint.assign"]
    assign = events[-1]
    assert assign.actor_label == world.a.users["supervisor"].username
    assert assign.actor_role == "supervisor" and assign.ip == "127.0.0.1"
    assert assign.changes["status"] == ["registered", "assigned"]
    assert assign.changes["assignee"] == [None, world.a.users["handler"].pk]


def test_viewing_a_case_file_is_audited(world):
    c = _activity(world.a)
    client = Client()
    client.login(username=world.a.users["handler"].username, password=PASSWORD)
    assert client.get(f"/t/AAA/complaints/{c.reference}/").status_code == 200
    with tenancy.tenant_scope(world.a.tenant):
        view = AuditEvent.objects.filter(action="personal_data.view").get()
    assert view.actor_label == world.a.users["handler"].username and view.object_id == c.reference


def test_chain_verifies_and_raw_sql_tampering_is_found(world):
    _activity(world.a)
    _activity(world.a)
    _activity(world.b)
    assert audit_verify(tenant=world.a.tenant).ok
    with tenancy.tenant_scope(world.a.tenant):
        target = AuditEvent.objects.order_by("seq")[2]
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", target.pk])
    result = audit_verify(tenant=world.a.tenant)
    assert not result.ok and result.broken_seq == target.seq
    assert audit_verify(tenant=world.b.tenant).ok  # chains are per tenant
    with pytest.raises(CommandError, match="broken"):
        call_command("audit", "verify")


def test_deleting_a_row_or_the_newest_rows_is_found(world):
    _activity(world.a)
    _activity(world.a)
    with tenancy.tenant_scope(world.a.tenant):
        events = list(AuditEvent.objects.order_by("seq"))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    result = audit_verify(tenant=world.a.tenant)
    assert not result.ok and "newest" in result.reason
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert audit_verify(tenant=world.a.tenant).broken_seq == 2


def test_the_app_cannot_change_or_delete_audit_rows(world):
    _activity(world.a)
    with tenancy.tenant_scope(world.a.tenant):
        event = AuditEvent.objects.first()
        event.action = "forged"
        with pytest.raises(AuditImmutable):
            event.save()
        with pytest.raises(AuditImmutable):
            event.delete()
        with pytest.raises(AuditImmutable):
            AuditEvent.objects.all().update(action="forged")
        with pytest.raises(AuditImmutable):
            AuditEvent.objects.all().delete()


def test_cli_audit_verify_reports_ok(world, settings):
    _activity(world.a)
    # In-process: the CLI command reads the same test database.
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", "--tenant", "AAA", stdout=out)
    assert "AAA: OK" in out.getvalue()


def test_querela_help_lists_operator_commands():
    out = subprocess.run([sys.executable, "-m", "querela.cli", "--help"], capture_output=True, text=True, check=True)
    assert "audit verify" in out.stdout and "deadlines check" in out.stdout and "serve" in out.stdout


@pytest.mark.django_db
def test_the_audit_log_page_reads_as_before_and_after_and_pages(in_a):
    from django.test import Client

    from querela.audit.services import AUDIT_PAGE
    from querela.complaints.services import complaint_register
    from tests.factories import PASSWORD

    c = complaint_register(
        actor=in_a.actor("agent"), channel="post", subject="s", description="d", customer=in_a.customer
    )
    client = Client()
    assert client.login(username="aaa-supervisor", password=PASSWORD)
    page = client.get("/t/AAA/audit/", {"object": c.reference}).content.decode()
    assert "received → registered" in page and "complaint.register" in page
    for _ in range(AUDIT_PAGE):
        client.get(f"/t/AAA/complaints/{c.reference}/")  # each view is audited
    first = client.get("/t/AAA/audit/").content.decode()
    assert "Older events" in first
    older = first.split('href="?before=')[1].split("&")[0]
    assert "complaint.register" in client.get("/t/AAA/audit/", {"before": older}).content.decode()
