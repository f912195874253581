"""Assemble the published site: one folder for any static host (`make site`).

    python tools/site.py OUT_DIR      (default: _build/site)

From what the other make targets built, it writes, as ``_ext/book_downloads.py``'s ``SITE``
lays it out (the HTML links that layout):

    index.html, book/, _static/ ...            the HTML book       (make book)
    without-solutions/                         the edition without solutions (make book SOLUTIONS=hidden)
    downloads/softmax-book.pdf                 the PDF             (make pdf)
    downloads/softmax-book-without-solutions.pdf                   (make pdf SOLUTIONS=hidden)
    downloads/softmax-book-student-notebooks.zip                   (make student)
    slides/index.html, slides/*.slides.html    the slides          (make slides)

The zip holds the student notebooks with the data they read, `softmax_lib` (which they import),
`requirements.txt` and a README saying how to run them. `slides/index.html` lists the decks, which load
the book's MathJax.
A missing input is an error naming the make target that builds it.
"""

from __future__ import annotations

import html
import json
import pathlib
import re
import shutil
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
from book_downloads import SITE  # noqa: E402

BUILD = ROOT / "_build"
INPUTS = {
    "book": (BUILD / "html", "make book"),
    "hidden": (BUILD / "hidden-solutions" / "_build" / "html", "make book SOLUTIONS=hidden"),
    "pdf": (BUILD / "latex" / "softmax-book.pdf", "make pdf"),
    "hidden_pdf": (BUILD / "hidden-solutions" / "_build" / "latex" / "softmax-book.pdf", "make pdf SOLUTIONS=hidden"),
    "slides": (BUILD / "slides", "make slides"),
    "student": (ROOT / "student", "make student"),
}

STUDENT_README = """\
The Softmax Book: student notebooks
===================================

The book's chapters as Jupyter notebooks, without the solutions of the exercises. Write your
answers in the cells marked "Your solution"; where an exercise has a check cell, run it to
test your answer.

To run them, with Python 3.11:

    python3.11 -m venv .venv
    .venv/bin/pip install -r requirements.txt
    .venv/bin/jupyter lab

The notebooks import softmax_lib, the book's small library, which is in this folder beside
them; data/ holds the tables a chapter reads. Text: CC BY 4.0. Code: MIT.
"""

SLIDES_INDEX = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slides: The Softmax Book</title>
<style>
  body {{ font-family: sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem;
         line-height: 1.5; color: #222; background: #fff; }}
  a {{ color: #0b5394; }}
  @media (prefers-color-scheme: dark) {{ body {{ color: #e6e6e6; background: #121212; }} a {{ color: #8ab4f8; }} }}
</style>
</head>
<body>
<main>
<h1>Slides: The Softmax Book</h1>
<p>One reveal.js deck per chapter: arrow keys to move, <kbd>S</kbd> for the speaker notes
(the book's paragraphs), <kbd>F</kbd> for full screen. They work offline.</p>
<ul>
{items}
</ul>
<p><a href="../index.html">Back to the book</a></p>
</main>
</body>
</html>
"""


def _need(name: str) -> pathlib.Path:
    path, target = INPUTS[name]
    if not path.exists():
        raise SystemExit(f"{path.relative_to(ROOT)} is missing: run `{target}` first")
    return path


def _deck_title(deck: pathlib.Path) -> str:
    """The chapter's title: the first `# ` heading of its notebook."""
    notebook = ROOT / "book" / (deck.name.removesuffix(".slides.html") + ".ipynb")
    if notebook.exists():
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            heading = re.search(r"^# (.+)$", "".join(cell["source"]), re.M)
            if cell["cell_type"] == "markdown" and heading:
                return re.sub(r"[`*]", "", heading.group(1)).strip()
    return deck.name.removesuffix(".slides.html")


def _toc_order() -> list[str]:
    """The chapters' stems in the order of _toc.yml, for the slides index."""
    return re.findall(r"file:\s*book/(\w+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"))


def write_slides(out: pathlib.Path) -> None:
    slides = out / pathlib.Path(SITE["slides"]).parent
    # The decks load the same MathJax as the book (Makefile: MATHJAX): in the site they load the
    # book's copy, and the 24 MB beside them are left out.
    shutil.copytree(_need("slides"), slides, ignore=shutil.ignore_patterns("mathjax"))
    book_mathjax = pathlib.Path("../_static/mathjax/tex-chtml.js")
    if not (out / "_static" / "mathjax" / "tex-chtml.js").is_file():
        raise SystemExit("the book has no _static/mathjax/tex-chtml.js for the slides to load")
    for deck in slides.glob("*.slides.html"):
        text = deck.read_text(encoding="utf-8")
        deck.write_text(text.replace('src="mathjax/tex-chtml.js"', f'src="{book_mathjax}"'), encoding="utf-8")
    order = {stem: i for i, stem in enumerate(_toc_order())}
    decks = sorted(slides.glob("*.slides.html"), key=lambda d: (order.get(d.name.split(".")[0], 999), d.name))
    if not decks:
        raise SystemExit("no slide decks in _build/slides: run `make slides` first")
    items = "\n".join(
        f'<li><a href="{html.escape(d.name)}">{html.escape(_deck_title(d))}</a></li>' for d in decks
    )
    (out / SITE["slides"]).write_text(SLIDES_INDEX.format(items=items), encoding="utf-8")


def write_student_zip(out: pathlib.Path) -> None:
    student = _need("student")
    notebooks = sorted(student.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit("no student notebooks in student/: run `make student` first")
    target = out / SITE["student_zip"]
    top = pathlib.Path(target.name.removesuffix(".zip"))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(str(top / "README.txt"), STUDENT_README)
        archive.write(ROOT / "requirements.txt", top / "requirements.txt")
        for path in notebooks + sorted(p for p in (student / "data").rglob("*") if p.is_file()):
            archive.write(path, top / path.relative_to(student))
        for path in sorted((ROOT / "softmax_lib").glob("*.py")):
            archive.write(path, top / "softmax_lib" / path.name)


def main(out: pathlib.Path) -> None:
    for name in INPUTS:
        _need(name)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(_need("book"), out)
    shutil.copytree(_need("hidden"), out / SITE["hidden"])
    (out / "downloads").mkdir()
    shutil.copy2(_need("pdf"), out / SITE["pdf"])
    shutil.copy2(_need("hidden_pdf"), out / SITE["hidden_pdf"])
    write_slides(out)
    write_student_zip(out)
    # Sphinx's build information is not part of the site.
    for info in out.rglob(".buildinfo"):
        info.unlink()
    # A host that runs Jekyll on what it publishes (GitHub Pages from a branch) would drop the
    # folders whose names start with "_" (_static, _images, _sources) without this file.
    (out / ".nojekyll").touch()
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"The site is in {out} ({size / 1e6:.1f} MB): open {out / 'index.html'}")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else BUILD / "site")
