"""Accessible HTML for the book's pages, checked by browser_tests/test_accessibility.py (axe-core).

* The references page (sphinxcontrib-bibtex, written by docutils' HTML5 writer) is a
  ``<div role="list">`` of ``<div role="doc-biblioentry">`` entries. ``doc-biblioentry`` is
  deprecated in DPUB-ARIA 1.1 and is not a list item, so the list has none of the children
  its role requires: axe's critical ``aria-required-children`` (and a minor
  ``aria-deprecated-role`` per entry). Each entry becomes a ``listitem``, as DPUB-ARIA 1.1
  advises for bibliography entries.
"""

from __future__ import annotations

from sphinx.application import Sphinx

_ENTRY = 'role="doc-biblioentry"'


def _entries_as_list_items(app: Sphinx, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and _ENTRY in body:
        context["body"] = body.replace(_ENTRY, 'role="listitem"')


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _entries_as_list_items)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
