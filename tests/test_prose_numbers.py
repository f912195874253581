"""Every number the prose states is printed by the book's own code.

For each chapter (a notebook in book/), every decimal, percentage and number
with a thousands separator or in scientific notation written in its Markdown
must be among the numbers its outputs print, rounded as the prose rounds it.
Numbers that are not results (definitions, years, section numbers of cited
works, exercise parameters, numbers quoted from another chapter) are listed in
`tests/prose_numbers/<chapter>.txt`, one per line with the reason after `#`. An
entry that the prose no longer contains fails the test too, so the lists stay
short and true.

The Markdown pages (welcome page, glossary, course guide) have no outputs of
their own: their numbers are checked against the outputs of every chapter.
"""

from pathlib import Path

import pytest

from tests.prose_numbers import (
    is_printed,
    notebook_markdown_and_outputs,
    output_numbers,
    prose_numbers,
    read_allow_list,
)

BOOK = Path(__file__).resolve().parent.parent / "book"
ALLOWED = Path(__file__).resolve().parent / "prose_numbers"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
PAGES = sorted(BOOK.glob("*.md"))


def _unprinted(markdown, printed, allowed):
    missing, used = [], set()
    for text in markdown:
        for number in prose_numbers(text):
            if number.text in allowed:
                used.add(number.text)
            elif not is_printed(number, printed):
                missing.append(f"{number.text!r} in: …{number.context}…")
    stale = sorted(set(allowed) - used)
    return missing, stale


def _report(name, missing, stale):
    lines = [
        f"{name}: {len(missing)} number(s) in the prose that no output prints:"
    ]
    lines += [f"  {m}" for m in missing]
    if stale:
        lines.append(
            f"allow-list entries the prose no longer contains: {stale}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_in_a_chapters_prose_is_printed_by_its_code(notebook):
    markdown, outputs = notebook_markdown_and_outputs(notebook)
    allowed = read_allow_list(ALLOWED / f"{notebook.stem}.txt")
    missing, stale = _unprinted(markdown, output_numbers(outputs), allowed)
    assert not missing and not stale, _report(notebook.name, missing, stale)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_number_on_a_markdown_page_is_printed_by_some_chapter(page):
    outputs = [
        o for nb in NOTEBOOKS for o in notebook_markdown_and_outputs(nb)[1]
    ]
    allowed = read_allow_list(ALLOWED / f"{page.stem}.txt")
    missing, stale = _unprinted(
        [page.read_text()], output_numbers(outputs), allowed
    )
    assert not missing and not stale, _report(page.name, missing, stale)
