"""What a person may ever change after registration, and what nobody may (issue 14, seed 003). Pure: no
Django, so the table reads the same in a test, a page and the permission document.

Each object lists the fields a person may correct (who, and when, is the matrix: `defaults.py`, overlaid by
the tenant's `FieldRule` rows) and its **originals**: what was received or handed over — the customer's own
words, a received message, a mail's raw source, files, signed minutes, the answers sent. Originals are
immutable for everyone; a correction is a note, a new document or a new version, never an edit.
"""

from __future__ import annotations

# "When" a role (or a job) may change a field. Customers, places and meters are not assigned to anyone,
# so for them only "never" and "always" make sense.
NEVER = "never"
BEFORE_ASSIGNMENT = "before_assignment"  # only while nobody is assigned
OWN = "own"  # until assigned, then only the assignee
ASSIGNEE = "assignee"  # only the assignee
AFTER_ASSIGNMENT = "after_assignment"  # only once someone is assigned
ALWAYS = "always"

WHENS: tuple[str, ...] = (NEVER, BEFORE_ASSIGNMENT, OWN, ASSIGNEE, AFTER_ASSIGNMENT, ALWAYS)
UNASSIGNED_WHENS: tuple[str, ...] = (NEVER, ALWAYS)

OBJECTS: tuple[str, ...] = ("complaint", "customer", "place", "meter", "message")
# Objects that have an assignee (a message belongs to its complaint).
ASSIGNED_OBJECTS = frozenset({"complaint", "message"})

# The row of the permission table a person needs before any field of the object is theirs to change:
# the matrix narrows it, never widens it.
BASE_PERMISSION: dict[str, str] = {
    "complaint": "complaint.edit",
    "message": "complaint.edit",
    "customer": "customer.edit",
    "place": "customer.edit",
    "meter": "customer.edit",
}

# Form facts a handler may correct (a mistyped serial, an address); the rest of the form is the
# customer's own words (`ORIGINALS`).
COMPLAINT_FACTS: tuple[str, ...] = (
    "given_customer_number",
    "serial_number",
    "product_model",
    "ticket_number",
    "place_address",
    "mailing_address",
)

EDITABLE: dict[str, tuple[str, ...]] = {
    "complaint": (
        "subject",
        "kind",
        "category",
        "reply_channel",
        "customer",
        "place",
        "contact_name",
        "contact_email",
        "contact_phone",
        *COMPLAINT_FACTS,
    ),
    "customer": ("name", "phone", "email", "mailing_address", "preferred_channel", "language", "customer_number"),
    "place": ("address", "postal_code", "city", "region", "service_type"),
    "meter": ("serial", "meter_type", "installed_on", "removed_on"),
    # A message, once written or received, is kept as it is: nothing of it is a person's to change.
    "message": (),
}

# What was received, entered as heard or handed over: immutable for everyone.
ORIGINALS: dict[str, tuple[str, ...]] = {
    "complaint": (
        "description",  # the customer's own words
        "acting_for",
        "earlier_contacts",
        "proposed_solution",
        "received_at",
        "channel",
        "files",  # received and uploaded files
        "minutes",  # signed minutes (a correction is a new version, signed again)
    ),
    "message": ("body", "raw_source", "files", "sent_answer"),
    "customer": (),
    "place": (),
    "meter": (),
}


def whens_for(object_type: str) -> tuple[str, ...]:
    return WHENS if object_type in ASSIGNED_OBJECTS else UNASSIGNED_WHENS


def is_original(object_type: str, field: str) -> bool:
    return field in ORIGINALS.get(object_type, ())


def is_editable(object_type: str, field: str) -> bool:
    return field in EDITABLE.get(object_type, ())
