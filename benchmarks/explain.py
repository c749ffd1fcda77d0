"""What a benchmark checks besides time: that no statement it ran reads a whole big table."""

from __future__ import annotations

from typing import Any


def seq_scans(connection: Any, queries: list[dict[str, Any]], label: str, tables: tuple[str, ...]) -> list[str]:
    """EXPLAIN each SELECT captured (CaptureQueriesContext) and name every sequential scan of `tables`."""
    found = []
    with connection.cursor() as cur:
        for q in queries:
            if not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cur.execute("EXPLAIN " + q["sql"])
            plan = "\n".join(r[0] for r in cur.fetchall())
            for table in tables:
                if f"Seq Scan on {table}" in plan:
                    scans = [line.strip() for line in plan.splitlines() if "Seq Scan" in line]
                    found.append(f"{label}: {table}: {q['sql'][:200]}… {scans}")
    return found
