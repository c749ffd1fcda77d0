"""The answer goes out only after the handler has read it on the preview, exactly as previewed."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from querela.answer_templates.models import AnswerTemplate
from querela.complaints.models import EntryType
from querela.core import tenancy
from querela.intake.models import OutboundEmail
from querela.remedies.models import RemedyBody
from tests.factories import PASSWORD

from .helpers import investigating

pytestmark = pytest.mark.django_db

LETTER = re.compile(r'<pre class="letter-preview" id="letter-text">(.*?)</pre>', re.S)
DIGEST = re.compile(r'name="previewed" value="([0-9a-f]{64})"')


def _setup(world, **kw):
    with tenancy.tenant_scope(world.a.tenant):
        c = investigating(world.a, language="en", **kw)
        template = AnswerTemplate.objects.get(preset="en-rejected")
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    return c, template, client, f"/t/AAA/complaints/{c.reference}/answer/"


def _answers(world, c):
    with tenancy.tenant_scope(world.a.tenant):
        c.refresh_from_db()
        return c, list(c.timeline.filter(entry_type=EntryType.OUTBOUND, data__purpose="answer"))


def test_the_case_file_leads_to_the_answer_page_with_the_templates_and_a_preview(world):
    c, template, client, url = _setup(world)
    page = client.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert f'href="{url}"' in page
    compose = client.get(url).content.decode()
    assert '<label for="answer-template">' in compose and f'<option value="{template.pk}"' in compose
    assert 'name="decision"' in compose and 'value="preview"' in compose


def test_use_template_fills_the_text_without_javascript_and_with_htmx(world):
    c, template, client, url = _setup(world)
    page = client.post(url, {"step": "template", "template": template.pk, "decision": "rejected"}).content.decode()
    assert "Dear Kovács Anna AAA," in page and c.reference in page and "{customer_name}" not in page
    fragment = client.get(f"{url}template/", {"template": template.pk, "decision": "rejected"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.startswith('<div id="answer-text-field">') and '<textarea id="answer-text"' in html
    assert "Dear Kovács Anna AAA," in html
    assert client.get(f"{url}template/", {"template": ""}).status_code == 204  # nothing chosen: text kept


def test_the_preview_shows_exactly_the_letter_that_is_sent(world):
    c, template, client, url = _setup(world)
    text = "Dear customer,\n\nWe checked the meter: it measures correctly."
    preview = client.post(url, {"step": "preview", "text": text, "decision": "rejected", "template": template.pk})
    assert preview.status_code == 200
    page = preview.content.decode()
    letter = html.unescape(LETTER.search(page).group(1))
    assert letter.startswith(text) and "rejected" in letter
    c, sent = _answers(world, c)
    assert c.status == "investigating" and sent == []  # previewing sends nothing

    back = client.post(url, {"step": "edit", "text": text, "decision": "rejected"}).content.decode()
    assert html.escape(text) in back and 'value="rejected" required checked' in back  # the text is kept

    digest = DIGEST.search(page).group(1)
    done = client.post(url, {"step": "send", "text": text, "decision": "rejected", "previewed": digest})
    assert done.status_code == 302
    c, sent = _answers(world, c)
    assert c.status == "answered" and c.decision == "rejected"
    assert len(sent) == 1 and sent[0].body in letter
    with tenancy.tenant_scope(world.a.tenant):
        # The preview showed the e-mail itself: greeting, text, remedies, reference line and signature.
        assert OutboundEmail.objects.get(entry=sent[0]).body == letter


def test_without_confirming_nothing_is_sent(world):
    c, _template, client, url = _setup(world)
    form = {"text": "We checked it.", "decision": "upheld"}
    client.post(url, {"step": "send", **form})  # no preview confirmed
    client.post(f"/t/AAA/complaints/{c.reference}/do/", {"action": "answer", **form})  # the old one-step form
    client.post(url, {"step": "send", **form, "previewed": "0" * 64})  # a letter nobody saw
    c, sent = _answers(world, c)
    assert c.status == "investigating" and sent == []
    with tenancy.tenant_scope(world.a.tenant):
        assert not OutboundEmail.objects.filter(entry__data__purpose="answer").exists()


def test_a_letter_changed_since_the_preview_is_not_sent(world):
    c, _template, client, url = _setup(world)
    form = {"text": "We checked it.", "decision": "rejected"}
    page = client.post(url, {"step": "preview", **form}).content.decode()
    with tenancy.tenant_scope(world.a.tenant):
        RemedyBody.objects.filter(kind="regulator").update(name="Renamed regulator")
    again = client.post(url, {"step": "send", **form, "previewed": DIGEST.search(page).group(1)})
    assert again.status_code == 200 and "Renamed regulator" in again.content.decode()  # shown again
    c, sent = _answers(world, c)
    assert c.status == "investigating" and sent == []


def test_the_api_answers_without_a_preview(world):
    c, _template, client, _url = _setup(world)
    done = client.post(
        f"/api/v1/t/AAA/complaints/{c.reference}/transitions/",
        {"action": "answer", "text": "Rendben.", "decision": "upheld"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    c, sent = _answers(world, c)
    assert c.status == "answered" and len(sent) == 1
