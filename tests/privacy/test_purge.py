"""The retention schedule and its purge: a dry run changes nothing; the real run removes exactly what the
report said, audits each item, and leaves what is open or under its period; the schedule refuses less than
the law's 5 years; the page, the command line and the nightly job all run it."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.core.management import call_command

from querela.audit.models import AuditEvent
from querela.calls.models import Call
from querela.complaints.models import Attachment, Complaint, TimelineEntry
from querela.complaints.services import Upload, complaint_attach
from querela.core import clock, tenancy
from querela.core.errors import ValidationFailed
from querela.intake.models import InboundMessage
from querela.minutes.models import Minutes
from querela.printing.models import StoredLetter
from querela.privacy.erase import ERASED
from querela.privacy.models import PurgeRun, RetentionRule
from querela.privacy.purge import purge_execute, purge_report, purge_start
from querela.privacy.services import ScheduleRefused, retention_set
from querela.privacy.tasks import privacy_purge_daily
from querela.tenants.access import system_actor
from tests.privacy.helpers import client_of, make_old, rich_customer

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, object]:
    return {
        "complaints": list(Complaint.objects.order_by("pk").values_list("pk", "subject", "customer_id")),
        "timeline": list(TimelineEntry.objects.order_by("pk").values_list("pk", "body")),
        "attachments": sorted(Attachment.objects.values_list("pk", flat=True)),
        "letters": sorted(StoredLetter.objects.values_list("pk", flat=True)),
        "minutes": sorted(Minutes.objects.values_list("pk", flat=True)),
        "mail": sorted(InboundMessage.objects.values_list("pk", flat=True)),
        "calls": list(Call.objects.order_by("pk").values_list("pk", "audio", "purged_at")),
    }


def test_the_dry_run_changes_nothing_and_the_real_run_removes_exactly_what_it_reported(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        person = rich_customer(w)
        before = _snapshot()
        audit_before = AuditEvent.objects.count()
        actor = system_actor(w.tenant)
        dry = purge_execute(purge_start(actor=actor, dry_run=True), actor=actor)
        assert _snapshot() == before and AuditEvent.objects.count() == audit_before
        report = dry.report
        # Finished 6 years ago: the old, the mailed and the oral complaint; the call's 5 years are over.
        assert report["complaint_record"]["due"] == 3
        assert report["attachment"]["due"] == Attachment.objects.filter(complaint=person.old).count() == 1
        assert report["minutes"]["due"] == 1 and report["raw_mail"]["due"] == 1 and report["recording"]["due"] == 1
        assert (
            report["letter"]["due"]
            == StoredLetter.objects.filter(complaint__in=[person.old, person.by_mail, person.oral]).count()
        )
        assert (
            report["complaint_record"]["oldest_kept"]
            == clock.tenant_date(w.tenant, person.recent.received_at).isoformat()
        )

        real = purge_execute(purge_start(actor=actor, dry_run=False, plan=dry), actor=actor)
        for kind, row in real.report.items():
            assert row["done"] == report[kind]["due"], kind
        for c in (person.old, person.by_mail, person.oral):
            c.refresh_from_db()
            assert c.subject == ERASED and c.customer_id is None
        for c in (person.recent, person.open):
            c.refresh_from_db()
            assert c.subject != ERASED and c.customer_id == w.customer.pk
        assert Attachment.objects.filter(complaint=person.recent).exists()
        assert not Minutes.objects.exists() and not InboundMessage.objects.filter(complaint=person.by_mail).exists()
        assert Call.objects.get(pk=person.call.pk).purged_at is not None
        removed = sum(row["done"] for row in real.report.values())
        purged_events = AuditEvent.objects.filter(
            action__in=["privacy.purge", "privacy.complaint_erase", "call.recording_purged"]
        )
        assert purged_events.count() == removed
        assert AuditEvent.objects.filter(action="privacy.purge_run").count() == 1
        # Nothing twice.
        again = purge_execute(purge_start(actor=actor, dry_run=False), actor=actor)
        assert sum(row["done"] for row in again.report.values()) == 0


def test_the_schedule_refuses_less_than_the_law_and_files_outliving_their_record(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        admin = w.actor("tenant_admin")
        with pytest.raises(ScheduleRefused) as refused:
            retention_set(actor=admin, months={"complaint_record": 36}, reason="shorter")
        assert "complaint_record" in refused.value.errors
        with pytest.raises(ScheduleRefused) as refused:
            retention_set(actor=admin, months={"attachment": 72}, reason="longer")
        assert "attachment" in refused.value.errors
        with pytest.raises(ValidationFailed):
            retention_set(actor=admin, months={"attachment": 24}, reason="")
        assert not RetentionRule.objects.exists()
        assert retention_set(actor=admin, months={"attachment": 24}, reason="Files are not evidence after 2 years") == {
            "attachment": [60, 24]
        }
        event = AuditEvent.objects.get(action="privacy.retention_set")
        assert event.changes["months"] == [60, 24] and event.object_id == "attachment"


def test_a_shorter_period_for_files_removes_them_and_keeps_the_record(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        person = rich_customer(w)
        complaint_attach(
            actor=w.actor("agent"), complaint_id=person.open.pk, upload=Upload("open.txt", io.BytesIO(b"OPEN"), 4)
        )
        make_old(person.open, days=3 * 365)  # received long ago, still being handled
        retention_set(actor=w.actor("tenant_admin"), months={"attachment": 6}, reason="Files for 6 months")
        actor = system_actor(w.tenant)
        run = purge_execute(purge_start(actor=actor, dry_run=False), actor=actor)
        assert run.report["attachment"]["done"] == 2  # the old one and the recent one (a year ago)
        person.recent.refresh_from_db()
        assert person.recent.subject == "Recent meter of Anna"
        assert not Attachment.objects.filter(complaint=person.recent).exists()
        assert Attachment.objects.filter(complaint=person.open).count() == 1  # an open complaint keeps everything


def test_the_page_runs_a_dry_run_and_the_confirmed_purge(world, django_capture_on_commit_callbacks):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        person = rich_customer(w)
        path = Attachment.objects.get(complaint=person.old).file.path
    client = client_of(w, "tenant_admin")
    url = f"/t/{w.tenant.code}/privacy/retention/"
    assert "No dry run yet." in client.get(url).content.decode()
    assert client.post(url + "dry-run/").status_code == 302
    page = client.get(url)
    dry = page.context["runs"].last_dry
    assert (
        dry is not None
        and ("Complaint records", 3, 0, dry.report["complaint_record"]["oldest_kept"]) in page.context["dry_rows"]
    )
    assert "Purge now what this report lists" in page.content.decode()
    with tenancy.tenant_scope(w.tenant):
        person.old.refresh_from_db()
        assert person.old.subject == "Old bill of Anna"  # the dry run changed nothing
    with django_capture_on_commit_callbacks(execute=True):  # the job, and the files' removal, after commit
        assert client.post(url + "purge/", {"plan": dry.pk}).status_code == 302
    page = client.get(url)
    real = page.context["runs"].last_real
    assert real.plan_id == dry.pk and real.requested_by_id == w.users["tenant_admin"].pk
    assert {kind: row["done"] for kind, row in real.report.items()} == {
        kind: row["due"] for kind, row in dry.report.items()
    }
    assert not os.path.exists(path)
    # A report of another day can't be confirmed.
    with tenancy.tenant_scope(w.tenant):
        PurgeRun.objects.filter(pk=dry.pk).update(as_of=dry.as_of - timedelta(days=1))
    client.post(url + "purge/", {"plan": dry.pk})
    with tenancy.tenant_scope(w.tenant):
        assert PurgeRun.objects.filter(dry_run=False).count() == 1


def test_the_schedule_form_shows_why_a_period_is_refused(world):
    w = world.a
    client = client_of(w, "tenant_admin")
    form = {"complaint_record": 24, "attachment": 60, "raw_mail": 60, "minutes": 60, "letter": 60, "reason": "x"}
    response = client.post(f"/t/{w.tenant.code}/privacy/retention/", form)
    assert response.status_code == 400
    assert "The law requires at least 60 months" in response.content.decode()
    form["complaint_record"] = 84
    assert client.post(f"/t/{w.tenant.code}/privacy/retention/", form).status_code == 302
    with tenancy.tenant_scope(w.tenant):
        assert RetentionRule.objects.get().months == 84


def test_the_command_line_prints_the_report_and_the_dry_run_removes_nothing(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        person = rich_customer(w)
    out = io.StringIO()
    call_command("privacy", "purge", "--tenant", "aaa", "--dry-run", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "AAA — dry run" in text and "Dry run: nothing was removed." in text
    assert any(line.strip().startswith("Complaint records") and " 3 " in line for line in text.splitlines())
    with tenancy.tenant_scope(w.tenant):
        person.old.refresh_from_db()
        assert person.old.subject == "Old bill of Anna"
    out = io.StringIO()
    call_command("privacy", "purge", "--tenant", "AAA", "--no-progress", stdout=out)
    with tenancy.tenant_scope(w.tenant):
        person.old.refresh_from_db()
        assert person.old.subject == ERASED


def test_the_nightly_job_purges_every_supplier(world):
    with tenancy.tenant_scope(world.a.tenant):
        a = rich_customer(world.a)
    with tenancy.tenant_scope(world.b.tenant):
        b = rich_customer(world.b, prefix="B ")
    privacy_purge_daily.call_local()
    for w, person in ((world.a, a), (world.b, b)):
        with tenancy.tenant_scope(w.tenant):
            person.old.refresh_from_db()
            assert person.old.subject == ERASED
            assert PurgeRun.objects.filter(dry_run=False).count() == 1
            assert purge_report(clock.tenant_today(w.tenant))["complaint_record"]["due"] == 0


def test_a_dry_run_read_before_a_period_was_shortened_cannot_be_confirmed(world):
    """The officer confirms what the report listed, never more: a period changed after the dry run refuses
    the confirmation until a new dry run shows what would go."""
    from querela.privacy.purge import purge_confirm, purge_dry_run

    w = world.a
    with tenancy.tenant_scope(w.tenant):
        admin = w.actor("tenant_admin")
        plan = purge_dry_run(actor=admin)
        retention_set(actor=admin, months={"attachment": 6}, reason="Files for 6 months")
        with pytest.raises(ValidationFailed, match="periods were changed after this dry run"):
            purge_confirm(actor=admin, plan_id=plan.pk)
        assert not PurgeRun.objects.filter(dry_run=False).exists()
        fresh = purge_dry_run(actor=admin)
        assert purge_confirm(actor=admin, plan_id=fresh.pk).plan_id == fresh.pk


def test_after_a_period_was_shortened_the_night_only_counts_until_the_officer_confirms_a_dry_run(world):
    """A destructive change is previewed and confirmed: a shorter period is applied by the nightly purge only
    once a person has seen what it removes and confirmed it; a longer one (removing less) needs nothing."""
    from querela.privacy.purge import purge_confirm, purge_dry_run, purge_run_by_id

    w = world.a
    with tenancy.tenant_scope(w.tenant):
        admin = w.actor("tenant_admin")
        privacy_purge_daily.call_local()  # under the defaults: a real run
        assert PurgeRun.objects.filter(dry_run=False).count() == 1
        retention_set(actor=admin, months={"attachment": 6}, reason="Files for 6 months")
        page = client_of(w, "tenant_admin").get("/t/AAA/privacy/retention/").content.decode()
        assert "Shortened since the last purge: Files attached to complaints." in page
        privacy_purge_daily.call_local()
        assert PurgeRun.objects.filter(dry_run=False).count() == 1  # the night only counted
        waiting = PurgeRun.objects.filter(dry_run=True).first()
        assert waiting is not None and waiting.requested_by_id is None
        event = AuditEvent.objects.get(action="privacy.purge_waiting")
        assert event.changes == {"shortened": ["attachment"]}

        run = purge_confirm(actor=admin, plan_id=purge_dry_run(actor=admin).pk)
        purge_run_by_id(run.pk, actor=admin)
        assert "Shortened since" not in client_of(w, "tenant_admin").get("/t/AAA/privacy/retention/").content.decode()
        privacy_purge_daily.call_local()
        assert PurgeRun.objects.filter(dry_run=False).count() == 3  # the confirmed one, and the night's again
        retention_set(actor=admin, months={"attachment": 60}, reason="Files kept longer again")
        privacy_purge_daily.call_local()
        assert PurgeRun.objects.filter(dry_run=False).count() == 4  # longer: nothing more to remove, no wait


def test_letters_the_purge_removed_are_never_made_again_by_the_letter_sweep(world):
    """The 10-minute sweep re-makes letters a crashed job left unstored; a letter the purge removed is not
    one of them (re-made, it would go to the print room with the erased text and be posted)."""
    from querela.printing.selectors import letters_to_store
    from querela.printing.tasks import store_letters_sweep

    w = world.a
    with tenancy.tenant_scope(w.tenant):
        person = rich_customer(w)
        letters_before = StoredLetter.objects.filter(complaint=person.old).count()
        assert letters_before
        purge_execute(purge_start(actor=system_actor(w.tenant), dry_run=False), actor=system_actor(w.tenant))
        assert not StoredLetter.objects.filter(complaint=person.old).exists()
    assert all(t != w.tenant.pk for t, _entry in letters_to_store())
    store_letters_sweep.call_local()
    with tenancy.tenant_scope(w.tenant):
        assert not StoredLetter.objects.filter(complaint=person.old).exists()
        assert purge_report(clock.tenant_today(w.tenant))["letter"]["due"] == 0


def test_a_dry_run_is_carried_out_once_and_the_page_offers_only_a_current_one(world):
    from querela.privacy.purge import purge_confirm, purge_dry_run, purge_run_by_id

    w = world.a
    with tenancy.tenant_scope(w.tenant):
        admin = w.actor("tenant_admin")
        client = client_of(w, "tenant_admin")
        plan = purge_dry_run(actor=admin)
        assert "Purge now what this report lists" in client.get("/t/AAA/privacy/retention/").content.decode()
        run = purge_confirm(actor=admin, plan_id=plan.pk)
        purge_run_by_id(run.pk, actor=admin)
        page = client.get("/t/AAA/privacy/retention/").content.decode()
        assert "Purge now what this report lists" not in page and "This report is out of date" in page
        with pytest.raises(ValidationFailed, match="carried out already"):
            purge_confirm(actor=admin, plan_id=plan.pk)
        assert PurgeRun.objects.filter(dry_run=False).count() == 1


def test_while_a_purge_runs_the_page_follows_it_by_itself(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        purge_start(actor=w.actor("tenant_admin"), dry_run=False)  # queued, the worker not there yet
        page = client_of(w, "tenant_admin").get("/t/AAA/privacy/retention/").content.decode()
    assert "its report appears here when it is done" in page
    assert 'hx-trigger="every 2s"' in page and 'hx-select="#purge-runs"' in page and 'id="purge-runs"' in page
