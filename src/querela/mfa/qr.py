"""The set-up QR code as inline SVG (no image request, no script; the page's CSP stays strict)."""

from __future__ import annotations

import segno


def qr_svg(uri: str, *, label: str) -> str:
    """An `<svg role="img">` of the URI, dark on white whatever the page's colours, with `label` as its name."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=False)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(label)}" ', 1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
