r"""Figures that more than one chapter draws.

Each function draws onto the Matplotlib axes it is given (or new ones), labels
them, and returns them, so a chapter can add to a figure or restyle it.

Example:
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax_z, ax_p = logits_and_probabilities([2.0, 1.0, 0.1])
    >>> ax_p.get_ylabel()
    'probability'
"""

from __future__ import annotations

import base64
import io
import struct
from collections.abc import Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from numpy.typing import ArrayLike

from softmax_lib._validation import as_float_array, check_probability_rows
from softmax_lib.calibration import ReliabilityBins
from softmax_lib.core import softmax

#: The book's figure formats, the one setting for every chapter's figures.
#: The builds of the book (``make book``, ``make pdf``, ``make site``) show a
#: figure as SVG in the HTML (vector: sharp at any zoom and on any screen)
#: and as PDF in the PDF edition (vector too). A figure whose SVG would be
#: heavier than ``SVG_MAX_BYTES`` (a scatter of many thousands of points)
#: goes to the HTML as a PNG at ``PNG_DENSITY`` times matplotlib's density,
#: shown at the size of the SVG, instead. The notebooks' stored outputs stay
#: PNG: only the kernels of the builds call :func:`use_book_figure_formats`.
SVG_MAX_BYTES = 300_000
PNG_DENSITY = 2

#: Corners of the 3-class probability simplex drawn as an equilateral triangle.
_TRIANGLE = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])


def _class_labels(labels: Sequence[str] | None, k: int) -> list[str]:
    if labels is None:
        return [f"class {i + 1}" for i in range(k)]
    if len(labels) != k:
        raise ValueError(f"labels has {len(labels)} names for {k} classes")
    return list(labels)


def _one_row(z: ArrayLike, num_classes: int | None = None) -> np.ndarray:
    """``z`` as one 1-D row of logits, of ``num_classes`` entries if given."""
    logits = as_float_array(z, "z")
    if logits.ndim != 1:
        raise ValueError(
            f"z must be one row of logits (1-D), got shape {logits.shape}"
        )
    if num_classes is not None and logits.size != num_classes:
        raise ValueError(
            f"z must be one row of {num_classes} logits, got shape "
            f"{logits.shape}"
        )
    return logits


def logits_and_probabilities(
    z: ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    temperature: float = 1.0,
    axes: Sequence[Axes] | None = None,
    title: str | None = None,
) -> tuple[Axes, Axes]:
    r"""Two bar charts side by side: the logits and their softmax.

    The left panel shows :math:`z_i`, the right one
    :math:`p_i = \operatorname{softmax}(\mathbf z / T)_i`.

    Args:
        z: one row of logits, shape ``(K,)``.
        labels: a name per class (default ``class 1`` ... ``class K``).
        temperature: passed to :func:`softmax_lib.core.softmax`.
        axes: two axes to draw on; new ones are made if omitted.
        title: a title over the logits panel, e.g. the vector itself.

    Returns:
        The logits axes and the probability axes. Each probability bar is
        annotated with its value to 3 decimals.

    Raises:
        TypeError: ``z`` is not real-valued.
        ValueError: ``z`` is not one row (1-D), or ``labels`` has the wrong
            length, or the temperature is not positive and finite.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax_z, ax_p = logits_and_probabilities([1.0, 1.0], temperature=2.0)
        >>> ax_p.get_title()
        'softmax, T = 2'
    """
    logits = _one_row(z)
    names = _class_labels(labels, logits.size)
    probs = softmax(logits, temperature=temperature)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    ax_z, ax_p = axes
    ax_z.bar(names, logits, color="tab:gray")
    ax_z.set_ylabel("logit $z_i$")
    ax_z.set_title(title if title is not None else "logits")
    ax_z.axhline(0, color="black", linewidth=0.8)
    bars = ax_p.bar(names, probs, color="tab:blue")
    ax_p.bar_label(bars, labels=[f"{p:.3f}" for p in probs], padding=2)
    ax_p.set_ylim(0, 1.1)
    ax_p.set_ylabel("probability")
    ax_p.set_title(
        "softmax" if temperature == 1.0 else f"softmax, T = {temperature:g}"
    )
    return ax_z, ax_p


