"""The online message wall: a message becomes a complaint answered on the wall, with a notice by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from querela.complaints.models import Complaint
from querela.complaints.services import complaint_add_note
from querela.complaints.transitions import complaint_transition
from querela.core import tenancy
from querela.documents.letters import is_letter
from querela.intake.models import OutboundEmail
from querela.portal.tracking import tracking_token
from querela.postroom.wall import wall_token
from tests.instructions.helpers import checklist_waived

pytestmark = pytest.mark.django_db(transaction=True)


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def _post(client: Client, **fields) -> object:
    data = {"name": "Szabó Éva", "email": "eva@example.hu", "message": "A számlám kétszer lett kiállítva.", **fields}
    return client.post("/p/AAA/wall/", data)


def test_a_visitor_leaves_a_message_and_is_asked_on_the_wall_who_they_are(world):
    visitor = Client()
    assert "Online message wall" in visitor.get("/p/AAA/").content.decode()
    page = visitor.get("/p/AAA/wall/")
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = _post(visitor)
    assert response.status_code == 302 and "/p/AAA/wall/" in response["Location"]
    with tenancy.tenant_scope(world.a.tenant):
        c = Complaint.objects.get()
    assert (c.channel, c.reply_channel, c.status) == ("message_wall", "message_wall", "awaiting_info")
    assert c.contact_email == "eva@example.hu" and c.subject.startswith("A számlám")
    # The request for identification is on the wall; the mail only says something is waiting there.
    [notice] = mail.outbox
    assert notice.to == ["eva@example.hu"] and c.reference in notice.subject
    assert "customer id" not in notice.body and "/p/AAA/wall/" in notice.body
    thread = visitor.get(response["Location"]).content.decode()
    assert "A számlám kétszer lett kiállítva." in thread and "customer id (printed on your bill)" in thread


def test_a_staff_answer_is_given_on_the_wall_with_a_notice_and_a_follow_up_reopens(world):
    w = world.a
    consumer = Client()
    consumer.force_login(w.users["consumer"])  # signed in: their own customer record is linked
    response = _post(consumer, email=w.customer.email, message="Wrong reading on my meter in March.")
    thread_url = response["Location"]
    with tenancy.tenant_scope(w.tenant):
        c = Complaint.objects.get()
        assert c.customer == w.customer and c.status == "registered"
        assert len(mail.outbox) == 1  # the acknowledgement is on the wall
        for action in ("assign", "start_investigation"):
            complaint_transition(
                actor=w.actor("supervisor"), complaint_id=c.pk, action=action, assignee_id=w.users["handler"].pk
            )
        complaint_add_note(actor=w.actor("handler"), complaint_id=c.pk, text="INTERNAL: meter swap pending")
        checklist_waived(w, c.pk)
        complaint_transition(
            actor=w.actor("handler"), complaint_id=c.pk, action="answer", text="We corrected the March reading."
        )
        c.refresh_from_db()
        assert c.status == "answered"
        answer = c.timeline.filter(entry_type="outbound", data__purpose="answer").get()
        assert answer.channel == "message_wall" and not is_letter(answer)
        assert not OutboundEmail.objects.filter(complaint=c).exists()  # not mailed as an answer
    notices = [m for m in mail.outbox if m.to == [w.customer.email]]  # (the handler was told of the assignment)
    assert len(notices) == 2
    notice = notices[-1]
    assert "answer is waiting" in notice.subject and "corrected" not in notice.body
    anyone = Client()  # the link alone opens the thread: no account needed
    link = "/" + _link(notice)
    page = anyone.get(link).content.decode()
    assert "We corrected the March reading." in page and "Wrong reading on my meter in March." in page
    assert "INTERNAL" not in page and w.users["handler"].username not in page and "Answered" in page
    follow = anyone.post(link, {"message": "Thank you, but the April bill is also wrong."})
    assert follow.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        assert c.status == "reopened"
        last = c.timeline.filter(entry_type="inbound").last()
        assert last.channel == "message_wall" and "April" in last.body
    assert "April bill" in anyone.get(thread_url).content.decode()


def test_another_tenant_or_another_kind_of_link_opens_nothing(world):
    response = _post(Client())
    link = response["Location"]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    with tenancy.tenant_scope(world.a.tenant):
        c = Complaint.objects.get()
    stranger = Client()
    assert stranger.get(link).status_code == 200
    assert stranger.get(link.replace("/p/AAA/", "/p/BBB/")).status_code == 404
    assert stranger.get(f"/p/BBB/wall/{wall_token('BBB', c.pk)}/").status_code == 404  # B has no such complaint
    assert stranger.get(f"/p/AAA/wall/{tracking_token('AAA', c.pk)}/").status_code == 404  # another salt
    assert stranger.get(f"/p/AAA/wall/{token[:-2]}xx/").status_code == 404
    refused = stranger.post(link.replace("/p/AAA/", "/p/BBB/"), {"message": "x"})
    assert refused.status_code == 404
    b_staff = Client()
    b_staff.force_login(world.b.users["supervisor"])
    assert b_staff.get(f"/t/AAA/complaints/{c.reference}/").status_code == 404
    with tenancy.tenant_scope(world.b.tenant):
        assert not Complaint.objects.exists()


def test_the_wall_is_rate_limited_and_checks_what_is_typed(world, settings):
    settings.QUERELA = {**settings.QUERELA, "RATE_LIMIT_PUBLIC_FORM": (1, 3600)}
    visitor = Client()
    empty = visitor.post("/p/AAA/wall/", {"name": "", "email": "not-an-address", "message": ""})
    assert empty.status_code == 400
    text = empty.content.decode()
    assert "error-summary" in text and 'aria-describedby="id_email_error id_email_helptext"' in text
    assert _post(visitor).status_code == 429
    with tenancy.tenant_scope(world.a.tenant):
        assert not Complaint.objects.exists()


def test_a_bot_filling_the_hidden_field_is_refused(world):
    assert _post(Client(), website="http://spam.example").status_code == 400
    with tenancy.tenant_scope(world.a.tenant):
        assert not Complaint.objects.exists()


def test_a_reply_from_someone_not_yet_identified_is_flagged_for_a_person(world):
    visitor = Client()
    thread_url = _post(visitor)["Location"]
    assert visitor.post(thread_url, {"message": "A felhasználói azonosítóm 3100123456."}).status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        c = Complaint.objects.get()
    assert c.status == "awaiting_info" and "replied to the request for information" in c.needs_attention
