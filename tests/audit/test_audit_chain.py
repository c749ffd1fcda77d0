from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from querela.audit.models import AuditEvent, AuditImmutable
from querela.audit.sealing import audit_seal
from querela.audit.verify import audit_verify
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@contextmanager
def _as_the_database_owner():
    """Raw SQL as an attacker with the database's own access: past the tenant wall (row-level security)."""
    with tenancy.dangerously_all_tenants(), connection.cursor() as cur:
        yield cur


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
        events = list(AuditEvent.objects.filter(object_id=c.reference).order_by("id"))
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


def _sealed(w):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the anchor is written once the seal committed
        return audit_seal(tenant=w.tenant)


def test_chain_verifies_and_raw_sql_tampering_is_found(world):
    _activity(world.a)
    _activity(world.a)
    _activity(world.b)
    _sealed(world.a)
    _sealed(world.b)
    assert audit_verify(tenant=world.a.tenant).ok
    with tenancy.tenant_scope(world.a.tenant):
        target = AuditEvent.objects.order_by("seq")[2]
    with _as_the_database_owner() as cur:
        cur.execute("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", target.pk])
    result = audit_verify(tenant=world.a.tenant)
    assert not result.ok and result.broken_seq == target.seq
    assert audit_verify(tenant=world.b.tenant).ok  # chains are per tenant
    with pytest.raises(CommandError, match="broken"):
        call_command("audit", "verify")


def _plain(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_an_attacker_who_rewrites_an_event_and_recomputes_the_plain_chain_is_found(world):
    for _ in range(3):
        _activity(world.a)
    _sealed(world.a)
    with tenancy.tenant_scope(world.a.tenant):
        events = list(AuditEvent.objects.order_by("seq"))
    # What worked against the unkeyed chain: change an event, then recompute every hash after it.
    prev = events[1].prev_hash
    with _as_the_database_owner() as cur:
        for event in events[1:]:
            label = "someone-else" if event.pk == events[1].pk else event.actor_label
            content = _plain(f"{event.action}|{label}|{event.object_id}")
            link = _plain(f"{prev}|{content}")
            cur.execute(
                "UPDATE audit_auditevent SET actor_label = %s, content_mac = %s, prev_hash = %s, hash = %s"
                " WHERE id = %s",
                [label, content, prev, link, event.pk],
            )
            prev = link
        cur.execute("UPDATE audit_auditchainhead SET last_hash = %s WHERE tenant_id = %s", [prev, world.a.tenant.pk])
    result = audit_verify(tenant=world.a.tenant)
    assert not result.ok and result.broken_seq == 2 and "MAC" in result.reason


def test_deleting_the_newest_events_and_moving_the_head_back_is_found_by_the_anchor(world):
    for _ in range(20):  # 3 events each
        _activity(world.a)
    _sealed(world.a)
    for _ in range(20):
        _activity(world.a)
    _sealed(world.a)
    with tenancy.tenant_scope(world.a.tenant):
        events = list(AuditEvent.objects.order_by("seq"))
    keep = events[:-50]
    with _as_the_database_owner() as cur:
        cur.executemany("DELETE FROM audit_auditevent WHERE id = %s", [[e.pk] for e in events[-50:]])
        cur.execute("DELETE FROM audit_auditseal WHERE last_seq > %s", [keep[-1].seq])
        cur.execute(
            "UPDATE audit_auditchainhead SET seq = %s, last_hash = %s WHERE tenant_id = %s",
            [keep[-1].seq, keep[-1].hash, world.a.tenant.pk],
        )
    result = audit_verify(tenant=world.a.tenant)
    assert not result.ok and "newest events were removed" in result.reason and "outside the database" in result.reason
    assert result.broken_seq == keep[-1].seq + 1


def test_deleting_a_row_or_reordering_two_is_found(world):
    _activity(world.a)
    _activity(world.a)
    _sealed(world.a)
    with tenancy.tenant_scope(world.a.tenant):
        events = list(AuditEvent.objects.order_by("seq"))
    with _as_the_database_owner() as cur:  # swap the places of events 2 and 3
        cur.execute("UPDATE audit_auditevent SET seq = -1 WHERE id = %s", [events[1].pk])
        cur.execute(
            "UPDATE audit_auditevent SET seq = 2, prev_hash = %s, hash = %s WHERE id = %s",
            [events[1].prev_hash, events[1].hash, events[2].pk],
        )
        cur.execute(
            "UPDATE audit_auditevent SET seq = 3, prev_hash = %s, hash = %s WHERE id = %s",
            [events[2].prev_hash, events[2].hash, events[1].pk],
        )
    assert audit_verify(tenant=world.a.tenant).broken_seq == 2
    with _as_the_database_owner() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])  # now at place 2
    result = audit_verify(tenant=world.a.tenant)
    assert result.broken_seq == 2 and "missing" in result.reason