def probability_curves(
    z: ArrayLike,
    index: int,
    values: ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    r"""Each class's probability as one logit sweeps over ``values``.

    Entry ``index`` (:math:`j`) of ``z`` takes each of ``values`` (:math:`v`)
    in turn, the others held fixed; the curves are
    :math:`p_k(v) = e^{z_k} / (e^{v} + \sum_{i \ne j} e^{z_i})` for
    :math:`k \ne j` and :math:`p_j(v) = e^{v} / (\ldots)`, a sigmoid in
    :math:`v`.

    Args:
        z: one row of logits, shape ``(K,)``; entry ``index`` is replaced by
            each of ``values``.
        index: which logit to vary.
        values: the values it takes (the x axis).
        labels: a name per class.
        ax: axes to draw on.

    Returns:
        The axes, with one curve per class and a legend.

    Raises:
        TypeError: ``z`` or ``values`` is not real-valued.
        ValueError: ``z`` is not one row (1-D), ``index`` is out of range, or
            ``labels`` has the wrong length.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = probability_curves([0.0, 1.0], 0, np.linspace(-4, 4, 9))
        >>> len(ax.get_lines()), ax.get_xlabel()
        (2, 'logit $z_{1}$ (the others fixed)')
    """
    logits = _one_row(z)
    if not -logits.size <= index < logits.size:
        raise ValueError(
            f"index {index} is out of range for {logits.size} logits"
        )
    xs = as_float_array(values, "values").ravel()
    names = _class_labels(labels, logits.size)
    grid = np.tile(logits, (xs.size, 1))
    grid[:, index] = xs
    probs = softmax(grid, axis=1)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    for k, name in enumerate(names):
        ax.plot(
            xs,
            probs[:, k],
            label=name,
            linewidth=2.5 if k == index % logits.size else 1.5,
        )
    ax.set_xlabel(
        f"logit $z_{{{index % logits.size + 1}}}$ (the others fixed)"
    )
    ax.set_ylabel("probability")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("softmax as one logit varies")
    ax.legend()
    return ax


def simplex_coordinates(p: ArrayLike) -> np.ndarray:
    r"""Map 3-class probability rows to 2-D points in :func:`draw_simplex`'s
    triangle.

    A row :math:`(p_1, p_2, p_3)` goes to :math:`p_1 A + p_2 B + p_3 C` for
    the corners :math:`A = (0, 0)`, :math:`B = (1, 0)`,
    :math:`C = (1/2, \sqrt 3 / 2)` (barycentric coordinates), so a one-hot row
    lands on a corner and the uniform row on the centre.

    Args:
        p: shape ``(3,)`` or ``(N, 3)``, rows that are probability
            distributions.

    Returns:
        Shape ``(2,)`` or ``(N, 2)``.

    Raises:
        TypeError: ``p`` is not real-valued.
        ValueError: ``p`` does not have 3 classes on its last axis, or a row
            is not a probability distribution.

    Example:
        >>> simplex_coordinates([[1, 0, 0], [0, 1, 0]])
        array([[0., 0.],
               [1., 0.]])
    """
    probs = as_float_array(p, "p")
    if probs.ndim == 0 or probs.shape[-1] != 3:
        raise ValueError(
            f"p must have 3 classes on its last axis, got shape {probs.shape}"
        )
    check_probability_rows(probs, "p")
    return probs @ _TRIANGLE


def draw_simplex(
    *,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str = "the probability simplex (K = 3)",
) -> Axes:
    r"""Draw the triangle of all 3-class distributions, corners labelled.

    The triangle is :math:`\{\mathbf p \in \mathbb R^3 : p_i \ge 0,\
    p_1 + p_2 + p_3 = 1\}`, drawn with :func:`simplex_coordinates`, which
    places points on it.

    Returns:
        Square axes with no ticks; the corner of class ``k`` is the one-hot
        vector :math:`\mathbf e_k`.

    Raises:
        ValueError: ``labels`` is not 3 names.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = draw_simplex(labels=["cat", "dog", "fox"])
        >>> [t.get_text() for t in ax.texts]
        ['cat', 'dog', 'fox']
    """
    names = _class_labels(labels, 3)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.2), layout="constrained")
    closed = np.vstack([_TRIANGLE, _TRIANGLE[:1]])
    ax.plot(closed[:, 0], closed[:, 1], color="black", linewidth=1)
    offsets = [(-0.04, -0.06), (0.04, -0.06), (0.0, 0.04)]
    for (x, y), (dx, dy), name in zip(_TRIANGLE, offsets, names):
        ax.annotate(name, (x + dx, y + dy), ha="center", va="center")
    ax.set_aspect("equal")
    ax.set_xlim(-0.15, 1.15)
    ax.set_ylim(-0.12, 0.98)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title)
    return ax


