"""Which templates an answer is offered, the facts filled in, the defaults, the administrator's page."""

from __future__ import annotations

import pytest
from django.test import Client

from querela.answer_templates.defaults import DEFAULTS
from querela.answer_templates.models import AnswerTemplate
from querela.answer_templates.selectors import answer_template_text, placeholder_values, template_for, templates_for
from querela.answer_templates.services import answer_template_save
from querela.audit.models import AuditEvent
from querela.core import tenancy
from querela.core.errors import ValidationFailed
from tests.factories import PASSWORD

from .helpers import investigating

pytestmark = pytest.mark.django_db


def _make(**kw):
    values = {"name": kw.pop("name"), "body": kw.pop("body", "Dear {customer_name}"), "kind": "", "category": ""}
    values.update(kw)
    return AnswerTemplate.objects.create(**values)


def test_a_new_supplier_has_the_defaults_in_every_language(world):
    with tenancy.tenant_scope(world.b.tenant):
        assert AnswerTemplate.objects.count() == len(DEFAULTS) == 12
        assert set(AnswerTemplate.objects.values_list("language", flat=True)) == {"hu", "pl", "ro", "en"}


def test_the_most_specific_template_in_the_complaints_language_comes_first(in_a):
    c = investigating(in_a, language="pl")
    generic = _make(name="A generic", language="pl")
    by_decision = _make(name="B rejected", language="pl", decision="rejected")
    kind_and_decision = _make(name="C complaint rejected", language="pl", kind="complaint", decision="rejected")
    _make(name="Other kind", language="pl", kind="public_interest")
    _make(name="English", language="en", kind="complaint", decision="rejected")
    _make(name="Off", language="pl", kind="complaint", category="other", decision="rejected", is_active=False)
    _make(name="Upheld", language="pl", kind="complaint", decision="upheld")

    rejected = templates_for(c, "rejected")
    names = [t.name for t in rejected]
    assert rejected[0] == kind_and_decision == template_for(c, "rejected")
    assert names[-1] == generic.name and by_decision.name in names
    assert "Reklamacja odrzucona" in names  # the Polish default for a rejection
    assert not {"Other kind", "English", "Off", "Upheld"} & set(names)
    assert template_for(c, "upheld").name == "Upheld"
    # No decision chosen yet: every decision's templates, the most specific first.
    assert {"Upheld", "C complaint rejected", "A generic"} <= {t.name for t in templates_for(c)}

    # Same number of conditions: a category says more than a kind.
    c.category = "billing"
    category_and_decision = _make(name="D billing rejected", language="pl", category="billing", decision="rejected")
    assert template_for(c, "rejected") == category_and_decision
    everything = _make(name="E", language="pl", kind="complaint", category="billing", decision="rejected")
    assert template_for(c, "rejected") == everything


def test_the_complaints_facts_fill_the_placeholders(in_a):
    c = investigating(in_a, language="en")
    t = _make(name="Facts", language="en", body="{customer_name}|{reference}|{subject}|{decision}|{place_address}")
    text = answer_template_text(c, t.pk, "partly_upheld")
    assert text == f"Kovács Anna AAA|{c.reference}|Hibás számla|Partly upheld|{c.place}"
    values = placeholder_values(c, "")
    assert values["received_on"] and values["decision"] == ""
    t.is_active = False
    t.save()
    assert answer_template_text(c, t.pk, "upheld") is None


def test_saving_an_unknown_placeholder_is_refused_with_its_name(in_a):
    admin = in_a.actor("tenant_admin")
    with pytest.raises(ValidationFailed) as refused:
        answer_template_save(
            actor=admin,
            template_id=None,
            values={"name": "Refund", "language": "en", "body": "We refund {amount} to {customer_name}."},
        )
    assert "{amount}" in refused.value.message and "{customer_name}" in refused.value.message
    assert not AnswerTemplate.objects.filter(name="Refund").exists()
    saved = answer_template_save(
        actor=admin, template_id=None, values={"name": "Refund", "language": "en", "body": "Dear {customer_name}"}
    )
    assert AuditEvent.objects.filter(action="answer_template.created", object_id=str(saved.pk)).exists()


def test_the_administrators_page_refuses_an_unknown_placeholder(world):
    client = Client()
    assert client.login(username="aaa-tenant_admin", password=PASSWORD)
    url = "/t/AAA/admin/answer-templates/"
    assert "Answer templates" in client.get(url).content.decode()
    form = {"name": "Refund", "language": "en", "decision": "upheld", "body": "We refund {amount}.", "is_active": "on"}
    page = client.post(url, form, follow=True).content.decode()
    assert "{amount}" in page and "Unknown placeholder" in page
    with tenancy.tenant_scope(world.a.tenant):
        assert not AnswerTemplate.objects.filter(name="Refund").exists()
    form["body"] = "Dear {customer_name}, we refund the amount."
    assert client.post(url, form).status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        t = AnswerTemplate.objects.get(name="Refund")
        assert t.decision == "upheld" and t.is_active
    edit = f"/t/AAA/admin/answer-templates/{t.pk}/"
    assert client.post(edit, {**form, "body": "Bad {x}"}).status_code == 200
    assert client.post(edit, {**form, "is_active": ""}).status_code == 302
    with tenancy.tenant_scope(world.a.tenant):
        t.refresh_from_db()
        assert not t.is_active and t.body.startswith("Dear")
        assert AuditEvent.objects.filter(action="answer_template.changed", object_id=str(t.pk)).exists()


def test_a_handler_cannot_edit_templates(world):
    client = Client()
    assert client.login(username="aaa-handler", password=PASSWORD)
    assert client.get("/t/AAA/admin/answer-templates/").status_code == 403
