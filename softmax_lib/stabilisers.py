r"""What large models add around softmax to keep training stable.

* ``z_loss`` and ``z_loss_gradient``: the auxiliary loss
  :math:`\alpha \log^2 Z` that pins the log-normaliser near 0;
* ``soft_cap``: logit soft-capping :math:`c \tanh(x / c)`;
* ``qk_norm``: RMS-normalise queries or keys before their dot product;
* ``scalable_softmax``: Scalable-Softmax (SSMax), :math:`\operatorname{softmax}
  (s \log n \cdot \mathbf z)`, whose peak does not fade as the row grows;
* ``mixture_of_softmaxes``: a convex combination of softmaxes, which escapes
  the rank limit of one softmax layer;
* ``entropy``: the entropy of probability rows, to watch attention collapse.

Input follows the rules of :mod:`softmax_lib.core`: anything
``numpy.asarray`` accepts, float16/32/64 keep their dtype (float16 is
computed in float32), integers and booleans become float64, other input
raises ``TypeError``; a NaN in a row makes that row's result NaN.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_axis,
    check_count,
    check_not_empty,
    check_probability_rows,
    working_dtype,
)
from softmax_lib.core import log_softmax, logsumexp, softmax

__all__ = [
    "entropy",
    "mixture_of_softmaxes",
    "qk_norm",
    "scalable_softmax",
    "soft_cap",
    "z_loss",
    "z_loss_gradient",
]


def _check_real(value: Any, name: str, *, positive: bool) -> float:
    """Return ``value`` as a float, or raise unless it is a finite real
    number (positive, or non-negative)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Real
    ):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    ok = 0 < value < np.inf if positive else 0 <= value < np.inf
    if not ok:
        kind = "positive" if positive else "non-negative"
        raise ValueError(
            f"{name} must be a {kind}, finite number, got {value!r}"
        )
    return value


def _rows(x: ArrayLike, axis: Any) -> tuple[np.ndarray, int]:
    arr = as_float_array(x)
    ax = check_axis(axis, arr.ndim)
    check_not_empty(arr, ax)
    return arr, ax


def z_loss(logits: ArrayLike, weight: float = 1e-4, axis: int = -1) -> Any:
    r"""The z-loss :math:`\alpha \,(\log Z)^2` of each row, with
    :math:`\log Z = \log \sum_j e^{z_j}`.

    Cross-entropy does not change when a constant is added to every logit, so
    nothing in it holds :math:`\log Z` in place; this penalty does. PaLM added
    it with :math:`\alpha = 10^{-4}`.

    Args:
        logits: logits of any shape.
        weight: the coefficient :math:`\alpha \ge 0`.
        axis: the class axis.

    Returns:
        The z-loss of each row, of ``logits``' shape without ``axis``. A row of
        only ``-inf`` has :math:`\log Z = -\infty` and a z-loss of ``inf``; a
        row with a NaN gives NaN.

    Raises:
        TypeError: non-numeric ``logits`` or a non-real ``weight``.
        ValueError: a negative or non-finite ``weight``, a bad ``axis`` or an
            empty row.

    Example:
        >>> z_loss([[0.0, 0.0], [10.0, 10.0]], weight=1.0).round(4)
        array([  0.4805, 114.3434])
    """
    arr, ax = _rows(logits, axis)
    alpha = _check_real(weight, "weight", positive=False)
    lse = logsumexp(arr, axis=ax)
    with np.errstate(over="ignore"):  # log Z near 1e308: the loss is inf
        return (alpha * np.square(lse)).astype(lse.dtype)


