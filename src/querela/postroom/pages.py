"""The pages of a scan: counted at upload, cut into one PDF per letter, shown as thumbnails.

PDF pages are copied as they are (pypdf: the scanned images are not decoded); TIFF (a fax, a
multi-page scan), JPEG and PNG pages become PDF pages with Pillow. Every function reads the scan once,
front to back, so the work grows with the size of the scan and no more.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Sequence
from typing import IO, Any

from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter

from querela.core.errors import ValidationFailed
from querela.documents.pictures import guarded

from .ranges import PageRange

# What a scanner or a fax server produces; named as people name files.
SCAN_TYPES = {"application/pdf": "PDF", "image/tiff": "TIFF", "image/jpeg": "JPEG", "image/png": "PNG"}
_A4_INCHES = (8.27, 11.69)


class _Unreadable(Exception):
    pass


def count_pages(stream: IO[bytes], content_type: str, *, filename: str, limit: int) -> int:
    """The number of pages, or ValidationFailed saying why the scan can't be used (damaged, password,
    too many pages, an image too large to open safely). Stops counting past `limit`."""
    try:
        count = _count_pdf(stream, limit) if content_type == "application/pdf" else _count_images(stream, limit)
    except _Unreadable as exc:
        raise ValidationFailed(str(exc), code="scan_unreadable") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationFailed(
            _("“%(name)s” holds an image too large to open safely: scan at a lower resolution.") % {"name": filename},
            code="scan_too_large_image",
        ) from exc
    except Exception as exc:  # a damaged file can fail deep inside either library, in many ways
        raise ValidationFailed(
            _("“%(name)s” could not be read as a %(kind)s: it may be damaged. Scan it again.")
            % {"name": filename, "kind": SCAN_TYPES.get(content_type, content_type)},
            code="scan_unreadable",
        ) from exc
    finally:
        stream.seek(0)
    if count == 0:
        raise ValidationFailed(_("“%(name)s” has no pages.") % {"name": filename}, code="scan_empty")
    if count > limit:
        raise ValidationFailed(
            _(
                "“%(name)s” has more than %(limit)d pages; at most %(limit)d pages are accepted in one upload. "
                "Upload it in parts."
            )
            % {"name": filename, "limit": limit},
            code="too_many_pages",
        )
    return count


def _count_pdf(stream: IO[bytes], limit: int) -> int:
    reader = PdfReader(stream)
    if reader.is_encrypted:
        raise _Unreadable(_("The PDF is protected by a password: save it without one and upload it again."))
    if len(reader.pages) == 0:
        return 0
    reader.pages[0]
    return len(reader.pages)


def _count_images(stream: IO[bytes], limit: int) -> int:
    with guarded(), Image.open(stream) as im:
        count = 0
        while True:
            _check_size(im, count + 1)
            count += 1
            if count > limit:
                return count
            try:
                im.seek(count)
            except EOFError:
                return count


def _check_size(im: Image.Image, page: int) -> None:
    width, height = im.size
    if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
        raise _Unreadable(
            _("Page %(page)d is an image too large to open safely (%(w)d × %(h)d pixels): scan at a lower resolution.")
            % {"page": page, "w": width, "h": height}
        )


def letter_pdfs(
    stream: IO[bytes],
    content_type: str,
    ranges: Sequence[PageRange],
    *,
    on_page: Callable[[int], None] = lambda done: None,
) -> list[IO[bytes]]:
    """One PDF per range (a temporary file, rewound), in the order of `ranges`. `on_page(n)` is told how
    many pages are done, for a progress bar. The caller closes the files."""
    outputs: list[IO[bytes]] = []
    try:
        if content_type == "application/pdf":
            _pdf_letters(stream, ranges, outputs, on_page)
        else:
            _image_letters(stream, ranges, outputs, on_page)
    except BaseException:
        for f in outputs:
            f.close()
        raise
    return outputs


def _pdf_letters(
    stream: IO[bytes], ranges: Sequence[PageRange], outputs: list[IO[bytes]], on_page: Callable[[int], None]
) -> None:
    reader = PdfReader(stream)
    done = 0
    for r in ranges:
        writer = PdfWriter()
        for number in range(r.first, r.last + 1):
            writer.add_page(reader.pages[number - 1])
            done += 1
            on_page(done)
        outputs.append(_written(writer))


def _image_letters(
    stream: IO[bytes], ranges: Sequence[PageRange], outputs: list[IO[bytes]], on_page: Callable[[int], None]
) -> None:
    """Frames are read in page order, once each (a TIFF is a chain: seeking back would read it again)."""
    owner = {}
    for index, r in enumerate(ranges):
        for number in range(r.first, r.last + 1):
            owner[number] = index
    writers = [PdfWriter() for _r in ranges]
    done = 0
    with guarded(), Image.open(stream) as im:
        for number in range(1, max(owner, default=0) + 1):
            im.seek(number - 1)
            if number not in owner:
                continue
            page = io.BytesIO()
            printable, dpi = _printable(im)
            # Black and white (a fax) stays CCITT G4; grey and colour become JPEG, at a quality that keeps text sharp.
            extra = {} if printable.mode == "1" else {"quality": 90}
            printable.save(page, format="PDF", dpi=dpi, **extra)
            page.seek(0)
            writers[owner[number]].append(PdfReader(page))
            done += 1
            on_page(done)
    outputs.extend(_written(w) for w in writers)


def _printable(im: Image.Image) -> tuple[Image.Image, tuple[float, float]]:
    """The frame in a mode a PDF page holds, upright, and the resolution it was scanned at."""
    frame = ImageOps.exif_transpose(im) if im.format in ("JPEG", "PNG") else im.copy()
    if frame.mode not in ("1", "L", "RGB", "CMYK"):
        frame = frame.convert("L" if frame.mode in ("I;16", "I", "F", "LA") else "RGB")
    dpi: Any = im.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        x = y = 0.0
    if x < 50 or y < 50:  # unknown or implausible: fit the page on A4
        x = y = max(frame.width / _A4_INCHES[0], frame.height / _A4_INCHES[1], 50.0)
    return frame, (x, y)


def _written(writer: PdfWriter) -> IO[bytes]:
    out = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the caller, who closes it)
    writer.write(out)
    out.seek(0)
    return out
