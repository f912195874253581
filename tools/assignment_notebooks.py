"""Write each chapter's exercises as an nbgrader assignment, with hidden tests.

    python tools/assignment_notebooks.py [OUT] [CHAPTER ...]     (default: _build/assignments, every chapter)

OUT is an nbgrader course directory. For each chapter with exercises (assignment id = the
notebook's stem, e.g. ``formula``) it holds

* ``source/<id>/<id>.ipynb``: the instructor's version. The chapter's setup cell and its
  Exercises section, every solution kept between ``### BEGIN SOLUTION`` / ``### END SOLUTION``,
  every check cell a graded cell, and after it a cell of hidden tests between
  ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``;
* ``release/<id>/<id>.ipynb``: what students get, written by ``nbgrader generate_assignment``:
  no solution, no hidden test;
* ``gradebook.db``: nbgrader's database, which keeps the hidden tests for ``nbgrader autograde``.

The student edition's rules (tools/student_notebooks.py) decide what a solution is; this module
only says what replaces it. Points: an auto-checked exercise is worth CHECK_POINTS for its visible
check and HIDDEN_POINTS for its hidden tests; every other exercise is a manually graded answer
worth MANUAL_POINTS (the rubric is in the course guide).

The hidden tests live in ``assignments/<chapter>/<exercise label>.py``, code run in the notebook's
kernel after the exercise's check. Every auto-checked exercise must have one, and every file must
name an auto-checked exercise of its chapter: a reworded label or a removed exercise stops the
build with an error naming the file.
"""

from __future__ import annotations

import ast
import builtins
import json
import pathlib
import re
import shutil
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import student_notebooks  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
HIDDEN = ROOT / "assignments"
CHECK_POINTS, HIDDEN_POINTS, MANUAL_POINTS = 1, 2, 3

EXERCISE_LABEL = re.compile(r"\{exercise\}.*\n:label:[ \t]*(\S+)")
HEADER = (
    "**Assignment.** The exercises of this chapter. Write your answers in the cells that say "
    "`YOUR CODE HERE` or `YOUR ANSWER HERE` and run the check cells to test your code. "
    f"An auto-checked exercise is worth {CHECK_POINTS + HIDDEN_POINTS} points: "
    f"{CHECK_POINTS} for the check you can see and {HIDDEN_POINTS} for hidden tests run when "
    "the assignment is graded, so an answer must work for every input, not just the check's. "
    f"Every other exercise is worth {MANUAL_POINTS} points, graded by hand."
)
HIDDEN_NOTE = "# Hidden tests: nbgrader runs them when it grades the assignment.\n"


