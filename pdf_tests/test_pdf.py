"""The PDF edition, as a reader gets it: `make test-pdf` (after `make pdf`).

Reads the PDF with poppler-utils (Debian's package: pdftotext, pdfinfo, pdfimages, pdftoppm) and
the final LaTeX log beside it, and checks it against `_toc.yml` as it stands when the test runs:

* every page of the toc starts a chapter whose heading is the page's first `# ` heading, in toc
  order, numbered as the HTML numbers it (1, 2, ... across the numbered parts; the welcome page
  and the back matter unnumbered);
* no "??" anywhere (an unresolved reference, citation or exercise number), no LaTeX error, no
  undefined or multiply defined reference or citation, no character missing from a font, no
  line or page running into the margins by more than OVERFULL_LIMIT_PT;
* every figure the notebooks print is in the PDF, as a PDF (vector) figure, not a bitmap, and
  the solutions are there or not as `BOOK_SOLUTIONS` says;
* the page count is between PAGES_PER_CHAPTER[0] and PAGES_PER_CHAPTER[1] times the number of
  numbered chapters.

It also renders the title page, the contents, the first figure, the first chapter's first page
and its exercises to PNG in `BOOK_PDF_PAGES` (default `_build/pdf-pages`) for a person to look at.

`BOOK_PDF` tests another build (for example `make test-pdf SOLUTIONS=hidden`).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import unicodedata

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
TARGET = pathlib.Path(CONFIG["latex"]["latex_documents"]["targetname"]).with_suffix(".pdf").name
PDF = pathlib.Path(os.environ.get("BOOK_PDF", ROOT / "_build" / "latex" / TARGET)).resolve()
LOG = PDF.with_suffix(".log")
PAGES_DIR = pathlib.Path(os.environ.get("BOOK_PDF_PAGES", ROOT / "_build" / "pdf-pages")).resolve()
SOLUTIONS = os.environ.get("BOOK_SOLUTIONS") or CONFIG["sphinx"]["config"].get("book_solutions", "shown")

# A chapter of this book runs to about 20 to 30 pages, with its code, outputs, figures and
# exercises; the bounds allow for much shorter and much longer ones, plus the front and back
# matter, so that only a PDF that lost (or duplicated) whole chapters fails.
PAGES_PER_CHAPTER = (12, 60)
# Code and outputs wrap, and tables get column widths for their longest piece of code, so a line
# or a page can only overflow by a little (or by something new that needs looking at).
OVERFULL_LIMIT_PT = 10.0


# --------------------------------------------------------------------------------------------
# What the toc says the book is


def _source(docname: str) -> pathlib.Path:
    for suffix in (".ipynb", ".md"):
        path = ROOT / f"{docname}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(f"_toc.yml lists {docname}, which has no .ipynb or .md file")


def _markdown_of(path: pathlib.Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text())["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text()


def first_heading(docname: str) -> str:
    """The page's first `# ` heading, outside code fences, without its Markdown mark-up."""
    in_fence = False
    for line in _markdown_of(_source(docname)).splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and line.startswith("# "):
            return re.sub(r"[`*]", "", line[2:]).strip()
    raise AssertionError(f"{docname} has no '# ' heading")


def toc_chapters() -> list[tuple[str, str | None, str]]:
    """(docname, number as the HTML shows it or None, title) for the root and every chapter."""
    default_numbered = bool(TOC.get("options", {}).get("numbered", False))
    chapters = [(TOC["root"], None, first_heading(TOC["root"]))]
    number = 0
    for part in TOC.get("parts", [{"chapters": TOC.get("chapters", [])}]):
        numbered = bool(part.get("numbered", default_numbered))
        for entry in part.get("chapters", []):
            if "file" not in entry:
                continue
            if numbered:
                number += 1
            chapters.append((entry["file"], str(number) if numbered else None, first_heading(entry["file"])))
    return chapters


def notebook_outputs(mime: str) -> int:
    """How many outputs of this mime type the notebooks of the toc print."""
    count = 0
    for docname, _, _ in toc_chapters():
        path = _source(docname)
        if path.suffix == ".ipynb":
            for cell in json.loads(path.read_text())["cells"]:
                count += sum(mime in out.get("data", {}) for out in cell.get("outputs", []))
    return count


def exercise_labels() -> int:
    return sum(len(re.findall(r"^[`:]{3,}\{exercise\}", _markdown_of(_source(d)), re.M)) for d, _, _ in toc_chapters())


# --------------------------------------------------------------------------------------------
# What the PDF is


QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """NFKC (ligatures such as "fi" become two letters), straight quotes, single spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).translate(QUOTES)).strip()


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pages() -> list[str]:
    if not PDF.exists():
        pytest.fail(f"no PDF at {PDF}: run `make pdf` first")
    return run("pdftotext", "-enc", "UTF-8", str(PDF), "-").split("\f")[:-1]


@pytest.fixture(scope="module")
def log() -> str:
    return LOG.read_text(encoding="utf-8", errors="replace")


def chapter_pages(pages: list[str]) -> dict[str, int]:
    """The index of the page each chapter starts on: its heading is the page's first text."""
    found = {}
    for docname, number, title in toc_chapters():
        heading = normalise(f"{number}. {title}" if number else title)
        for index, page in enumerate(pages):
            if normalise(page).startswith(heading):
                found[docname] = index
                break
    return found


# --------------------------------------------------------------------------------------------
# The checks