def z_loss_gradient(
    logits: ArrayLike, weight: float = 1e-4, axis: int = -1
) -> Any:
    r"""The gradient of :func:`z_loss` with respect to the logits:
    :math:`2 \alpha \log Z \cdot \operatorname{softmax}(\mathbf z)`.

    Args:
        logits: logits of any shape.
        weight: the coefficient :math:`\alpha \ge 0`.
        axis: the class axis.

    Returns:
        An array of ``logits``' shape. It sums to :math:`2\alpha\log Z`
        along ``axis``: the z-loss moves every logit of a row in the same
        direction, down when :math:`\log Z > 0`, which is exactly the
        direction cross-entropy cannot see.

    Raises:
        TypeError: non-numeric ``logits`` or a non-real ``weight``.
        ValueError: a negative or non-finite ``weight``, a bad ``axis`` or an
            empty row.

    Example:
        >>> z_loss_gradient([1.0, 1.0], weight=0.5).round(4)
        array([0.8466, 0.8466])
    """
    arr, ax = _rows(logits, axis)
    alpha = _check_real(weight, "weight", positive=False)
    lse = logsumexp(arr, axis=ax, keepdims=True)
    with np.errstate(over="ignore"):  # log Z near 1e308: inf entries
        return (2 * alpha * lse * softmax(arr, axis=ax)).astype(lse.dtype)


def soft_cap(x: ArrayLike, cap: float) -> Any:
    r"""Logit soft-capping, :math:`c \tanh(x / c)`, elementwise.

    Close to the identity for :math:`|x| \ll c` (the slope at 0 is 1), and
    never beyond :math:`\pm c`: Gemma 2 caps attention logits at 50 and final
    logits at 30.

    Args:
        x: values of any shape; ``±inf`` maps to ``±cap``, NaN stays NaN.
        cap: the cap :math:`c > 0`.

    Returns:
        An array of ``x``'s shape and dtype.

    Raises:
        TypeError: non-numeric ``x`` or a non-real ``cap``.
        ValueError: ``cap`` not positive and finite.

    Example:
        >>> soft_cap([-1000.0, 3.0, 1000.0], cap=30.0).round(4)
        array([-30.  ,   2.99,  30.  ])
    """
    arr = as_float_array(x)
    c = _check_real(cap, "cap", positive=True)
    work = arr.astype(working_dtype(arr.dtype))
    return (c * np.tanh(work / c)).astype(arr.dtype)


def qk_norm(x: ArrayLike, eps: float = 1e-6, axis: int = -1) -> Any:
    r"""RMS-normalise queries or keys along the head dimension:
    :math:`\mathbf x / \sqrt{\operatorname{mean}(\mathbf x^2) + \epsilon}`.

    After it every query and key has norm at most :math:`\sqrt d`, so a
    scaled score :math:`\hat{\mathbf q}^\top \hat{\mathbf k} / \sqrt d` lies
    in :math:`[-\sqrt d, \sqrt d]` however large the weights grow (models
    multiply by a learned gain afterwards; it is left out here).

    Args:
        x: queries or keys, with the head dimension on ``axis``.
        eps: a small non-negative number added to the mean square.
        axis: the head dimension.

    Returns:
        An array of ``x``'s shape and dtype.

    Raises:
        TypeError: non-numeric ``x`` or a non-real ``eps``.
        ValueError: a negative or non-finite ``eps``, a bad ``axis`` or an
            empty head dimension.

    Example:
        >>> qk_norm([[3.0, 4.0]], eps=0.0)
        array([[0.84852814, 1.13137085]])
    """
    arr, ax = _rows(x, axis)
    e = _check_real(eps, "eps", positive=False)
    work = arr.astype(working_dtype(arr.dtype))
    rms = np.sqrt(np.mean(np.square(work), axis=ax, keepdims=True) + e)
    return (work / rms).astype(arr.dtype)


