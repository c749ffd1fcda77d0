"""The roles a person can hold. Staff roles are per tenant; platform operator is installation-wide."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    AGENT = "agent", _("Call-center agent")
    # The customer office's front desk (seed 004): visits, letters handed in, minutes; sees the record
    # of a visitor whose identity it checked in person.
    CLERK = "clerk", _("Customer-office clerk")
    HANDLER = "handler", _("Complaint handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    TENANT_ADMIN = "tenant_admin", _("Tenant administrator")
    # The supplier's data-protection officer (GDPR art. 37–39, issue 16): the personal-data access log,
    # subject exports, erasure and retention; reads the audit log; handles no complaint.
    DPO = "dpo", _("Data-protection officer")
    PLATFORM_OPERATOR = "platform_operator", _("Platform operator")


STAFF_ROLES = frozenset({Role.AGENT, Role.CLERK, Role.HANDLER, Role.SUPERVISOR, Role.TENANT_ADMIN, Role.DPO})
