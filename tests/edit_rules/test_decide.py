"""The matrix's pure parts: the decision of one cell, and the catalogue the matrix is built on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from querela.edit_rules.catalogue import (
    AFTER_ASSIGNMENT,
    ALWAYS,
    ASSIGNED_OBJECTS,
    ASSIGNEE,
    BASE_PERMISSION,
    BEFORE_ASSIGNMENT,
    EDITABLE,
    NEVER,
    OBJECTS,
    ORIGINALS,
    OWN,
    WHENS,
    whens_for,
)
from querela.edit_rules.decide import decide, why_not
from querela.edit_rules.defaults import DEFAULTS, default_when

whens = st.sampled_from(WHENS)


@given(when=whens, assigned=st.booleans(), is_assignee=st.booleans())
def test_a_refusal_always_has_a_reason_and_a_permission_none(when, assigned, is_assignee):
    allowed = decide(when, assigned=assigned, is_assignee=is_assignee)
    reason = why_not(when, assigned=assigned, is_assignee=is_assignee)
    assert allowed == (reason == "")
    assert reason in ("", "never", "assigned", "other_assignee", "not_assigned")


@given(when=whens, is_assignee=st.booleans())
def test_nobody_is_the_assignee_of_an_unassigned_complaint(when, is_assignee):
    assert decide(when, assigned=False, is_assignee=is_assignee) == decide(when, assigned=False, is_assignee=False)


@given(assigned=st.booleans(), is_assignee=st.booleans())
def test_each_when_says_what_its_name_says(assigned, is_assignee):
    mine = assigned and is_assignee
    facts = {"assigned": assigned, "is_assignee": is_assignee}
    assert decide(NEVER, **facts) is False
    assert decide(ALWAYS, **facts) is True
    assert decide(BEFORE_ASSIGNMENT, **facts) is (not assigned)
    assert decide(OWN, **facts) is (not assigned or mine)
    assert decide(ASSIGNEE, **facts) is mine
    assert decide(AFTER_ASSIGNMENT, **facts) is assigned


@given(when=st.text(max_size=12).filter(lambda w: w not in WHENS), assigned=st.booleans(), is_assignee=st.booleans())
def test_an_unknown_when_allows_nothing(when, assigned, is_assignee):
    assert why_not(when, assigned=assigned, is_assignee=is_assignee) == "never"


@given(when=whens, assigned=st.booleans(), is_assignee=st.booleans())
def test_the_wider_cells_allow_at_least_what_the_narrower_do(when, assigned, is_assignee):
    facts = {"assigned": assigned, "is_assignee": is_assignee}
    if decide(BEFORE_ASSIGNMENT, **facts) or decide(ASSIGNEE, **facts):
        assert decide(OWN, **facts)
    if decide(ASSIGNEE, **facts):
        assert decide(AFTER_ASSIGNMENT, **facts)
    if decide(when, **facts):
        assert decide(ALWAYS, **facts)


def test_originals_and_editable_fields_never_meet():
    for object_type in OBJECTS:
        assert not set(EDITABLE[object_type]) & set(ORIGINALS[object_type]), object_type
        assert object_type in BASE_PERMISSION
    assert "description" in ORIGINALS["complaint"] and "body" in ORIGINALS["message"]
    assert EDITABLE["message"] == ()  # a message is kept as it was written or received


def test_the_defaults_name_only_editable_fields_and_fitting_whens():
    for (object_type, field), cells in DEFAULTS.items():
        assert field in EDITABLE[object_type], (object_type, field)
        for when in cells.values():
            assert when in whens_for(object_type), (object_type, field, when)
    for object_type in OBJECTS:
        if object_type not in ASSIGNED_OBJECTS:
            assert whens_for(object_type) == (NEVER, ALWAYS)


def test_the_defaults_keep_the_reclassification_rule_and_lock_the_administrator_out():
    for field in EDITABLE["complaint"]:
        assert default_when("complaint", field, "handler") == OWN
        assert default_when("complaint", field, "supervisor") == ALWAYS
        assert default_when("complaint", field, "agent") == BEFORE_ASSIGNMENT
        assert default_when("complaint", field, "tenant_admin") == NEVER
    for object_type in OBJECTS:
        for field in ORIGINALS[object_type]:
            assert all(default_when(object_type, field, r) == NEVER for r in ("agent", "handler", "supervisor"))
