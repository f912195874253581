"""Every page of the built book, opened in headless Chromium with the network cut off.

For each page: no request leaves the local server, no console error, math typeset by
MathJax (no raw TeX left, no MathJax error), every image loaded, every internal link and
anchor resolving. A screenshot of each page goes to `_build/screenshots/`.
"""

from __future__ import annotations

import functools
import re
import sys
import urllib.parse

import pytest

from conftest import HTML, ROOT, book_pages, open_offline, slide_decks

sys.path.insert(0, str(ROOT / "_ext"))
from book_downloads import SITE  # noqa: E402

SITE_ONLY = {SITE["pdf"], SITE["hidden_pdf"], SITE["student_zip"], SITE["slides"], SITE["hidden"] + "index.html"}

# JavaScript that returns what the page shows of math, images and links once MathJax is done.
PAGE_REPORT = """
async () => {
  if (document.querySelector('.math') && window.MathJax) {
    for (let i = 0; i < 200 && !(MathJax.startup && MathJax.startup.promise); i++)
      await new Promise(r => setTimeout(r, 50));
    await MathJax.startup.promise;
  }
  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  const prose = document.querySelector('main') || document.body;
  const copy = prose.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(e => e.remove());
  return {
    math: document.querySelectorAll('span.math, div.math').length,
    typeset: document.querySelectorAll('span.math mjx-container, div.math mjx-container').length,
    mathErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error') || e.textContent),
    rawTex: (copy.innerText.match(/\\$\\$|\\\\\\(|\\\\\\[|\\\\begin\\{/g) || []).length,
    brokenImages: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
    images: document.images.length,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  };
}
"""


@functools.cache
def anchors(path: str) -> frozenset[str]:
    """The ids a built page defines, for checking `page.html#fragment` links."""
    text = (HTML / path).read_text(encoding="utf-8")
    return frozenset(re.findall(r'\bid="([^"]+)"', text))


def redirect_target(path: str) -> str | None:
    """Where a redirect page (`<meta http-equiv="Refresh">`, as the book's index.html) points."""
    match = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', (HTML / path).read_text(encoding="utf-8"), re.I)
    return match and urllib.parse.urljoin(path, match.group(1))


@pytest.mark.parametrize("path", book_pages())
def test_page_renders_offline(path, browser, server_url, screenshot_dir):
    target = redirect_target(path)
    if target is not None:  # a redirect page has nothing to render; check where it goes instead
        assert (HTML / target).is_file(), f"{path} redirects to a missing page {target}"
        path = target
    context, page, outside, errors = open_offline(browser, server_url, path)
    try:
        report = page.evaluate(PAGE_REPORT)
        page.screenshot(path=screenshot_dir / (path.replace("/", "__").removesuffix(".html") + ".png"), full_page=True)
    finally:
        context.close()

    problems = []
    if outside:
        problems.append(f"requests left the local server: {outside}")
    if errors:
        problems.append(f"console or HTTP errors: {errors}")
    if report["typeset"] != report["math"]:
        problems.append(f"{report['math'] - report['typeset']} of {report['math']} formulas not typeset")
    if report["mathErrors"]:
        problems.append(f"MathJax errors: {report['mathErrors']}")
    if report["rawTex"]:
        problems.append(f"{report['rawTex']} raw TeX delimiters left in the prose")
    if report["brokenImages"]:
        problems.append(f"images that did not load: {report['brokenImages']}")
    broken = [href for href in report["links"] if not resolves(href, server_url)]
    if broken:
        problems.append(f"internal links that do not resolve: {broken}")
    assert problems == []


def resolves(href: str, server_url: str) -> bool:
    """True for a link to another site (not followed: the test is offline) or to a page and anchor that exist."""
    url = urllib.parse.urlsplit(href)
    if f"{url.scheme}://{url.netloc}" != server_url:
        return True
    target = url.path.lstrip("/") or "index.html"
    if target.endswith("/"):
        target += "index.html"
    if not (HTML / target).is_file():
        # The rest of the published site (the PDFs, the slides, the student notebooks, the other
        # edition) is not beside a plain `make book`; test_site.py checks those links in _build/site.
        return target in SITE_ONLY
    return not (url.fragment and target.endswith(".html")) or urllib.parse.unquote(url.fragment) in anchors(target)


