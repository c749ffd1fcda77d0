"""Liveness and readiness probes for a load balancer (issue 15)."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.web.views import health


def test_liveness_answers_without_the_database():
    response = Client().get("/healthz")  # no django_db mark: a query here would fail the test
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_checks_the_database_cache_queue_and_store():
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "cache", "queue", "storage"}


@pytest.mark.django_db
def test_a_part_that_fails_makes_the_process_not_ready(monkeypatch):
    def broken() -> None:
        raise ConnectionError("redis down")

    monkeypatch.setitem(health.CHECKS, "queue", broken)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == "failed: ConnectionError"
    assert response.json()["checks"]["database"].startswith("ok")
