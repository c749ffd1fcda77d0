"""Scans as a scanner or a fax server makes them, built in memory."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from pypdf import PdfWriter


def pdf_scan(pages: int) -> bytes:
    """A PDF whose page i is (500 + 10·i) points wide: each page can be recognised after the split."""
    writer = PdfWriter()
    for i in range(1, pages + 1):
        writer.add_blank_page(width=500 + 10 * i, height=800)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_pdf_scan(pages: int) -> bytes:
    """A PDF of scanned images (what a copier makes), with the page number on each page."""
    frames = [_page(i, mode="L") for i in range(1, pages + 1)]
    out = io.BytesIO()
    frames[0].save(out, format="PDF", save_all=True, append_images=frames[1:], resolution=100)
    return out.getvalue()


def tiff_fax(pages: int) -> bytes:
    """A multi-page black-and-white fax (CCITT group 4), 200 dpi; page i is (800 + 100·i) pixels wide."""
    frames = [_page(i, mode="1", width=800 + 100 * i) for i in range(1, pages + 1)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:], compression="group4", dpi=(200, 200))
    return out.getvalue()


def _page(number: int, *, mode: str, width: int = 850) -> Image.Image:
    im = Image.new(mode, (width, 1100), 1 if mode == "1" else 255)
    ImageDraw.Draw(im).text((60, 60), f"Page {number}", fill=0)
    return im
