"""Routing on the complaint hooks, inside the transaction that registers or reclassifies a complaint.

Registration: `complaint_register` runs the `register` transition before the complaint has its number, then
`registered` once it has it; routing runs once, on `registered`. A complaint received earlier and registered
later (identified) is routed again on `transition:register`. Reclassification (`category_changed`) re-routes.
"""

from __future__ import annotations

from querela.complaints import hooks
from querela.complaints.models import Complaint
from querela.complaints.references import is_provisional
from querela.core import tenancy
from querela.tenants.access import system_actor

from .services import route_complaint


@hooks.on("registered", in_transaction=True)
def _on_registered(complaint: Complaint) -> None:
    # The pool's pick waits for the commit (tasks.py): a call settled on the spot in this transaction
    # must stay unassigned.
    route_complaint(complaint, system_actor(tenancy.current_tenant()), reclassified=False, assign=False)


@hooks.on("transition:register", in_transaction=True)
def _on_register(complaint: Complaint) -> None:
    if is_provisional(complaint.reference):
        return  # inside complaint_register: routed on "registered", once it has its number
    route_complaint(complaint, system_actor(tenancy.current_tenant()), reclassified=False, assign=False)


@hooks.on("category_changed", in_transaction=True)
def _on_reclassified(complaint: Complaint) -> None:
    route_complaint(complaint, system_actor(tenancy.current_tenant()), reclassified=True, assign=True)
