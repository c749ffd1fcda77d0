"""The placeholder renderer (pure): never raises, leaves no known placeholder behind, refuses unknown names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from querela.answer_templates.defaults import DEFAULTS
from querela.answer_templates.placeholders import PLACEHOLDERS, render, unknown_placeholders

SETTINGS = settings(max_examples=400, deadline=None)
names = st.sampled_from(PLACEHOLDERS)
# Text built from placeholders, braces, their names' pieces and anything else: the awkward cases.
pieces = st.one_of(
    names.map(lambda n: "{" + n + "}"),
    names,
    st.sampled_from(["{", "}", "{{", "}}", "re", "ference", "{re", "}x", " "]),
    st.text(max_size=8),
)
bodies = st.one_of(st.text(), st.lists(pieces, max_size=30).map("".join))
values = st.dictionaries(names, st.one_of(st.text(max_size=20), names.map(lambda n: "{" + n + "}")))


def _known_left(text: str) -> list[str]:
    return [n for n in PLACEHOLDERS if "{" + n + "}" in text]


@SETTINGS
@given(bodies, values)
def test_render_never_raises_and_leaves_no_known_placeholder(body, vals):
    out = render(body, vals)
    assert isinstance(out, str)
    assert _known_left(out) == []


@SETTINGS
@given(st.text().filter(lambda t: "{" not in t and "}" not in t), values)
def test_text_without_braces_is_kept_as_written(body, vals):
    assert render(body, vals) == body


@SETTINGS
@given(bodies)
def test_unknown_placeholders_never_raises_and_names_no_known_one(body):
    found = unknown_placeholders(body)
    assert not set(found) & set(PLACEHOLDERS)
    assert len(found) == len(set(found))


def test_each_placeholder_is_replaced_by_its_value():
    vals = {n: f"<{n}>" for n in PLACEHOLDERS}
    body = " ".join("{" + n + "}" for n in PLACEHOLDERS)
    assert render(body, vals) == " ".join(f"<{n}>" for n in PLACEHOLDERS)


def test_missing_value_is_empty_and_other_braces_stay():
    assert render("Dear {customer_name}, {not_ours} {", {}) == "Dear , {not_ours} {"
    assert render("{{reference}}", {"reference": "OPT-1"}) == "{OPT-1}"
    # A placeholder formed around a value is replaced too.
    assert render("{re{subject}}", {"subject": "ference", "reference": "R"}) == "R"


def test_unknown_placeholders_are_named_in_order():
    assert unknown_placeholders("{name} {reference} {amount} {name} { spaced }") == ["name", "amount"]


def test_defaults_use_only_known_placeholders():
    assert all(unknown_placeholders(d.body) == [] for d in DEFAULTS)
    assert {d.language for d in DEFAULTS} == {"hu", "pl", "ro", "en"}
