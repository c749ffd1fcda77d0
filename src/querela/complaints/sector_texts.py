"""Automatic messages in the words of the supplier's trade.

A utility identifies a customer by the customer id on the bill, the consumption place and the meter
(seed 000); a vendor by the order, the device's model and its serial number (seed 002). Every
channel's automatic request for data (mail, the public form) asks in these words.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

VENDOR_SECTORS = frozenset({"product_service"})


def is_vendor(tenant: Any) -> bool:
    return getattr(tenant, "sector", "") in VENDOR_SECTORS


def identification_request(tenant: Any) -> str:
    """Asks for what identifies the complainant, in the active language."""
    if is_vendor(tenant):
        return _(
            "We received your message. To investigate it we need to identify your purchase: please reply with "
            "the order or invoice number, the model and the serial number of the device."
        )
    return _(
        "We received your message. To investigate it we need to identify you and the consumption place: "
        "please reply with your customer id (printed on your bill), the address of the consumption place "
        "and, if you know it, the meter serial number."
    )


def is_identified(complaint: Any) -> bool:
    """Whether a complaint's complainant is identified enough to investigate it.

    A utility needs the customer on file (seeds 000, 004: the complainant, the service address and the
    subject all identifiable). A vendor's buyer need not be on file (seed 002): a name, a way to reach
    them and the device's serial number identify the complaint.
    """
    if complaint.customer_id is not None:
        return True
    return bool(
        is_vendor(complaint.tenant)
        and complaint.contact_name.strip()
        and (complaint.contact_email.strip() or complaint.contact_phone.strip())
        and complaint.serial_number.strip()
    )
