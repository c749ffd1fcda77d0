"""Minutes test data: every element of seed 004 with the letters that break naive PDFs, and a drawn signature."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader

from querela.minutes.services import Facts

# The visit: 3 December 2026, 10:15 in Budapest; the minutes signed at 11:00.
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
FILED = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)

ACCENTED = ["Őrsi Ődön", "Űrhajós Ügyfél", "Łucja Wąsowska", "Ștefan Țurcanu"]


def facts(**overrides: Any) -> Facts:
    values: dict[str, Any] = {
        "customer_name": "Őrsi Ődön",
        "customer_address": "4024 Debrecen, Kossuth utca 12.",
        "customer_number": "HU-77001",
        "customer_email": "odon@example.hu",
        "customer_phone": "+36 30 555 1234",
        "filed_at": FILED,
        "filed_place": "Debreceni ügyfélszolgálati iroda",
        "filing_way": "in_person",
        "present": [
            ("Őrsi Ődön", "owner"),
            ("Łucja Wąsowska", "proxy"),
            ("Ștefan Țurcanu", "staff"),
        ],
        "subject": "Téves elszámolás a novemberi számlán",
        "description": "A novemberi számla 412 m³ fogyasztást mutat, a mérő 41,2 m³-t.",
        "evidence": ["Novemberi számla (SZ-2026-1182)", "Fénykép a mérőóráról"],
        "statement": "A szolgáltató a mérőt helyszínen ellenőrzi, és 15 napon belül írásban válaszol.",
        "drawn_up_place": "Debrecen, Piac utca 1.",
        "drawn_up_at": datetime(2026, 12, 3, 9, 40, tzinfo=UTC),
        "reply_channel": "post",
        "copy_by": "print",
    }
    values.update(overrides)
    return Facts(**values)


def drawn_signature(width: int = 600, height: int = 200) -> str:
    """A pad's drawing as the browser sends it: a transparent PNG with a black stroke, as a data URL."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(img).line([(20, 150), (120, 40), (220, 160), (320, 50), (420, 140)], fill=(0, 0, 0, 255), width=3)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_images(content: bytes) -> int:
    """How many different images the PDF holds (WeasyPrint's pages share one resource dictionary)."""
    return len({image.name for page in PdfReader(io.BytesIO(content)).pages for image in page.images})
