"""The published site (`make site`, then `make test-site`): one folder that works on any static host.

Over `_build/site` (or `$BOOK_SITE`), served on localhost with the network cut off, in headless
Chromium:

* every page of both editions and the slides' index loads with no outside request and no error,
  and every link on it resolves inside the site: pages and their anchors, each chapter's
  notebook, the PDFs, the slides and the student notebooks' zip (fetched over HTTP);
* every page of each edition links the downloads of its edition (navigation bar), the welcome
  page too (its text), and each chapter page links its own notebook;
* the downloads are what their links say: PDFs, a zip of the student notebooks with no solution
  in them, which holds what they import, the notebooks of the edition without solutions are the
  student notebooks, and the slides' index lists every deck;
* each chapter's page weight (every byte the page loads: HTML, styles, scripts, fonts, MathJax,
  figures) and its own part (its HTML and figures) are reported, and fail over their budgets.
"""

from __future__ import annotations

import functools
import io
import json
import os
import pathlib
import posixpath
import re
import sys
import urllib.parse
import urllib.request
import zipfile

import pytest

from conftest import ROOT, SCREENSHOTS, _serve, open_offline
from test_book_in_browser import PAGE_REPORT

sys.path.insert(0, str(ROOT / "_ext"))
from book_downloads import SITE as LAYOUT  # noqa: E402

SITE = pathlib.Path(os.environ.get("BOOK_SITE", ROOT / "_build" / "site")).resolve()
HIDDEN = LAYOUT["hidden"].rstrip("/")

# Page weight, in bytes as the browser decodes them (a host that compresses sends fewer). Measured on
# the first build with SVG figures (Dec 2026): every chapter page loads the same 3.8 MB of theme
# (scripts with Font Awesome, styles, fonts) and MathJax (script and fonts), which the browser
# caches after the first page, plus its own HTML and figures: 0.3 to 1.1 MB (figures 0 to 0.6 MB).
# A chapter's own bytes are what a reader downloads for every page: CHAPTER_BUDGET allows about
# twice the heaviest chapter today (room for more figures), and a chapter over it has a figure that
# should be lighter (SVG_MAX_BYTES in softmax_lib/plotting.py decides when a figure becomes a 2x
# PNG). PAGE_WEIGHT_BUDGET, on everything a first visit loads, catches a heavy new shared asset.
CHAPTER_BUDGET = 2_000_000
PAGE_WEIGHT_BUDGET = 6_000_000


def site_pages() -> list[str]:
    if not (SITE / "index.html").exists():
        raise pytest.UsageError(f"no site at {SITE}: run `make site` first")
    pages = sorted(
        str(p.relative_to(SITE))
        for p in SITE.rglob("*.html")
        if "_static" not in p.parts and p.parent.name != "slides" and "reveal.js" not in p.parts
    )
    return pages + [LAYOUT["slides"]]


def chapters() -> list[str]:
    """The pages made from notebooks, by name (`book/formula.html`)."""
    return sorted(f"book/{p.stem}.html" for p in (ROOT / "book").glob("*.ipynb") if (SITE / "book" / f"{p.stem}.html").exists())


@pytest.fixture(scope="module")
def site_url():
    yield from _serve(SITE)


@functools.cache
def anchors(path: str) -> frozenset[str]:
    return frozenset(re.findall(r'\bid="([^"]+)"', (SITE / path).read_text(encoding="utf-8")))


@functools.cache
def loads(url: str) -> bool:
    """The download at this URL is served, and not empty (each is fetched once per test run)."""
    with urllib.request.urlopen(url) as response:
        return response.status == 200 and bool(response.read(1))


def edition_of(path: str) -> str:
    return "hidden" if path.startswith(HIDDEN + "/") else "book"


def expected_downloads(path: str) -> set[str]:
    """The site paths every page of an edition links to (the navigation bar's Downloads)."""
    if edition_of(path) == "hidden":
        return {LAYOUT["hidden_pdf"], LAYOUT["slides"], LAYOUT["student_zip"]}
    return {LAYOUT["pdf"], LAYOUT["slides"], LAYOUT["student_zip"], LAYOUT["hidden"] + "index.html"}


