"""Write the JupyterLab edition of the book's notebooks: the chapters as jupyterlab-myst renders them.

    python tools/lab_notebooks.py [BOOK_DIR] [OUT_DIR]      (default: book _build/lab)

`make lab` writes this edition and opens JupyterLab on it. jupyterlab-myst (requirements.txt)
renders the chapters' MyST in JupyterLab: admonitions, math, exercises, and cross-references and
labels *within one notebook*. It parses each notebook on its own and reads no project file and no
bibliography: a ``{ref}`` to another chapter shows the bare label, a ``{term}`` finds no glossary,
a citation shows its BibTeX key, and a gated solution's start marker becomes a dropdown that
cannot hold the cells after it. The sources stay as Jupyter Book 1 reads them; this tool rewrites
those few constructs, in copies, into Markdown that renders:

* ``{cite:p}`key``` becomes "[Fan *et al.*, 2018]" and ``{cite:t}`key``` "Fan *et al.* [2018]",
  as in the HTML book (sphinxcontrib-bibtex's author-year style), linked to ``references.ipynb``;
* ``{ref}`` to a label in another notebook becomes a link to that notebook (``#label``), with the
  role's text or, as in the book, the title of the section the label names; ``{doc}`` likewise;
  a ``{ref}`` within the notebook is left to jupyterlab-myst, which resolves it;
* ``{term}`text <Term>``` becomes a link to the term's entry in ``glossary.ipynb``;
* a gated solution (``solution-start`` ... ``solution-end``, which holds code cells) keeps its
  start marker without the dropdown ("Start of Solution to Exercise 7.1"), and its end marker
  becomes a closing line, so the reader sees where the solution's cells end;
* the first cell gets MyST frontmatter that numbers exercises by chapter (Exercise 7.1) and
  leaves equations unnumbered, as the book does;
* markdown cells tagged ``remove-cell`` (the slides' text, which the book hides) are left out, and
  code cells tagged ``hide-input`` start with their code folded, as in the book.

Beside the notebooks it writes ``glossary.ipynb`` (book/glossary.md, whose ``{glossary}``
jupyterlab-myst renders), ``references.ipynb`` (every work the chapters cite, formatted as on
the book's references page) and a copy of ``book/data``. Outputs and everything else are kept.
`make student` applies the same rewriting to the student edition (tools/student_notebooks.py).
"""

from __future__ import annotations

import copy
import hashlib
import json
import pathlib
import re
import shutil
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]

# A role: {name}`body`; the body may run over a line break.
ROLE = re.compile(r"\{(cite:p|cite:t|cite|ref|doc|term)\}`([^`]+)`")
# "text <target>" in a role's body.
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
LABEL_LINE = re.compile(r"^\(([\w-]+)\)=[ \t]*$", re.M)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
EXERCISE_LABEL = re.compile(r"^(`{3,}|:{3,})\{exercise\}.*?^:label:[ \t]*(\S+)", re.S | re.M)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}|:{3,})(.*)$")
SOLUTION_START = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution-start\}[ \t]*(?P<label>\S+)[ \t]*\n(?P<options>(?::[\w-]+:.*\n)*)"
    r"(?P=fence)[ \t]*$",
    re.M,
)
SOLUTION_END = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution-end\}[^\n]*\n(?:.*\n)*?(?P=fence)[ \t]*$", re.M)


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _plain(text: str) -> str:
    """A heading's text without roles (their text stays), for a link's text."""

    def role_text(match: re.Match) -> str:
        explicit = EXPLICIT.match(match.group(2))
        return explicit.group(1) if explicit else match.group(2)

    return ROLE.sub(role_text, text)


def _html_id(text: str) -> str:
    """The id jupyterlab-myst gives a glossary term's entry (``term-`` and this)."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", text.lower())).strip("-")


# ---------------------------------------------------------------------------------------------
# What the book knows across files: labels, chapter numbers, glossary terms, the bibliography.


def chapter_numbers(root: pathlib.Path = ROOT) -> dict[str, int]:
    """The book's chapter numbers by notebook stem: numbered parts of `_toc.yml`, counted across parts."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    numbers, n = {}, 0
    for part in toc.get("parts", []):
        if not part.get("numbered", True):
            continue
        for chapter in part["chapters"]:
            n += 1
            numbers[pathlib.Path(chapter["file"]).name] = n
    return numbers


