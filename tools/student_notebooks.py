"""Write the student edition of the book's notebooks: every solution removed, every exercise kept.

    python tools/student_notebooks.py [BOOK_DIR] [OUT_DIR]      (default: book student)

In a chapter, a solution is either

* a gated block: a markdown cell opening ```{solution-start} label```, the solution's
  markdown and code cells, and a markdown cell ```{solution-end}```; or
* a ```{solution} label``` directive inside a markdown cell (a prose-only solution).

Both are removed. A gated block gives way to one empty code cell under the heading "Your
solution", a prose solution to a markdown cell "Your answer": the student has a place to write.
The exercise statement stays, and so does the check cell after a solution (tagged
`exercise-check`), which the student runs to test an answer. In the student edition the check
cells are also tagged `raises-exception`: until the exercise is solved they fail, and "run all"
goes on past them. Outputs are cleared: students run the notebooks themselves. The slides
written for the lecture (markdown cells tagged `remove-cell`, which the book hides too) are left
out.

Students open these notebooks in JupyterLab, so the edition is written as the JupyterLab
edition of the chapters is (tools/lab_notebooks.py): the MyST that jupyterlab-myst cannot
resolve within one notebook (citations, links to other chapters, glossary terms) is rewritten
into Markdown it renders, and `glossary.ipynb` and `references.ipynb` are written beside them.
"""

from __future__ import annotations

import copy
import json
import pathlib
import re
import sys

# The gated markers: a fence line opening the directive, up to the fence line that closes it.
SOLUTION_START = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution-start\}.*?^(?P=fence)[ \t]*$\n?",
    re.S | re.M,
)
SOLUTION_END = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution-end\}.*?^(?P=fence)[ \t]*$\n?",
    re.S | re.M,
)
# A whole ```{solution} ...``` directive, closed by a fence of the same length.
SOLUTION_BLOCK = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution\}.*?^(?P=fence)[ \t]*$\n?", re.S | re.M
)
# The label a solution names on its first line.
SOLUTION_LABEL = re.compile(r"\{solution(?:-start)?\}[ \t]*(\S+)")

BANNER = (
    "**Student edition.** The solutions of the exercises are removed from this copy of the chapter. "
    "Write yours in the cells marked *Your solution*; where an exercise has a check cell, run it "
    "to test your answer."
)


def _source(cell: dict) -> str:
    return (
        "".join(cell["source"])
        if isinstance(cell["source"], list)
        else cell["source"]
    )


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "id": "", "metadata": {}, "source": text}


def _empty_code() -> dict:
    return {
        "cell_type": "code",
        "id": "",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": "# Your solution\n",
    }


def _label(marker: str) -> str:
    """The exercise label a solution marker names (```{solution-start} label``` -> label)."""
    found = SOLUTION_LABEL.search(marker)
    return found.group(1) if found else ""


def _student_answer(label: str, kind: str, solution: list[dict]) -> list[dict]:
    """The student edition's place to write: an empty code cell, or a markdown cell for prose."""
    if kind == "prose":
        return [_markdown("**Your answer** (double-click to write here)")]
    return [_markdown("**Your solution**"), _empty_code()]


def is_slide_cell(cell: dict) -> bool:
    """A cell written for the slide deck only (tools/slides.py), hidden from the book."""
    return cell["cell_type"] == "markdown" and "remove-cell" in cell.get(
        "metadata", {}
    ).get("tags", [])


