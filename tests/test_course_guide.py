"""The course guide's dependency table agrees with the chapters' own links.

A chapter that links back to an earlier chapter ({doc} or {ref} to one of its
labels) builds on it, so the table must list that chapter among what it needs,
directly or through the chapters it needs. Links forward are pointers ahead
and do not count.
"""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
_LABEL = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)
_DOC = re.compile(r"\{doc\}`(?:[^`<]*<)?([\w/]+)>?`")
_REF = re.compile(r"\{(?:ref|numref)\}`(?:[^`<]*<)?([\w-]+)>?`")
_ROW = re.compile(r"^\| \{doc\}`(\w+)` \| (.*) \|$", re.M)


def chapters_in_order() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [
        Path(ch["file"]).name
        for part in toc["parts"]
        if part.get("numbered")
        for ch in part["chapters"]
    ]


def markdown(stem: str) -> str:
    nb = json.loads((BOOK / f"{stem}.ipynb").read_text())
    return "\n".join(
        "".join(c["source"])
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
    )


def dependency_table() -> dict[str, set[str]]:
    """Chapter -> the chapters its row names ("all of the above": all)."""
    text = (BOOK / "course_guide.md").read_text()
    table: dict[str, set[str]] = {}
    for chapter, needs in _ROW.findall(text):
        above = set(table) if "all of the above" in needs else set()
        table[chapter] = set(_DOC.findall(needs)) | above
    return table


def test_the_table_lists_every_chapter_in_order():
    assert list(dependency_table()) == chapters_in_order()


def test_every_link_back_is_a_listed_dependency():
    order = chapters_in_order()
    texts = {stem: markdown(stem) for stem in order}
    owner = {
        label: stem for stem in order for label in _LABEL.findall(texts[stem])
    }
    table = dependency_table()

    def closure(stem: str) -> set[str]:
        seen, todo = set(), list(table[stem])
        while todo:
            need = todo.pop()
            if need in table and need not in seen:
                seen.add(need)
                todo.extend(table[need])
        return seen

    missing = {}
    for stem in order:
        linked = set(_DOC.findall(texts[stem]))
        linked |= {owner[r] for r in _REF.findall(texts[stem]) if r in owner}
        earlier = {c for c in linked if c in order[: order.index(stem)]}
        if earlier - closure(stem):
            missing[stem] = sorted(earlier - closure(stem))
    assert not missing, f"chapters linking back to unlisted needs: {missing}"
