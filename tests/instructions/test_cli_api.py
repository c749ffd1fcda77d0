"""`querela instructions list --tenant CODE` and `GET /api/v1/t/<CODE>/instructions/`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from querela.core import tenancy
from querela.instructions.models import WorkInstruction
from querela.tenants.tokens import api_token_issue
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _list(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("instructions", "list", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_cli_prints_one_instruction_per_line(world):
    lines = _list("--tenant", "aaa")
    with tenancy.tenant_scope(world.a.tenant):
        current = list(WorkInstruction.objects.filter(is_current=True).order_by("code", "language"))
        first = current[0]
        first_steps = first.steps.count()
    assert len(lines) == len(current) >= 30
    code, category, title, steps = lines[0].split("\t")
    assert (code, category, title, steps) == (first.code, first.category, first.title, str(first_steps))
    assert all(len(line.split("\t")) == 4 and line.split("\t")[3].isdigit() for line in lines)
    billing = _list("--tenant", "AAA", "--category", "billing")
    assert billing and all(line.split("\t")[1] == "billing" for line in billing)
    assert _list("--tenant", "AAA", "--language", "pl") == []


def test_the_cli_refuses_an_unknown_tenant(db):
    with pytest.raises(CommandError):
        _list("--tenant", "NOPE")


def _session(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_the_api_lists_the_instructions_with_steps_and_documents(world):
    with tenancy.tenant_scope(world.a.tenant):
        key = api_token_issue(actor=world.a.actor("handler"))
        count = WorkInstruction.objects.filter(is_current=True).count()
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/t/AAA/instructions/")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == count >= 30
    row = next(r for r in rows if r["code"] == "EL-SUP-03")
    assert row["category"] == "supply" and row["version"] == 1 and row["language"] == "en"
    assert [s["check"] for s in row["steps"]] == [
        "case_history_review",
        "voltage_quality_measurement",
        "work_order_check",
    ]
    assert all(s["job_code"] and s["evidence"] for s in row["steps"])
    assert row["documents"][0]["title"] == "Voltage quality measurement report"
    billing = client.get("/api/v1/t/AAA/instructions/?category=billing").json()
    assert billing and {r["category"] for r in billing} == {"billing"}


def test_the_api_needs_a_login_a_role_and_the_tenant(world):
    assert Client().get("/api/v1/t/AAA/instructions/").status_code in (401, 403)
    assert _session("aaa-agent").get("/api/v1/t/AAA/instructions/").status_code == 403
    assert _session("aaa-consumer").get("/api/v1/t/AAA/instructions/").status_code == 403
    assert _session("aaa-supervisor").get("/api/v1/t/AAA/instructions/").status_code == 200
    # Another supplier's staff, and a token issued there, reach nothing here.
    assert _session("bbb-handler").get("/api/v1/t/AAA/instructions/").status_code == 404
    with tenancy.tenant_scope(world.b.tenant):
        key = api_token_issue(actor=world.b.actor("tenant_admin"))
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/t/AAA/instructions/").status_code == 404


def test_the_api_lists_only_its_tenants_instructions(world):
    with tenancy.tenant_scope(world.b.tenant):
        theirs = WorkInstruction.objects.get(code="UT-BILL-01", language="en")
        WorkInstruction.objects.filter(pk=theirs.pk).update(title="Secret of BBB")
    rows = _session("aaa-handler").get("/api/v1/t/AAA/instructions/").json()
    assert "Secret of BBB" not in {r["title"] for r in rows}


def test_the_schema_describes_the_operation(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/t/{tenant}/instructions/"]["get"]
    assert operation["tags"] == ["instructions"] and operation["summary"] == "List the work instructions"
