"""Everything reachable from the book: each chapter's notebook, the PDF, the slides, the student notebooks.

`make site` (tools/site.py) publishes one folder, ``_build/site``, laid out as ``SITE`` says:
the HTML book at its root, the edition without solutions in ``without-solutions/``, the two
PDFs and the student notebooks in ``downloads/``, the slides in ``slides/``. The HTML links
them from that layout, with relative links, so the folder works on any static host and from
the disk:

* every page's navigation bar ends with a "Downloads" list (``_templates/book-downloads.html``):
  the page's own notebook when the page is a notebook, then the PDF, the slides, the student
  notebooks and, in the book with solutions, the edition without them;
* the ``{book-downloads}`` directive writes the same list on the welcome page (HTML only: the PDF
  edition has no site beside it);
* in the edition without solutions, the notebook a chapter offers for download is the student
  notebook (tools/student_notebooks.py), not the source with its solutions, and its PDF is the
  PDF without solutions.

Each chapter's notebook is the page's source, which Sphinx copies to ``_sources/`` (the theme's
download button, ``.ipynb``, links it too). A plain ``make book`` has no ``downloads/`` or
``slides/`` beside it; the browser test over ``_build/site`` checks every one of these links.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

ROOT = pathlib.Path(__file__).resolve().parents[1]

# Where `make site` puts each part, relative to the site's root.
SITE = {
    "hidden": "without-solutions/",
    "pdf": "downloads/softmax-book.pdf",
    "hidden_pdf": "downloads/softmax-book-without-solutions.pdf",
    "student_zip": "downloads/softmax-book-student-notebooks.zip",
    "slides": "slides/index.html",
}


def _hidden(config) -> bool:
    return config.book_solutions == "hidden"


def _to_site_root(docname: str, config) -> str:
    """The relative path from a page to the site's root (the edition without solutions is one folder down)."""
    return "../" * docname.count("/") + (SITE["hidden"].count("/") * "../" if _hidden(config) else "")


def _is_notebook(env, docname: str) -> bool:
    return str(env.doc2path(docname)).endswith(".ipynb")


def downloads(env, docname: str, with_notebook: bool = True) -> list[tuple[str, str]]:
    """(title, relative link) of every download, as seen from ``docname``."""
    config = env.config
    root = _to_site_root(docname, config)
    links = []
    if with_notebook and _is_notebook(env, docname):
        edition_root = "../" * docname.count("/")
        what = "student notebook" if _hidden(config) else "notebook"
        links.append((f"This chapter's {what} (.ipynb)", f"{edition_root}_sources/{docname}.ipynb"))
    links.append(("The book as a PDF", root + SITE["hidden_pdf" if _hidden(config) else "pdf"]))
    links.append(("Slides for every chapter", root + SITE["slides"]))
    links.append(("Student notebooks (.zip)", root + SITE["student_zip"]))
    if not _hidden(config):
        links.append(("The edition without solutions", root + SITE["hidden"] + "index.html"))
    return links


def _sidebar_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # search.html and genindex.html are pages with no source, so no notebook of their own.
    context["book_downloads"] = downloads(app.env, pagename, with_notebook=pagename in app.env.all_docs)


class BookDownloads(SphinxDirective):
    """The list of downloads, as links, on an HTML page; nothing in the PDF."""

    def run(self) -> list[nodes.Node]:
        if self.env.app.builder.format != "html":
            return []
        items = nodes.bullet_list(classes=["book-downloads"])
        for title, href in downloads(self.env, self.env.docname, with_notebook=False):
            link = nodes.reference(title, title, refuri=href, internal=True)
            items += nodes.list_item("", nodes.paragraph("", "", link))
        return [items]


def _student_sources(app: Sphinx, exception) -> None:
    """In the edition without solutions, each chapter's notebook for download is the student notebook."""
    if exception is not None or app.builder.format != "html" or not _hidden(app.config):
        return
    spec = importlib.util.spec_from_file_location("student_notebooks", ROOT / "tools" / "student_notebooks.py")
    student = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(student)
    for docname in app.env.found_docs:
        if not _is_notebook(app.env, docname):
            continue
        target = pathlib.Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        notebook = json.loads(pathlib.Path(app.env.doc2path(docname)).read_text(encoding="utf-8"))
        edition, _ = student.student_notebook(notebook)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(edition, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_directive("book-downloads", BookDownloads)
    app.connect("html-page-context", _sidebar_context)
    app.connect("build-finished", _student_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
