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