def _markdown_texts(book: pathlib.Path):
    """(file name, markdown text) of every notebook's markdown cells and every page in ``book``."""
    for path in sorted(book.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                yield path.name, _source(cell)
    for path in sorted(book.glob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")


def book_targets(book: pathlib.Path, numbers: dict[str, int]) -> dict[str, tuple[str, str]]:
    """Every label the book defines: label -> (file name, the text a bare ``{ref}`` shows).

    A ``(label)=`` line names the heading after it (the book shows the heading's text); an
    exercise's ``:label:`` shows "Exercise 7.1", its number in its chapter.
    """
    targets: dict[str, tuple[str, str]] = {}
    exercise_count: dict[str, int] = {}
    for name, text in _markdown_texts(book):
        for match in LABEL_LINE.finditer(text):
            heading = HEADING.search(text, match.end())
            title = _plain(heading.group(1)) if heading else match.group(1)
            targets[match.group(1)] = (name, title)
        for match in EXERCISE_LABEL.finditer(text):
            exercise_count[name] = exercise_count.get(name, 0) + 1
            chapter = numbers.get(pathlib.Path(name).stem)
            number = f"{chapter}.{exercise_count[name]}" if chapter else str(exercise_count[name])
            targets[match.group(2)] = (name, f"Exercise {number}")
    return targets


def glossary_terms(glossary_md: pathlib.Path) -> dict[str, str]:
    """The glossary's terms, lower-cased (Sphinx matches terms without case) -> the term as written."""
    text = glossary_md.read_text(encoding="utf-8")
    block = re.search(r"^```\{glossary\}[^\n]*\n(.*?)^```", text, re.S | re.M)
    if block is None:
        raise ValueError(f"{glossary_md}: no ```{{glossary}} block")
    terms = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line[0].isspace() and not line.startswith(":"):
            terms[line.strip().lower()] = line.strip()
    return terms


def bibliography(bib: pathlib.Path) -> dict[str, dict[str, str]]:
    """Every entry of ``references.bib``: key -> authors as cited ("Fan *et al.*"), year, full text.

    The author-year form is sphinxcontrib-bibtex's (the book's ``bibtex_reference_style``): one
    last name, two joined by "and", three or more as the first and "*et al.*". The full text is
    pybtex's "plain" style, as on the HTML book's references page.
    """
    from pybtex.backends.plaintext import Backend
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin
    from pybtex.richtext import Text

    plain = Backend()  # render_as("text") looks the backend up anew each time: slow in a large environment
    data = parse_file(str(bib), bib_format="bibtex")
    style = find_plugin("pybtex.style.formatting", "plain")()
    full = {
        # A \url{...} field prints its address alone, as on the book's references page.
        entry.key: re.sub(r"\\url\s*", "", entry.text.render(plain))
        for entry in style.format_entries(data.entries.values())
    }
    entries = {}
    for key, entry in data.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [Text(*p.rich_prelast_names, *p.rich_last_names).render(plain) for p in people]
        if not last:
            authors = Text.from_latex(entry.fields.get("organization", key)).render(plain)
        elif len(last) == 1:
            authors = last[0]
        elif len(last) == 2:
            authors = f"{last[0]} and {last[1]}"
        else:
            authors = f"{last[0]} *et al.*"
        entries[key] = {"authors": authors, "year": entry.fields.get("year", "n.d."), "text": full[key]}
    return entries


class Book:
    """What the rewriting needs to know about the whole book, read once."""

    def __init__(self, book: pathlib.Path, root: pathlib.Path = ROOT):
        self.book = book
        self.numbers = chapter_numbers(root)
        self.targets = book_targets(book, self.numbers)
        self.terms = glossary_terms(book / "glossary.md")
        self.bib = bibliography(root / "references.bib")
        self.cited: set[str] = set()


# ---------------------------------------------------------------------------------------------
# The rewriting of one notebook's markdown.


def _cite(kind: str, keys: str, book: Book) -> str:
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        if key not in book.bib:
            raise KeyError(f"citation {key!r} is not in references.bib")
        book.cited.add(key)
        authors, year = book.bib[key]["authors"], book.bib[key]["year"]
        if kind == "cite:t":
            parts.append(f"{authors} \\[[{year}](references.ipynb)\\]")
        else:
            parts.append(f"[{authors}, {year}](references.ipynb)")
    return ", ".join(parts) if kind == "cite:t" else "\\[" + ", ".join(parts) + "\\]"


def rewrite_markdown(text: str, here: str, book: Book, terms: bool = True) -> str:
    """One markdown cell of notebook ``here`` with every role that points outside it made a link.

    ``terms=False`` leaves ``{term}`` roles alone (in the glossary itself, which defines them).
    """
    local = {label for label, (name, _) in book.targets.items() if name == here}

    def role(match: re.Match) -> str:
        kind, body = match.groups()
        explicit = EXPLICIT.match(body)
        text, target = (explicit.group(1), " ".join(explicit.group(2).split())) if explicit else (None, " ".join(body.split()))
        if kind.startswith("cite"):
            return _cite(kind, body, book)
        if kind == "term" and not terms:
            return match.group(0)
        if kind == "term":
            term = book.terms.get(target.lower())
            if term is None:
                raise KeyError(f"{here}: {{term}} {target!r} is not in the glossary")
            return f"[{text or target}](glossary.ipynb#term-{_html_id(term)})"
        if kind == "ref" and target in local:
            # jupyterlab-myst resolves it within the notebook, if the role is on one line.
            return "{ref}`" + " ".join(body.split()) + "`"
        if kind == "doc":
            name = pathlib.Path(target).name
            link = name + (".ipynb" if (book.book / f"{name}.ipynb").exists() else ".md")
            return f"[{text or name}]({link})"
        if target not in book.targets:
            raise KeyError(f"{here}: {{ref}} to {target!r}, a label the book does not define")
        name, title = book.targets[target]
        return f"[{text or title}]({name}#{target})"

    # Code blocks are left as they are; roles are rewritten everywhere else.
    pieces, last = [], 0
    for start, end in _code_blocks(text):
        pieces.append(ROLE.sub(role, text[last:start]))
        pieces.append(text[start:end])
        last = end
    pieces.append(ROLE.sub(role, text[last:]))
    return "".join(pieces)


def _code_blocks(text: str) -> list[tuple[int, int]]:
    """The spans of the fenced code blocks in ``text`` (```python ...), not of directives (```{x}).

    Fences nest: a directive's fence may hold a code block, closed by a fence at least as long.
    """
    spans, open_fences, position = [], [], 0  # open_fences: (fence, is code, start)
    for line in text.splitlines(keepends=True):
        match = FENCE.match(line.rstrip("\n"))
        if match:
            fence, info = match.group(1), match.group(2).strip()
            top = open_fences[-1] if open_fences else None
            if top and not info and fence[0] == top[0][0] and len(fence) >= len(top[0]):
                open_fences.pop()
                if top[1]:
                    spans.append((top[2], position + len(line)))
            elif not (top and top[1]):  # nothing opens inside a code block
                open_fences.append((fence, fence[0] != ":" and not info.startswith("{"), position))
        position += len(line)
    return spans


def frontmatter(chapter: int | None) -> str:
    """MyST frontmatter for a notebook's first cell: the book's numbering of exercises and equations."""
    numbering: dict = {"equation": False}
    if chapter is not None:
        numbering["exercise"] = {"enumerator": f"{chapter}.%s"}
    return "---\n" + yaml.safe_dump({"numbering": numbering}, sort_keys=False) + "---\n"


def lab_notebook(notebook: dict, name: str, book: Book) -> dict:
    """The JupyterLab edition of one notebook (a new dict) whose file name is ``name``."""
    nb = copy.deepcopy(notebook)
    cells, solution = [], None
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown" and "remove-cell" in tags:
            continue
        if cell["cell_type"] == "code" and "hide-input" in tags:
            cell["metadata"].setdefault("jupyter", {})["source_hidden"] = True
        if cell["cell_type"] == "markdown":
            text = _source(cell)

            def start(match: re.Match) -> str:
                nonlocal solution
                solution = match.group("label")
                options = "".join(
                    line + "\n"
                    for line in match.group("options").splitlines()
                    if not re.match(r":class:\s*dropdown\s*$", line)
                )
                fence = match.group("fence")
                return f"{fence}{{solution-start}} {solution}\n{options}{fence}"

            def end(match: re.Match) -> str:
                label = solution or ""
                return f"*End of the solution to {{ref}}`{label}`.*" if label else "*End of the solution.*"

            text = SOLUTION_START.sub(start, text)
            text = SOLUTION_END.sub(end, text)
            cell["source"] = rewrite_markdown(text, name, book)
        cells.append(cell)
    first = next((c for c in cells if c["cell_type"] == "markdown"), None)
    if first is not None:
        first["source"] = frontmatter(book.numbers.get(pathlib.Path(name).stem)) + _source(first)
    nb["cells"] = cells
    return nb


# ---------------------------------------------------------------------------------------------
# The companion notebooks: the glossary and the references.


def _notebook(cells: list[str], like: dict) -> dict:
    return {
        "cells": [
            {"cell_type": "markdown", "id": f"cell-{i}", "metadata": {}, "source": text}
            for i, text in enumerate(cells)
        ],
        "metadata": {k: like["metadata"][k] for k in ("kernelspec", "language_info") if k in like["metadata"]},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _glossary_as_definition_list(text: str) -> str:
    """The ``{glossary}`` block in MyST's form: Sphinx writes a term's definition indented below it,
    jupyterlab-myst (mystmd) reads a definition list, ``Term`` then ``: definition``."""

    def block(match: re.Match) -> str:
        lines, after_term = [], False
        for line in match.group(2).splitlines(keepends=True):
            if after_term and line.startswith("  ") and line.strip():
                line = ": " + line[2:]
            after_term = bool(line.strip()) and not line[0].isspace() and not line.startswith(":")
            lines.append(line)
        return match.group(1) + "".join(lines) + match.group(3)

    return re.sub(r"(^```\{glossary\}[^\n]*\n)(.*?)(^```)", block, text, flags=re.S | re.M)


def glossary_notebook(book: Book, like: dict) -> dict:
    """book/glossary.md as a notebook: jupyterlab-myst renders its ``{glossary}`` and the terms in it."""
    text = _glossary_as_definition_list((book.book / "glossary.md").read_text(encoding="utf-8"))
    return _notebook([rewrite_markdown(text, "glossary.md", book, terms=False)], like)


def references_notebook(book: Book, like: dict) -> dict:
    """Every work the chapters cite, sorted by author and year as on the book's references page."""
    keys = sorted(book.cited, key=lambda k: (book.bib[k]["authors"].lower(), book.bib[k]["year"], k))
    entries = "\n".join(
        f"- **{book.bib[k]['authors']}, {book.bib[k]['year']}.** {book.bib[k]['text']}" for k in keys
    )
    return _notebook(["# References\n\nEvery work cited in the chapters, in one list.\n\n" + entries + "\n"], like)


def _write(path: pathlib.Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def write_companions(book: Book, out: pathlib.Path, like: dict) -> None:
    """The glossary and the references notebooks the rewritten links point to, and the data folder.

    The references are the works cited by the notebooks rewritten so far with ``book``.
    """
    _write(out / "glossary.ipynb", glossary_notebook(book, like))
    _write(out / "references.ipynb", references_notebook(book, like))
    if (book.book / "data").is_dir():
        shutil.copytree(book.book / "data", out / "data", dirs_exist_ok=True)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_lab_edition(book_dir: pathlib.Path, out: pathlib.Path) -> dict[str, str]:
    """Write the JupyterLab edition of every notebook in ``book_dir`` to ``out``.

    A reader runs and edits these copies, so a copy changed since this tool wrote it (its digest
    is kept in ``.lab-edition.json``) is left as it is: delete it to get the current chapter.
    Returns what happened to each notebook: "written", "unchanged" or "kept".
    """
    book = Book(book_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / ".lab-edition.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    notebooks = {}
    for path in sorted(book_dir.glob("*.ipynb")):
        notebooks[path.name] = lab_notebook(json.loads(path.read_text(encoding="utf-8")), path.name, book)
    like = notebooks[next(iter(notebooks))] if notebooks else {"metadata": {}}
    notebooks["glossary.ipynb"] = glossary_notebook(book, like)
    notebooks["references.ipynb"] = references_notebook(book, like)  # after the chapters: their citations
    status = {}
    for name, nb in notebooks.items():
        text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        target = out / name
        if target.exists():
            current = _digest(target.read_text(encoding="utf-8"))
            if current != manifest.get(name):
                status[name] = "kept"
                continue
            if current == _digest(text):
                status[name] = "unchanged"
                continue
        target.write_text(text, encoding="utf-8")
        manifest[name] = _digest(text)
        status[name] = "written"
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if (book_dir / "data").is_dir():
        shutil.copytree(book_dir / "data", out / "data", dirs_exist_ok=True)
    return status


if __name__ == "__main__":
    book_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "book")
    out_dir = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "_build/lab")
    for name, done in write_lab_edition(book_dir, out_dir).items():
        if done == "kept":
            print(f"{out_dir / name}: kept, changed since it was written (delete it for the current chapter)")
        else:
            print(f"{out_dir / name}: {done}")
    print(f"{out_dir}: open it with `jupyter lab {out_dir}` (`make lab` does)")
