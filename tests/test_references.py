"""The bibliography parses, and every entry has what a reference list shows."""

import re
from pathlib import Path

from pybtex.database import parse_file

BIB = Path(__file__).resolve().parent.parent / "references.bib"


def test_every_key_once():
    keys = re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(), re.M)
    assert len(keys) == len(set(keys)), sorted(
        k for k in set(keys) if keys.count(k) > 1
    )


def test_every_entry_has_author_title_and_year():
    entries = parse_file(str(BIB)).entries  # raises on a syntax error
    incomplete = {
        key: [f for f in ("title", "year") if f not in entry.fields]
        + ([] if entry.persons.get("author") else ["author"])
        for key, entry in entries.items()
    }
    incomplete = {k: v for k, v in incomplete.items() if v}
    assert not incomplete, incomplete