def temperature_path(
    z: ArrayLike,
    temperatures: ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str = "softmax(z / T) as T varies",
) -> Axes:
    r"""Draw the 3-class simplex and the path of
    :math:`\operatorname{softmax}(\mathbf z / T)` over ``temperatures``.

    A high temperature puts the point near the centre (the uniform
    distribution), a low one near the corner of the largest logit. Dividing by
    :math:`T` is multiplying by :math:`c = 1/T`, so the same picture shows
    ``softmax(c * z)`` for growing ``c``.

    Args:
        z: one row of 3 logits, shape ``(3,)``.
        temperatures: the temperatures, in the order the path is drawn
            (e.g. ``np.geomspace(100, 0.05, 200)``); each positive and finite.
        labels: a name per class, for the corners.
        ax: axes to draw on; the simplex is drawn on them first.
        title: the title of the axes.

    Returns:
        The axes from :func:`draw_simplex` with three more lines: the path, a
        circle at the first temperature and a square at the last, each in the
        legend.

    Raises:
        ValueError: ``z`` is not 3 logits, ``temperatures`` is empty, or a
            temperature is not positive and finite.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = temperature_path([2.0, 1.0, 0.1], [100.0, 1.0, 0.05])
        >>> [line.get_label() for line in ax.get_lines()[1:]]
        ['softmax(z / T)', 'T = 100', 'T = 0.05']
    """
    logits = _one_row(z, num_classes=3)
    temps = as_float_array(temperatures, "temperatures").ravel()
    if temps.size == 0:
        raise ValueError(
            "temperatures is empty; pass at least one temperature"
        )
    probs = np.stack([softmax(logits, temperature=float(t)) for t in temps])
    points = simplex_coordinates(probs)
    ax = draw_simplex(labels=labels, ax=ax, title=title)
    ax.plot(
        points[:, 0],
        points[:, 1],
        color="tab:blue",
        linewidth=2,
        label="softmax(z / T)",
    )
    ax.plot(*points[0], "o", color="tab:blue", label=f"T = {temps[0]:g}")
    ax.plot(*points[-1], "s", color="tab:red", label=f"T = {temps[-1]:g}")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def reliability_diagram(
    bins: ReliabilityBins,
    *,
    ax: Axes | None = None,
    label: str | None = None,
    color: str = "tab:blue",
    title: str = "Reliability diagram",
) -> Axes:
    r"""Draw accuracy against confidence, one bar per non-empty bin.

    The bins are those of :func:`~softmax_lib.calibration.reliability_bins`:
    each bar rises to the bin's accuracy :math:`\operatorname{acc}(B_m)` and
    a dot marks its mean confidence :math:`\operatorname{conf}(B_m)`; a
    calibrated model's bars reach the dashed diagonal
    :math:`\operatorname{acc} = \operatorname{conf}`. Call it twice on the
    same axes (with different ``label`` and ``color``) to compare two models.

    Raises:
        AttributeError: ``bins`` is not a
            :class:`~softmax_lib.calibration.ReliabilityBins`.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from softmax_lib.calibration import reliability_bins
        >>> p = [[0.9, 0.1], [0.2, 0.8]]
        >>> bins = reliability_bins(p, [0, 0], n_bins=5)
        >>> ax = reliability_diagram(bins, label="model")
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('confidence', 'accuracy')
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    filled = bins.counts > 0
    lefts = bins.edges[:-1][filled]
    widths = np.diff(bins.edges)[filled]
    ax.bar(
        lefts,
        bins.accuracy[filled],
        width=widths,
        align="edge",
        alpha=0.45,
        color=color,
        edgecolor=color,
        label=label,
    )
    ax.plot(
        bins.confidence[filled],
        bins.accuracy[filled],
        "o",
        color=color,
        markersize=4,
    )
    ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=1)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    if label is not None:
        ax.legend(loc="upper left", fontsize="small")
    return ax


def _print(figure: FigureBase, fmt: str, **kwargs: Any) -> bytes:
    """The figure as the inline backend draws it: cropped to what it shows."""
    buffer = io.BytesIO()
    # No date and fixed ids: the same figure gives the same file every build.
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}
    with matplotlib.rc_context({"svg.hashsalt": "softmax-book"}):
        figure.canvas.print_figure(  # type: ignore[attr-defined]
            buffer,
            format=fmt,
            bbox_inches="tight",
            metadata=metadata.get(fmt),
            **kwargs,
        )
    return buffer.getvalue()


def book_figure(figure: FigureBase) -> dict[str, Any]:
    """The outputs the book's builds show for a figure, by MIME type.

    ``image/svg+xml`` for the HTML, or, when the SVG is heavier than
    ``SVG_MAX_BYTES``, ``image/png`` at ``PNG_DENSITY`` times the density
    with the width and height to show it at; and ``application/pdf`` for
    the PDF edition. PNG and PDF are base64 text, as in a notebook.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> fig, ax = plt.subplots(figsize=(3, 2))
        >>> sorted(book_figure(fig))
        ['application/pdf', 'image/svg+xml']
    """
    outputs: dict[str, Any] = {}
    svg = _print(figure, "svg")
    if len(svg) <= SVG_MAX_BYTES:
        outputs["image/svg+xml"] = svg.decode("utf-8")
    else:
        dpi = PNG_DENSITY * figure.dpi  # type: ignore[attr-defined]
        png = _print(figure, "png", dpi=dpi)
        width, height = struct.unpack(">II", png[16:24])
        outputs["image/png"] = (
            base64.b64encode(png).decode("ascii"),
            {"width": width // PNG_DENSITY, "height": height // PNG_DENSITY},
        )
    outputs["application/pdf"] = base64.b64encode(
        _print(figure, "pdf")
    ).decode("ascii")
    return outputs


def use_book_figure_formats(shell: Any = None) -> None:
    """Make an IPython kernel show every figure as :func:`book_figure` says.

    The builds of the book run this in each notebook's kernel before its
    first cell (``_ext/book_figures.py``); a notebook's own code is not
    changed. The formatters are registered for matplotlib's ``FigureBase``,
    so a later ``%matplotlib inline``, which registers its PNG formatter for
    ``Figure``, only adds a PNG beside them.

    Args:
        shell: the IPython shell; the running one if omitted.

    Raises:
        RuntimeError: there is no IPython shell to configure.
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        raise RuntimeError(
            "use_book_figure_formats needs an IPython shell (a kernel)"
        )
    # In a kernel, pyplot's backend (the inline one) registers its own
    # formatter (PNG for Figure) when it loads: it is loaded now and that
    # formatter removed; the book's take its place.
    plt.switch_backend(matplotlib.get_backend())
    cache: dict[int, dict[str, Any]] = {}

    def formatter(mime: str) -> Any:
        def format_figure(figure: FigureBase) -> Any:
            # One drawing per display: the first formatter asked draws all.
            key = id(figure)
            if key not in cache or mime in cache[key].get("_done", ()):
                cache.clear()
                cache[key] = book_figure(figure)
            cache[key].setdefault("_done", set()).add(mime)
            return cache[key].get(mime)

        return format_figure

    formatters = shell.display_formatter.formatters
    for mime in ("image/png", "image/svg+xml", "application/pdf"):
        formatters[mime].pop(Figure, None)
        formatters[mime].for_type(FigureBase, formatter(mime))