def student_notebook(
    notebook: dict, answer=_student_answer
) -> tuple[dict, int]:
    """The student edition of one notebook (a new dict), and the number of solutions removed.

    ``answer(label, kind, solution)`` gives the cells that replace a solution: ``kind`` is
    "gated" (``solution`` is its cells: markdown and code) or "prose" (one markdown cell holding
    the directive's body). The default gives the student's empty cells; the assignment writer
    (tools/assignment_notebooks.py) gives cells that keep the solution for a grading tool.
    """
    nb = copy.deepcopy(notebook)
    cells, removed, inside = [], 0, False
    for cell in nb["cells"]:
        if is_slide_cell(cell):
            continue
        text = _source(cell)
        if (
            cell["cell_type"] == "markdown"
            and not inside
            and (start := SOLUTION_START.search(text))
        ):
            # Prose before the marker stays; the marker and the rest of the cell are solution.
            if text[: start.start()].strip():
                cells.append({**cell, "source": text[: start.start()]})
            inside, removed = True, removed + 1
            label, solution = _label(start.group(0)), []
            text = text[start.end() :]
            cell = {**cell, "source": text}
        elif (
            cell["cell_type"] == "markdown"
            and inside
            and SOLUTION_START.search(text)
        ):
            raise ValueError(
                f"solution-start inside another solution: {text[:80]!r}"
            )
        if inside:
            end = (
                SOLUTION_END.search(text)
                if cell["cell_type"] == "markdown"
                else None
            )
            if end is None:
                if text.strip():
                    solution.append({**cell, "source": text})
                continue
            if text[: end.start()].strip():
                solution.append({**cell, "source": text[: end.start()]})
            cells += answer(label, "gated", solution)
            # Solution prose before the marker goes; what follows it is the chapter again.
            inside = False
            text = text[end.end() :]
            if not text.strip():
                continue
            cell = {
                **cell,
                "id": "",
                "source": text,
            }  # a new cell: it gets an id of its own below
        if cell["cell_type"] == "markdown":
            blocks = list(SOLUTION_BLOCK.finditer(text))
            if blocks:
                removed += len(blocks)
                cell["source"] = SOLUTION_BLOCK.sub("", text)
                cells.append(cell)
                for block in blocks:
                    body = (
                        block.group(0)
                        .split("\n", 1)[1]
                        .rsplit(block.group("fence"), 1)[0]
                    )
                    # The directive's options (":class: dropdown") are not the answer.
                    body = (
                        re.sub(r"\A(?::[\w-]+:.*\n)+", "", body).strip("\n")
                        + "\n"
                    )
                    cells += answer(
                        _label(block.group(0)), "prose", [_markdown(body)]
                    )
                continue
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "exercise-check" in tags and "raises-exception" not in tags:
                tags.append("raises-exception")
        cells.append(cell)
    if inside:
        raise ValueError("a solution-start has no solution-end")
    title = next(
        (i for i, c in enumerate(cells) if c["cell_type"] == "markdown"), 0
    )
    cells.insert(title + 1, _markdown(BANNER))
    for number, cell in enumerate(cells):
        if not cell.get(
            "id"
        ):  # the cells written here: ids that are stable from run to run
            cell["id"] = f"student-{number}"
    nb["cells"] = cells
    return nb, removed


def write_student_edition(
    book: pathlib.Path, out: pathlib.Path
) -> dict[str, int]:
    """Write a student copy of every notebook in ``book`` to ``out``; return solutions removed per file.

    The data folder the chapters read (``book/data``) is copied along, so the copies run from ``out``,
    with the glossary and the references the rewritten links point to.
    """
    from lab_notebooks import Book, lab_notebook, write_companions

    lab = Book(book)
    out.mkdir(parents=True, exist_ok=True)
    removed, like = {}, {"metadata": {}}
    for path in sorted(book.glob("*.ipynb")):
        like = json.loads(path.read_text(encoding="utf-8"))
        nb, count = student_notebook(like)
        nb = lab_notebook(nb, path.name, lab)
        (out / path.name).write_text(
            json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        removed[path.name] = count
    write_companions(lab, out, like)
    return removed


if __name__ == "__main__":
    book_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "book")
    out_dir = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "student")
    for name, count in write_student_edition(book_dir, out_dir).items():
        print(f"{out_dir / name}: {count} solution(s) removed")
