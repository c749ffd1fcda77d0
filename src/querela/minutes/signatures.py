"""A signature drawn on screen arrives as a PNG data URL in a form field anyone can post: capped before
it is decoded, checked to be a real PNG (libmagic and Pillow), not empty, and re-encoded, so only the
pixels are kept (no trailing bytes, no metadata)."""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from django.utils.translation import gettext as _

from querela.core.errors import ValidationFailed
from querela.core.uploads import sniff_type

PREFIX = "data:image/png;base64,"
MAX_PNG_BYTES = 256 * 1024  # a signature pad's PNG is 5-40 kB
MAX_DATA_URL = len(PREFIX) + (MAX_PNG_BYTES * 4) // 3 + 4
MAX_WIDTH, MAX_HEIGHT = 2400, 1200
_MAGIC = b"\x89PNG\r\n\x1a\n"


def _refuse(code: str = "signature_invalid") -> ValidationFailed:
    return ValidationFailed(_("The drawn signature could not be read. Clear it and sign again."), code=code)


def signature_png(data_url: str) -> bytes:
    """The PNG of a drawn signature, validated and re-encoded; ValidationFailed with a reason otherwise."""
    if len(data_url) > MAX_DATA_URL:
        raise ValidationFailed(_("The drawn signature is too large. Clear it and sign again."), code="signature_large")
    if not data_url.startswith(PREFIX):
        raise _refuse()
    try:
        raw = base64.b64decode(data_url[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise _refuse() from None
    if len(raw) > MAX_PNG_BYTES:
        raise ValidationFailed(_("The drawn signature is too large. Clear it and sign again."), code="signature_large")
    if not raw.startswith(_MAGIC) or sniff_type(raw[:2048]) != "image/png":
        raise _refuse()
    from PIL import Image  # WeasyPrint's own image library

    try:
        with Image.open(io.BytesIO(raw)) as img:
            width, height = img.size
            if img.format != "PNG" or not (0 < width <= MAX_WIDTH and 0 < height <= MAX_HEIGHT):
                raise _refuse()
            img.verify()
        with Image.open(io.BytesIO(raw)) as img:
            img.load()
            pixels = img.convert("RGBA")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse() from None
    bands: Any = pixels.getextrema()  # RGBA: one (lowest, highest) pair per band
    if all(low == high for low, high in bands):  # one colour everywhere: nothing was drawn
        raise ValidationFailed(_("The signature pad is empty."), code="signature_empty")
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=True)
    return out.getvalue()


def data_url(png: bytes | memoryview | None) -> str:
    """A stored signature as a data URL again, for the PDF and the page."""
    return PREFIX + base64.b64encode(bytes(png or b"")).decode("ascii") if png else ""
