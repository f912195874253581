"""Crisp figures in every build of the book, from one setting in softmax_lib's plotting module.

The notebooks are committed with PNG figures (nbval never compares PNG, and those outputs are
what a reader who runs a chapter sees). When a build executes a notebook (``make book``,
``make pdf``: myst-nb through jupyter-cache), its kernel first runs
``softmax_lib.plotting.use_book_figure_formats()``, so every matplotlib figure, drawn by a
chapter's own code or by ``softmax_lib.plotting``, comes out as SVG for the HTML (a PNG at twice
the density where the SVG would be too heavy) and as PDF for the PDF edition; myst-nb's MIME
priorities pick SVG (or PNG) for HTML and PDF for LaTeX. No notebook changes, new chapters
included.

How: the kernels the build starts inherit its environment, and this extension points
``IPYTHONDIR`` at a temporary IPython profile whose startup file makes that call. What the
setting is lives in ``softmax_lib/plotting.py`` (``SVG_MAX_BYTES``, ``PNG_DENSITY``), which is
part of the hash that clears the execution cache (Makefile), so changing it re-executes the
notebooks instead of reusing figures drawn the old way.
"""

from __future__ import annotations

import atexit
import os
import pathlib
import shutil
import tempfile

from sphinx.application import Sphinx

STARTUP = """\
# Written by _ext/book_figures.py for the book's build: figures as SVG/PDF, see softmax_lib.plotting.
from softmax_lib.plotting import use_book_figure_formats as _use_book_figure_formats

_use_book_figure_formats()
del _use_book_figure_formats
"""


def _kernel_profile(app: Sphinx, config) -> None:
    ipython_dir = pathlib.Path(tempfile.mkdtemp(prefix="book-figures-ipython-"))
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-book-figures.py").write_text(STARTUP, encoding="utf-8")
    os.environ["IPYTHONDIR"] = str(ipython_dir)
    atexit.register(shutil.rmtree, ipython_dir, ignore_errors=True)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _kernel_profile)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
