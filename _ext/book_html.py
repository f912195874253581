"""Small fixes to the HTML pages of the book, so that they load cleanly and offline.

* Jupyter Book always loads sphinx-thebe (live code in the browser from a remote kernel),
  which this book does not use: readers run the notebooks with `make lab`. Its script
  block is added twice per page ("Identifier 'THEBE_JS_URL' has already been declared")
  and points at unpkg.com. Both are dropped from every page.
* The theme's first inline script sets the colour mode to "" when the reader never chose
  one, and the theme then logs "Got invalid theme mode" on every page. The mode it falls
  back to, "auto", is set right after that script instead.

It also holds the switch between the two editions of the HTML: ``book_solutions`` in
``_config.yml`` (``sphinx: config:``) is ``"shown"`` (the default) or ``"hidden"``, and the
environment variable ``BOOK_SOLUTIONS`` overrides it (``make book SOLUTIONS=hidden``). Hidden
means every solution, gated (``solution-start`` ... ``solution-end``) or not, is removed
from the pages. sphinx-exercise's own ``hide_solutions`` cannot do this: it leaves the
cells of gated solutions on the page and then fails on their end marker.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node

_DEFAULT_MODE = 'document.documentElement.dataset.mode = document.documentElement.dataset.mode || "auto";'


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "sphinx-thebe" in name or "THEBE_JS_URL" in body


def _drop_thebe(app: Sphinx, pagename, templatename, context, doctree) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


class RemoveSolutions(SphinxTransform):
    """Drop every solution once sphinx-exercise has merged gated solutions into one node each."""

    default_priority = 20  # after sphinx-exercise's MergeGatedSolutions (10)

    def apply(self) -> None:
        if self.config.book_solutions == "hidden":
            for node in list(self.document.findall(solution_node)):
                node.parent.remove(node)


def _check_solutions_switch(app: Sphinx, config) -> None:
    config.book_solutions = os.environ.get("BOOK_SOLUTIONS") or config.book_solutions
    if config.book_solutions not in ("shown", "hidden"):
        raise ValueError(f'book_solutions must be "shown" or "hidden", got {config.book_solutions!r}')


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_solutions", "shown", "env")
    app.connect("config-inited", _check_solutions_switch)
    app.add_transform(RemoveSolutions)
    app.add_js_file(None, body=_DEFAULT_MODE, priority=0)
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
