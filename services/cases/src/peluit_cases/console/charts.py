"""Horizontal bar charts as SVG, drawn on the server: no scripts, no third parties."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = 22
LABEL_WIDTH = 210
WIDTH = 620


def bar_chart(title: str, data: Sequence[tuple[str, float]]) -> Markup:
    """An accessible SVG bar chart of (label, value) pairs."""
    top = max((v for _, v in data), default=0) or 1
    height = BAR * max(len(data), 1) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(data):
        y = 4 + i * BAR
        length = (WIDTH - LABEL_WIDTH - 70) * value / top
        shown = f"{value:g}"
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{y + 15}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" '
            f'height="{BAR - 6}"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}">'
            f"{escape(shown)}</text>"
        )
    if not data:
        parts.append('<text class="chart-label" x="4" y="18">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every inserted value is escaped above
