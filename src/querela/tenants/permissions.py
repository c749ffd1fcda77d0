"""The one permission table. Every check in views, API, CLI and tasks reads it (via `access.can`).

`docs/permissions.md` is generated from this table (`querela permissions-doc`).
Object-level conditions (a consumer sees only their own complaints) are `rules` predicates.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import Role

R = Role
STAFF = frozenset({R.AGENT, R.CLERK, R.HANDLER, R.SUPERVISOR})
CASEWORKERS = frozenset({R.HANDLER, R.SUPERVISOR})
DESK_AND_CASEWORKERS = CASEWORKERS | {R.CLERK}


@rules.predicate
def owns_complaint(actor: Any, complaint: Any) -> bool:
    if complaint is None:
        return True
    return bool(complaint.customer_id and complaint.customer and complaint.customer.user_id == actor.user.pk)


@rules.predicate
def is_consumer(actor: Any, _obj: Any = None) -> bool:
    return bool(actor.role == R.CONSUMER)


# Seed 001: a call-center agent sees a complaint's personal data only when they registered it, or while
# its customer is the caller they identified on an open call. The calls app registers that check here
# (tenants can't import the apps built on it).
_AGENT_SIGHT: list[Any] = []


def register_agent_sight(check: Any) -> None:
    _AGENT_SIGHT.append(check)


@rules.predicate
def agent_sees(actor: Any, complaint: Any) -> bool:
    if complaint is None or actor.role != R.AGENT:
        return True
    if complaint.created_by_id is not None and complaint.created_by_id == actor.user_id:
        return True
    return any(check(actor, complaint) for check in _AGENT_SIGHT)


# action -> (description, roles allowed, whether consumers are limited to their own objects)
_TABLE: dict[str, tuple[Any, frozenset[Any]]] = {
    "complaint.view": (_("See a complaint with its personal data and timeline"), STAFF | {R.CONSUMER}),
    # Agents list only what they registered and what their identified caller filed (`complaint_list`).
    "complaint.list": (_("List and search all complaints"), DESK_AND_CASEWORKERS),
    "complaint.assign_others": (_("Give a complaint to another handler"), frozenset({R.SUPERVISOR})),
    "complaint.view_internal": (
        _("See who handles a complaint, its internal flags, contact details and original e-mails"),
        STAFF,
    ),
    "complaint.file_own": (_("File a complaint about one's own consumption places"), frozenset({R.CONSUMER})),
    "complaint.register": (_("Register a complaint received by phone, in person, post or fax"), STAFF),
    "complaint.edit": (_("Change kind, category, customer, place and reply channel"), STAFF),
    "complaint.add_note": (_("Add an internal note"), STAFF),
    "complaint.message": (_("Send a message to the customer"), CASEWORKERS | {R.CONSUMER}),
    "complaint.deadlines": (_("Acknowledge, report progress, extend or reschedule a deadline"), CASEWORKERS),
    "complaint.attach": (_("Attach a document"), STAFF | {R.CONSUMER}),
    "appointment.view": (_("See the day's appointments at the customer offices"), STAFF),
    "appointment.manage": (_("Book a visit for a caller and check visitors in"), STAFF),
    "customer.link_own": (
        _("Link one's own account to a customer record by proof (customer id and meter or invoice)"),
        frozenset({R.CONSUMER}),
    ),
    "customer.search": (_("Search customers by id, meter, name or address"), STAFF),
    # Agents see a customer's data only once the caller is identified on the call (`call.take`).
    "customer.view": (_("See any customer's personal data without a call"), CASEWORKERS | {R.CLERK}),
    "call.take": (
        _("Take calls: tell the recording id, identify the caller, see the identified customer, register"),
        frozenset({R.AGENT, R.SUPERVISOR}),
    ),
    "customer.edit": (
        _("Create and change customers and consumption places"),
        frozenset({R.AGENT, R.CLERK, R.SUPERVISOR}),
    ),
    "department.manage": (_("Manage departments"), frozenset({R.TENANT_ADMIN})),
    "tenant.configure": (_("Change the tenant's settings"), frozenset({R.TENANT_ADMIN})),
    "staff.manage": (_("Manage staff memberships and roles"), frozenset({R.TENANT_ADMIN})),
    "audit.view": (_("Read the audit log"), frozenset({R.SUPERVISOR, R.TENANT_ADMIN, R.DPO})),
    "audit.verify": (_("Verify the audit chain"), frozenset({R.TENANT_ADMIN, R.PLATFORM_OPERATOR})),
    "billing.view": (_("See complaints billed per month"), frozenset({R.TENANT_ADMIN, R.PLATFORM_OPERATOR})),
    "platform.manage_tenants": (_("Create and configure tenants"), frozenset({R.PLATFORM_OPERATOR})),
    "mail.release": (_("Let mail held by the intake limits through"), frozenset({R.SUPERVISOR, R.TENANT_ADMIN})),
    "api.token": (_("Create an API token for integrations"), STAFF | frozenset({R.TENANT_ADMIN})),
    "minutes.take": (_("Take, sign and correct minutes of an oral complaint, and read them"), DESK_AND_CASEWORKERS),
    "post.register": (_("Register scanned letters and faxes (the post room)"), DESK_AND_CASEWORKERS),
    # The print room (issue 13): the letters carry names and addresses, so the administrator (who sees
    # no complaint) has no part in it; the front desk and the caseworkers print and post.
    "printing.manage": (
        _("Print the letters by post in batches (the print room) and record the day they were posted"),
        DESK_AND_CASEWORKERS,
    ),
    "consultation.manage": (
        _("Ask another department or an outside party for an opinion on a complaint, or cancel the request"),
        CASEWORKERS,
    ),
    # The service adds the object check: staff of the department asked, or caseworkers.
    "consultation.answer": (_("Record the answer to a consultation"), STAFF),
    # Supervision (issue 13): the team dashboard, four-eyes extensions, quality review of answered complaints.
    "supervision.dashboard": (
        _("See the team dashboard (backlog, breaches, load per handler) and reassign in bulk"),
        frozenset({R.SUPERVISOR}),
    ),
    # The service adds: never one's own request.
    "extension.decide": (
        _("Approve or refuse another person's request to extend an answer deadline (four eyes)"),
        frozenset({R.SUPERVISOR}),
    ),
    "quality.review": (
        _("Draw a random sample of answered complaints and review them with the checklist"),
        frozenset({R.SUPERVISOR}),
    ),
    "quality.checklist": (_("Edit the quality review checklist"), frozenset({R.SUPERVISOR, R.TENANT_ADMIN})),
    # The org chart (issue 14, seed 003): departments, jobs and what they may sign, holders, deputies.
    "orgchart.view": (
        _("See the org chart: departments, jobs and what they may sign, their holders and deputies"),
        frozenset({R.HANDLER, R.SUPERVISOR, R.TENANT_ADMIN}),
    ),
    "orgchart.manage": (
        _("Edit the org chart: jobs, holders and deputies, and import it from CSV"),
        frozenset({R.TENANT_ADMIN}),
    ),
    # Work instructions (issue 14, seed 003): caseworkers read how to verify a complaint; the administrator
    # keeps the library (each edit a new version, with its reason).
    "instructions.view": (
        _("Read the work instructions: the checks for each kind of complaint, who does them, the documents"),
        frozenset({R.HANDLER, R.SUPERVISOR, R.TENANT_ADMIN}),
    ),
    "instructions.manage": (
        _("Write and edit the work instructions (each edit a new version) and load the defaults"),
        frozenset({R.TENANT_ADMIN}),
    ),
    # Routing rules (issue 14): which department and handler pool a complaint goes to; dry-run on last month.
    "routing.manage": (
        _("Keep the routing rules (department and handler pool per kind of complaint) and dry-run them"),
        frozenset({R.TENANT_ADMIN}),
    ),
    # Restricted data changes (issue 14, seed 003): which role or job may change which field after
    # registration, and when; the matrix narrows `complaint.edit` and `customer.edit`, never widens them.
    "edit_rules.manage": (
        _("Set who may change which field of a complaint or customer record after registration, and when"),
        frozenset({R.TENANT_ADMIN}),
    ),
    # Data protection (issue 16): the data-protection officer's work, and the administrator's where the
    # supplier has appointed none. It reads everything about a person, which neither role otherwise does
    # (they see no complaint), so the exports and erasures are audited one by one.
    "privacy.manage": (
        _(
            "Act as the data-protection officer: read the personal-data access log, export everything about a "
            "person, erase a person within the law's holds, set the retention periods and run the purge"
        ),
        frozenset({R.TENANT_ADMIN, R.DPO}),
    ),
}
# Plain strings: the table is compared with role names read from the database.
PERMISSIONS: dict[str, tuple[str | Promise, frozenset[str]]] = {
    a: (label, frozenset(str(getattr(r, "value", r)) for r in roles)) for a, (label, roles) in _TABLE.items()
}

# Actions where a consumer may act only on objects that are theirs.
OWN_ONLY_FOR_CONSUMERS: set[str] = {"complaint.view", "complaint.message", "complaint.attach"}


def _role_in(roles: frozenset[str]) -> Any:
    def check(actor: Any) -> bool:
        return bool(actor.role in roles)

    return check


def _add_rule(ruleset: rules.RuleSet, action: str) -> None:
    pred = rules.predicate(_role_in(PERMISSIONS[action][1]), name=f"role_in:{action}")
    if action in OWN_ONLY_FOR_CONSUMERS:
        pred = pred & (~is_consumer | owns_complaint)
    if action == "complaint.view":
        pred = pred & agent_sees
    ruleset.set_rule(action, pred)


RULES = rules.RuleSet()
for _action in PERMISSIONS:
    _add_rule(RULES, _action)


def register_actions(rows: dict[str, tuple[Any, frozenset[Any]]], *, own_only_for_consumers: bool = False) -> None:
    """Rows an app above this one adds at start-up (the complaint workflow's transitions, from
    `complaints.apps`): the table stays one table, and tenants needn't import the apps built on it."""
    for action, (label, roles) in rows.items():
        PERMISSIONS[action] = (label, frozenset(str(getattr(r, "value", r)) for r in roles))
        if own_only_for_consumers:
            OWN_ONLY_FOR_CONSUMERS.add(action)
        _add_rule(RULES, action)


def roles_for(action: str) -> frozenset[str]:
    return PERMISSIONS[action][1]