@pytest.mark.parametrize("path", site_pages())
def test_every_link_in_the_site_works(path, browser, site_url):
    refresh = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', (SITE / path).read_text(encoding="utf-8"), re.I)
    if refresh:  # a redirect page (an edition's index.html) shows nothing; where it points must exist
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), refresh.group(1)))
        assert (SITE / target).is_file(), f"{path} redirects to a missing page {target}"
        return
    context, page, outside, errors = open_offline(browser, site_url, path)
    try:
        report = page.evaluate(PAGE_REPORT)
    finally:
        context.close()
    problems = []
    if outside:
        problems.append(f"requests left the local server: {outside}")
    if errors:
        problems.append(f"console or HTTP errors: {errors}")
    if report["brokenImages"]:
        problems.append(f"images that did not load: {report['brokenImages']}")
    targets = set()
    for href in report["links"]:
        url = urllib.parse.urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != site_url:
            continue  # another site: not followed offline
        target = urllib.parse.unquote(url.path.lstrip("/")) or "index.html"
        if target.endswith("/"):
            target += "index.html"
        targets.add(target)
        if not (SITE / target).is_file():
            problems.append(f"link to a missing file: {href}")
        elif url.fragment and target.endswith(".html") and urllib.parse.unquote(url.fragment) not in anchors(target):
            problems.append(f"link to a missing anchor: {href}")
        elif not target.endswith(".html") and not loads(f"{site_url}/{urllib.parse.quote(target)}"):
            problems.append(f"download that does not load: {href}")
    if path != LAYOUT["slides"] and not path.endswith(("search.html", "genindex.html", "py-modindex.html")):
        missing = expected_downloads(path) - targets
        if missing:
            problems.append(f"no link to {sorted(missing)}")
    stem = pathlib.PurePosixPath(path).stem
    if (ROOT / "book" / f"{stem}.ipynb").exists() and pathlib.PurePosixPath(path).parent.name == "book":
        notebook = str(pathlib.PurePosixPath(path).parent.parent / "_sources" / "book" / f"{stem}.ipynb")
        if notebook.removeprefix("./") not in targets:
            problems.append(f"no link to the chapter's notebook {notebook}")
    assert problems == []


def test_the_welcome_page_links_the_downloads_in_its_text():
    for path in ("book/intro.html", f"{LAYOUT['hidden']}book/intro.html"):
        text = (SITE / path).read_text(encoding="utf-8")
        article = text[text.index("<article") : text.index("</article>")]
        folder = posixpath.dirname(path)
        linked = {posixpath.normpath(posixpath.join(folder, h)) for h in re.findall(r'href="([^"#]+)"', article)}
        assert expected_downloads(path) <= linked, (path, sorted(linked))


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        assert response.status == 200
        return response.read()


def test_the_pdfs_are_pdfs(site_url):
    for name in ("pdf", "hidden_pdf"):
        data = _get(f"{site_url}/{LAYOUT[name]}")
        assert data.startswith(b"%PDF") and len(data) > 200_000, name
    assert (SITE / LAYOUT["pdf"]).read_bytes() != (SITE / LAYOUT["hidden_pdf"]).read_bytes()


def _has_solution(notebook: dict) -> bool:
    return any(re.search(r"\{solution(-start)?\}", "".join(c["source"])) for c in notebook["cells"])


def test_the_student_zip_runs_on_its_own_and_has_no_solution(site_url):
    archive = zipfile.ZipFile(io.BytesIO(_get(f"{site_url}/{LAYOUT['student_zip']}")))
    names = {pathlib.PurePosixPath(n).relative_to(pathlib.PurePosixPath(n).parts[0]).as_posix() for n in archive.namelist()}
    chapters_ = {p.name for p in (ROOT / "book").glob("*.ipynb")}
    assert chapters_ <= names, sorted(chapters_ - names)
    assert {"README.txt", "requirements.txt", "softmax_lib/__init__.py"} <= names
    assert {f"data/{p.name}" for p in (ROOT / "book" / "data").glob("*") if p.is_file()} <= names
    for name in archive.namelist():
        if name.endswith(".ipynb"):
            assert not _has_solution(json.loads(archive.read(name))), name


