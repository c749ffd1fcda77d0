"""Call recordings (seed 004): a unique id per call, from Querela or the telephony system; the file or
its address attached; kept 5 years, then deleted by the nightly job; a free copy delivered on request."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from querela.audit.models import AuditEvent
from querela.calls.models import Call
from querela.calls.services import call_attach_audio, call_start, recordings_purge
from querela.calls.tasks import purge_call_recordings
from querela.complaints.models import Complaint, EntryType
from querela.complaints.services import Upload, complaint_register
from querela.core import clock, tenancy
from querela.core.errors import ValidationFailed
from querela.tenants.models import ApiToken
from querela.tenants.tokens import digest
from tests.call_center.calls import open_call, register_url
from tests.calls.audio import WAV

pytestmark = pytest.mark.django_db


def _api(w) -> Client:
    key = w.tenant.code.lower()[0] * 40
    with tenancy.tenant_scope(w.tenant):
        ApiToken.objects.get_or_create(user=w.users["agent"], key_sha256=digest(key))
    return Client(HTTP_AUTHORIZATION="Token " + key)


def test_every_call_gets_its_own_id_kept_five_years(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        calls = [call_start(actor=w.actor("agent")) for _ in range(30)]
        today = clock.tenant_today(w.tenant)
    assert len({c.recording_id for c in calls}) == 30
    assert all(c.recording_id.replace("-", "").isdigit() for c in calls)  # read out as digits
    assert calls[0].retain_until == today.replace(year=today.year + 5)


def test_the_telephony_system_announces_a_call_and_reports_its_recording(world):
    w = world.a
    api = _api(w)
    made = api.post("/api/v1/t/AAA/calls/", {"recording_id": "PBX-7781", "caller_number": "+3630111"})
    again = api.post("/api/v1/t/AAA/calls/", {"recording_id": "PBX-7781"})  # a retried request
    assert made.status_code == again.status_code == 201 and made.json()["recording_id"] == "PBX-7781"
    linked = api.post(
        "/api/v1/t/AAA/calls/PBX-7781/recording/",
        {"url": "https://pbx.example.hu/rec/PBX-7781.wav"},
        content_type="application/json",
    )
    assert linked.status_code == 200 and linked.json()["audio_url"].endswith("PBX-7781.wav")
    uploaded = api.post("/api/v1/t/AAA/calls/PBX-7781/recording/", {"file": SimpleUploadedFile("rec.wav", WAV)})
    assert uploaded.status_code == 200
    refused = api.post(
        "/api/v1/t/AAA/calls/PBX-7781/recording/", {"file": SimpleUploadedFile("rec.wav", b"%PDF-1.4 not audio")}
    )
    assert refused.status_code == 400 and "audio" in str(refused.json()).lower()
    with tenancy.tenant_scope(w.tenant):
        call = Call.objects.get(recording_id="PBX-7781")
        assert call.source == "telephony" and call.audio_size == len(WAV) and call.caller_number == "+3630111"
    # Another supplier's token knows nothing of it.
    assert _api(world.b).post("/api/v1/t/AAA/calls/", {"recording_id": "X"}).status_code in (403, 404)


def test_the_agent_tells_the_telephony_id_and_the_complaint_carries_it(world):
    w = world.a
    agent = Client()
    agent.force_login(w.users["agent"])
    _api(w).post("/api/v1/t/AAA/calls/", {"recording_id": "PBX-9001"})
    call_id = open_call(w, agent, recording_id="PBX-9001")
    page = agent.get(f"/t/AAA/calls/{call_id}/").content.decode()
    assert "recorded under id PBX-9001" in page
    agent.post(
        register_url(w, call_id),
        {
            "customer": w.customer.pk,
            "kind": "complaint",
            "category": "billing",
            "subject": "Hívás",
            "description": "d",
            "minutes_waived": "on",
        },
    )
    with tenancy.tenant_scope(w.tenant):
        assert Complaint.objects.get().call_recording == "PBX-9001"
        assert Call.objects.filter(recording_id="PBX-9001").count() == 1


def test_recordings_past_five_years_are_deleted_and_the_rest_kept(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        old = call_start(actor=w.actor("agent"))
        call_attach_audio(actor=w.actor("agent"), call_id=old.pk, upload=Upload("old.wav", io.BytesIO(WAV), len(WAV)))
        young = call_start(actor=w.actor("agent"))
        call_attach_audio(actor=w.actor("agent"), call_id=young.pk, upload=Upload("n.wav", io.BytesIO(WAV), len(WAV)))
        Call.objects.filter(pk=old.pk).update(retain_until=clock.tenant_today(w.tenant) - timedelta(days=1))
        path = Call.objects.get(pk=old.pk).audio.path
    purge_call_recordings.call_local()  # the nightly job, every tenant
    with tenancy.tenant_scope(w.tenant):
        old.refresh_from_db()
        young.refresh_from_db()
        assert old.purged_at and not old.audio and young.audio and not young.purged_at
        assert AuditEvent.objects.filter(action="call.recording_purged", object_id=old.recording_id).exists()
        assert recordings_purge() == 0  # nothing twice
    import os

    assert not os.path.exists(path)


def test_a_free_copy_is_asked_for_produced_and_delivered_on_the_timeline(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        call = call_start(actor=w.actor("agent"))
        call_attach_audio(
            actor=w.actor("agent"), call_id=call.pk, upload=Upload("hivas.wav", io.BytesIO(WAV), len(WAV))
        )
        c = complaint_register(
            actor=w.actor("agent"),
            channel="phone",
            subject="Hívás",
            description="d",
            customer=w.customer,
            place=w.place,
            call_recording=call.recording_id,
            reply_channel="email",
        )
    consumer = Client()
    consumer.force_login(w.users["consumer"])
    consumer.post(f"/t/AAA/complaints/{c.reference}/recording/")
    handler = Client()
    handler.force_login(w.users["handler"])
    page = handler.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "The stored recording goes with the message." in page
    handler.post(f"/t/AAA/complaints/{c.reference}/recording/send/", {"text": ""})
    with tenancy.tenant_scope(w.tenant):
        sent = c.timeline.get(entry_type=EntryType.OUTBOUND, data__purpose="recording_copy")
        assert [f.filename for f in sent.files.all()] == ["hivas.wav"]
    mine = consumer.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "The copy was sent to you on" in mine


def test_a_purged_recording_cannot_be_sent(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        call = call_start(actor=w.actor("agent"))
        Call.objects.filter(pk=call.pk).update(purged_at=clock.now())
        c = complaint_register(
            actor=w.actor("agent"),
            channel="phone",
            subject="s",
            description="d",
            call_recording=call.recording_id,
            contact_name="X",
            contact_phone="+36 1 111 1111",
        )
        from querela.calls.services import recording_copy_send

        with pytest.raises(ValidationFailed, match="retention period"):
            recording_copy_send(actor=w.actor("handler"), complaint_id=c.pk, text="", uploads=[])
