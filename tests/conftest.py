from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model

from querela.core import tenancy
from querela.tenants.models import PlatformOperator
from tests.factories import PASSWORD, TenantWorld, World, make_tenant_world

_DB_FIXTURES = {"db", "transactional_db", "client", "admin_client", "live_server", "django_db_setup", "world", "in_a"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that touches no database is "pure": the PostgreSQL pass skips it (it ran on SQLite).
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if not item.get_closest_marker("django_db") and not (fixtures & _DB_FIXTURES):
            item.add_marker(pytest.mark.pure)


@pytest.fixture
def world(db: None) -> World:
    if not get_user_model().objects.filter(username="platform").exists():
        PlatformOperator.objects.create(user=get_user_model().objects.create_user("platform", "", PASSWORD))
    return World(
        make_tenant_world("AAA"), make_tenant_world("BBB", country="RO", policy="ro-energy", tz="Europe/Bucharest")
    )


@pytest.fixture
def in_a(world: World) -> Iterator[TenantWorld]:
    with tenancy.tenant_scope(world.a.tenant):
        yield world.a


@pytest.fixture(autouse=True)
def _own_audit_anchors(tmp_path, settings) -> None:
    # Anchors live outside the database, so one test's tenant AAA must not meet another's.
    settings.QUERELA = {**settings.QUERELA, "AUDIT_ANCHOR_DIR": str(tmp_path / "audit-anchors")}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Rate-limit counters live in the cache: one test's attempts must not spill into the next.
    from django.core.cache import cache

    from querela.core.ratelimit import MemoryStore, store

    cache.clear()
    counters = store()
    if isinstance(counters, MemoryStore):
        counters.clear()
    yield
