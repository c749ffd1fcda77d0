"""Pictures of a document's pages: the postroom's scan thumbnails and the case file's attachment previews.

Only pictures drawn here are ever shown inline (PNG, made by Pillow); a customer's own file is never
rendered by the browser. A scanned page shows its image; a PDF written by a program shows its first
words on a blank sheet; anything unreadable shows the page number. Each picture reads the file once.
"""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

THUMB_SIZE = (150, 212)
# Big enough to read the sender, the date and a customer id off the page without downloading the scan.
READING_SIZE = (900, 1272)
# The case file's preview of an attachment: the page's look and its first lines.
PREVIEW_SIZE = (300, 424)
# Types a picture can be drawn of (what scanners, faxes, phones and programs send).
PICTURED_TYPES = frozenset({"application/pdf", "image/tiff", "image/jpeg", "image/png", "image/gif", "image/webp"})
# A program-written page is drawn from this much of its text: the first lines are what identifies it.
_TEXT_CHARS = 1_200


@contextmanager
def guarded() -> Iterator[None]:
    """Pillow's decompression-bomb warning becomes the error it announces."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def thumbnail_png(stream: IO[bytes], content_type: str, page: int, size: tuple[int, int] = THUMB_SIZE) -> bytes:
    """A small picture of one page: the page's scanned image, or a sheet with its number when it has
    none (a PDF written by a program) or it can't be read."""
    try:
        with guarded():
            picture = _page_picture(stream, content_type, page, size)
    except Exception:  # a thumbnail is a convenience: a page that can't be drawn shows its number
        picture = None
    return _png(picture if picture is not None else _numbered_sheet(page, size))


def preview_png(stream: IO[bytes], content_type: str, size: tuple[int, int] = PREVIEW_SIZE) -> bytes:
    """The first page of an attachment as a picture: its image, or (a PDF written by a program) its
    first lines set on a sheet, or its page number when neither can be read."""
    picture: Image.Image | None = None
    try:
        with guarded():
            picture = _page_picture(stream, content_type, 1, size)
            if picture is None and content_type == "application/pdf":
                stream.seek(0)
                picture = _text_sheet(_first_text(stream), size)
    except Exception:  # a damaged file: its preview is the page number, the download still works
        picture = None
    return _png(picture if picture is not None else _numbered_sheet(1, size))


def _png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _page_picture(stream: IO[bytes], content_type: str, page: int, size: tuple[int, int]) -> Image.Image | None:
    if content_type == "application/pdf":
        reader = PdfReader(stream)
        if page < 1 or page > len(reader.pages):
            return None
        images = list(reader.pages[page - 1].images)
        if not images:
            return None
        source = images[0].image
        if source is None:
            return None
    else:
        source = Image.open(stream)
        try:
            source.seek(page - 1)
        except EOFError:
            return None
    source.draft("L", (size[0] * 2, size[1] * 2))
    picture = source.convert("L")
    picture.thumbnail(size)
    return picture


def _first_text(stream: IO[bytes]) -> str:
    reader = PdfReader(stream)
    if not reader.pages:
        return ""
    return (reader.pages[0].extract_text() or "")[:_TEXT_CHARS]


def _text_sheet(text: str, size: tuple[int, int]) -> Image.Image | None:
    lines = [line for raw in text.splitlines() if raw.strip() for line in textwrap.wrap(raw.strip(), 48)]
    if not lines:
        return None
    sheet = Image.new("L", size, 255)
    draw = ImageDraw.Draw(sheet)
    draw.rectangle((0, 0, size[0] - 1, size[1] - 1), outline=160)
    font = ImageFont.load_default(size=max(9, size[0] // 30))
    line_height = max(11, size[0] // 24)
    for n, line in enumerate(lines[: (size[1] - 16) // line_height]):
        draw.text((8, 8 + n * line_height), line, fill=30, font=font)
    return sheet


def _numbered_sheet(page: int, size: tuple[int, int] = THUMB_SIZE) -> Image.Image:
    sheet = Image.new("L", size, 255)
    draw = ImageDraw.Draw(sheet)
    draw.rectangle((0, 0, size[0] - 1, size[1] - 1), outline=160)
    font = ImageFont.load_default(size=40)
    draw.text((size[0] / 2, size[1] / 2), str(page), fill=90, font=font, anchor="mm")
    return sheet