def test_unsealed_events_are_reported_and_an_edit_before_sealing_is_found(world):
    _activity(world.a)
    _sealed(world.a)
    c = _activity(world.a)
    result = audit_verify(tenant=world.a.tenant)
    assert result.ok and result.checked == 3 and result.unsealed == 3
    with _as_the_database_owner() as cur:
        cur.execute("UPDATE audit_auditevent SET object_id = 'X' WHERE object_id = %s AND seq IS NULL", [c.reference])
    result = audit_verify(tenant=world.a.tenant)
    assert not result.ok and "unsealed" in result.reason


def test_a_database_copy_verified_with_another_key_fails(world, settings):
    _activity(world.a)
    _sealed(world.a)
    settings.QUERELA = {**settings.QUERELA, "AUDIT_KEY": "a-key-the-attacker-chose"}
    result = audit_verify(tenant=world.a.tenant)
    assert not result.ok and "another key" in result.reason


def test_writers_and_readers_never_touch_the_chain_head(world):
    """No per-tenant lock through a registration or a view of personal data: only the sealer locks."""
    client = Client()
    client.login(username=world.a.users["handler"].username, password=PASSWORD)
    with CaptureQueriesContext(connection) as writes:
        c = _activity(world.a)
    with CaptureQueriesContext(connection) as reads:
        assert client.get(f"/t/AAA/complaints/{c.reference}/").status_code == 200
    statements = [q["sql"].lower() for q in writes.captured_queries + reads.captured_queries]
    assert any("audit_auditevent" in sql for sql in statements)
    assert not any("audit_auditchainhead" in sql for sql in statements)


def test_sealing_is_idempotent_and_anchors_each_head_outside_the_database(world, settings, tmp_path):
    _activity(world.a)
    assert _sealed(world.a) == 3
    assert _sealed(world.a) == 0
    out = StringIO()
    _activity(world.a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("audit", "seal", stdout=out)
    assert "AAA: sealed 3 events" in out.getvalue()
    lines = next((tmp_path / "audit-anchors").glob("AAA-*.jsonl")).read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [3, 6]


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
    _sealed(world.a)
    _activity(world.a)
    out = StringIO()  # in-process: the CLI command reads the same test database
    call_command("audit", "verify", "--tenant", "AAA", stdout=out)
    assert "AAA: OK, 3 events sealed, 3 not sealed yet, 1 anchors" in out.getvalue()


def test_querela_help_lists_operator_commands():
    out = subprocess.run([sys.executable, "-m", "querela.cli", "--help"], capture_output=True, text=True, check=True)
    assert "audit verify" in out.stdout and "deadlines check" in out.stdout and "serve" in out.stdout


@pytest.mark.django_db
def test_the_audit_log_page_reads_as_before_and_after_and_pages(in_a):
    from django.test import Client

    from querela.audit.selectors import AUDIT_PAGE
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
    older = first.split('href="?before=')[1].split('"')[0]
    assert "complaint.register" in client.get("/t/AAA/audit/", {"before": older}).content.decode()
