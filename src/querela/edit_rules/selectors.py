"""The effective matrix for the administrator's page: the defaults overlaid by the tenant's rows. One query."""

from __future__ import annotations

from dataclasses import dataclass, field

from querela.tenants.roles import Role

from .catalogue import EDITABLE, OBJECTS, ORIGINALS, whens_for
from .defaults import default_when
from .labels import OBJECT_LABELS, ORIGINAL_REFUSALS, field_label, when_label
from .models import FieldRule
from .services import roles_of


@dataclass(frozen=True)
class Cell:
    role: str
    role_label: str
    when: str
    default: str
    rule: FieldRule | None = None  # the tenant's own cell, when it has one

    @property
    def label(self) -> str:
        return when_label(self.when)

    @property
    def default_label(self) -> str:
        return when_label(self.default)


@dataclass(frozen=True)
class JobRow:
    """A job whose holders and deputies may change a field beyond their role."""

    rule: FieldRule
    field_label: str

    @property
    def when_label(self) -> str:
        return when_label(self.rule.when)


@dataclass
class Row:
    name: str
    label: str
    cells: list[Cell] = field(default_factory=list)
    original: str = ""  # for an original: why nobody may change it


@dataclass
class Table:
    object_type: str
    label: str
    roles: list[tuple[str, str]]
    whens: list[tuple[str, str]]
    rows: list[Row] = field(default_factory=list)
    jobs: list[JobRow] = field(default_factory=list)  # the tenant's job rows


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def matrix_tables() -> list[Table]:
    """Per object: rows = fields (originals last, locked), columns = the roles that may change such records,
    each cell the "when" in force; and the tenant's job rows."""
    rules = list(FieldRule.objects.select_related("job").order_by("object_type", "field", "role", "job__title"))
    by_role = {(r.object_type, r.field, r.role): r for r in rules if r.role}
    labels = dict(Role.choices)
    tables = []
    for object_type in OBJECTS:
        roles = roles_of(object_type)
        table = Table(
            object_type=object_type,
            label=str(OBJECT_LABELS[object_type]),
            roles=[(r, str(labels[r])) for r in roles],
            whens=[(w, when_label(w)) for w in whens_for(object_type)],
            jobs=[
                JobRow(r, _capital(field_label(object_type, r.field)))
                for r in rules
                if r.object_type == object_type and r.job_id is not None
            ],
        )
        for name in EDITABLE[object_type]:
            row = Row(name=name, label=_capital(field_label(object_type, name)))
            for role in roles:
                rule = by_role.get((object_type, name, role))
                default = default_when(object_type, name, role)
                row.cells.append(Cell(role, str(labels[role]), rule.when if rule else default, default, rule))
            table.rows.append(row)
        for name in ORIGINALS[object_type]:
            table.rows.append(
                Row(
                    name=name,
                    label=_capital(field_label(object_type, name)),
                    original=str(ORIGINAL_REFUSALS[(object_type, name)]),
                )
            )
        tables.append(table)
    return tables