def scalable_softmax(
    x: ArrayLike, s: float = 1.0, axis: int = -1, n: int | None = None
) -> Any:
    r"""Scalable-Softmax (SSMax): :math:`\operatorname{softmax}(s \log n
    \cdot \mathbf z)` along ``axis``.

    Multiplying the logits by :math:`\log n` keeps the weight of a logit
    that stands a fixed gap above the rest from fading as the number
    :math:`n` of entries grows: with one logit :math:`\delta` above
    :math:`n - 1` equal ones its weight is
    :math:`1 / (1 + (n - 1)\, n^{-s\delta})`.

    Args:
        x: logits of any shape.
        s: the scale :math:`s > 0` (learned per head in the original).
        axis: the axis to normalise.
        n: the length to use in :math:`\log n`; by default the length of
            ``axis`` (pass the number of unmasked keys when masking).

    Returns:
        Probabilities of ``x``'s shape. With ``n = 1``, :math:`\log n = 0`
        and every entry above ``-inf`` gets the same weight; NaN and
        ``-inf`` follow :func:`~softmax_lib.core.softmax`'s policy.

    Raises:
        TypeError: non-numeric ``x``, a non-real ``s`` or a non-integer
            ``n``.
        ValueError: ``s`` not positive and finite, ``n < 1``, a bad
            ``axis`` or an empty row.

    Example:
        >>> scalable_softmax([2.0, 0.0, 0.0, 0.0]).round(4)
        array([0.8421, 0.0526, 0.0526, 0.0526])
    """
    arr, ax = _rows(x, axis)
    scale = _check_real(s, "s", positive=True)
    length = arr.shape[ax] if n is None else check_count(n, "n")
    if length == 1:  # log 1 = 0: every unmasked entry gets the same weight
        flat = np.where(
            np.isnan(arr), np.nan, np.where(arr == -np.inf, -np.inf, 0)
        )
        return softmax(flat.astype(arr.dtype), axis=ax)
    return softmax(arr, axis=ax, temperature=1.0 / (scale * np.log(length)))


def mixture_of_softmaxes(logits: ArrayLike, gate_logits: ArrayLike) -> Any:
    r"""A mixture of :math:`M` softmaxes,
    :math:`\mathbf p = \sum_m \pi_m \operatorname{softmax}(\mathbf z_m)`
    with :math:`\boldsymbol\pi = \operatorname{softmax}(\mathbf g)`.

    Computed in log space, :math:`\log \mathbf p =
    \operatorname{lse}_m(\log \pi_m + \log\operatorname{softmax}(\mathbf
    z_m))`, so no component underflows on its own.

    Args:
        logits: shape ``(..., M, K)``: component ``m``'s logits over ``K``
            classes.
        gate_logits: shape ``(..., M)``: the mixture weights' logits.

    Returns:
        Probabilities of shape ``(..., K)``.

    Raises:
        TypeError: non-numeric input.
        ValueError: ``logits`` with fewer than two dimensions, shapes that do
            not match, or no component or class.

    Example:
        >>> mixture_of_softmaxes([[0.0, 50.0], [50.0, 0.0]], [0.0, 0.0])
        array([0.5, 0.5])
    """
    z = as_float_array(logits, "logits")
    g = as_float_array(gate_logits, "gate_logits")
    if z.ndim < 2:
        raise ValueError(
            "logits must have shape (..., M, K): one row of K logits per "
            f"component; got shape {z.shape}"
        )
    if g.shape != z.shape[:-1]:
        raise ValueError(
            f"gate_logits must have shape {z.shape[:-1]} (one logit per "
            f"component), got {g.shape}"
        )
    check_not_empty(z, z.ndim - 1)
    check_not_empty(z, z.ndim - 2)
    log_pi = log_softmax(g, axis=-1)
    log_p = logsumexp(log_pi[..., None] + log_softmax(z, axis=-1), axis=-2)
    return np.exp(log_p)


def entropy(p: ArrayLike, axis: int = -1) -> Any:
    r"""The entropy :math:`H(\mathbf p) = -\sum_i p_i \log p_i` of each row
    (natural log, :math:`0 \log 0 = 0`).

    It lies between 0 (one-hot) and :math:`\log K` (uniform); an attention
    head whose entropy falls towards 0 has collapsed onto one key.

    Args:
        p: probability rows along ``axis``.
        axis: the axis of each distribution.

    Returns:
        The entropy of each row, of ``p``'s shape without ``axis``.

    Raises:
        TypeError: non-numeric ``p``.
        ValueError: rows that are not probability distributions (negative,
            non-finite, or not summing to 1), a bad ``axis`` or an empty row.

    Example:
        >>> entropy([[0.5, 0.5], [1.0, 0.0]]).round(4)
        array([0.6931, 0.    ])
    """
    arr, ax = _rows(p, axis)
    check_probability_rows(arr, "p", axis=ax)
    work = arr.astype(working_dtype(arr.dtype))
    safe = np.where(work > 0, work, 1)
    h = -np.sum(work * np.log(safe), axis=ax)
    return (np.maximum(h, 0) + 0.0).astype(arr.dtype)
