"""Due dates on real complaints, extensions with notices, and the sweep's reminders and breaches."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from querela.audit.models import AuditEvent
from querela.complaints.deadline_actions import complaint_acknowledge, complaint_extend
from querela.complaints.deadline_sweep import deadline_sweep, deadline_sweep_tenant
from querela.complaints.models import Complaint, DeadlineStep, Notification
from querela.complaints.services import complaint_register
from querela.complaints.transitions import complaint_transition
from querela.core import clock, tenancy
from querela.core.errors import ValidationFailed
from tests.factories import PASSWORD

BUDAPEST = ZoneInfo("Europe/Budapest")


_STATE: dict[str, datetime] = {}


@pytest.fixture
def frozen(monkeypatch):
    """Set the application clock (the engine reads `now` from it)."""
    _STATE.clear()
    _STATE["now"] = datetime(2026, 3, 2, 9, 15, tzinfo=BUDAPEST)
    monkeypatch.setattr(clock, "now", lambda: _STATE["now"])
    return _STATE


def _register(w, received: datetime, **kw) -> Complaint:
    if _STATE and received > _STATE["now"]:
        _STATE["now"] = received  # a complaint is registered when it arrives, never before
    return complaint_register(
        actor=w.actor("agent"),
        channel="email",
        subject="Bill",
        description="Too high",
        customer=w.customer,
        received_at=received,
        **kw,
    )


@pytest.mark.django_db
def test_registration_stores_the_statutory_answer_date(in_a, frozen):
    c = _register(in_a, frozen["now"])
    assert c.answer_due == date(2026, 3, 17)  # hu-electricity: 15 calendar days
    damage = _register(in_a, frozen["now"], category="damage")
    assert damage.answer_due == date(2026, 4, 1)  # damage compensation: 30 days


@pytest.mark.django_db
def test_information_request_restarts_the_clock(in_a, frozen):
    c = _register(in_a, frozen["now"])
    frozen["now"] = datetime(2026, 3, 3, 10, tzinfo=BUDAPEST)
    complaint_transition(actor=in_a.actor("agent"), complaint_id=c.pk, action="request_info", text="Meter serial?")
    c.refresh_from_db()
    assert c.answer_due is None  # nothing runs while the customer owes information
    frozen["now"] = datetime(2026, 3, 10, 8, tzinfo=BUDAPEST)
    complaint_transition(actor=in_a.actor("agent"), complaint_id=c.pk, action="register")
    c.refresh_from_db()
    assert c.answer_due == date(2026, 3, 25)


@pytest.mark.django_db
def test_extension_sends_a_notice_in_the_reply_channel_and_moves_the_date(in_a, frozen):
    c = _register(in_a, datetime(2026, 5, 4, 12, tzinfo=BUDAPEST))
    frozen["now"] = datetime(2026, 5, 15, 9, tzinfo=BUDAPEST)
    with pytest.raises(ValidationFailed) as err:
        complaint_extend(
            actor=in_a.actor("handler"),
            complaint_id=c.pk,
            days=20,
            reason="technical_investigation",
            text="Measurements needed.",
        )
    assert err.value.code == "extension_too_long"
    new_due = complaint_extend(
        actor=in_a.actor("handler"),
        complaint_id=c.pk,
        days=15,
        reason="technical_investigation",
        text="We need a measurement at your meter.",
    )
    assert new_due == date(2026, 6, 3)
    notice = c.timeline.filter(entry_type="outbound", data__purpose="extend").get()
    assert notice.channel == "email" and "measurement" in notice.body and "3 June 2026" in notice.body
    assert AuditEvent.objects.filter(action="complaint.extend", object_id=c.reference).exists()
    with pytest.raises(ValidationFailed) as err:
        complaint_extend(actor=in_a.actor("handler"), complaint_id=c.pk, days=5, reason="other", text="Again.")
    assert err.value.code == "extension_not_allowed"


@pytest.mark.django_db
def test_extension_after_the_due_date_is_refused(in_a, frozen):
    c = _register(in_a, datetime(2026, 5, 4, 12, tzinfo=BUDAPEST))
    frozen["now"] = datetime(2026, 5, 20, 9, tzinfo=BUDAPEST)
    with pytest.raises(ValidationFailed) as err:
        complaint_extend(
            actor=in_a.actor("handler"), complaint_id=c.pk, days=5, reason="technical_investigation", text="Late."
        )
    assert err.value.code == "extension_after_due"
    c.refresh_from_db()
    assert c.answer_due == date(2026, 5, 19)


@pytest.mark.django_db
def test_acknowledgement_tells_the_customer_the_answer_date(in_a, frozen):
    c = _register(in_a, frozen["now"])
    complaint_acknowledge(actor=in_a.actor("handler"), complaint_id=c.pk)
    ack = c.timeline.filter(data__purpose="acknowledge").get()
    assert "We will answer by 17 March 2026." in ack.body


def _assign(w, c):
    w.users["handler"].email = "handler@a.example"
    w.users["handler"].save()
    w.users["supervisor"].email = "boss@a.example"
    w.users["supervisor"].save()
    complaint_transition(
        actor=w.actor("supervisor"), complaint_id=c.pk, action="assign", assignee_id=w.users["handler"].pk
    )


@pytest.mark.django_db
def test_sweep_reminds_once_then_escalates_once(in_a, frozen, django_capture_on_commit_callbacks):
    c = _register(in_a, frozen["now"])  # due 17 March
    _assign(in_a, c)
    mail.outbox.clear()
    for day in (10, 11, 12, 12, 13, 16):  # 3 working days before the due date: 12 March
        with django_capture_on_commit_callbacks(execute=True):
            deadline_sweep(now=datetime(2026, 3, day, 7, tzinfo=BUDAPEST))
    reminders = [m for m in mail.outbox if "due on" in m.subject]
    assert len(reminders) == 1 and reminders[0].to == ["handler@a.example"]
    assert not [m for m in mail.outbox if "missed" in m.subject]
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            deadline_sweep(now=datetime(2026, 3, 18, 7, tzinfo=BUDAPEST))
    missed = [m for m in mail.outbox if "missed" in m.subject]
    assert sorted(m.to[0] for m in missed) == ["boss@a.example", "handler@a.example"]
    # Each notice has its own Message-ID, kept if it is ever sent again (a worker died before recording it).
    ids = [m.extra_headers["Message-ID"] for m in reminders + missed]
    assert len(set(ids)) == 3 and all(i.startswith("<notification-") for i in ids)
    assert AuditEvent.objects.filter(action="deadline.breach", object_id=c.reference).count() == 1
    assert AuditEvent.objects.filter(action="deadline.due_soon", object_id=c.reference).count() == 1
    c.refresh_from_db()
    assert "missed" in c.needs_attention


@pytest.mark.django_db
def test_a_missed_deadline_adds_to_what_was_flagged_instead_of_erasing_it(in_a, frozen):
    from querela.complaints.services import complaint_flag

    c = _register(in_a, frozen["now"])
    complaint_flag(actor=in_a.actor("agent"), complaint_id=c.pk, note="Identity to be checked.")
    deadline_sweep(now=datetime(2026, 3, 18, 7, tzinfo=BUDAPEST))
    c.refresh_from_db()
    assert c.needs_attention.startswith("Identity to be checked.") and "missed" in c.needs_attention
    assert AuditEvent.objects.filter(action="complaint.flag", object_id=c.reference).count() == 2


@pytest.mark.django_db
def test_an_answered_complaint_is_not_chased(in_a, frozen):
    c = _register(in_a, frozen["now"])
    _assign(in_a, c)
    h = in_a.actor("handler")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="Corrected.")
    mail.outbox.clear()
    deadline_sweep(now=datetime(2026, 3, 30, 7, tzinfo=BUDAPEST))
    assert not Notification.objects.filter(kind__in=["due_soon", "breach"]).exists()


@pytest.mark.django_db
def test_polish_consumer_law_deems_the_complaint_accepted(world, frozen):
    w = world.b
    w.tenant.deadline_policy = "pl-consumer"
    w.tenant.time_zone = "Europe/Warsaw"
    w.tenant.save()
    with tenancy.tenant_scope(w.tenant):
        c = _register(w, datetime(2026, 12, 10, 10, tzinfo=ZoneInfo("Europe/Warsaw")))
        assert c.answer_due == date(2026, 12, 28)
        deadline_sweep_tenant(w.tenant, now=datetime(2026, 12, 29, 9, tzinfo=ZoneInfo("Europe/Warsaw")))
        c.refresh_from_db()
        assert c.deemed_accepted
        assert AuditEvent.objects.filter(action="deadline.deemed_accepted").count() == 1


@pytest.mark.django_db
def test_sweep_reads_only_what_is_due(in_a, frozen, django_assert_max_num_queries):
    for _ in range(40):  # far from due: the sweep must not touch them
        _register(in_a, frozen["now"])
    with django_assert_max_num_queries(3):
        assert deadline_sweep_tenant(in_a.tenant, now=datetime(2026, 3, 3, 7, tzinfo=BUDAPEST)) == 0
    assert not DeadlineStep.objects.filter(next_check_on__lte=date(2026, 3, 3)).exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_notify_exactly_once(world, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 2, 9, 15, tzinfo=BUDAPEST))
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        cs = [_register(w, datetime(2026, 3, 2, 9, 15, tzinfo=BUDAPEST)) for _ in range(5)]
        for c in cs:
            _assign(w, c)
    mail.outbox.clear()
    when = datetime(2026, 3, 18, 7, tzinfo=BUDAPEST)
    errors = []

    def run():
        try:
            deadline_sweep(now=when)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with tenancy.tenant_scope(w.tenant):
        assert AuditEvent.objects.filter(action="deadline.breach").count() == 5
        assert Notification.objects.filter(kind="breach").count() == 10  # supervisor + assignee, per complaint


@pytest.mark.django_db
def test_handler_sees_due_dates_and_consumer_reads_a_plain_sentence(world, frozen):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = _register(w, clock.now() - timedelta(days=1))
    handler = Client()
    handler.login(username=w.users["handler"].username, password=PASSWORD)
    page = handler.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "Deadlines" in page and "2026-03-16" in page and "hu-electricity" in page
    consumer = Client(HTTP_ACCEPT_LANGUAGE="en")
    consumer.login(username=w.users["consumer"].username, password=PASSWORD)
    page = consumer.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "We will answer by 16 March 2026." in page


@pytest.mark.django_db
def test_tenant_closures_count_as_non_working_days(world, frozen):
    w = world.b
    w.tenant.deadline_policy = "pl-inverter-vendor"
    w.tenant.time_zone = "Europe/Warsaw"
    w.tenant.save()
    warsaw = ZoneInfo("Europe/Warsaw")
    with tenancy.tenant_scope(w.tenant):
        c = _register(w, datetime(2026, 4, 1, 10, tzinfo=warsaw))
        assert DeadlineStep.objects.get(complaint=c, step="ack").due_date == date(2026, 4, 13)
        w.tenant.closures = ["2026-04-02"]  # the office is closed for a day
        w.tenant.save()
        c2 = _register(w, datetime(2026, 4, 1, 10, tzinfo=warsaw))
        assert DeadlineStep.objects.get(complaint=c2, step="ack").due_date == date(2026, 4, 14)


# --- policies as versioned data, per-tenant reminders, extension reasons, rescheduling ----------


def _edited(days: int) -> dict:
    from querela.deadlines.policies import PRESETS

    definition = PRESETS["hu-electricity"].to_dict()
    definition["steps"]["answer"]["period"] = days
    return definition


@pytest.mark.django_db
def test_a_complaint_keeps_the_policy_version_it_was_registered_under(in_a, frozen):
    from querela.complaints.deadline_policies import policy_save
    from querela.complaints.deadline_schedule import deadlines_recompute

    before_edit = _register(in_a, frozen["now"])
    assert (before_edit.policy_version, before_edit.answer_due) == (0, date(2026, 3, 17))  # the preset
    policy_save(actor=in_a.actor("tenant_admin"), name="hu-electricity", definition=_edited(20))
    under_v1 = _register(in_a, frozen["now"])
    assert (under_v1.policy_version, under_v1.answer_due) == (1, date(2026, 3, 22))
    policy_save(actor=in_a.actor("tenant_admin"), name="hu-electricity", definition=_edited(25))
    for c, due in ((before_edit, date(2026, 3, 17)), (under_v1, date(2026, 3, 22))):
        c.refresh_from_db()
        deadlines_recompute(c)  # any later event recomputes: the registered version still rules
        assert c.answer_due == due
    assert _register(in_a, frozen["now"]).answer_due == date(2026, 3, 27)


@pytest.mark.django_db
def test_reminder_lead_time_is_the_tenants_setting(in_a, frozen):
    in_a.tenant.reminder_working_days = 5
    in_a.tenant.save()
    c = _register(in_a, frozen["now"])  # due Tuesday 17 March
    step = DeadlineStep.objects.get(complaint=c, step="answer")
    assert step.remind_on == date(2026, 3, 10)  # 5 working days before


@pytest.mark.django_db
def test_an_extension_needs_a_reason_and_the_notice_names_it_in_the_customers_language(in_a, frozen):
    c = _register(in_a, datetime(2026, 5, 4, 12, tzinfo=BUDAPEST))
    frozen["now"] = datetime(2026, 5, 15, 9, tzinfo=BUDAPEST)
    h = in_a.actor("handler")
    with pytest.raises(ValidationFailed) as err:
        complaint_extend(actor=h, complaint_id=c.pk, days=10, reason="", text="We need an expert.")
    assert err.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as err:
        complaint_extend(actor=h, complaint_id=c.pk, days=None, reason="outside_opinion", text="We need an expert.")
    assert err.value.code == "days_required"
    # hu-electricity allows technical investigation or outside opinions only
    with pytest.raises(ValidationFailed) as err:
        complaint_extend(actor=h, complaint_id=c.pk, days=10, reason="other", text="We are busy.")
    assert err.value.code == "extension_not_allowed"
    in_a.customer.language = "hu"
    in_a.customer.save()
    complaint_extend(actor=h, complaint_id=c.pk, days=10, reason="outside_opinion", text="Szakértőt kérünk fel.")
    notice = c.timeline.filter(data__purpose="extend").get()
    assert "Szakértőt kérünk fel." in notice.body
    assert "külső szakvélemény" in notice.body.lower() or "szakvélemény" in notice.body.lower()
    assert "2026. május 29." in notice.body  # the new date, in Hungarian


@pytest.mark.django_db
def test_a_statutory_deadline_cannot_be_rescheduled(in_a, frozen):
    from querela.complaints.deadline_actions import complaint_reschedule

    c = _register(in_a, frozen["now"])
    frozen["now"] = datetime(2026, 3, 18, 9, tzinfo=BUDAPEST)  # missed
    with pytest.raises(ValidationFailed) as err:
        complaint_reschedule(
            actor=in_a.actor("handler"), complaint_id=c.pk, new_date=date(2026, 4, 30), text="Sorry, later."
        )
    assert err.value.code == "reschedule_not_allowed"
    c.refresh_from_db()
    assert c.answer_due == date(2026, 3, 17)


@pytest.mark.django_db
def test_a_vendor_target_is_rescheduled_only_when_near_or_missed(in_a, frozen):
    from querela.complaints.deadline_actions import complaint_reschedule

    in_a.tenant.deadline_policy = "pl-inverter-vendor"
    in_a.tenant.save()
    # answer due 14 April: 30 business days, Easter Monday off
    c = _register(in_a, datetime(2026, 3, 2, 9, tzinfo=BUDAPEST))
    assert c.answer_due == date(2026, 4, 14)
    h = in_a.actor("handler")
    with pytest.raises(ValidationFailed) as err:
        complaint_reschedule(actor=h, complaint_id=c.pk, new_date=date(2026, 5, 15), text="Parts are late.")
    assert err.value.code == "reschedule_too_early"
    frozen["now"] = datetime(2026, 4, 15, 9, tzinfo=BUDAPEST)
    complaint_reschedule(actor=h, complaint_id=c.pk, new_date=date(2026, 5, 15), text="Parts are late.")
    c.refresh_from_db()
    assert c.answer_due == date(2026, 5, 15)
    assert "Parts are late." in c.timeline.filter(data__purpose="reschedule").get().body


@pytest.mark.django_db
def test_answering_ends_the_chase_for_every_step(in_a, frozen):
    in_a.tenant.deadline_policy = "pl-inverter-vendor"
    in_a.tenant.save()
    c = _register(in_a, frozen["now"])
    _assign(in_a, c)
    h = in_a.actor("handler")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="Replaced the inverter.")
    steps = DeadlineStep.objects.filter(complaint=c)
    assert {s.step for s in steps} == {"ack", "progress", "answer"}
    assert all(s.next_check_on is None for s in steps)


@pytest.mark.django_db
def test_information_asked_during_the_investigation_returns_to_the_handler(in_a, frozen):
    from querela.complaints.services import complaint_add_message
    from querela.complaints.workflow import Status

    c = _register(in_a, frozen["now"])
    _assign(in_a, c)
    h = in_a.actor("handler")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    frozen["now"] = datetime(2026, 3, 5, 10, tzinfo=BUDAPEST)
    complaint_transition(actor=h, complaint_id=c.pk, action="request_info", text="Please send a meter photo.")
    with pytest.raises(ValidationFailed) as err:  # registering again would start the case over
        complaint_transition(actor=h, complaint_id=c.pk, action="register")
    assert err.value.code == "already_assigned"
    frozen["now"] = datetime(2026, 3, 9, 8, tzinfo=BUDAPEST)
    complaint_add_message(actor=in_a.actor("consumer"), complaint_id=c.pk, text="Here is the photo.")
    c.refresh_from_db()
    assert c.status == Status.INVESTIGATING and c.assignee_id == in_a.users["handler"].pk
    assert c.answer_due == date(2026, 3, 24)  # hu-electricity restarts: 15 days from the reply


@pytest.mark.django_db
def test_long_dates_read_naturally_in_each_language():
    from django.utils import translation

    from querela.complaints.deadline_texts import long_date

    day = date(2027, 1, 4)
    expected = {"en": "4 January 2027", "hu": "2027. január 4.", "pl": "4 stycznia 2027", "ro": "4 ianuarie 2027"}
    for language, text in expected.items():
        with translation.override(language):
            assert long_date(day) == text


@pytest.mark.django_db
def test_a_disputed_answer_is_due_again_from_the_day_it_was_reopened(in_a, frozen):
    from querela.complaints.deadline_selectors import deadline_overview
    from querela.complaints.selectors import complaint_list

    c = _register(in_a, frozen["now"])  # due 17 March
    _assign(in_a, c)
    h = in_a.actor("handler")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="Corrected.")
    frozen["now"] = datetime(2026, 3, 20, 9, tzinfo=BUDAPEST)
    complaint_transition(actor=in_a.actor("consumer"), complaint_id=c.pk, action="reopen", text="Still wrong.")
    c.refresh_from_db()
    assert c.answer_due == date(2026, 4, 4)  # 15 days from the dispute
    answer = next(s for s in deadline_overview(c)["steps"] if s["name"] == "Answer")
    assert answer["done_on"] is None and answer["due"] == date(2026, 4, 4)
    frozen["now"] = datetime(2026, 4, 6, 9, tzinfo=BUDAPEST)
    assert c in complaint_list(actor=in_a.actor("supervisor"), deadline="overdue")
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="Refunded.")
    c.refresh_from_db()
    assert not DeadlineStep.objects.filter(complaint=c, next_check_on__isnull=False).exists()


@pytest.mark.django_db
def test_an_answered_complaint_escalated_by_the_customer_promises_no_answer_date(in_a, frozen):
    from querela.complaints.deadline_texts import consumer_due_sentence

    c = _register(in_a, frozen["now"])
    _assign(in_a, c)
    h = in_a.actor("handler")
    assert "2026" in consumer_due_sentence(c)  # while an answer is owed, its date is told
    complaint_transition(actor=h, complaint_id=c.pk, action="start_investigation")
    complaint_transition(actor=h, complaint_id=c.pk, action="answer", text="Rendben.")
    complaint_transition(actor=in_a.actor("consumer"), complaint_id=c.pk, action="escalate", text="Nem értek egyet.")
    c.refresh_from_db()
    assert c.status == "escalated"
    assert consumer_due_sentence(c) == ""


@pytest.mark.django_db
def test_a_redirected_non_complaint_has_no_open_answer_step(in_a, frozen):
    c = _register(in_a, frozen["now"])
    Complaint.objects.filter(pk=c.pk).update(kind="technical_fault")
    complaint_transition(actor=in_a.actor("handler"), complaint_id=c.pk, action="redirect", text="Hibabejelentő vonal.")
    open_steps = DeadlineStep.objects.filter(complaint=c, done_at__isnull=True, due_date__isnull=False)
    assert not open_steps.exists()
    deadline_sweep(now=datetime(2026, 4, 30, 7, tzinfo=BUDAPEST))  # long past every date: nothing breached
    assert not DeadlineStep.objects.filter(complaint=c, missed_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_rescheduled_target_is_not_shown_as_overdue(in_a, frozen):
    from querela.complaints.deadline_actions import complaint_reschedule
    from querela.complaints.selectors import complaint_list

    in_a.tenant.deadline_policy = "pl-inverter-vendor"
    in_a.tenant.save()
    from querela.complaints.deadline_actions import complaint_acknowledge, complaint_progress_update

    c = _register(in_a, datetime(2026, 3, 2, 9, tzinfo=BUDAPEST))  # target 14 April
    _assign(in_a, c)
    h = in_a.actor("handler")
    complaint_acknowledge(actor=h, complaint_id=c.pk)
    complaint_progress_update(actor=h, complaint_id=c.pk, text="Checking the inverter.")
    frozen["now"] = datetime(2026, 4, 16, 9, tzinfo=BUDAPEST)
    deadline_sweep(now=frozen["now"])  # the target is missed: flagged, listed as overdue
    assert c.pk in {x.pk for x in complaint_list(actor=h, deadline="overdue")}
    complaint_reschedule(actor=h, complaint_id=c.pk, new_date=date(2026, 5, 15), text="Parts are late.")
    assert c.pk not in {x.pk for x in complaint_list(actor=h, deadline="overdue")}
    step = DeadlineStep.objects.get(complaint=c, step="answer")
    assert step.due_date == date(2026, 5, 15) and step.missed_at is None
