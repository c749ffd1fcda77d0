"""`querela mfa reset`: the way back for a platform operator who lost their phone and codes (issue 16)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from querela.audit.models import AuditEvent
from querela.core import tenancy
from querela.mfa.services import Step, next_step
from tests.mfa.helpers import set_up

pytestmark = pytest.mark.django_db


def test_the_operator_resets_a_platform_operators_app_from_the_shell(world, capsys):
    platform = world.a.actor("platform_operator").user
    set_up(platform)
    assert next_step(platform) is Step.VERIFY
    with pytest.raises(CommandError, match="reason"):
        call_command("mfa", "reset", "platform", "--reason", " ")
    with pytest.raises(CommandError, match="No such user"):
        call_command("mfa", "reset", "nobody", "--reason", "lost phone")
    call_command("mfa", "reset", "platform", "--reason", "Lost phone; identity checked by the CTO")
    assert "reset" in capsys.readouterr().out
    assert next_step(platform) is Step.SETUP


def test_a_reset_from_the_shell_is_in_the_persons_supplier_logs(world):
    agent = world.a.users["agent"]
    set_up(agent)
    call_command("mfa", "reset", agent.username, "--reason", "Lost phone")
    with tenancy.tenant_scope(world.a.tenant):
        event = AuditEvent.objects.get(action="mfa.reset")
    assert event.actor_label == "command line"
    assert event.changes == {"reason": "Lost phone"}
