"""The Redis queue used when REDIS_URL is set: tasks survive the trip and stay idempotent."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core import mail

from querela.complaints.models import Notification
from querela.complaints.services import complaint_register
from querela.complaints.tasks import notify_assignee_task
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from tests.factories import skip_or_fail

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

REDIS_URL = os.environ.get("QUERELA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_huey():
    import redis
    from huey import RedisHuey

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis not reachable at {REDIS_URL} ({exc}); start redis-server or set QUERELA_TEST_REDIS_URL")
    huey = RedisHuey(name=f"querela-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL)
    yield huey
    huey.storage.flush_all()


def test_assignment_mail_goes_out_once_through_redis(world, redis_huey):
    w = world.a
    w.users["handler"].email = "handler@example.test"
    w.users["handler"].save()
    task = redis_huey.task(name="notify_assignee")(notify_assignee_task.func)
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="phone", subject="s", description="d", customer=w.customer
        )
        complaint_transition(
            actor=w.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=w.users["handler"].pk
        )
    mail.outbox.clear()  # the in-process (test) queue already ran it once
    with tenancy.dangerously_all_tenants():
        Notification.objects.all().delete()
    # Two deliveries of the same job (a retry, a second worker): one mail.
    task(w.tenant.pk, c.pk)
    task(w.tenant.pk, c.pk)
    assert redis_huey.pending_count() == 2
    while redis_huey.pending_count():
        redis_huey.execute(redis_huey.dequeue())
    assert len(mail.outbox) == 1
    assert c.reference in mail.outbox[0].subject and mail.outbox[0].to == ["handler@example.test"]


def test_a_job_for_a_deleted_tenant_returns_quietly(db, redis_huey):
    task = redis_huey.task(name="notify_assignee")(notify_assignee_task.func)
    result = task(999999, 1)
    redis_huey.execute(redis_huey.dequeue())
    assert result.get() is None
