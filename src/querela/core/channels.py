"""The ways a message reaches a supplier or leaves it: every app (customers, complaints, intake, the
pages and the API) speaks of channels, so they are defined once, at the bottom."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a message came in or goes out. A reply goes out in the channel the complaint came in."""

    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("Post")
    FAX = "fax", _("Fax")
    MESSAGE_WALL = "message_wall", _("Online message wall")
    # A letter or form brought to the customer office: written, so answered in writing (seed 004), and
    # the customer leaves with a stamped receipt.
    HANDED_IN = "handed_in", _("Handed in at the office")
