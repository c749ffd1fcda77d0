"""Would a SQL statement run on one shard once the tenant tables are distributed by tenant_id (Citus)?

Pure: reads the statement's text as Django writes it (quoted names, `%s` or literal parameters). A statement
routes to one shard when every tenant table it touches is pinned to one tenant: filtered by
`tenant_id = …` (or `IN` one value), or joined to a pinned table on `tenant_id`. An INSERT routes by the
tenant_id it writes. Anything else would be a multi-shard query on Citus — a join on `id` alone is the usual
one: a plain ForeignKey joins `customer_id = id`, and the customer table is not filtered by tenant itself
(the tenant foreign keys of `core/fields.py` add `customer.tenant_id = complaint.tenant_id` to the join).

A heuristic over text, not a planner: it errs towards "does not route" (a subquery's own filter counts only
for the table it names), which is the side a check should err on.
"""

from __future__ import annotations

import re

_TABLE = re.compile(r'(?:FROM|JOIN|UPDATE|INTO)\s+"(\w+)"(?:\s+(?:AS\s+)?(\w+))?', re.IGNORECASE)
_KEYWORDS = frozenset(
    {"ON", "WHERE", "INNER", "LEFT", "RIGHT", "OUTER", "SET", "VALUES", "GROUP", "ORDER", "LIMIT", "AS"}
)


def _references(sql: str) -> dict[str, set[str]]:
    """Table → the names it goes by in the statement (itself, and its aliases)."""
    out: dict[str, set[str]] = {}
    for table, alias in _TABLE.findall(sql):
        names = out.setdefault(table, {table})
        if alias and alias.upper() not in _KEYWORDS:
            names.add(alias)
    return out


def _ref(name: str) -> str:
    return rf'(?:"{re.escape(name)}"|\b{re.escape(name)})\."tenant_id"'


def _pinned(sql: str, names: set[str]) -> bool:
    return any(re.search(_ref(n) + r"\s*(?:=\s*(?:%s|\d+|\$\d+)|IN\s*\(\s*(?:%s|\d+)\s*\))", sql) for n in names)


def _joined_on_tenant(sql: str, names: set[str], pinned_names: set[str]) -> bool:
    for n in names:
        for m in pinned_names:
            if n == m:
                continue
            # Django writes a join's extra condition with the right side in parentheses (core/fields.py).
            if re.search(_ref(n) + r"\s*=\s*\(?" + _ref(m), sql) or re.search(_ref(m) + r"\s*=\s*\(?" + _ref(n), sql):
                return True
    return False


def not_routed(sql: str, tenant_tables: set[str]) -> str | None:
    """None when the statement would run on one shard; else the reason (the tenant tables left unpinned)."""
    touched = {t: names for t, names in _references(sql).items() if t in tenant_tables}
    if not touched:
        return None  # reference tables only: every node has them
    if sql.lstrip().upper().startswith("INSERT"):
        return None if '"tenant_id"' in sql else "an insert without tenant_id"
    pinned = {t for t, names in touched.items() if _pinned(sql, names)}
    changed = True
    while changed:  # a table joined on tenant_id to a pinned one is pinned too
        changed = False
        pinned_names = {n for t in pinned for n in touched[t]}
        for t, names in touched.items():
            if t not in pinned and _joined_on_tenant(sql, names, pinned_names):
                pinned.add(t)
                changed = True
    left = sorted(set(touched) - pinned)
    return f"not pinned to one tenant: {', '.join(left)}" if left else None
