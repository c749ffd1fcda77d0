"""The matter tables the demo suppliers start from, worded after the customers' own rules.

Seed 000: complaints go to the form; information requests and technical faults (outage, street
light, damaged pole or wire) do not — the fault line takes those, and no complaint deadline starts.
Seed 001: some matters are settled only in person; others by letter, e-mail or phone.
Seed 004: what is not a complaint (data or owner change, balance, bill copy, meter reading, ...).
Seed 002: a vendor takes service complaints and product complaints, each with its own fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import FormVariant, Route


@dataclass(frozen=True)
class Preset:
    code: str
    kind: str
    route: str
    title: Promise
    text: Promise
    category: str = "other"
    variant: str = FormVariant.UTILITY
    by_phone: bool = True


_FORM = Route.COMPLAINT_FORM
_FAULT = Route.FAULT_LINE
_CONTACT = Route.CONTACT
_VISIT = Route.IN_PERSON
_BY_LETTER = _("Write to us by letter or e-mail, or call customer service: no visit is needed.")

PRESETS: dict[str, Preset] = {
    p.code: p
    for p in [
        Preset(
            "complaint",
            "complaint",
            _FORM,
            _("Complaint about a bill, a contract or how we handled your matter"),
            _(
                "An earlier request left unsolved, a duty we did not keep, wrong information from our staff, "
                "or dissatisfaction with how your case was handled. We answer in writing within the legal deadline."
            ),
            category="billing",
        ),
        Preset(
            "damage",
            "complaint",
            _FORM,
            _("Damage compensation claim"),
            _("Damage you think our service caused. Describe the damage and add photos or invoices."),
            category="damage",
        ),
        Preset(
            "staff",
            "complaint",
            _FORM,
            _("Complaint about the behaviour of our staff"),
            _("Tell us when and where it happened and who was involved, if you know."),
            category="staff_conduct",
        ),
        Preset(
            "public_interest",
            "public_interest",
            _FORM,
            _("Public-interest report"),
            _("Something whose fixing serves the community, not only you. You may report it without a customer id."),
        ),
        Preset(
            "outage",
            "technical_fault",
            _FAULT,
            _("Outage or service interruption"),
            _("Outages are fixed by the fault service, day and night. This is not a complaint: call the fault line."),
        ),
        Preset(
            "street_light",
            "technical_fault",
            _FAULT,
            _("Street lighting fault"),
            _("Report a dark or flickering street light to the fault service, with the nearest address."),
        ),
        Preset(
            "damaged_line",
            "technical_fault",
            _FAULT,
            _("Damaged pole, wire or pipe"),
            _("Keep away from it and call the fault line at once: it is a danger, not a complaint."),
        ),
        Preset(
            "information",
            "information_request",
            _CONTACT,
            _("Question or information request (offers, prices)"),
            _("Customer service answers questions by e-mail, by phone or by letter."),
        ),
        Preset("meter_reading", "meter_reading", _CONTACT, _("Meter reading"), _BY_LETTER),
        Preset(
            "data_change",
            "data_change",
            _CONTACT,
            _("Change of data, payment method or advance payment"),
            _BY_LETTER,
        ),
        Preset(
            "balance",
            "balance_query",
            _CONTACT,
            _("Account balance or bill information"),
            _("Write to us by letter or e-mail, or come to the office. Balances are not given by phone."),
            by_phone=False,
        ),
        Preset("bill_copy", "bill_copy", _CONTACT, _("Bill copy or a new postal cheque"), _BY_LETTER),
        Preset(
            "contract",
            "other",
            _VISIT,
            _("Contract or change of consumer"),
            _("A contract is made or changed only in person at our customer office. Book an appointment."),
        ),
        Preset(
            "arrears",
            "equity_request",
            _VISIT,
            _("Arrears, instalments, payment orders or enforcement"),
            _(
                "Paying arrears, an instalment agreement, closing a payment order or settling debts under "
                "enforcement are settled only in person. Amounts owed are never given by phone."
            ),
            by_phone=False,
        ),
        Preset(
            "installation",
            "other",
            _VISIT,
            _("Ordering an installation"),
            _("Installation orders are taken at the customer office. Book an appointment."),
        ),
        Preset(
            "service_complaint",
            "complaint",
            _FORM,
            _("Service complaint (repair, support, installation)"),
            _("Give the service ticket number and the serial number, describe the problem and what you propose."),
            category="service",
            variant=FormVariant.SERVICE,
        ),
        Preset(
            "product_complaint",
            "complaint",
            _FORM,
            _("Product complaint (a faulty device)"),
            _("Give the model and the serial number, describe the problem and what you propose."),
            category="product",
            variant=FormVariant.PRODUCT,
        ),
        Preset(
            "product_question",
            "information_request",
            _CONTACT,
            _("Question about a product or an order"),
            _("Our support team answers questions by e-mail or phone."),
        ),
    ]
}

UTILITY_TABLE = (
    "complaint",
    "damage",
    "staff",
    "outage",
    "street_light",
    "damaged_line",
    "information",
    "meter_reading",
    "data_change",
    "balance",
    "bill_copy",
    "contract",
    "arrears",
    "installation",
    "public_interest",
)
VENDOR_TABLE = ("service_complaint", "product_complaint", "product_question")


def table_for(sector: str) -> tuple[str, ...]:
    if sector == "product_service":
        return VENDOR_TABLE
    # Street lights are the electricity network's; a heating or water utility doesn't run them.
    return tuple(c for c in UTILITY_TABLE if c != "street_light" or sector == "electricity")
