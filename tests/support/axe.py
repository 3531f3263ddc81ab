"""Page checks in the real browser: axe-core (from npm, injected), overflow, target size, weight."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.async_api import Page

from tests.support.stack import DATA

AXE = Path(__file__).resolve().parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REPORT = DATA / "ux-pages.json"


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page (the context must bypass CSP)."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(content=AXE.read_text())
    found = await page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
            .violations.map(v => ({id: v.id, impact: v.impact,
                                   nodes: v.nodes.map(n => n.target.join(' '))}))""",
        WCAG21_AA,
    )
    return list(found)


async def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport (0 = no horizontal scrolling)."""
    return int(
        await page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - window.innerWidth"
        )
    )


async def small_targets(page: Page, minimum: int = 24) -> list[str]:
    """Controls (buttons, fields, navigation links, choices) smaller than `minimum` px."""
    return list(
        await page.evaluate(
            """(min) => Array.from(document.querySelectorAll(
                    'button, input:not([type=hidden]), select, textarea, nav a, .button,'
                    + ' label.choice'))
                .filter(e => e.offsetParent !== null && !e.classList.contains('default-submit'))
                .filter(e => { const r = e.getBoundingClientRect();
                               return r.height < min || r.width < min; })
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''))""",
            minimum,
        )
    )


def record(name: str, lang: str, weight: int, violations: list[dict[str, Any]]) -> None:
    """Keeps each page's weight and axe result for the closing note (.local/ux-pages.json)."""
    pages: dict[str, Any] = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    pages[f"{name} [{lang}]"] = {"bytes": weight, "axe_violations": [v["id"] for v in violations]}
    REPORT.write_text(json.dumps(pages, indent=1, sort_keys=True))
