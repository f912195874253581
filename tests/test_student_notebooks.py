"""The student edition: no solution survives, every exercise does, and every
notebook still runs."""

from __future__ import annotations

import json
import pathlib
import re
import sys

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import student_notebooks  # noqa: E402

BOOK = ROOT / "book"
CHAPTERS = sorted(p.name for p in BOOK.glob("*.ipynb"))


def solution_lines(notebook: dict) -> set[str]:
    """Distinctive lines that appear only inside the notebook's solutions.

    The cells are read as one text, so a solution's markers may sit anywhere in
    a cell.
    """
    text = "\n".join("".join(cell["source"]) for cell in notebook["cells"])
    gated = re.compile(r"\{solution-start\}.*?\{solution-end\}", re.S)
    solution = gated.findall(text) + [
        m.group(0) for m in student_notebooks.SOLUTION_BLOCK.finditer(text)
    ]
    elsewhere = student_notebooks.SOLUTION_BLOCK.sub("", gated.sub("", text))
    return {
        line.strip()
        for block in solution
        for line in block.splitlines()
        if len(line.strip()) >= 20
        and not line.strip().startswith(("```", ":::"))
        and line.strip() not in elsewhere
    }


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    student_notebooks.write_student_edition(BOOK, out)
    return out


@pytest.mark.parametrize("name", CHAPTERS)
def test_student_edition_has_no_solution_and_every_exercise(name, student_dir):
    original = json.loads((BOOK / name).read_text(encoding="utf-8"))
    student = json.loads((student_dir / name).read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in student["cells"])
    assert not re.search(r"\{solution(-start|-end)?\}", text), (
        "a solution directive survived"
    )
    leaked = [line for line in solution_lines(original) if line in text]
    assert leaked == [], f"solution text survived: {leaked[:3]}"
    exercises = lambda nb: [
        m
        for c in nb["cells"]
        for m in re.findall(r"\{exercise\}.*", "".join(c["source"]))
    ]  # noqa: E731
    assert exercises(student) == exercises(original)
    assert all(
        c.get("outputs", []) == []
        for c in student["cells"]
        if c["cell_type"] == "code"
    )


def numbered_chapters() -> list[str]:
    """The notebooks of the numbered parts of `_toc.yml`: the chapters, without
    front and back matter."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [
        pathlib.Path(c["file"]).name + ".ipynb"
        for part in toc["parts"]
        if part.get("numbered", True)
        for c in part["chapters"]
        if (ROOT / (c["file"] + ".ipynb")).exists()
    ]


def test_every_exercise_has_its_solution_removed_and_every_chapter_has_three(
    student_dir,
):
    removed = student_notebooks.write_student_edition(BOOK, student_dir)
    for name, count in removed.items():
        text = (BOOK / name).read_text(encoding="utf-8")
        assert count == len(re.findall(r"\{exercise\}", text)), name
    assert all(removed[name] >= 3 for name in numbered_chapters()), removed


def test_a_gated_solution_becomes_an_empty_answer_cell_and_the_check_stays():
    def md(s):
        return {"cell_type": "markdown", "metadata": {}, "source": s}

    code = lambda s, tags=(): {
        "cell_type": "code",
        "metadata": {"tags": list(tags)},
        "source": s,  # noqa: E731
        "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}],
        "execution_count": 3,
    }
    nb = {
        "cells": [
            md("# Title"),
            md("```{exercise} E\n:label: e\n```"),
            md("```{solution-start} e\n```"),
            code("def answer(): return 42"),
            md("```{solution-end}\n```"),
            code("assert answer() == 42", ["exercise-check"]),
            md(
                "```{exercise} F\n:label: f\n```\n\n```{solution} "
                "f\nBecause.\n```\n"
            ),
        ]
    }
    student, removed = student_notebooks.student_notebook(nb)
    sources = ["".join(c["source"]) for c in student["cells"]]
    assert removed == 2
    assert "def answer(): return 42" not in "".join(
        sources
    ) and "Because." not in "".join(sources)
    assert (
        "# Your solution\n" in sources and "assert answer() == 42" in sources
    )
    check = student["cells"][sources.index("assert answer() == 42")]
    assert (
        check["metadata"]["tags"] == ["exercise-check", "raises-exception"]
        and check["outputs"] == []
    )


def test_markers_inside_a_cell_cut_the_cell_there():
    def md(s):
        return {"cell_type": "markdown", "metadata": {}, "source": s}

    nb = {
        "cells": [
            md(
                "```{exercise} E\n:label: e\n```\n\nHint: "
                "think.\n\n```{solution-start} e\n:class: dropdown\n```\n"
                "The secret answer is forty-two, as shown below."
            ),
            md(
                "More secret reasoning that must not "
                "survive.\n\n```{solution-end}\n```\n\n## Next section"
            ),
        ]
    }
    student, removed = student_notebooks.student_notebook(nb)
    text = "\n".join("".join(c["source"]) for c in student["cells"])
    assert (
        removed == 1 and "Hint: think." in text and "## Next section" in text
    )
    assert "secret" not in text
    assert len({c["id"] for c in student["cells"]}) == len(student["cells"])


def test_an_unclosed_solution_is_an_error():
    nb = {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": "```{solution-start} e\n```",
            }
        ]
    }
    with pytest.raises(ValueError, match="no solution-end"):
        student_notebooks.student_notebook(nb)


@pytest.mark.parametrize("name", CHAPTERS)
def test_student_notebook_runs_top_to_bottom(name, student_dir):
    """Every cell runs; only the exercise checks (which need the student's
    answer) and the
    chapter's own teaching errors (tagged `raises-exception`) may fail."""
    nb = nbformat.read(student_dir / name, as_version=4)
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(student_dir)}},
    ).execute()
    failed = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and any(o.output_type == "error" for o in c.outputs)
    ]
    unexpected = [
        c.source[:80]
        for c in failed
        if "raises-exception" not in c.metadata.get("tags", [])
    ]
    assert unexpected == [], (
        f"cells that fail without being expected to: {unexpected}"
    )