def test_every_chapter_in_toc_order_numbered_as_in_the_html(pages):
    chapters = toc_chapters()
    found = chapter_pages(pages)
    missing = [f"{n + '. ' if n else ''}{t} ({d})" for d, n, t in chapters if d not in found]
    assert not missing, f"chapters whose heading starts no page: {missing}"
    order = [found[d] for d, _, _ in chapters]
    assert order == sorted(order) and len(set(order)) == len(order), (
        "chapters out of toc order: " + ", ".join(f"{d} on page {found[d] + 1}" for d, _, _ in chapters)
    )


def test_contents_list_every_chapter_in_order(pages):
    # The contents run from the page after the title page to the page before the welcome page.
    contents = normalise(" ".join(pages[1 : chapter_pages(pages)[TOC["root"]]]))
    assert contents.startswith("Contents")
    position = 0
    for _, number, title in toc_chapters():
        entry = normalise(f"{number} {title}" if number else title)
        position = contents.find(entry, position)
        assert position >= 0, f"the contents do not list {entry!r} after the chapters before it"


def test_no_unresolved_reference_in_the_text(pages):
    bad = [i + 1 for i, page in enumerate(pages) if "??" in page]
    assert not bad, f'"??" (an unresolved reference) on pages {bad}'


def test_log_has_no_error(log):
    errors = [line for line in log.splitlines() if line.startswith("! ") or "LaTeX Error" in line]
    assert not errors, errors


def test_log_has_no_undefined_or_duplicate_reference(log):
    bad = re.findall(
        r"^.*(?:undefined on input line|There were undefined references|multiply defined|"
        r"Citation .* undefined|Reference .* undefined).*$",
        log,
        re.M,
    )
    assert not bad, bad


def test_fonts_have_every_character(log):
    missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font", log)))
    assert not missing, f"characters no font has: {missing}"


def test_nothing_runs_into_the_margins(log):
    """No line wider than the text (code wraps), no page taller than the text block (a code cell
    that cannot break would run over the footer)."""
    for kind, what in (("hbox", "too wide"), ("vbox", "too high")):
        sizes = [float(pt) for pt in re.findall(rf"^Overfull \\{kind} \(([\d.]+)pt {what}\)", log, re.M)]
        bad = [pt for pt in sizes if pt > OVERFULL_LIMIT_PT]
        assert not bad, f"Overfull \\{kind} {what} by {bad} pt in {LOG}"


def included_figures() -> list[tuple[str, str]]:
    """(file name, extension) of every graphic the LaTeX source beside the PDF includes, in order."""
    tex = PDF.with_suffix(".tex").read_text(encoding="utf-8")
    return re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{([^{}]+)\}(\.\w+)\}", tex)


def test_every_figure_is_in_the_pdf_as_a_vector_figure():
    """Each figure a notebook prints is in the PDF as a PDF figure (vector: sharp at any zoom and in
    print), not as a bitmap (the build's kernels draw PDF figures: _ext/book_figures.py). Bitmaps
    inside a figure (a colour bar, an image the figure shows) stay bitmaps."""
    figures = included_figures()
    bitmaps = [name + ext for name, ext in figures if ext.lower() in (".png", ".jpg", ".jpeg", ".gif")]
    assert not bitmaps, f"figures included as bitmaps: {bitmaps}"
    vector = [name for name, ext in figures if ext == ".pdf"]
    expected = notebook_outputs("image/png")
    if SOLUTIONS == "shown":
        assert len(vector) >= expected, f"{len(vector)} figures in the PDF, the notebooks print {expected}"
    else:
        assert 0 < len(vector) <= expected
    for name in set(vector):
        assert (PDF.parent / f"{name}.pdf").read_bytes().startswith(b"%PDF"), name


def test_exercises_numbered_and_solutions_as_configured(pages):
    text = normalise(" ".join(pages))
    numbered = set(re.findall(r"Exercise (\d+\.\d+)", text))
    assert len(numbered) >= exercise_labels(), (len(numbered), exercise_labels())
    solutions = len(re.findall(r"Solution to Exercise \d+\.\d+", text))
    if SOLUTIONS == "shown":
        assert solutions >= exercise_labels()
    else:
        assert solutions == 0


def test_page_count_in_range(pages):
    count = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(PDF)), re.M).group(1))
    assert count == len(pages)
    numbered = sum(1 for _, n, _ in toc_chapters() if n)
    low, high = PAGES_PER_CHAPTER[0] * numbered, PAGES_PER_CHAPTER[1] * numbered
    assert low <= count <= high, f"{count} pages for {numbered} numbered chapters, expected {low} to {high}"


def test_render_pages_for_a_person(pages):
    """Title, contents, the first figure, chapter 1's first page and its exercises, as PNG."""
    found = chapter_pages(pages)
    first_chapter = next(d for d, n, _ in toc_chapters() if n)
    start = found[first_chapter]
    exercises = next(
        (i for i in range(start, len(pages)) if normalise(pages[i]).find("Exercise 1.1 (") >= 0), start
    )
    # The first figure's page: the first page after the contents with the figure's first words.
    figures = included_figures()
    words = run("pdftotext", str(PDF.parent / "".join(figures[0])), "-").split("\n")[0] if figures else ""
    figure = next((i for i in range(start, len(pages)) if words and normalise(words) in normalise(pages[i])), start)
    wanted = {"title": 0, "contents": 1, "figure": figure, "chapter-1": start, "exercises": exercises}
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    for old in PAGES_DIR.glob("*.png"):
        old.unlink()
    for name, index in wanted.items():
        prefix = PAGES_DIR / f"{name}-p{index + 1:03d}"
        run("pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(index + 1), "-l", str(index + 1),
            str(PDF), str(prefix))
        png = prefix.with_suffix(".png")
        assert png.stat().st_size > 10_000, f"{png} looks empty"
