"""Charts drawn on the server as SVG: no script, no library, readable without either.

A chart is one image to assistive technology (`role="img"`, named by its `<title>` and described by a
`<desc>` that says every number); the page puts the same numbers in a table next to it, with the links."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

ROW = 26  # px per bar
LABEL_WIDTH = 170
BAR_WIDTH = 300
VALUE_WIDTH = 50
LABEL_CHARS = 24


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(*, chart_id: str, title: str, rows: Sequence[tuple[str, int]], empty: str = "—") -> SafeString:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = max(1, len(rows)) * ROW + 8
    top = max((v for _l, v in rows), default=0)
    description = "; ".join(f"{label}: {value}" for label, value in rows) or empty
    parts = [
        format_html(
            '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
            'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'preserveAspectRatio="xMinYMin meet">'
            '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
            id=chart_id,
            w=width,
            h=height,
            title=title,
            desc=description,
        )
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        length = round(BAR_WIDTH * value / top) if top else 0
        parts.append(
            format_html(
                '<g><text x="{lx}" y="{ty}" text-anchor="end" fill="#1d2433" font-size="13">{label}</text>'
                '<rect x="{bx}" y="{y}" width="{length}" height="{bh}" fill="#0b5cad" rx="2"></rect>'
                '<text x="{vx}" y="{ty}" fill="#1d2433" font-size="13">{value}</text></g>',
                lx=LABEL_WIDTH - 8,
                ty=y + 15,
                label=_short(label),
                bx=LABEL_WIDTH,
                y=y + 2,
                length=max(length, 1 if value else 0),
                bh=ROW - 8,
                vx=LABEL_WIDTH + length + 6,
                value=value,
            )
        )
    parts.append(mark_safe("</svg>"))  # a constant
    return mark_safe("".join(str(p) for p in parts))  # every part built with format_html
