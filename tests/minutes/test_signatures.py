"""A drawn signature is a form field anyone can post: capped, a real PNG, not empty, re-encoded."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from querela.core.errors import ValidationFailed
from querela.minutes.signatures import MAX_DATA_URL, PREFIX, data_url, signature_png

from .helpers import drawn_signature

pytestmark = pytest.mark.pure


def _url(raw: bytes, prefix: str = PREFIX) -> str:
    return prefix + base64.b64encode(raw).decode()


def _png(img: Image.Image, **save: object) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", **save)
    return out.getvalue()


def test_a_drawing_is_kept_as_a_clean_png():
    png = signature_png(drawn_signature())
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG" and img.size == (600, 200)
    assert data_url(png).startswith(PREFIX)


def test_bytes_after_the_image_are_dropped():
    raw = base64.b64decode(drawn_signature()[len(PREFIX) :])
    png = signature_png(_url(raw + b"<script>alert(1)</script>"))
    assert b"script" not in png


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("data:image/jpeg;base64,/9j/4AAQ", "signature_invalid"),  # not a PNG data URL
        ("https://evil.example/sig.png", "signature_invalid"),
        (PREFIX + "not base64!", "signature_invalid"),
        (_url(b"\x89PNG\r\n\x1a\n" + b"\0" * 200), "signature_invalid"),  # the header and nothing real
        (_url(b"GIF89a" + b"\0" * 100), "signature_invalid"),  # another type under the PNG label
        (_url(_png(Image.new("RGBA", (600, 200), (0, 0, 0, 0)))), "signature_empty"),  # an untouched pad
        (_url(_png(Image.new("RGB", (600, 200), (255, 255, 255)))), "signature_empty"),
        (_url(_png(Image.new("1", (5000, 10)))), "signature_invalid"),  # far wider than any pad
        ("x" * (MAX_DATA_URL + 1), "signature_large"),
    ],
)
def test_what_is_not_a_drawn_signature_is_refused(value, code):
    with pytest.raises(ValidationFailed) as refused:
        signature_png(value)
    assert refused.value.code == code


def test_a_png_over_the_cap_is_refused_before_it_is_decoded():
    noise = Image.frombytes("RGB", (600, 200), bytes((i * 7919) % 251 for i in range(600 * 200 * 3)))
    raw = _png(noise, compress_level=0)
    assert len(raw) > 256 * 1024
    with pytest.raises(ValidationFailed) as refused:
        signature_png(_url(raw))
    assert refused.value.code == "signature_large"
