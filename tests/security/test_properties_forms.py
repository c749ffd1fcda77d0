"""Odd input never costs a server error: every form of the pages and every serializer of the API, fed
arbitrary text, numbers, odd Unicode and wrong shapes, either accepts it or says what was wrong, field by
field; a refused form still renders with what was typed.

The forms and serializers are found by walking the `querela` package, so a new one is covered without a
word here; one that needs arguments to be made must say which in `FORM_ARGS` (the discovery test fails
until it does)."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django import forms
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

import querela
from querela.core import tenancy
from tests.factories import TenantWorld, World

pytestmark = pytest.mark.django_db

# The same draws every run in `make test` (a failure reproduces, nobody's CI fails on luck);
# QUERELA_FUZZ_EXAMPLES=300 explores with fresh draws and more of them.
EXPLORE = int(os.environ.get("QUERELA_FUZZ_EXAMPLES", "0"))


def _settings(examples: int) -> settings:
    return settings(
        max_examples=EXPLORE or examples,
        derandomize=not EXPLORE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# Strings people (and scripts) send: digits `int` refuses, numbers too big for any column, dates that are
# no dates, direction marks, markup, format strings, path tricks, a NUL, text far over any field's limit.
ODD = [
    "",
    " ",
    "0",
    "-1",
    "²",
    "٣",
    "１２",
    "9" * 40,
    "-" + "9" * 25,
    "1e309",
    "NaN",
    "inf",
    "0x1F",
    "2026-02-30",
    "2026-13-01T25:61",
    "0001-01-01",
    "9999-12-31T23:59",
    "24.12.2026",
    "\u202eevil",
    "\ufeff",
    "a\r\nb",
    "<script>alert(1)</script>",
    "{0}{name}%s%(x)s",
    "../../etc/passwd",
    "null",
    "true",
    "[]",
    "\x00",
    "ő" * 70_000,
    "x" * 120_000,
]
TEXT = st.one_of(st.sampled_from(ODD), st.text(st.characters(exclude_categories=("Cs",)), max_size=40))

# How to make the forms whose constructors take more than the data: (world, complaint) -> keyword arguments.
FORM_ARGS: dict[str, Callable[[TenantWorld, Any], dict[str, Any]]] = {
    "querela.web.forms.DeadlineForm": lambda w, c: {
        "actions": ["acknowledge", "progress", "extend", "reschedule"],
        "reasons": list(_extension_reasons()),
    },
    "querela.web.forms.PolicyForm": lambda w, c: {"current": _policy(w)},
    "querela.web.forms.StaffForm": lambda w, c: {
        "roles": [("agent", "Agent"), ("handler", "Handler")],
        "departments": [(w.department.pk, w.department.name)],
    },
    "querela.web.forms.TenantSettingsForm": lambda w, c: {"policies": ["hu-electricity", "hu-utility"]},
    "querela.web.views.public.forms.PublicComplaintForm": lambda w, c: {"states": _form_states(), "vendor": False},
    "querela.web.views.staff.answers.AnswerForm": lambda w, c: {"complaint": c},
    "querela.web.views.staff.customer_places_forms.PlaceForm": lambda w, c: {"country": "HU", "with_meters": True},
    "querela.web.views.staff.edit_rules.CellForm": lambda w, c: {"object_type": "complaint", "jobs": []},
    "querela.web.views.staff.instructions.InstructionForm": lambda w, c: {"editing": False},
    "querela.web.views.staff.orgchart.DeputyForm": lambda w, c: {"terms": []},
    "querela.web.views.staff.orgchart.JobForm": lambda w, c: {"creating": True},
    "querela.web.views.staff.postroom_forms.RangesForm": lambda w, c: {"page_count": 7},
    "querela.web.views.staff.privacy_forms.ScheduleForm": lambda w, c: {"months": _retention_months()},
    "querela.web.views.staff.quality.ReviewForm": lambda w, c: {"items": _quality_items()},
    "querela.web.views.staff.supervision.ReassignForm": lambda w, c: {
        "handlers": [w.users["handler"], w.users["supervisor"]]
    },
}


def _extension_reasons() -> Any:
    from querela.deadlines.texts import EXTENSION_REASON_NAMES

    return EXTENSION_REASON_NAMES


def _policy(w: TenantWorld) -> dict[str, Any]:
    from querela.complaints.deadline_policies import policy_for

    return policy_for(w.tenant, "hu-electricity")[0].to_dict()


def _form_states() -> dict[str, str]:
    from querela.portal.form_fields import field_states

    return field_states("")


def _retention_months() -> dict[str, int]:
    from querela.privacy.selectors import retention_months

    return retention_months()


def _quality_items() -> list[Any]:
    from querela.supervision.models import QualityCheckItem

    return list(QualityCheckItem.objects.all()[:3])


def _all_modules() -> Iterator[str]:
    for module in pkgutil.walk_packages(querela.__path__, "querela."):
        name = module.name
        # Settings and the WSGI entry configure the process; migrations only describe tables.
        if name.startswith(("querela.settings", "querela.wsgi")) or ".migrations" in name:
            continue
        importlib.import_module(name)
        yield name


def _subclasses(base: type) -> list[type]:
    found: set[type] = set()
    todo = [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    ours = [c for c in found if c.__module__.startswith("querela.")]
    return sorted(ours, key=_name)


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _discover() -> tuple[list[type], list[type]]:
    list(_all_modules())
    return _subclasses(forms.BaseForm), _subclasses(serializers.BaseSerializer)


FORMS, SERIALIZERS = _discover()


@pytest.fixture
def scene(world: World) -> Iterator[tuple[TenantWorld, Any]]:
    """Tenant AAA in scope (forms read its departments, staff, matters), with one complaint."""
    from querela.complaints.services import complaint_register

    a = world.a
    with tenancy.tenant_scope(a.tenant):
        complaint = complaint_register(
            actor=a.actor("clerk"), channel="post", subject="Számla", description="d", customer=a.customer
        )
        yield a, complaint


def _make_form(cls: type, w: TenantWorld, complaint: Any, data: Any = None) -> forms.BaseForm:
    extra = FORM_ARGS.get(_name(cls), lambda w, c: {})(w, complaint)
    return cls(data, files=MultiValueDict(), **extra) if data is not None else cls(**extra)


def _choices(field: forms.Field) -> list[str]:
    values: list[str] = []
    for value, label in getattr(field, "choices", None) or []:
        if isinstance(label, (list, tuple)):  # an option group
            values.extend(str(v) for v, _ in label)
        else:
            values.append(str(value))
    return values


def _plausible(field: forms.Field) -> st.SearchStrategy[str]:
    """A value of the field's own kind (so that the other fields' checks and the form's `clean` are reached
    too), at the edges of its range."""
    known = _choices(field)
    if known:
        return st.sampled_from(known)
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false"])
    if isinstance(field, forms.IntegerField):
        low = field.min_value if isinstance(field.min_value, int) else -(10**9)
        high = field.max_value if isinstance(field.max_value, int) else 10**9
        return st.integers(low - 1, high + 1).map(str)
    if isinstance(field, forms.DateTimeField):
        return st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))
    if isinstance(field, forms.DateField):
        return st.dates().map(lambda d: d.isoformat())
    if isinstance(field, forms.TimeField):
        return st.times().map(lambda t: t.strftime("%H:%M"))
    if isinstance(field, forms.EmailField):
        return st.emails()
    return TEXT


def _data_for(form: forms.BaseForm) -> st.SearchStrategy[MultiValueDict]:
    """What a browser could post to this form: for each field nothing, one value or several, each of the
    field's kind or an odd string."""
    per_field = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue  # files: the upload checks have tests of their own
        value = st.one_of(_plausible(field), _plausible(field), TEXT)
        per_field[form.add_prefix(name)] = st.lists(value, min_size=0, max_size=2)
    return st.fixed_dictionaries(per_field).map(lambda d: MultiValueDict({k: v for k, v in d.items() if v}))


