"""The audit log says what happened in words: every action code the source writes has a sentence, people
and things are named (not numbered), codes are shown by their labels, in the reader's language."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from querela.audit.models import AuditEvent
from querela.audit.services import audit_personal_data, audit_record
from querela.audit.vocabulary import Names, names_for
from querela.audit.wording import WORDING, describe, group_of
from querela.complaints.models import Complaint
from querela.complaints.services import complaint_register, complaint_update
from querela.complaints.workflow import TRANSITIONS, Status
from querela.core import tenancy
from querela.deadlines.policies import OnMiss
from tests.factories import PASSWORD

SRC = Path(__file__).resolve().parents[2] / "src" / "querela"

# Codes written with a variable part: what the variable can be.
FORWARDERS = ("_audit", "audit_event")
DYNAMIC = {
    "complaint.{action}": [t.name for t in TRANSITIONS],  # transitions.py: every workflow transition
    "deadline.{outcome}": list(get_args(OnMiss)),  # deadline_sweep.py: the policy's on_miss
    "personal_data.{what}": [],  # the helper itself; each call's `what` is collected at the call
}


def _template(node: ast.JoinedStr) -> str:
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        else:
            assert isinstance(value, ast.FormattedValue)
            parts.append("{" + ast.unparse(value.value) + "}")
    return "".join(parts)


def _resolve(node: ast.expr, where: str, unresolved: list[str]) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _resolve(node.body, where, unresolved) + _resolve(node.orelse, where, unresolved)
    if isinstance(node, ast.JoinedStr) and _template(node) in DYNAMIC:
        head = _template(node).split("{")[0]
        return [head + v for v in DYNAMIC[_template(node)]]
    unresolved.append(f"{where}: {ast.unparse(node)}")
    return []


def codes_written() -> tuple[dict[str, str], list[str]]:
    """Every action code `audit_record` and `audit_personal_data` are called with in src/, and where."""
    codes: dict[str, str] = {}
    unresolved: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # A module's own `_audit(..., action="code", ...)` (two-step sign-in's `audit_event`, shared with
        # its security keys) forwards to audit_record: its calls are read instead of the forwarding call.
        forwarders = {
            id(call)
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef) and fn.name in FORWARDERS
            for call in ast.walk(fn)
            if isinstance(call, ast.Call)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or id(node) in forwarders:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            if name == "audit_record" or name in FORWARDERS:
                assert "action" in keywords, f"{where}: audit_record without action= (the scan reads keywords)"
                found = _resolve(keywords["action"], where, unresolved)
            elif name == "audit_personal_data":
                assert "what" in keywords, f"{where}: audit_personal_data without what="
                found = [f"personal_data.{w}" for w in _resolve(keywords["what"], where, unresolved)]
            else:
                continue
            for code in found:
                codes.setdefault(code, where)
    return codes, unresolved


def test_every_action_code_written_in_the_source_has_a_wording():
    codes, unresolved = codes_written()
    assert not unresolved, "action codes the scan cannot read (add them to DYNAMIC): " + "; ".join(unresolved)
    assert len(codes) >= 60, sorted(codes)  # the scan found the calls (calls/, minutes/, postroom/ included)
    assert {"call.recording_purged", "minutes.sign", "postroom.split", "personal_data.export"} <= set(codes)
    missing = {code: where for code, where in codes.items() if code not in WORDING}
    assert not missing, f"action codes without a sentence in audit/wording.py: {missing}"
    stale = set(WORDING) - set(codes)
    assert not stale, f"sentences for codes nothing writes any more: {sorted(stale)}"
    assert all(group_of(code) for code in codes), [c for c in codes if not group_of(c)]


def _event(action: str, object_type: str, object_id: str, changes=None, **kw) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes or {},
        actor_id=kw.get("actor_id", 7),
        actor_label=kw.get("actor_label", "szabo.peter"),
        actor_role=kw.get("actor_role", "agent"),
    )


NAMES = Names(found={"user": {"7": "Szabó Péter", "8": "Tóth Éva"}, "customer": {"HU-1000001": "Kovács Anna"}})


@pytest.mark.parametrize(
    ("event", "sentence"),
    [
        (
            _event("personal_data.view", "customer", "HU-1000001", {"call": "20261204-123456"}, actor_role="agent"),
            "Kovács Anna's record viewed by Szabó Péter (call 20261204-123456)",
        ),
        (
            _event("complaint.answer", "complaint", "HU-2026-000123", {"status": ["investigating", "answered"]}),
            "Complaint HU-2026-000123: status under investigation → answered",
        ),
        (
            _event(
                "call.recording_purged",
                "call",
                "20211204-123456",
                {"kept_until": "2026-12-04"},
                actor_id=None,
                actor_label="system",
            ),
            "Recording of call 20211204-123456 deleted after its 5 years (kept until 2026-12-04)",
        ),
        (
            _event(
                "complaint.assign",
                "complaint",
                "HU-2026-000124",
                {"status": ["registered", "assigned"], "assignee": [None, 8]},
            ),
            "Complaint HU-2026-000124: status registered → assigned, assigned to Tóth Éva",
        ),
        (
            _event("personal_data.search", "customer", "", {"query": "Kov", "shown": ["HU-1000001", "X"]}),
            "Customer search by Szabó Péter showed 2 records",
        ),
        (
            _event("personal_data.view", "complaint", "HU-2026-000125", actor_id=None, actor_label="tracking link"),
            "Complaint HU-2026-000125 viewed by a tracking link",
        ),
    ],
)
def test_an_event_reads_as_a_sentence_with_its_object_named(event, sentence):
    with translation.override("en"):
        assert describe(event, NAMES).text == sentence


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
def test_every_transition_reads_as_its_status_change(transition):
    source = sorted(transition.sources)[0]
    changes = {"status": [source, transition.target], "assignee": [None, 8]}
    event = _event(f"complaint.{transition.name}", "complaint", "HU-2026-000126", changes)
    with translation.override("en"):
        text = describe(event, NAMES).text
    before, after = (str(Status(s).label) for s in (source, transition.target))
    assert text.startswith("Complaint HU-2026-000126: status "), text
    assert f"{before[0].lower()}{before[1:]} → {after[0].lower()}{after[1:]}" in text, text


def test_a_registration_and_the_register_transition_read_differently():
    registration = _event(
        "complaint.register",
        "complaint",
        "HU-2026-000127",
        {
            "channel": [None, "email"],
            "kind": [None, "complaint"],
            "customer": [None, "HU-1000001"],
            "status": [None, "received"],
        },
    )
    with translation.override("en"):
        line = describe(registration, NAMES)
    assert line.text == "Complaint HU-2026-000127 registered (E-mail)"
    assert ("Customer", "— → Kovács Anna") in line.details
    assert ("Kind", "— → Complaint") in line.details


def test_fields_by_their_names_and_codes_by_their_labels():
    event = _event(
        "complaint.update",
        "complaint",
        "HU-2026-000128",
        {
            "kind": ["complaint", "information_request"],
            "reply_channel": ["email", "post"],
            "category": ["other", "billing"],
        },
    )
    with translation.override("en"):
        line = describe(event, NAMES)
    assert line.text == "Complaint HU-2026-000128 changed: kind, reply channel, category"
    assert line.details == [
        ("Kind", "Complaint → Information request"),
        ("Reply channel", "E-mail → Post"),
        ("Category", "Other → Billing"),
    ]


def test_an_unknown_code_or_an_incomplete_event_still_reads_as_a_sentence_never_json():
    odd = _event(
        "complaint.something_new", "complaint", "HU-2026-000129", {"weird": {"a": [1, {"b": 2}]}, "n": [1, 2, 3]}
    )
    incomplete = _event("complaint.extend", "complaint", "HU-2026-000130", {"days": 5})  # no answer_due
    not_a_dict = _event("complaint.note", "complaint", "HU-2026-000131", ["a", "b"])
    with translation.override("en"):
        lines = [describe(e, NAMES) for e in (odd, incomplete, not_a_dict)]
    assert lines[0].text == "Complaint: something new (complaint HU-2026-000129), by Szabó Péter"
    assert lines[1].text == "Complaint: extend (complaint HU-2026-000130), by Szabó Péter"
    for line in lines:
        shown = line.text + " ".join(f"{k} {v}" for k, v in line.details)
        assert "{" not in shown and "[" not in shown and '"' not in shown, shown


def test_in_the_readers_language():
    event = _event("complaint.answer", "complaint", "HU-2026-000132", {"status": ["investigating", "answered"]})
    with translation.override("hu"):
        text = describe(event, NAMES).text
        label = str(Status.INVESTIGATING.label)
    assert label != "Under investigation", "the Hungarian catalogue names the status"
    assert label[0].lower() + label[1:] in text


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_people_and_customers_are_named_with_one_query_each_however_many_events(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        for role in ("agent", "clerk", "handler", "supervisor"):
            audit_personal_data(
                actor=w.actor(role), what="view", object_type="customer", object_id=w.customer.customer_number
            )
        few = list(AuditEvent.objects.order_by("id"))
        for _ in range(10):
            for role in ("agent", "clerk", "handler", "supervisor", "tenant_admin"):
                audit_personal_data(
                    actor=w.actor(role), what="view", object_type="customer", object_id=w.other_customer.customer_number
                )
        many = list(AuditEvent.objects.order_by("id"))
        counts = []
        for events in (few, many):
            with CaptureQueriesContext(connection) as captured:
                names = names_for(events)
            counts.append(len(captured))
        assert counts == [2, 2], counts  # the people, the customers
        line = describe(many[-1], names)
    assert line.text == f"{w.other_customer.name}'s record viewed by {w.users['tenant_admin'].username}"


@pytestmark_db
def test_a_name_is_looked_up_only_in_the_events_tenant(world):
    a, b = world.a, world.b
    with tenancy.tenant_scope(a.tenant):
        audit_record(
            actor=a.actor("agent"),
            action="customer.update",
            object_type="customer",
            object_id=b.customer.customer_number,
        )
        event = AuditEvent.objects.get(action="customer.update")
        names = names_for([event])
    assert names.of("customer", b.customer.customer_number) is None


@pytestmark_db
def test_the_complaint_timeline_words_its_changes_like_the_audit_log(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="phone", subject="s", description="d", customer=w.customer, place=w.place
        )
        complaint_update(
            actor=w.actor("supervisor"),
            complaint_id=c.pk,
            kind="information_request",
            customer=w.other_customer,
            reason="Asks about the tariff.",
        )
        assert Complaint.objects.get(pk=c.pk).kind == "information_request"
    client = Client()
    assert client.login(username=w.users["supervisor"].username, password=PASSWORD)
    html = client.get(f"/t/{w.tenant.code}/complaints/{c.reference}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Kind: Complaint → Information request" in text
    assert f"Customer: {w.customer.name} → {w.other_customer.name}" in text


@pytest.mark.parametrize("key", ["customer", "internal", "complaint"])
def test_fields_django_named_in_english_are_named_in_the_readers_language(key):
    """A foreign key without a verbose name of its own is called `customer` by Django, in English: the
    access log and its CSV showed "Customer:" on Hungarian pages."""
    from django.utils import translation

    from querela.audit.vocabulary import field_label

    with translation.override("hu"):
        for object_type in ("complaint", "customer", "subject_export", "call"):
            assert field_label(object_type, key).lower() != key, (object_type, key)
