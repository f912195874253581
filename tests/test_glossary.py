"""The glossary and the chapters point at each other.

Every term the glossary defines is linked with {term} from some chapter or
page (so no definition is an orphan), and every {term} link in the book names
a term the glossary defines (Sphinx warns about the rest only at build time).
"""

import json
import re
from pathlib import Path

BOOK = Path(__file__).resolve().parent.parent / "book"
GLOSSARY = BOOK / "glossary.md"
# {term}`Text` or {term}`text <Target>`
_TERM_ROLE = re.compile(r"\{term\}`([^`<]*?)\s*(?:<([^`>]+)>)?`")


def glossary_terms() -> set[str]:
    text = GLOSSARY.read_text()
    body = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return {
        line.strip()
        for line in body.splitlines()
        if line.strip() and not line.startswith((" ", "\t"))
    }


def _sources():
    for path in sorted(BOOK.glob("*.ipynb")):
        nb = json.loads(path.read_text())
        yield (
            path.stem,
            "\n".join(
                "".join(c["source"])
                for c in nb["cells"]
                if c["cell_type"] == "markdown"
            ),
        )
    for path in sorted(BOOK.glob("*.md")):
        if path != GLOSSARY:
            yield path.stem, path.read_text()


def term_links() -> dict[str, set[str]]:
    """Each linked term (as Sphinx matches: lower case, spaces) -> pages."""
    links: dict[str, set[str]] = {}
    for page, text in _sources():
        for text_, target in _TERM_ROLE.findall(text):
            term = " ".join((target or text_).split()).lower()
            links.setdefault(term, set()).add(page)
    return links


def test_every_glossary_term_is_linked_from_the_book():
    linked = term_links()
    orphans = sorted(t for t in glossary_terms() if t.lower() not in linked)
    assert not orphans, f"glossary terms no page links to: {orphans}"


def test_every_term_link_names_a_glossary_term():
    defined = {t.lower() for t in glossary_terms()}
    unknown = {
        term: sorted(pages)
        for term, pages in term_links().items()
        if term not in defined
    }
    assert not unknown, f"{{term}} links to undefined terms: {unknown}"
