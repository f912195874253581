"""Figures and tables legible in both colour modes of the theme, measured in the rendered page.

Each chapter page is opened in the light and in the dark mode (as a reader who chose it with the
theme's switch) and screenshotted whole (`<page>__light.png`, `<page>__dark.png` in the
screenshot folder). Then, in each mode:

* every figure (an image in a cell's output) is screenshotted as it is shown, with the theme's
  styling applied: its background is the colour of its outer frame, its ink the darkest pixels
  (matplotlib's text and axes are black). The ink must reach MIN_TEXT_CONTRAST against the
  background (WCAG AA for text) and, in the dark mode, the figure's background
  MIN_EDGE_CONTRAST against the page around it (WCAG's 3:1 for the parts of a graphic that must
  be seen): a figure drawn for a light page and shown transparent on the dark page fails both;
* every table cell's text must reach MIN_TEXT_CONTRAST against the background it is drawn on.

The figures are drawn on white (softmax_lib.plotting, matplotlib's default); in the dark mode the
theme shows an image of a cell's output on a light card and dims it a little. The contrasts found
are printed per page.
"""

from __future__ import annotations

import io
from collections import Counter

import pytest
from PIL import Image

from conftest import SETTLE_FONTS_AND_MATH, chapter_pages, open_offline

MIN_TEXT_CONTRAST = 4.5
MIN_EDGE_CONTRAST = 3.0

SETTLE = (
    "async () => {"
    + SETTLE_FONTS_AND_MATH
    + """  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return document.documentElement.dataset.theme;
}
"""
)

# Each table cell with text: its colour and the first opaque background behind it, and the page's.
TABLES = """
() => {
  const opaque = el => {
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      const a = c.match(/[\\d.]+/g);
      if (a && (a.length < 4 || +a[3] > 0.5)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const cells = [...document.querySelectorAll('main table td, main table th')].filter(c => c.innerText.trim());
  return {
    page: opaque(document.querySelector('.bd-main') || document.body),
    cells: cells.map(c => ({text: c.innerText.trim().slice(0, 30), color: getComputedStyle(c).color, background: opaque(c)})),
  };
}
"""


def _rgb(css: str) -> tuple[float, float, float]:
    parts = css[css.index("(") + 1 : css.index(")")].replace("/", " ").replace(",", " ").split()
    return tuple(float(x) for x in parts[:3])


def luminance(rgb) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour with 0-255 channels."""
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def figure_colours(png: bytes) -> tuple[tuple, tuple]:
    """The background (the most frequent colour of the outer 3-pixel frame: the figure's margin, or
    the card the theme puts it on) and the ink (darkest 0.5% of pixels) of a figure's screenshot."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    frame = Counter(
        image.getpixel((x, y))
        for x in range(width)
        for y in range(height)
        if min(x, y, width - 1 - x, height - 1 - y) < 3
    )
    background = frame.most_common(1)[0][0]
    by_luminance = sorted(image.getcolors(maxcolors=width * height), key=lambda c: luminance(c[1]))
    needed, seen = 0.005 * width * height, 0
    for count, colour in by_luminance:
        seen += count
        if seen >= needed:
            return background, colour
    return background, by_luminance[-1][1]


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("path", chapter_pages())
def test_figures_and_tables_legible(path, mode, browser, server_url, screenshot_dir):
    context, page, outside, errors = open_offline(browser, server_url, path, mode=mode)
    problems, report = [], []
    try:
        assert page.evaluate(SETTLE) == mode
        page.screenshot(path=screenshot_dir / f"{path.replace('/', '__').removesuffix('.html')}__{mode}.png", full_page=True)
        tables = page.evaluate(TABLES)
        page_background = _rgb(tables["page"])
        figures = page.locator("main div.cell_output img")
        for i in range(figures.count()):
            figure = figures.nth(i)
            figure.scroll_into_view_if_needed()
            background, ink = figure_colours(figure.screenshot())
            text, edge = contrast(background, ink), contrast(background, page_background)
            report.append(f"figure {i + 1}: text {text:.1f}:1, edge {edge:.1f}:1")
            # On the light page a figure drawn on white has no edge, and needs none.
            if text < MIN_TEXT_CONTRAST or (mode == "dark" and edge < MIN_EDGE_CONTRAST):
                src = figure.get_attribute("src")
                problems.append(f"figure {i + 1} ({src}): text {text:.2f}:1, edge against the page {edge:.2f}:1")
        for cell in tables["cells"]:
            ratio = contrast(_rgb(cell["color"]), _rgb(cell["background"]))
            if ratio < MIN_TEXT_CONTRAST:
                problems.append(f"table cell {cell['text']!r}: {ratio:.2f}:1 ({cell['color']} on {cell['background']})")
    finally:
        context.close()
    print(f"\n{path} ({mode}): {len(tables['cells'])} table cells; " + "; ".join(report))
    assert problems == [], f"{path} in {mode} mode"
