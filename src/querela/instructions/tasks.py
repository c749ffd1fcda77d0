"""Background jobs of the work instruction library: thin, take ids, idempotent."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from querela.complaints import hooks

from .checklists import attach_after_commit


@db_task(retries=3, retry_delay=30, name="querela.checklist_attach")
def checklist_attach_task(tenant_id: int, complaint_id: int) -> None:
    """Attach the checklist of the instruction a complaint follows (after registration or a new category)."""
    attach_after_commit(tenant_id, complaint_id)


@hooks.on("registered")
@hooks.on("transition:register")
@hooks.on("category_changed")
def _on_classified(tenant_id: int, complaint_id: int) -> None:
    checklist_attach_task(tenant_id, complaint_id)
