"""The JupyterLab edition (tools/lab_notebooks.py): nothing left that jupyterlab-myst cannot resolve.

jupyterlab-myst resolves a {ref} only to a label in the same notebook, and no {cite}, {term} or
{doc}; every link the rewriting writes must reach a notebook of the edition. The browser test
(browser_tests/test_jupyterlab.py) checks what JupyterLab shows; this one checks every chapter.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lab_notebooks  # noqa: E402

BOOK = ROOT / "book"
CHAPTERS = sorted(p.name for p in BOOK.glob("*.ipynb"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab")
    status = lab_notebooks.write_lab_edition(BOOK, out)
    assert set(status.values()) == {"written"}
    return out


def _markdown(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _ids(nb: dict) -> set[str]:
    """The ids jupyterlab-myst gives a notebook's labelled headings and glossary entries."""
    text = "\n".join(_markdown(nb))
    ids = set(re.findall(r"^\(([\w-]+)\)=", text, re.M))
    ids |= set(re.findall(r"^:label:\s*(\S+)", text, re.M))
    ids |= {
        "term-" + lab_notebooks._html_id(term)
        for term in re.findall(r"^([^\s:].*)\n: ", text, re.M)
    }
    return ids


@pytest.mark.parametrize("name", CHAPTERS)
def test_only_what_jupyterlab_myst_resolves_is_left(name, edition):
    nb = json.loads((edition / name).read_text(encoding="utf-8"))
    text = "\n".join(_markdown(nb))
    assert not re.search(r"\{(cite|cite:p|cite:t|term|doc)\}`", text)
    local = set(re.findall(r"^\(([\w-]+)\)=", text, re.M)) | set(
        re.findall(r"^:label:\s*(\S+)", text, re.M)
    )
    for body in re.findall(r"\{ref\}`([^`]+)`", text):
        assert "\n" not in body, f"a {{ref}} over two lines, which jupyterlab-myst does not parse: {body!r}"
        target = re.sub(r"^.*<([^<>]+)>$", r"\1", body, flags=re.S)
        assert target in local, f"{{ref}} to {target!r}, outside {name}"
    assert not re.search(r"\{solution-start\}.*\n:class:\s*dropdown", text)
    assert not any("remove-cell" in c["metadata"].get("tags", []) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_every_link_reaches_a_notebook_of_the_edition_and_its_anchor(edition):
    notebooks = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in edition.glob("*.ipynb")}
    ids = {name: _ids(nb) for name, nb in notebooks.items()}
    links = 0
    for name, nb in notebooks.items():
        for target in LINK.findall("\n".join(_markdown(nb))):
            if target.startswith(("http://", "https://", "#")):
                continue
            file, _, anchor = target.partition("#")
            assert file in notebooks, f"{name} links to {target}, not in the edition"
            assert not anchor or anchor in ids[file], f"{name} links to {target}: no such anchor"
            links += 1
    assert links > 500  # the chapters' cross-references, citations and terms


def test_citations_and_terms_read_as_in_the_html_book():
    book = lab_notebooks.Book(BOOK)
    cell = (
        "Top-k {cite:p}`fan2018hierarchical`; {cite:t}`guo2017calibration` found it; "
        "{cite:p}`jang2017categorical,maddison2017concrete`; {cite:t}`nelder1972generalized`; "
        "{term}`calibrated <calibration>` and the {term}`Logit`; {ref}`formula-properties`."
    )
    assert lab_notebooks.rewrite_markdown(cell, "temperature.ipynb", book) == (
        "Top-k \\[[Fan *et al.*, 2018](references.ipynb)\\]; "
        "Guo *et al.* \\[[2017](references.ipynb)\\] found it; "
        "\\[[Jang *et al.*, 2017](references.ipynb), [Maddison *et al.*, 2017](references.ipynb)\\]; "
        "Nelder and Wedderburn \\[[1972](references.ipynb)\\]; "
        "[calibrated](glossary.ipynb#term-calibration) and the [Logit](glossary.ipynb#term-logit); "
        "[Properties](formula.ipynb#formula-properties)."
    )
    with pytest.raises(KeyError, match="not in references.bib"):
        lab_notebooks.rewrite_markdown("{cite:p}`nobody2099`", "formula.ipynb", book)
    with pytest.raises(KeyError, match="does not define"):
        lab_notebooks.rewrite_markdown("{ref}`no-such-label`", "formula.ipynb", book)


def test_a_gated_solution_keeps_its_cells_between_a_start_and_an_end_line():
    book = lab_notebooks.Book(BOOK)
    md = lambda s: {"cell_type": "markdown", "metadata": {}, "source": s}  # noqa: E731
    nb = {
        "cells": [
            md("# Temperature"),
            md("```{exercise} E\n:label: temperature-ex-near-tie\nDo it.\n```"),
            md("```{solution-start} temperature-ex-near-tie\n:class: dropdown\n```"),
            {"cell_type": "code", "metadata": {"tags": ["hide-input"]}, "source": "x = 1", "outputs": []},
            md("```{solution-end}\n```"),
            {"cell_type": "markdown", "metadata": {"tags": ["remove-cell"]}, "source": "A slide"},
        ],
        "metadata": {},
    }
    cells = lab_notebooks.lab_notebook(nb, "temperature.ipynb", book)["cells"]
    assert [c["source"] for c in cells] == [
        "---\nnumbering:\n  equation: false\n  exercise:\n    enumerator: 7.%s\n---\n# Temperature",
        "```{exercise} E\n:label: temperature-ex-near-tie\nDo it.\n```",
        "```{solution-start} temperature-ex-near-tie\n```",
        "x = 1",
        "*End of the solution to {ref}`temperature-ex-near-tie`.*",
    ]
    assert cells[3]["metadata"]["jupyter"] == {"source_hidden": True}


def test_a_copy_the_reader_changed_is_kept(tmp_path):
    lab_notebooks.write_lab_edition(BOOK, tmp_path)
    (tmp_path / "formula.ipynb").write_text("{}", encoding="utf-8")
    status = lab_notebooks.write_lab_edition(BOOK, tmp_path)
    assert status["formula.ipynb"] == "kept" and status["stability.ipynb"] == "unchanged"
    assert (tmp_path / "formula.ipynb").read_text(encoding="utf-8") == "{}"


def _list_marker_inside_math(text: str) -> list[str]:
    """Lines that start with a list marker ("- ", "+ ", "1. ") while an inline formula is open.

    Markdown reads such a line as a new list item, in the HTML book as in JupyterLab, and the
    formula breaks in two with its dollar signs shown: wrap the line before the operator instead.
    """
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)  # display math
    text = re.sub(r"`[^`\n]*`", "", text).replace("\\$", "")
    found, open_math = [], False
    for line in text.split("\n"):
        if not line.strip():
            open_math = False
            continue
        if open_math and re.match(r"\s*([+*-]|\d+[.)])\s", line):
            found.append(line)
        open_math ^= line.count("$") % 2 == 1
    return found


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_line_inside_a_formula_starts_like_a_list_item(name):
    nb = json.loads((BOOK / name).read_text(encoding="utf-8"))
    assert [line for text in _markdown(nb) for line in _list_marker_inside_math(text)] == []
