"""The matrix in words: objects, fields, "when" and the originals, in the reader's language. Kept apart
from the pure `catalogue` so that it stays free of Django."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OBJECT_LABELS: dict[str, Promise] = {
    "complaint": _("Complaint"),
    "customer": _("Customer"),
    "place": _("Consumption place"),
    "meter": _("Meter"),
    "message": _("Message"),
}

# Lower case: they are read inside sentences ("may change the category"); the table capitalises them.
FIELD_LABELS: dict[tuple[str, str], Promise] = {
    ("complaint", "subject"): _("subject"),
    ("complaint", "kind"): _("kind"),
    ("complaint", "category"): _("category"),
    ("complaint", "reply_channel"): _("reply channel"),
    ("complaint", "customer"): _("customer"),
    ("complaint", "place"): _("consumption place"),
    ("complaint", "contact_name"): _("contact name"),
    ("complaint", "contact_email"): _("contact e-mail"),
    ("complaint", "contact_phone"): _("contact phone"),
    ("complaint", "given_customer_number"): _("customer id given"),
    ("complaint", "serial_number"): _("meter or device serial number"),
    ("complaint", "product_model"): _("product model"),
    ("complaint", "ticket_number"): _("service ticket number"),
    ("complaint", "place_address"): _("consumption place address given"),
    ("complaint", "mailing_address"): _("mailing address given"),
    ("complaint", "description"): _("description: the customer's own words"),
    ("complaint", "acting_for"): _("filed on behalf of, as the customer wrote it"),
    ("complaint", "earlier_contacts"): _("earlier contacts, as the customer wrote them"),
    ("complaint", "proposed_solution"): _("solution proposed by the customer"),
    ("complaint", "received_at"): _("receipt time and registration"),
    ("complaint", "channel"): _("channel it came in"),
    ("complaint", "files"): _("received and uploaded files"),
    ("complaint", "minutes"): _("signed minutes"),
    ("customer", "name"): _("name"),
    ("customer", "phone"): _("phone"),
    ("customer", "email"): _("e-mail"),
    ("customer", "mailing_address"): _("mailing address"),
    ("customer", "preferred_channel"): _("preferred channel"),
    ("customer", "language"): _("language"),
    ("customer", "customer_number"): _("customer id"),
    ("place", "address"): _("address"),
    ("place", "postal_code"): _("postal code"),
    ("place", "city"): _("city"),
    ("place", "region"): _("county or region"),
    ("place", "service_type"): _("service"),
    ("meter", "serial"): _("serial number"),
    ("meter", "meter_type"): _("meter type"),
    ("meter", "installed_on"): _("installed on"),
    ("meter", "removed_on"): _("removed on"),
    ("message", "body"): _("text of a received message"),
    ("message", "raw_source"): _("raw source of a received e-mail"),
    ("message", "files"): _("files received with a message"),
    ("message", "sent_answer"): _("answers and messages sent"),
}

WHEN_LABELS: dict[str, Promise] = {
    "never": _("never"),
    "before_assignment": _("until assigned"),
    "own": _("until assigned, then the assignee"),
    "assignee": _("the assignee only"),
    "after_assignment": _("once assigned"),
    "always": _("always"),
}

# Why an original can't be changed, and what to do instead.
ORIGINAL_REFUSALS: dict[tuple[str, str], Promise] = {
    ("complaint", "description"): _("The customer's own words as received cannot be changed: add a note instead."),
    ("complaint", "acting_for"): _(
        "What the customer wrote on the form is kept as received and cannot be changed: add a note instead."
    ),
    ("complaint", "earlier_contacts"): _(
        "What the customer wrote on the form is kept as received and cannot be changed: add a note instead."
    ),
    ("complaint", "proposed_solution"): _(
        "What the customer wrote on the form is kept as received and cannot be changed: add a note instead."
    ),
    ("complaint", "received_at"): _("When and how a complaint was received is on record and cannot be changed."),
    ("complaint", "channel"): _("When and how a complaint was received is on record and cannot be changed."),
    ("complaint", "files"): _(
        "Received and uploaded files are kept as they came and cannot be changed: attach a new document instead."
    ),
    ("complaint", "minutes"): _("Signed minutes cannot be changed: a correction is a new version, signed again."),
    ("message", "body"): _("A received message is kept as it came and cannot be changed: add a note instead."),
    ("message", "raw_source"): _("The original of a received e-mail is kept as it came and cannot be changed."),
    ("message", "files"): _(
        "Received and uploaded files are kept as they came and cannot be changed: attach a new document instead."
    ),
    ("message", "sent_answer"): _("What was sent to the customer cannot be changed: send a new message instead."),
}


def field_label(object_type: str, field: str) -> str:
    return str(FIELD_LABELS.get((object_type, field), field.replace("_", " ")))


def when_label(when: str) -> str:
    return str(WHEN_LABELS.get(when, when))