def test_search_finds_pages_offline(browser, server_url):
    context, page, outside, errors = open_offline(browser, server_url, "search.html?q=softmax")
    try:
        page.wait_for_selector("#search-results li", timeout=30_000)
        hits = page.locator("#search-results li").count()
    finally:
        context.close()
    assert hits > 0
    assert outside == [] and errors == []


SLIDE_REPORT = """
async () => {
  PER_SLIDE
  for (let i = 0; i < 200 && !(window.Reveal && Reveal.isReady()); i++) await new Promise(r => setTimeout(r, 50));
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  return {
    ready: !!(window.Reveal && Reveal.isReady()),
    slides: window.Reveal ? Reveal.getTotalSlides() : 0,
    typeset: document.querySelectorAll('mjx-container').length,
    mathErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error') || e.textContent),
    brokenImages: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80)),
    perSlide: await perSlide(),
  };
}
"""

# Each slide, shown in turn: its height on the screen (reveal.js scales the 960x700 slide to the
# window), its words (what the audience sees: headline, points, code and printed output; a formula
# counts as one word; the speaker notes do not count) and whether it has speaker notes.
PER_SLIDE = """
async function perSlide() {
  const scale = Reveal.getScale();
  const result = [];
  for (const slide of Reveal.getSlides()) {
    const {h, v} = Reveal.getIndices(slide);
    Reveal.slide(h, v);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const copy = slide.cloneNode(true);
    copy.querySelectorAll('aside.notes, script, style, mjx-assistive-mml').forEach(e => e.remove());
    copy.querySelectorAll('mjx-container').forEach(e => e.replaceWith(' formula '));
    result.push({
      title: (slide.querySelector('h1, h2, h3') || {textContent: ''}).textContent.trim().slice(0, 60),
      height: Math.round(slide.scrollHeight * scale),
      words: copy.textContent.split(/\\s+/).filter(w => /[\\w$]/.test(w)).length,
      notes: slide.querySelectorAll('aside.notes').length > 0,
    });
  }
  Reveal.slide(0, 0);
  return result;
}
"""
# The screen the decks are checked at, and the most words a slide may carry.
SLIDE_SCREEN = {"width": 1280, "height": 720}
MAX_SLIDE_WORDS = 60


@pytest.mark.parametrize("deck", slide_decks())
def test_slide_deck_works_offline(deck, browser, slides_url, screenshot_dir):
    context, page, outside, errors = open_offline(browser, slides_url, deck, height=SLIDE_SCREEN["height"])
    try:
        report = page.evaluate(SLIDE_REPORT.replace("PER_SLIDE", PER_SLIDE))
        page.screenshot(path=screenshot_dir / ("slides__" + deck.removesuffix(".html") + ".png"))
    finally:
        context.close()
    assert outside == [] and errors == [], (outside, errors)
    assert report["ready"] and report["slides"] >= 3, report
    assert report["mathErrors"] == [] and report["brokenImages"] == [], report
    slides = report["perSlide"]
    print(
        f"\n{deck}: {len(slides)} slides, {sum(s['notes'] for s in slides)} with notes, "
        f"at most {max(s['words'] for s in slides)} words, tallest {max(s['height'] for s in slides)} px"
    )
    tall = [s for s in slides if s["height"] > SLIDE_SCREEN["height"]]
    wordy = [s for s in slides if s["words"] > MAX_SLIDE_WORDS]
    assert not tall, f"{deck}: slides taller than {SLIDE_SCREEN['height']} px: {tall}"
    assert not wordy, f"{deck}: slides over {MAX_SLIDE_WORDS} words: {wordy}"
    assert any(s["notes"] for s in slides), f"{deck}: no speaker notes"