@pytest.mark.parametrize("stem", sorted(p.stem for p in (ROOT / "book").glob("*.ipynb")))
def test_each_chapter_offers_its_notebook(stem, site_url):
    source = json.loads((ROOT / "book" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    book = json.loads(_get(f"{site_url}/_sources/book/{stem}.ipynb"))
    assert book == source, "the book offers the chapter's notebook as committed, with its outputs"
    student = json.loads(_get(f"{site_url}/{LAYOUT['hidden']}_sources/book/{stem}.ipynb"))
    assert not _has_solution(student), "the edition without solutions offers the student notebook"
    assert student["nbformat"] == 4 and len(student["cells"]) > 5


def test_the_slides_index_lists_every_deck():
    index = (SITE / LAYOUT["slides"]).read_text(encoding="utf-8")
    decks = {p.name for p in (SITE / LAYOUT["slides"]).parent.glob("*.slides.html")}
    assert decks and decks == set(re.findall(r'href="([^"]+\.slides\.html)"', index))


WEIGH = """
async () => {
  await new Promise(r => setTimeout(r, 500));
  const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
  return entries.map(e => ({name: e.name, type: e.initiatorType || 'document', size: e.decodedBodySize}));
}
"""


def test_page_weight_of_each_chapter(browser, site_url):
    """Every byte a chapter page loads, reported per chapter; none over PAGE_WEIGHT_BUDGET."""
    rows = []
    for path in chapters():
        context, page, outside, errors = open_offline(browser, site_url, path)
        try:
            page.evaluate(PAGE_REPORT)  # the page loaded, MathJax done (its fonts loaded), images decoded
            entries = page.evaluate(WEIGH)
        finally:
            context.close()
        total = sum(e["size"] for e in entries)
        own = sum(e["size"] for e in entries if "/_static/" not in e["name"])
        figures = [e["size"] for e in entries if "/_images/" in e["name"]]
        rows.append((path, total, own, sum(figures), len(figures)))
    lines = [f"{'page':34} {'weight':>8} {'own':>8} {'figures':>8} {'count':>5}"]
    lines += [f"{p:34} {t / 1e6:6.2f}MB {o / 1e6:6.2f}MB {f / 1e6:6.2f}MB {n:5}" for p, t, o, f, n in rows]
    lines.append(f"site: {sum(f.stat().st_size for f in SITE.rglob('*') if f.is_file()) / 1e6:.1f} MB")
    report = "\n".join(lines)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "page-weight.txt").write_text(report + "\n", encoding="utf-8")
    print("\n" + report)
    heavy = [(p, t, o) for p, t, o, _, _ in rows if t > PAGE_WEIGHT_BUDGET or o > CHAPTER_BUDGET]
    assert rows and not heavy, (
        f"pages over {PAGE_WEIGHT_BUDGET / 1e6:g} MB in all or {CHAPTER_BUDGET / 1e6:g} MB of their own: {heavy}"
    )


DECK = """
async () => {
  for (let i = 0; i < 200 && !(window.Reveal && Reveal.isReady()); i++) await new Promise(r => setTimeout(r, 50));
  for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 50));
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  return {ready: !!(window.Reveal && Reveal.isReady()), typeset: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror').length};
}
"""


@pytest.mark.parametrize("deck", sorted(p.name for p in (SITE / LAYOUT["slides"]).parent.glob("*.slides.html")))
def test_each_deck_works_in_the_site(deck, browser, site_url):
    """The decks load the book's MathJax in the site (tools/site.py), offline, with no error."""
    path = str(pathlib.PurePosixPath(LAYOUT["slides"]).parent / deck)
    context, page, outside, errors = open_offline(browser, site_url, path, height=720)
    try:
        report = page.evaluate(DECK)
    finally:
        context.close()
    assert outside == [] and errors == [], (outside, errors)
    assert report["ready"] and report["errors"] == 0, report
    if re.search(r"\\\(|\$\$|\\\[", (SITE / path).read_text(encoding="utf-8")):
        assert report["typeset"] > 0, f"{deck}: no formula typeset"
