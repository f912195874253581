r"""Relatives of softmax: other maps from scores to weights.

Each function maps the logits of a row to non-negative weights, along
``axis``, like :func:`~softmax_lib.core.softmax`:

* ``sparsemax`` and ``entmax`` (any :math:`\alpha \ge 1`): the arg-max of
  :math:`\langle \mathbf p, \mathbf z\rangle` plus a Tsallis entropy over the
  simplex; exact zeros. ``sparsemax_loss`` and ``entmax_loss`` are their
  Fenchel-Young losses, whose gradient is :math:`\mathbf p^\star - \mathbf y`.
* ``stablemax`` and ``log_stablemax``: :math:`s(z_i) / \sum_j s(z_j)` with
  :math:`s(x) = x + 1` for :math:`x \ge 0` and :math:`1/(1 - x)` below.
* ``softmax_with_sink``: softmax with one extra logit whose weight is
  dropped, so the weights sum to less than 1.
* ``softpick``: :math:`\operatorname{relu}(e^{z_i} - 1) / \sum_j
  |e^{z_j} - 1|`.

Input and special values follow :mod:`softmax_lib.core`: float16/32/64 keep
their dtype (float16 is computed in float32), integers and booleans become
float64, anything else raises ``TypeError``; a bad ``axis`` or an empty axis
raises ``ValueError``. Row by row: a NaN makes the row NaN; a ``-inf`` entry
gets weight 0; ``+inf`` entries share the mass equally (the limit of those
logits growing together); a row of only ``-inf`` is NaN, except where a
function says otherwise (``softmax_with_sink`` and ``softpick`` give zeros).
No case prints a NumPy warning.
"""

from __future__ import annotations

import numbers
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_axis,
    check_class_axis,
    check_not_empty,
    check_probability_rows,
    working_dtype,
)
from softmax_lib.core import logsumexp, softmax
from softmax_lib.losses import _class_indices

Reduction = Literal["mean", "sum", "none"]

__all__ = [
    "entmax",
    "entmax_loss",
    "log_stablemax",
    "softmax_with_sink",
    "softpick",
    "sparsemax",
    "sparsemax_loss",
    "stablemax",
]


# --- shared plumbing ---------------------------------------------------------


def _rows(x: ArrayLike, axis: Any) -> tuple[np.ndarray, int, np.ndarray]:
    """Validate; return ``(x, axis, rows)``, where ``rows`` is ``x`` with
    ``axis`` moved last and reshaped to 2-D, in the working dtype."""
    arr = as_float_array(x)
    ax = check_axis(axis, arr.ndim)
    check_not_empty(arr, ax)
    z = np.moveaxis(arr, ax, -1).reshape(-1, arr.shape[ax])
    return arr, ax, z.astype(working_dtype(arr.dtype))


def _unrows(out: np.ndarray, arr: np.ndarray, ax: int) -> np.ndarray:
    """Undo :func:`_rows`: back to ``arr``'s shape, axis and dtype."""
    moved = np.moveaxis(arr, ax, -1).shape
    return np.moveaxis(out.reshape(moved), -1, ax).astype(arr.dtype)


def _special(z: np.ndarray) -> np.ndarray:
    """Rows (a boolean per row) with a NaN, a ``+inf`` or only ``-inf``."""
    return ~np.isfinite(np.max(z, axis=1))


def _fill_special(z: np.ndarray, out: np.ndarray, all_neg: float) -> None:
    """Write the policy's answer into the special rows of ``out``.

    NaN row: NaN; ``+inf`` entries: equal shares, the rest 0; only
    ``-inf``: ``all_neg`` everywhere (NaN, or 0 for functions that give no
    mass then).
    """
    special = _special(z)
    if not special.any():
        return
    zs = z[special]
    posinf = np.isposinf(zs)
    n_posinf = posinf.sum(axis=1, keepdims=True)
    share = posinf / np.maximum(n_posinf, 1)
    value = np.where(n_posinf > 0, share, all_neg)
    out[special] = np.where(
        np.isnan(zs).any(axis=1, keepdims=True), np.nan, value
    )