def test_every_form_can_be_made(scene) -> None:
    """A form found in the code that cannot be made without arguments needs an entry in FORM_ARGS."""
    w, complaint = scene
    assert len(FORMS) > 40, "the walk found too few forms"
    for cls in FORMS:
        try:
            _make_form(cls, w, complaint)
        except TypeError as exc:
            pytest.fail(f"{_name(cls)} needs arguments: add it to FORM_ARGS ({exc})")


def _form_says_what_is_wrong(cls: type, w: TenantWorld, complaint: Any) -> None:
    @_settings(15)  # times some eighty forms
    @given(data=_data_for(_make_form(cls, w, complaint)))
    def says_what_is_wrong(data: MultiValueDict) -> None:
        form = _make_form(cls, w, complaint, data)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            assert errors and all(e["message"] for messages in errors.values() for e in messages)
        str(form)  # the refused form renders again, with what was typed

    says_what_is_wrong()


def test_every_form_takes_odd_input_without_an_error(scene) -> None:
    w, complaint = scene
    for cls in FORMS:
        try:
            _form_says_what_is_wrong(cls, w, complaint)
        except Exception as exc:
            exc.add_note(f"form: {_name(cls)}")
            raise


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
JSON = st.recursive(
    JSON_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8
)


def _body_for(serializer: serializers.BaseSerializer) -> st.SearchStrategy[Any]:
    """A request body: mostly the serializer's own field names with odd values (some of the field's choices),
    sometimes any JSON at all (a list, a string, null, unknown names)."""
    per_field = {}
    for name, field in getattr(serializer, "fields", {}).items():
        known = [str(k) for k in getattr(field, "choices", {}) or {}]
        per_field[name] = st.one_of(JSON, st.sampled_from(known)) if known else JSON
    named = st.fixed_dictionaries({}, optional=per_field)
    return st.one_of(named, named, named, JSON)


def _serializer_says_what_is_wrong(cls: type) -> None:
    @_settings(30)
    @given(body=_body_for(cls()))
    def says_what_is_wrong(body: Any) -> None:
        serializer = cls(data=body)
        if not serializer.is_valid():
            assert serializer.errors
            json.dumps(serializer.errors)  # the answer is JSON, whatever was sent

    says_what_is_wrong()


def test_every_serializer_takes_odd_input_without_an_error(scene) -> None:
    assert len(SERIALIZERS) > 15, "the walk found too few serializers"
    for cls in SERIALIZERS:
        try:
            _serializer_says_what_is_wrong(cls)
        except Exception as exc:
            exc.add_note(f"serializer: {_name(cls)}")
            raise
