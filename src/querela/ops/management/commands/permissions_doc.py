from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from querela.tenants.permissions import OWN_ONLY_FOR_CONSUMERS, PERMISSIONS
from querela.tenants.roles import Role


def render_permissions_markdown() -> str:
    with translation.override("en"):
        roles = list(Role)
        lines = [
            "# Permissions",
            "",
            "Generated from `src/querela/tenants/permissions.py` by `querela permissions_doc`; do not edit by hand.",
            "✓ = allowed; ✓* = a consumer only on their own complaints.",
            "",
            "| action | " + " | ".join(str(r.label) for r in roles) + " |",
            "|---|" + "---|" * len(roles),
        ]
        for action, (label, allowed) in PERMISSIONS.items():
            cells = []
            for r in roles:
                mark = "✓" if r.value in allowed else ""
                if mark and r == Role.CONSUMER and action in OWN_ONLY_FOR_CONSUMERS:
                    mark = "✓*"
                cells.append(mark)
            lines.append(f"| `{action}` — {label} | " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Write docs/permissions.md from the permission table."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default="docs/permissions.md")

    def handle(self, *args: Any, **opts: Any) -> None:
        Path(opts["output"]).write_text(render_permissions_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {opts['output']}")