def _check_alpha(alpha: Any) -> float:
    """Return ``alpha`` as a float, or raise unless it is a real >= 1."""
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(
        alpha, numbers.Real
    ):
        raise TypeError(f"alpha must be a real number, got {alpha!r}")
    if not 1 <= cast(float, alpha) < np.inf:  # also False for NaN
        raise ValueError(
            "alpha must be a finite number >= 1 (1: softmax, 2: sparsemax), "
            f"got {alpha!r}"
        )
    return float(alpha)


# --- sparsemax and entmax ----------------------------------------------------


def _sparsemax_rows(z: np.ndarray) -> np.ndarray:
    """Sparsemax of finite-maximum rows (``-inf`` entries allowed): the sort
    algorithm of Martins & Astudillo (2016)."""
    k = z.shape[1]
    z = z - np.max(z, axis=1, keepdims=True)  # same result, fewer roundings
    srt = -np.sort(-z, axis=1)
    with np.errstate(invalid="ignore"):
        csum = np.cumsum(srt, axis=1)
        ks = np.arange(1, k + 1, dtype=z.dtype)
        support = 1 + ks * srt > csum  # True for a prefix of each row
    size = support.sum(axis=1, keepdims=True)  # >= 1: k = 1 always holds
    tau = (np.take_along_axis(csum, size - 1, axis=1) - 1) / size
    return np.maximum(z - tau, 0)


def _entmax15_rows(z: np.ndarray) -> np.ndarray:
    """1.5-entmax of finite-maximum rows: the exact sort algorithm of Peters
    et al. (2019), for ``[z/2 - tau]_+ ** 2``."""
    k = z.shape[1]
    x = z / 2 - np.max(z, axis=1, keepdims=True) / 2  # shift: same result
    srt = -np.sort(-x, axis=1)
    ks = np.arange(1, k + 1, dtype=z.dtype)
    with np.errstate(invalid="ignore"):
        mean = np.cumsum(srt, axis=1) / ks
        mean_sq = np.cumsum(srt**2, axis=1) / ks
        delta = (1 - ks * (mean_sq - mean**2)) / ks
        tau = mean - np.sqrt(np.maximum(delta, 0))
        support = tau <= srt  # a prefix of each row
    size = support.sum(axis=1, keepdims=True)
    tau_star = np.take_along_axis(tau, size - 1, axis=1)
    return np.maximum(x - tau_star, 0) ** 2


def _entmax_bisect_rows(z: np.ndarray, alpha: float) -> np.ndarray:
    """alpha-entmax of finite-maximum rows by bisection on the threshold.

    ``p_i = [(alpha - 1) z_i - tau]_+ ** (1/(alpha - 1))``; the sum is
    decreasing in ``tau`` and crosses 1 in ``[max - 1, max - k**(1-alpha)]``.
    Each step halves the bracket; the last one is rescaled to sum to 1.
    """
    k = z.shape[1]
    x = (alpha - 1) * (z - np.max(z, axis=1, keepdims=True))  # max is 0
    power = 1 / (alpha - 1)
    lo = np.full((z.shape[0], 1), -1.0, dtype=z.dtype)
    width = 1 - float(k) ** (1 - alpha)
    steps = np.finfo(z.dtype).nmant + 2
    for _ in range(steps):
        width /= 2
        mid = lo + width
        total = np.sum(np.maximum(x - mid, 0) ** power, axis=1, keepdims=True)
        lo = np.where(total >= 1, mid, lo)
    p = np.maximum(x - lo, 0) ** power
    return p / np.sum(p, axis=1, keepdims=True)