class AssignmentError(ValueError):
    """A chapter and its hidden tests do not agree."""


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _nbgrader(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def auto_checked(notebook: dict) -> list[str]:
    """Labels of the exercises followed by a check cell (tagged ``exercise-check``), in order."""
    labels, current = [], None
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            found = EXERCISE_LABEL.findall(_source(cell))
            current = found[-1] if found else current
        elif "exercise-check" in cell.get("metadata", {}).get("tags", []):
            if current is None:
                raise AssignmentError("a check cell comes before any exercise")
            if current not in labels:
                labels.append(current)
    return labels


def hidden_tests(stem: str, notebook: dict, hidden_dir: pathlib.Path = HIDDEN) -> dict[str, str]:
    """The hidden tests of one chapter, by exercise label; an error when they and the chapter disagree."""
    checked = auto_checked(notebook)
    files = {p.stem: p for p in sorted((hidden_dir / stem).glob("*.py"))}
    orphans = [str(p.relative_to(hidden_dir.parent)) for label, p in files.items() if label not in checked]
    if orphans:
        raise AssignmentError(
            f"hidden tests for exercises that book/{stem}.ipynb no longer has (auto-checked, with that "
            f"label): {orphans}; its auto-checked exercises are {checked}")
    missing = [label for label in checked if label not in files]
    if missing:
        raise AssignmentError(
            f"book/{stem}.ipynb: auto-checked exercises without hidden tests: {missing}; "
            f"write them in assignments/{stem}/<label>.py")
    tests = {}
    for label in checked:
        code = files[label].read_text(encoding="utf-8")
        if not re.search(r"\bassert", code):
            raise AssignmentError(f"assignments/{stem}/{label}.py asserts nothing")
        tests[label] = code if code.endswith("\n") else code + "\n"
    return tests


def _names(code: str) -> tuple[set[str], set[str]]:
    """The names a cell's code binds and the names it reads (nothing for code that is not Python)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return bound, read - set(dir(builtins))


def exercises_only(notebook: dict) -> dict:
    """The chapter's title, its first code cell (the imports), the earlier code cells that define
    what the exercises use (a helper, a data set), and its Exercises section."""
    cells = notebook["cells"]
    title = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown")
    setup = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    heading = re.search(r"^# .*$", _source(cells[title]), re.M)
    start = next((i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                  and re.search(r"^## Exercises", _source(c), re.M)), setup + 1)
    section = []
    for i, cell in enumerate(cells[start:], start):
        if student_notebooks.is_slide_cell(cell):
            continue
        text = _source(cell)
        if cell["cell_type"] == "markdown" and (refs := re.search(r"^## References", text, re.M)):
            if text[:refs.start()].strip():
                section.append({**cell, "source": text[:refs.start()]})
            break
        if i == start and (ex := re.search(r"^## Exercises", text, re.M)):
            cell = {**cell, "source": text[ex.start():]}
        if i > setup:
            section.append(cell)
    # The chapter's cells that the exercises need, found by name: what the setup cell, the section
    # and the solutions that tests check read and do not bind, bound by the last cell before the
    # reader that binds it, and so on back.
    checked = auto_checked(notebook)
    graded, _ = student_notebooks.student_notebook(
        {"cells": section}, answer=lambda label, kind, sol: sol if label in checked else [])
    bound, read = set(), set()
    for cell in [cells[setup]] + graded["cells"]:
        if cell["cell_type"] == "code":
            b, r = _names(_source(cell))
            bound, read = bound | b, read | r
    binds = {i: _names(_source(cells[i])) for i in range(setup + 1, start) if cells[i]["cell_type"] == "code"}
    todo, kept = [(name, start) for name in read - bound], set()
    while todo:
        name, before = todo.pop()
        binder = max((i for i in binds if i < before and name in binds[i][0]), default=None)
        if binder is not None and binder not in kept:
            kept.add(binder)
            todo += [(n, binder) for n in binds[binder][1] - binds[binder][0] - bound]
    return {**notebook, "cells": [{**cells[title], "source": heading.group(0) + "\n"}, cells[setup]]
            + [cells[i] for i in sorted(kept)] + section}


def _code_answer(label: str, code: str, graded: bool) -> dict:
    """A code cell whose content is solution (graded by hand when no test checks it)."""
    grade_id = f"{label}-answer" if graded else f"{label}-code"
    meta = _nbgrader(grade_id, grade=graded, solution=True, locked=False, points=MANUAL_POINTS)
    # In the release the cell raises NotImplementedError until answered: tagged like the student
    # edition's check cells, so that "Run All" goes on past it.
    return {"cell_type": "code", "id": "", "execution_count": None, "outputs": [],
            "metadata": {"nbgrader": meta, "tags": ["raises-exception"]},
            "source": "### BEGIN SOLUTION\n" + code + "\n### END SOLUTION\n"}


def _answer(checked: list[str]):
    """The cells that replace a solution in the source version (tools/student_notebooks.py's hook)."""

    def answer(label: str, kind: str, solution: list[dict]) -> list[dict]:
        prose = [_source(c).strip("\n") for c in solution if c["cell_type"] == "markdown"]
        code = [_source(c).strip("\n") for c in solution if c["cell_type"] == "code"]
        if label in checked:
            # One answer cell that the tests grade: the solution's code, its prose as comments.
            parts = [_source(c).rstrip("\n") if c["cell_type"] == "code"
                     else "\n".join(f"# {line}".rstrip() for line in _source(c).strip("\n").splitlines())
                     for c in solution]
            return [student_notebooks._markdown("**Your solution**"),
                    _code_answer(label, "\n\n".join(parts), graded=False)]
        # Graded by hand: the prose in a Markdown answer, the code (if any) in a code answer.
        cells = []
        if prose:
            meta = _nbgrader(f"{label}-answer", grade=True, solution=True, locked=False, points=MANUAL_POINTS)
            cells.append({"cell_type": "markdown", "id": "", "metadata": {"nbgrader": meta},
                          "source": "\n\n".join(prose) + "\n"})
        if code:
            cells.append(_code_answer(label, "\n\n".join(code), graded=not prose))
        return cells

    return answer


def source_notebook(stem: str, notebook: dict, hidden_dir: pathlib.Path = HIDDEN) -> dict:
    """The nbgrader source version of one chapter's exercises: solutions, checks and hidden tests."""
    checked = auto_checked(notebook)
    tests = hidden_tests(stem, notebook, hidden_dir)
    nb, _ = student_notebooks.student_notebook(exercises_only(notebook), answer=_answer(checked))
    cells, current = [], None
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and _source(cell) == student_notebooks.BANNER:
            cell = {**cell, "source": HEADER}
        if cell["cell_type"] == "markdown" and (found := EXERCISE_LABEL.findall(_source(cell))):
            current = found[-1]
        cells.append(cell)
        if "exercise-check" in cell.get("metadata", {}).get("tags", []):
            cell["metadata"]["nbgrader"] = _nbgrader(f"{current}-check", grade=True, solution=False,
                                                     locked=True, points=CHECK_POINTS)
            if current in tests:
                cells.append({
                    "cell_type": "code", "id": "", "execution_count": None, "outputs": [],
                    "metadata": {"nbgrader": _nbgrader(f"{current}-hidden", grade=True, solution=False,
                                                       locked=True, points=HIDDEN_POINTS)},
                    "source": HIDDEN_NOTE + "### BEGIN HIDDEN TESTS\n" + tests.pop(current)
                    + "### END HIDDEN TESTS\n"})
    for number, cell in enumerate(cells):
        cell["id"] = cell.get("id") or f"assignment-{number}"
    return {**nb, "cells": cells}


def chapters(book: pathlib.Path) -> list[str]:
    """The notebooks that have exercises, by stem."""
    return [p.stem for p in sorted(book.glob("*.ipynb")) if "{exercise}" in p.read_text(encoding="utf-8")]


def write_sources(book: pathlib.Path, out: pathlib.Path, stems: list[str],
                  hidden_dir: pathlib.Path = HIDDEN) -> None:
    """The source versions and the nbgrader configuration, into the course directory ``out``."""
    unknown = sorted({p.name for p in hidden_dir.iterdir() if p.is_dir()} - set(chapters(book)))
    if unknown:
        raise AssignmentError(f"hidden tests for chapters that have no exercises: {unknown}")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(hidden_dir / "nbgrader_config.py", out / "nbgrader_config.py")
    for stem in stems:
        notebook = json.loads((book / f"{stem}.ipynb").read_text(encoding="utf-8"))
        folder = out / "source" / stem
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        nb = source_notebook(stem, notebook, hidden_dir)
        (folder / f"{stem}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                                              encoding="utf-8")


def generate(out: pathlib.Path, stems: list[str]) -> None:
    """The release versions: ``nbgrader generate_assignment`` for each assignment, in one process."""
    import os

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    course = out.resolve()
    config = Config()
    config.CourseDirectory.root = str(course)
    exec(compile((out / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec"),
         {"c": config, "get_config": lambda: config})
    here = os.getcwd()
    os.chdir(out)
    try:
        api = NbGraderAPI(CourseDirectory(config=config), config=config)
        for stem in stems:
            result = api.generate_assignment(stem, force=True, create=True)
            if not result["success"]:
                log = course / f"generate_assignment-{stem}.log"
                log.write_text(result["log"] or "", encoding="utf-8")
                raise AssignmentError(f"nbgrader generate_assignment {stem} failed; its log is in {log}")
    finally:
        os.chdir(here)


if __name__ == "__main__":
    out_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "_build/assignments")
    wanted = sys.argv[2:] or chapters(ROOT / "book")
    try:
        write_sources(ROOT / "book", out_dir, wanted)
        generate(out_dir, wanted)
    except AssignmentError as error:
        # What to fix, on one line: the traceback would only point into this module.
        sys.exit(f"make assignments: {error}")
    for stem in wanted:
        print(f"{out_dir}/source/{stem}/{stem}.ipynb -> {out_dir}/release/{stem}/{stem}.ipynb")
