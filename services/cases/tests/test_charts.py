"""Charts are plain SVG: escaped labels, no scripts, no inline styles (strict CSP)."""

from __future__ import annotations

from peluit_cases.console.charts import bar_chart


def test_a_bar_chart_is_escaped_svg_without_styles_or_scripts() -> None:
    svg = str(bar_chart("Per <status>", [("Diterima", 3), ("<b>x</b>", 1)]))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 2
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "style=" not in svg and "<script" not in svg


def test_an_empty_chart_still_renders() -> None:
    assert "<svg" in str(bar_chart("Kosong", []))
