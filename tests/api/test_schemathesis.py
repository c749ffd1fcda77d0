"""The API against its own OpenAPI schema (schemathesis, in `make test`): every operation, fed data the schema
allows and data it forbids, never answers with a server error, and every answer is one the schema documents
(status code, content type, body).

The requests go through the WSGI application in the test's own transaction, as tenant AAA's staff with real
API tokens. Path parameters mostly name real rows (complaints, a customer, a call, a file), so the
operations get past "not found" into the services; now and then they name nothing, which must be a 404."""

from __future__ import annotations

import io
import os
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from querela.calls.services import call_start
from querela.complaints.services import Upload, complaint_attach, complaint_register
from querela.core import tenancy
from querela.tenants.models import ApiToken
from querela.tenants.permissions import PERMISSIONS
from querela.tenants.tokens import digest
from tests.factories import World

# `make test` draws the same cases every run (a failure reproduces, and nobody's CI fails on a lucky draw);
# QUERELA_FUZZ_EXAMPLES=300 explores with fresh draws and more of them.
EXPLORE = int(os.environ.get("QUERELA_FUZZ_EXAMPLES", "0"))
EXAMPLES = EXPLORE or 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Who calls an operation: the first of these roles that may (a refusal is a documented 403, but would test
# little), read from the view's permission row, so a new operation needs no word here.
ROLES = ["supervisor", "tenant_admin", "agent", "handler", "clerk", "consumer"]


def _role_for(method: str, path: str) -> str:
    address = re.sub(r"\{(\w+)\}", lambda m: "AAA" if m.group(1) == "tenant" else "1", path)
    view = resolve(address).func.view_class  # type: ignore[attr-defined]
    needed = view.permissions_by_method.get(method)
    return next((r for r in ROLES if needed is None or r in PERMISSIONS[needed][1]), ROLES[0])


@pytest.fixture
def api_schema(world: World) -> Iterator[Any]:
    a = world.a
    supervisor = a.actor("supervisor")
    with tenancy.tenant_scope(a.tenant):
        complaints = [
            complaint_register(
                actor=supervisor,
                channel="post",
                subject=f"Számla {n}",
                description="Kétszer számlázták.",
                customer=a.customer,
                place=a.place,
                category="billing",
            )
            for n in range(3)
        ]
        file = complaint_attach(
            actor=supervisor,
            complaint_id=complaints[0].pk,
            upload=Upload("levél.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"), 15),
        )
        call = call_start(actor=a.actor("agent"), recording_id="REC-1", caller_number="+36301234567")
    config = schemathesis.Config.from_dict(
        {
            "dictionaries": {
                "references": {"values": [c.reference for c in complaints]},
                "customers": {"values": [a.customer.pk]},
                "files": {"values": [file.pk]},
                "calls": {"values": [call.recording_id]},
            },
            "generation": {"allow-x00": False},
            "parameters": {
                "path.reference": {"dictionary": "references", "probability": 0.9},
                "path.customer_id": {"dictionary": "customers", "probability": 0.8},
                "path.attachment_id": {"dictionary": "files", "probability": 0.8},
                "path.recording_id": {"dictionary": "calls", "probability": 0.8},
            },
        }
    )
    # Django closes the database connection after each request; the test's transaction lives on it (the
    # test client keeps it open the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application(), config=config)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _token(world: World, role: str) -> str:
    key = secrets.token_urlsafe(32)
    with tenancy.tenant_scope(world.a.tenant):
        ApiToken.objects.filter(user=world.a.users[role]).delete()
        ApiToken.objects.create(user=world.a.users[role], key_sha256=digest(key))
    return key


def _operations() -> list[tuple[str, str]]:
    """Every operation the schema documents, read from it (a new endpoint is tested without a word here)."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items() for method in ops)


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda v: v)
def test_every_operation_answers_as_documented(api_schema: Any, world: World, method: str, path: str) -> None:
    operation = api_schema[path][method]
    role = _role_for(method, path)
    tenant = {"tenant": "AAA"}
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=tenant),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=tenant),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=not EXPLORE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: Any) -> None:
        key = _token(world, role)
        case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)

    answers_as_documented()


def test_an_address_under_the_api_that_names_nothing_answers_in_json(world: World) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Token {_token(world, 'supervisor')}")
    odd = ("/api/v1/t/AAA/customers/null/", "/api/v1/t/AAA/complaints/a/b/", "/api/v1/t/AAA/complaints/x%0Ay/files/")
    for address in (*odd, "/api/v1/nothing/"):
        response = client.get(address)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", address
        assert response.json() == {"detail": "Not found."}
