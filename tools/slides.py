"""Write one reveal.js slide deck per chapter, from the cells marked as slides.

    python tools/slides.py OUT_DIR NOTEBOOK...

A chapter chooses its slides in the cells' metadata (``"slideshow":
{"slide_type": ...}``, as JupyterLab's property inspector sets it): ``slide``
or ``subslide`` starts a slide, ``fragment`` appears on a click, ``-``
continues the previous slide, and a cell with ``skip`` or no slide type is left
out of the deck. The decks load reveal.js and MathJax from beside them (``make
slides`` puts both there), so they work offline.

A slide is written for the deck: a short markdown cell (a headline and a few
points) with slide type ``slide`` and the tag ``remove-cell``, which hides it
from the HTML and PDF book; the book's paragraphs that go with it have slide
type ``notes`` and become the slide's speaker notes (reveal.js's ``S`` key),
and a code cell of type ``-`` puts its figure or output on the slide.

A code cell tagged ``slide-output-only`` (or the book's own ``hide-input``)
shows its output without its code, which suits a figure.

MyST markup that only Jupyter Book understands is turned into plain Markdown
first: ``{term}`logits <logit>``` becomes *logits*, a citation becomes the
author-year key's text, and a section label line ``(label)=`` disappears.
"""

from __future__ import annotations

import pathlib
import re
import sys

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

ROLE_WITH_TEXT = re.compile(
    r"\{(?:term|ref|doc|numref)\}`([^`<]+?)\s*<[^`>]+>`"
)
ROLE = re.compile(r"\{(term|ref|doc|numref|eq|cite:t|cite:p|cite)\}`([^`]+)`")
LABEL_LINE = re.compile(r"^\(([\w-]+)\)=\s*$\n?", re.M)


def plain_markdown(text: str) -> str:
    """``text`` with MyST roles and label lines replaced by what a plain
    Markdown reader shows."""
    text = LABEL_LINE.sub("", text)
    text = ROLE_WITH_TEXT.sub(r"*\1*", text)

    def role(match: re.Match) -> str:
        kind, body = match.groups()
        if kind.startswith("cite"):
            return f"[{body}]"
        if kind == "eq":
            return f"({body})"
        return (
            f"*{body.replace('-', ' ')}*"
            if kind in ("ref", "doc", "numref")
            else f"*{body}*"
        )

    return ROLE.sub(role, text)


# The title slide's licence line (LICENSE-TEXT.md): the decks are CC BY 4.0,
# like the text.
LICENCE_LINE = (
    "*The Softmax Book* · text, figures and slides "
    "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/) · code MIT"
)


def licence_cell() -> nbformat.NotebookNode:
    """A fragment of the title slide that carries the licence line."""
    cell = nbformat.v4.new_markdown_cell(f"<small>{LICENCE_LINE}</small>")
    cell["id"] = "licence"
    cell.metadata["slideshow"] = {"slide_type": "-"}
    return cell


def _slide_type(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "skip")


class MystToPlain(Preprocessor):
    """Apply :func:`plain_markdown` to every markdown cell, and drop cells not
    on a slide."""

    def preprocess(self, nb, resources):
        kept = []
        for cell in nb.cells:
            slide_type = cell.metadata.get("slideshow", {}).get(
                "slide_type", "skip"
            )
            if slide_type == "skip":
                continue
            if cell.cell_type == "markdown":
                cell.source = plain_markdown(cell.source)
            kept.append(cell)
        if not kept:
            raise ValueError(
                f"{resources.get('metadata', {}).get('name')}: no cell has "
                "slide metadata"
            )
        kept[0].metadata.setdefault("slideshow", {})["slide_type"] = "slide"
        nb.cells = kept
        return nb, resources


def write_deck(notebook: pathlib.Path, out_dir: pathlib.Path) -> pathlib.Path:
    """Convert one chapter to ``out_dir/<chapter>.slides.html``; return its
    path."""
    exporter = SlidesExporter(
        template_name="book_slides",
        reveal_url_prefix="reveal.js",
        reveal_theme="white",
        extra_template_basedirs=[
            str(pathlib.Path(__file__).parent / "slides_template")
        ],
    )
    exporter.register_preprocessor(MystToPlain(), enabled=True)
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_input_tags={"slide-output-only", "hide-input"}, enabled=True
        ),
        enabled=True,
    )
    nb = nbformat.read(notebook, as_version=4)
    # Drop the cells that are not on a slide before nbconvert's reveal
    # preprocessor (which runs before MystToPlain) marks where slides start and
    # end; otherwise a slide's closing </section> is put on a cell that is then
    # removed, and the sections nest into one slide.
    nb.cells = [cell for cell in nb.cells if _slide_type(cell) != "skip"]
    # A chapter's title cell stays its first cell (the student edition and the
    # assignments take their title from it) and is the title slide's speaker
    # notes; the slide cell written for the title comes after it in the
    # notebook and opens the deck.
    if nb.cells and _slide_type(nb.cells[0]) == "notes":
        first = next(
            i for i, c in enumerate(nb.cells) if _slide_type(c) == "slide"
        )
        nb.cells.insert(0, nb.cells.pop(first))
    # The licence goes on the title slide, after the chapter's title.
    nb.cells.insert(1, licence_cell())
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem}}
    )
    target = out_dir / f"{notebook.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for path in sys.argv[2:]:
        print(write_deck(pathlib.Path(path), out))
