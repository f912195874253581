"""Accessibility: axe-core's WCAG 2.1 A and AA rules on every page, both editions, light and dark.

Every page of the book and of the edition without solutions (`make book SOLUTIONS=hidden`) is
opened offline in headless Chromium in the theme's light mode and in its dark mode (the theme's
own switch: `data-theme="dark"` on <html>), once MathJax is done, and checked by axe-core
(bundled by axe-playwright-python, injected into the page: nothing is downloaded). The test fails
on any critical or serious violation and prints, for each, the rule, the page and the nodes.
Moderate and minor findings are not failures (axe's own advice is to fix critical and serious
first), but the summary of a failure lists them too.

Every image of the book also has alternative text that says what it shows. axe's `image-alt`
rule accepts an empty `alt` (a decorative image) and Sphinx writes the image's own path as `alt`
when a figure has none, so `test_every_image_says_what_it_shows` checks the text itself: not
empty, not a file name. A figure drawn by a notebook cell gets its text from the cell's metadata,
`"mystnb": {"image": {"alt": "..."}}`.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import (
    HIDDEN_HTML,
    HTML,
    SETTLE_FONTS_AND_MATH,
    book_pages,
    open_offline,
)

# WCAG 2.0 and 2.1, levels A and AA.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
FAILING = ("critical", "serious")

# Wait as the page test does: fonts, then MathJax (its output is part of what axe checks), then images.
SETTLE = (
    "async () => {"
    + SETTLE_FONTS_AND_MATH
    + """  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return document.documentElement.dataset.theme;
}
"""
)

IMAGES = """
() => [...document.querySelectorAll('main img, article img')].map(img => ({
  src: img.getAttribute('src') || '', alt: img.getAttribute('alt'),
}))
"""

_axe = Axe()
REDIRECT = re.compile(r'http-equiv="Refresh"', re.I)


def pages_of(html) -> list[str]:
    """The pages to check: every page except a redirect (the book's index.html), which shows nothing."""
    if html == HTML:
        book_pages()  # says how to build the book when it is missing
    every = sorted(str(p.relative_to(html)) for p in html.rglob("*.html") if "_static" not in p.parts)
    return [path for path in every if not REDIRECT.search((html / path).read_text(encoding="utf-8"))]


def cases() -> list:
    editions = [("book", HTML)]
    if (HIDDEN_HTML / "index.html").exists():
        editions.append(("hidden", HIDDEN_HTML))
    return [
        pytest.param(edition, path, mode, id=f"{edition}-{mode}-{path}")
        for edition, html in editions
        for path in pages_of(html)
        for mode in ("light", "dark")
    ]


def describe(violation: dict, where: str) -> str:
    lines = [f"{violation['impact']} {violation['id']} on {where}: {violation['help']} ({violation['helpUrl']})"]
    for node in violation["nodes"]:
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    {' > '.join(map(str, node['target']))}: {node['html'][:160]}  [{summary[:240]}]")
    return "\n".join(lines)


def test_the_hidden_edition_is_checked_too():
    """Without the edition without solutions the accessibility test would check only half the book."""
    if not (HIDDEN_HTML / "index.html").exists():
        raise pytest.UsageError(f"no edition without solutions at {HIDDEN_HTML}: run `make book SOLUTIONS=hidden`")


@pytest.mark.parametrize("edition, path, mode", cases())
def test_no_serious_accessibility_violation(edition, path, mode, browser, request):
    url = request.getfixturevalue("server_url" if edition == "book" else "hidden_url")
    context, page, outside, errors = open_offline(browser, url, path, mode=mode)
    try:
        theme = page.evaluate(SETTLE)
        violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    finally:
        context.close()
    assert theme == mode, f"{path} opened in {theme!r} mode, not {mode!r}"
    where = f"{edition} {path} ({mode} mode)"
    failing = [v for v in violations if v["impact"] in FAILING]
    if failing:
        others = [f"{v['impact']} {v['id']} x{len(v['nodes'])}" for v in violations if v not in failing]
        pytest.fail(
            "\n".join(describe(v, where) for v in failing) + (f"\nalso (not failing): {others}" if others else ""),
            pytrace=False,
        )


IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp)$|^(data:|/|\.\./|_images/)", re.I)


@pytest.mark.parametrize("path", [p for p in book_pages() if p.startswith("book/")])
def test_every_image_says_what_it_shows(path, browser, server_url):
    context, page, outside, errors = open_offline(browser, server_url, path)
    try:
        images = page.evaluate(IMAGES)
    finally:
        context.close()
    missing = [
        img["src"]
        for img in images
        if not (img["alt"] or "").strip() or IMAGE_FILE.search(img["alt"].strip()) or len(img["alt"].split()) < 4
    ]
    assert missing == [], f"{path}: images without alternative text that says what they show: {missing}"