def _threshold_map(z: np.ndarray, alpha: float) -> np.ndarray:
    """The alpha-entmax of every row of ``z`` (2-D, working dtype)."""
    out = np.empty_like(z)
    ok = ~_special(z)
    if ok.any():
        rows = z[ok]
        if alpha == 2:
            out[ok] = _sparsemax_rows(rows)
        elif alpha == 1.5:
            out[ok] = _entmax15_rows(rows)
        else:
            out[ok] = _entmax_bisect_rows(rows, alpha)
    _fill_special(z, out, np.nan)
    return out


def sparsemax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Sparsemax: the Euclidean projection of the logits onto the simplex.

    :math:`p_i = [z_i - \tau]_+`, with :math:`\tau` the one threshold for
    which the row sums to 1 (Martins & Astudillo, 2016). Equivalently the
    arg-max over the simplex of :math:`\langle\mathbf p,\mathbf z\rangle -
    \tfrac12\|\mathbf p\|^2`. Entries more than about 1 below the top get
    exactly 0. Computed by sorting each row: :math:`O(K \log K)`.

    Args:
        x: logits, any shape; each slice along ``axis`` is one row.
        axis: the axis that holds the classes (default: the last one).

    Returns:
        An array of ``x``'s shape and float dtype, each row non-negative and
        summing to 1 (special values: see the module's policy).

    Raises:
        TypeError: ``x`` is not real-valued, or ``axis`` is not an integer.
        ValueError: ``axis`` is out of range; ``x`` is a scalar or empty
            along ``axis``.

    Example:
        >>> sparsemax([2.0, 1.0, 0.1])
        array([1., 0., 0.])
        >>> sparsemax([0.5, 0.2, -1.0])
        array([0.65, 0.35, 0.  ])
    """
    arr, ax, z = _rows(x, axis)
    return _unrows(_threshold_map(z, 2.0), arr, ax)


def entmax(x: ArrayLike, alpha: float = 1.5, axis: int = -1) -> np.ndarray:
    r""":math:`\alpha`-entmax: the arg-max of :math:`\langle\mathbf p,
    \mathbf z\rangle` plus the Tsallis :math:`\alpha`-entropy.

    :math:`p_i = [(\alpha - 1) z_i - \tau]_+^{1/(\alpha - 1)}`, with
    :math:`\tau` chosen so that the row sums to 1 (Peters, Niculae &
    Martins, 2019). :math:`\alpha = 1` is softmax (the limit; computed by
    :func:`~softmax_lib.core.softmax`), :math:`\alpha = 2` is
    :func:`sparsemax`; every :math:`\alpha > 1` can give exact zeros.
    :math:`\alpha = 1.5` and 2 use exact sort algorithms, other values a
    bisection on :math:`\tau` to the dtype's precision. Very close to 1 the
    exponent :math:`1/(\alpha - 1)` amplifies the last bit of :math:`\tau`:
    at :math:`\alpha - 1 = 10^{-12}` the result is within about
    :math:`10^{-5}` of softmax, its limit; use ``alpha=1`` for softmax.

    Args:
        x: logits, any shape; each slice along ``axis`` is one row.
        alpha: a finite real :math:`\ge 1` (default 1.5).
        axis: the axis that holds the classes (default: the last one).

    Returns:
        An array of ``x``'s shape and float dtype, each row non-negative and
        summing to 1 (special values: see the module's policy).

    Raises:
        TypeError: ``x`` is not real-valued; ``alpha`` is not a real number;
            ``axis`` is not an integer.
        ValueError: ``alpha`` is below 1, infinite or NaN; ``axis`` is out of
            range; ``x`` is a scalar or empty along ``axis``.

    Example:
        >>> entmax([2.0, 1.0, 0.1]).round(4)
        array([0.8307, 0.1693, 0.    ])
        >>> entmax([2.0, 1.0, 0.1], alpha=2)
        array([1., 0., 0.])
    """
    a = _check_alpha(alpha)
    if a == 1:
        arr = as_float_array(x)
        check_not_empty(arr, check_axis(axis, arr.ndim))
        return cast(np.ndarray, softmax(arr, axis=axis))
    arr, ax, z = _rows(x, axis)
    return _unrows(_threshold_map(z, a), arr, ax)


def _tsallis(p: np.ndarray, alpha: float) -> np.ndarray:
    r"""The negative Tsallis entropy :math:`(\sum_i p_i^\alpha - 1) /
    (\alpha(\alpha - 1))` of each row (``alpha`` > 1)."""
    return (np.sum(p**alpha, axis=-1) - 1) / (alpha * (alpha - 1))


def _reduce(losses: np.ndarray, reduction: str, dtype: np.dtype) -> np.ndarray:
    losses = np.asarray(losses, dtype=dtype)
    if reduction == "none":
        return losses
    total = np.sum(losses, dtype=np.float64)
    if reduction == "mean":
        total = total / max(losses.size, 1)
    return np.asarray(total, dtype=dtype)


def entmax_loss(
    logits: ArrayLike,
    target: ArrayLike,
    alpha: float = 1.5,
    *,
    reduction: Reduction = "mean",
) -> np.ndarray:
    r"""The Fenchel-Young loss of :math:`\alpha`-entmax.

    For one row, with :math:`\Omega` the negative Tsallis entropy and
    :math:`\mathbf p^\star = \operatorname{entmax}_\alpha(\mathbf z)`,
    :math:`L(\mathbf z, \mathbf y) = \langle \mathbf p^\star - \mathbf y,
    \mathbf z\rangle + \Omega(\mathbf y) - \Omega(\mathbf p^\star) \ge 0`
    (Blondel, Martins & Niculae, 2020). Its gradient in :math:`\mathbf z` is
    :math:`\mathbf p^\star - \mathbf y`; it is 0 exactly when
    :math:`\mathbf p^\star = \mathbf y`. :math:`\alpha = 1` is the
    cross-entropy (plus the target's entropy, 0 for a class index),
    :math:`\alpha = 2` the sparsemax loss.

    Args:
        logits: shape ``(..., K)``, classes on the last axis. ``-inf``
            masks a class (weight 0; a target on it costs ``+inf``).
        target: class indices of shape ``logits.shape[:-1]``, or probability
            rows of shape ``logits.shape``.
        alpha: a finite real :math:`\ge 1` (default 1.5).
        reduction: ``"mean"`` over rows (default), ``"sum"`` or ``"none"``.

    Returns:
        A float array in the dtype of ``logits``: 0-d for ``"mean"`` and
        ``"sum"``, shape ``logits.shape[:-1]`` for ``"none"``.

    Raises:
        TypeError: non-real logits; class indices that are not integers;
            ``alpha`` not a real number.
        ValueError: a target of the wrong shape, out of range, or not
            probability rows; ``alpha`` below 1; an unknown ``reduction``;
            NaN or ``+inf`` logits, or a row of only ``-inf``.

    Example:
        >>> float(entmax_loss([2.0, 1.0, 0.1], 0, alpha=2))
        0.0
        >>> float(entmax_loss([2.0, 1.0, 0.1], 1, alpha=2))
        1.0
    """
    a = _check_alpha(alpha)
    z = as_float_array(logits, "logits")
    check_class_axis(z, "logits")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(
            f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}"
        )
    if np.isnan(z).any() or np.isposinf(z).any():
        raise ValueError(
            "logits contain NaN or +inf; the loss needs finite logits "
            "(-inf masks a class)"
        )
    if np.all(np.isneginf(z), axis=-1).any():
        raise ValueError("a row of logits is all -inf: every class is masked")
    num_classes = z.shape[-1]
    t = np.asarray(target)
    if t.shape == z.shape[:-1]:
        idx = _class_indices(t, num_classes)
        y = (np.arange(num_classes) == idx[..., None]).astype(z.dtype)
    elif t.shape == z.shape:
        y = as_float_array(t, "target")
        check_probability_rows(y, "target")
    else:
        raise ValueError(
            f"target shape {t.shape} fits neither class indices (shape "
            f"{z.shape[:-1]}) nor probability rows (shape {z.shape}) for "
            f"logits of shape {z.shape}"
        )
    zw = z.astype(working_dtype(z.dtype))
    # The loss is shift-invariant (the entries of p - y sum to 0): shifting by
    # the row maximum keeps <p - y, z> from cancelling for large logits.
    zw = zw - np.max(zw, axis=-1, keepdims=True)
    if a == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            neg_h = np.sum(np.where(y > 0, y * np.log(y), 0.0), axis=-1)
        lse = logsumexp(zw, axis=-1)
        with np.errstate(invalid="ignore"):
            picked = np.sum(np.where(y > 0, y * zw, 0.0), axis=-1)
        losses = lse - picked + neg_h
    else:
        p = entmax(zw, alpha=a, axis=-1)
        with np.errstate(invalid="ignore"):
            # a masked class with p = y = 0 contributes 0, not 0 * -inf
            linear = np.where(p - y != 0, (p - y) * zw, 0.0)
        losses = np.sum(linear, axis=-1) + _tsallis(y, a) - _tsallis(p, a)
    # a target on a masked class costs +inf
    return _reduce(np.maximum(losses, 0), reduction, z.dtype)


def sparsemax_loss(
    logits: ArrayLike, target: ArrayLike, *, reduction: Reduction = "mean"
) -> np.ndarray:
    r"""The sparsemax loss: :func:`entmax_loss` with :math:`\alpha = 2`.

    For a class index :math:`c`: :math:`L = \tfrac12 \sum_{j \in S}
    (z_j^2 - \tau^2) + \tfrac12 - z_c` (Martins & Astudillo, 2016), with
    :math:`S` the support of sparsemax. It is exactly 0 once :math:`z_c`
    leads every other logit by at least 1, and grows linearly far from it,
    like the Huber loss.

    Args:
        logits: shape ``(..., K)``, classes on the last axis; ``-inf``
            masks a class.
        target: class indices of shape ``logits.shape[:-1]``, or probability
            rows of shape ``logits.shape``.
        reduction: ``"mean"`` over rows (default), ``"sum"`` or ``"none"``.

    Returns:
        As :func:`entmax_loss`.

    Raises:
        As :func:`entmax_loss`.

    Example:
        >>> sparsemax_loss([[3.0, 1.0], [0.0, 0.0]], [0, 0], reduction="none")
        array([0.  , 0.25])
    """
    return entmax_loss(logits, target, alpha=2.0, reduction=reduction)


# --- stablemax ---------------------------------------------------------------


def _s(z: np.ndarray) -> np.ndarray:
    """StableMax's ``s``: ``x + 1`` for ``x >= 0``, ``1/(1 - x)`` below."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(z >= 0, z + 1, 1 / (1 - np.minimum(z, 0)))


def stablemax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""StableMax: :math:`p_i = s(z_i) / \sum_j s(z_j)`, with :math:`s(x) = x
    + 1` for :math:`x \ge 0` and :math:`1/(1 - x)` for :math:`x < 0`.

    :math:`s` grows linearly instead of exponentially, so no probability
    rounds to exactly 1 until the logits are astronomically apart (Prieto et
    al., 2025). Unlike softmax it is **not** shift-invariant: adding a
    constant to every logit changes the result.

    Args:
        x: logits, any shape; each slice along ``axis`` is one row.
        axis: the axis that holds the classes (default: the last one).

    Returns:
        An array of ``x``'s shape and float dtype, each row non-negative and
        summing to 1 (special values: see the module's policy).

    Raises:
        TypeError: ``x`` is not real-valued, or ``axis`` is not an integer.
        ValueError: ``axis`` is out of range; ``x`` is a scalar or empty
            along ``axis``.

    Example:
        >>> stablemax([1.0, 0.0, -1.0])
        array([0.57142857, 0.28571429, 0.14285714])
    """
    arr, ax, z = _rows(x, axis)
    s = _s(z)
    out = np.empty_like(z)
    ok = ~_special(z)
    if ok.any():
        # scale by the largest s first: the sum cannot overflow
        scaled = s[ok] / np.max(s[ok], axis=1, keepdims=True)
        out[ok] = scaled / np.sum(scaled, axis=1, keepdims=True)
    _fill_special(z, out, np.nan)
    return _unrows(out, arr, ax)


def log_stablemax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""The logarithm of :func:`stablemax`, computed without taking
    ``log(stablemax(x))``.

    :math:`\log p_i = \log s(z_i) - \log \sum_j s(z_j)`, with
    :math:`\log s(x) = \operatorname{log1p}(x)` for :math:`x \ge 0` and
    :math:`-\operatorname{log1p}(-x)` below, so tiny weights keep their
    digits.

    Args:
        x: logits, any shape; each slice along ``axis`` is one row.
        axis: the axis that holds the classes (default: the last one).

    Returns:
        An array of ``x``'s shape and float dtype, every entry :math:`\le 0`
        (``-inf`` for a ``-inf`` logit; NaN where :func:`stablemax` is NaN;
        ``log(1/k)`` for ``k`` entries of ``+inf``, ``-inf`` for the rest).

    Raises:
        As :func:`stablemax`.

    Example:
        >>> log_stablemax([1.0, 0.0, -1.0]).round(4)
        array([-0.5596, -1.2528, -1.9459])
    """
    arr, ax, z = _rows(x, axis)
    out = np.empty_like(z)
    ok = ~_special(z)
    if ok.any():
        zo = z[ok]
        with np.errstate(divide="ignore"):
            log_s = np.where(
                zo >= 0,
                np.log1p(np.maximum(zo, 0)),
                -np.log1p(-np.minimum(zo, 0)),
            )
        s = _s(zo)
        top = np.max(s, axis=1, keepdims=True)
        log_sum = np.log(top) + np.log(np.sum(s / top, axis=1, keepdims=True))
        out[ok] = log_s - log_sum
    special = np.empty_like(z)
    _fill_special(z, special, np.nan)
    with np.errstate(divide="ignore"):
        out[~ok] = np.log(special[~ok])
    return _unrows(out, arr, ax)


# --- softmax with a sink -----------------------------------------------------


def softmax_with_sink(
    x: ArrayLike, sink: ArrayLike = 0.0, axis: int = -1
) -> np.ndarray:
    r"""Softmax with an extra "sink" logit whose weight is thrown away.

    :math:`p_i = e^{z_i} / (e^{s} + \sum_j e^{z_j})`: the weights of the
    real entries sum to :math:`1 - e^{s}/(e^{s} + \sum_j e^{z_j}) < 1`, so a
    row can give (almost) nothing to every entry. ``sink=0.0`` is Miller's
    "softmax off by one", :math:`e^{z_i}/(1 + \sum_j e^{z_j})`; a learned
    sink logit per attention head is the same formula with ``s`` learned.
    Computed as :func:`~softmax_lib.core.softmax` of the row with ``s``
    appended, so it cannot overflow.

    Args:
        x: logits, any shape; each slice along ``axis`` is one row.
        sink: the sink logit :math:`s`: a scalar or an array that broadcasts
            against ``x`` with ``axis`` removed (one sink per row). ``-inf``
            gives plain softmax, ``+inf`` all zeros.
        axis: the axis that holds the classes (default: the last one).

    Returns:
        An array of ``x``'s shape and float dtype; each row non-negative,
        summing to less than 1. A row of only ``-inf`` gives zeros (the sink
        takes everything); a NaN in the row or its sink gives NaN.

    Raises:
        TypeError: ``x`` or ``sink`` is not real-valued; ``axis`` is not an
            integer.
        ValueError: ``axis`` is out of range; ``x`` is a scalar or empty
            along ``axis``; ``sink`` does not broadcast to ``x`` without
            ``axis``.

    Example:
        >>> softmax_with_sink([0.0, 0.0])
        array([0.33333333, 0.33333333])
        >>> softmax_with_sink([[0.0, 0.0], [0.0, 0.0]], sink=[0.0, -np.inf])
        array([[0.33333333, 0.33333333],
               [0.5       , 0.5       ]])
    """
    arr, ax, z = _rows(x, axis)
    s = as_float_array(sink, "sink")
    row_shape = np.moveaxis(arr, ax, -1).shape[:-1]
    try:
        s_rows = np.broadcast_to(s, row_shape)
    except ValueError:
        raise ValueError(
            f"sink has shape {s.shape}, which does not broadcast to x's shape "
            f"without axis {ax}, {row_shape}"
        ) from None
    col = s_rows.reshape(-1, 1).astype(z.dtype)
    full = np.concatenate([z, col], axis=1)
    # The sink is real: a row with only -inf logits and a finite sink gives
    # the sink all the mass. softmax gives NaN for an all -inf row, and for a
    # NaN sink.
    w = cast(np.ndarray, softmax(full, axis=-1))[:, :-1]
    return _unrows(w, arr, ax)


# --- softpick ----------------------------------------------------------------


def softpick(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Softpick: :math:`p_i = \operatorname{relu}(e^{z_i} - 1) / \sum_j
    |e^{z_j} - 1|` (Zuhri et al., 2025).

    Logits below 0 get exactly 0 but still count in the denominator, so the
    weights sum to at most 1 (to 1 only when no logit is negative) and a row
    of negative logits gives all zeros. A ``-inf`` logit is a masked entry:
    weight 0 and no part in the denominator, as in the authors' code.
    Computed with the shift :math:`m = \max(0, \max_j z_j)` as
    :math:`e^{-m}\operatorname{expm1}(z_i)` for
    :math:`z_i < 0` and :math:`-e^{z_i - m}\operatorname{expm1}(-z_i)` for
    :math:`z_i \ge 0`, which neither overflows nor loses digits near 0.

    Args:
        x: logits, any shape; each slice along ``axis`` is one row.
        axis: the axis that holds the classes (default: the last one).

    Returns:
        An array of ``x``'s shape and float dtype, each row non-negative and
        summing to at most 1. A row of zeros (0/0) gives zeros, as the
        paper's :math:`\varepsilon` in the denominator does; so does a row
        of only ``-inf``; NaN rows are NaN; ``+inf`` entries share the mass.

    Raises:
        TypeError: ``x`` is not real-valued, or ``axis`` is not an integer.
        ValueError: ``axis`` is out of range; ``x`` is a scalar or empty
            along ``axis``.

    Example:
        >>> softpick([1.0, 0.0, -1.0]).round(4)
        array([0.7311, 0.    , 0.    ])
        >>> softpick([-1.0, -2.0])
        array([0., 0.])
    """
    arr, ax, z = _rows(x, axis)
    out = np.zeros_like(z)
    ok = ~_special(z) | np.all(np.isneginf(z), axis=1)
    if ok.any():
        zo = z[ok]
        finite_max = np.max(np.where(np.isneginf(zo), 0, zo), axis=1)
        m = np.maximum(finite_max, 0)[:, None]
        pos = np.maximum(zo, 0)
        neg = np.minimum(zo, 0)
        w = np.where(
            zo >= 0,
            -np.exp(pos - m) * np.expm1(-pos),
            np.exp(-m) * np.expm1(neg),
        )
        # a -inf logit is a masked entry: no part in the sum either (as in
        # the authors' reference code)
        w = np.where(np.isneginf(zo), 0, w)
        denom = np.sum(np.abs(w), axis=1, keepdims=True)
        with np.errstate(invalid="ignore"):
            out[ok] = np.where(denom > 0, np.maximum(w, 0) / denom, 0)
    bad = ~ok
    if bad.any():
        special = np.empty_like(z)
        _fill_special(z, special, 0.0)
        out[bad] = special[bad]
    return _unrows(out, arr, ax)
