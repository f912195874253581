r"""Softmax, log-softmax, log-sum-exp and the sigmoid.

Every function here works along one axis of an array of any shape and follows
the same rules:

* **Input.** Anything :func:`numpy.asarray` accepts. float16, float32 and
  float64 keep their dtype (float16 is computed in float32 and rounded once);
  booleans and integers become float64. Complex or non-numeric input raises
  ``TypeError``; a bad ``axis`` or ``temperature`` raises ``ValueError``.
* **Special values** (the policy, row by row along ``axis``):

  - a NaN anywhere in a row makes the whole row NaN;
  - ``-inf`` entries get probability exactly 0 (this is how masking works),
    as long as the row has at least one entry above ``-inf``;
  - a row that is **all** ``-inf`` has no distribution (0/0): ``softmax`` and
    ``log_softmax`` give NaN for the row, ``logsumexp`` gives ``-inf``;
  - a row with one or more ``+inf`` entries is the limit of those logits
    growing together: the ``+inf`` entries share the probability equally, every
    other entry gets 0, and ``logsumexp`` is ``+inf``.

  None of these cases prints a NumPy warning.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_axis,
    check_not_empty,
    check_temperature,
    working_dtype,
)


def _validated(x: ArrayLike, axis: Any) -> tuple[np.ndarray, int]:
    """Check ``x`` and ``axis``; return ``x`` as a float array and ``axis`` as a non-negative index."""
    arr = as_float_array(x)
    ax = check_axis(axis, arr.ndim)
    check_not_empty(arr, ax)
    return arr, ax


def _prepare(x: ArrayLike, axis: Any) -> tuple[np.ndarray, int, np.dtype]:
    """:func:`_validated`, plus the cast to the working dtype; also returns the output dtype."""
    arr, ax = _validated(x, axis)
    return arr.astype(working_dtype(arr.dtype), copy=False), ax, arr.dtype


def _shifted_exponentials(z: np.ndarray, axis: int, temperature: float = 1.0):
    """The shared first half of softmax, log-softmax and log-sum-exp.

    Returns ``(shifted, shift, e, denominator, log_denominator)`` where ``m`` is the row maximum,
    ``shift`` is ``m`` (or 0 where ``m`` is infinite: subtracting it would give
    ``inf - inf``), ``shifted = (z - shift) / temperature``, ``e = exp(shifted)`` and
    ``denominator = sum(e)`` and ``log_denominator = log(sum(e))`` along ``axis``
    (with the axis kept).

    The row maximum contributes exactly ``exp(0) = 1`` to the sum, so for rows with a
    finite maximum the log of the sum is computed as ``log1p(s)``, ``s`` being the sum
    of the *other* terms: accurate even when ``s`` is tiny, where ``log(1 + s)``
    would lose every digit of ``s`` (Blanchard, Higham and Higham, 2021).
    """
    row_max = np.max(z, axis=axis, keepdims=True)
    shift = np.where(np.isinf(row_max), 0, row_max).astype(z.dtype, copy=False)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # -1e308 - 1e308 = -inf is the right answer here: its exponential is 0.
        shifted = z - shift
        if temperature != 1.0:
            shifted = shifted / temperature
        e = np.exp(shifted)
        first_max = np.argmax(z, axis=axis, keepdims=True)
        e_max = np.take_along_axis(e, first_max, axis=axis)
        others = e.copy()
        np.put_along_axis(others, first_max, 0, axis=axis)
        s_others = np.sum(others, axis=axis, keepdims=True)
        # e_max is 1 unless the maximum is infinite (row of -inf: 0; +inf present: inf) or NaN.
        denominator = e_max + s_others
        log_denominator = np.where(e_max == 1, np.log1p(s_others), np.log(denominator))
    return shifted, shift, e, denominator, log_denominator


def _posinf_share(z: np.ndarray, axis: int) -> np.ndarray:
    """Equal shares ``1/k`` on the ``k`` entries equal to ``+inf`` in each row, 0 elsewhere.

    Only used for rows whose denominator is ``+inf``: exactly the rows holding
    ``+inf`` and no NaN (a NaN makes the denominator NaN).
    """
    is_posinf = np.isposinf(z)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (is_posinf / np.sum(is_posinf, axis=axis, keepdims=True)).astype(z.dtype, copy=False)


def softmax(x: ArrayLike, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    r"""Softmax along ``axis``: :math:`p_i = \exp(z_i / T) / \sum_j \exp(z_j / T)`.

    Computed stably as :math:`\exp((z_i - \max z)/T) / \sum_j \exp((z_j - \max z)/T)`,
    which is equal by shift invariance and cannot overflow.

    Args:
        x: logits, any shape; each 1-D slice along ``axis`` is one row.
        axis: the axis that holds the classes (default: the last one).
        temperature: :math:`T > 0`, finite. Large :math:`T` flattens the
            distribution, small :math:`T` sharpens it towards the arg-max.

    Returns:
        An array of the same shape and float dtype as ``x`` whose rows are
        non-negative and sum to 1. Special values follow the module's policy
        (NaN row in, NaN row out; all ``-inf`` row gives NaN; ``+inf`` entries
        share the mass).

    Raises:
        TypeError: ``x`` is not real-valued, or ``axis``/``temperature`` has the wrong type.
        ValueError: ``axis`` is out of range, ``x`` is a scalar or empty along
            ``axis``, or ``temperature`` is not positive and finite.

    Example:
        >>> softmax([2.0, 1.0, 0.1]).round(4)
        array([0.659 , 0.2424, 0.0986])
        >>> softmax([[1, 2], [3, 3]], axis=1)
        array([[0.26894142, 0.73105858],
               [0.5       , 0.5       ]])
    """
    t = check_temperature(temperature)
    z, ax, out_dtype = _prepare(x, axis)
    _, _, e, denominator, _ = _shifted_exponentials(z, ax, t)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = e / denominator
    posinf_rows = np.isposinf(denominator)
    if np.any(posinf_rows):
        p = np.where(posinf_rows, _posinf_share(z, ax), p)
    return p.astype(out_dtype, copy=False)


def log_softmax(x: ArrayLike, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    r"""Logarithm of the softmax: :math:`\log p_i = z_i/T - \operatorname{logsumexp}(\mathbf z/T)`.

    Never computed as ``log(softmax(x))``: a probability that underflows to 0
    would become ``-inf``, whereas this stays finite for every finite input.

    Args:
        x: logits, any shape.
        axis: the class axis (default: the last one).
        temperature: :math:`T > 0`, finite.

    Returns:
        An array of the shape and float dtype of ``x``, every entry :math:`\le 0`.
        ``-inf`` logits give ``-inf``; an all ``-inf`` row or a row with NaN gives
        NaN; in a row with ``k`` entries equal to ``+inf`` those get
        :math:`-\log k` and the rest ``-inf``.

    Raises:
        TypeError, ValueError: as :func:`softmax`.

    Example:
        >>> log_softmax([1000.0, 0.0])  # log(softmax(...)) would give [0, -inf]
        array([    0., -1000.])
    """
    t = check_temperature(temperature)
    z, ax, out_dtype = _prepare(x, axis)
    shifted, _, _, denominator, log_denominator = _shifted_exponentials(z, ax, t)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = shifted - log_denominator
        posinf_rows = np.isposinf(denominator)
        if np.any(posinf_rows):
            out = np.where(posinf_rows, np.log(_posinf_share(z, ax)), out)
    return out.astype(out_dtype, copy=False)


def logsumexp(x: ArrayLike, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    r"""Log-sum-exp along ``axis``: :math:`\log \sum_i \exp(z_i)`, the "smooth maximum".

    Computed as :math:`m + \log\sum_i \exp(z_i - m)` with :math:`m = \max_i z_i`,
    so it never overflows. It satisfies
    :math:`\max_i z_i \le \operatorname{logsumexp}(\mathbf z) \le \max_i z_i + \log K`.

    Args:
        x: values, any shape.
        axis: the axis to reduce.
        keepdims: keep the reduced axis with length 1 (handy for broadcasting).

    Returns:
        The float dtype of ``x``, with ``axis`` removed (or kept with length 1).
        An all ``-inf`` row gives ``-inf`` (the log of an empty sum), a row
        with ``+inf`` gives ``+inf``, a row with NaN gives NaN.

    Raises:
        TypeError, ValueError: as :func:`softmax`.

    Example:
        >>> float(logsumexp([1000.0, 1000.0]))  # 1000 + log 2; the naive formula overflows
        1000.6931471805599
    """
    z, ax, out_dtype = _prepare(x, axis)
    _, shift, _, _, log_denominator = _shifted_exponentials(z, ax)
    out = shift + log_denominator
    if not keepdims:
        out = np.squeeze(out, axis=ax)
    return np.asarray(out).astype(out_dtype, copy=False)


def softmax_naive(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""The textbook formula :math:`e^{z_i} / \sum_j e^{z_j}`, computed literally. **Unstable on purpose.**

    Kept for teaching: it overflows (``exp(z)`` is ``inf`` for :math:`z > 709.78`
    in float64, giving NaN) and underflows (every ``exp(z)`` is 0 for very
    negative rows, giving 0/0 = NaN). It does so silently, without NumPy
    warnings, so that notebooks show the wrong answer rather than a warning.
    Use :func:`softmax` for real work.

    Args:
        x: logits, any shape.
        axis: the class axis.

    Returns:
        An array of the shape and float dtype of ``x``.

    Raises:
        TypeError, ValueError: as :func:`softmax` (input checks are not the unstable part).

    Example:
        >>> softmax_naive([1.0, 2.0])
        array([0.26894142, 0.73105858])
        >>> softmax_naive([1000.0, 0.0])
        array([nan,  0.])
    """
    arr, ax = _validated(x, axis)  # no float16 -> float32 cast: it overflows in the input's own dtype
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(arr)
        return e / np.sum(e, axis=ax, keepdims=True)


def sigmoid(x: ArrayLike) -> np.ndarray:
    r"""The logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, elementwise.

    Computed from :math:`e^{-|x|}`, which never overflows: :math:`1/(1+e^{-|x|})`
    for :math:`x \ge 0` and :math:`e^{-|x|}/(1+e^{-|x|})` for :math:`x < 0`.
    Two-class softmax is a sigmoid: ``softmax([a, b])[0] == sigmoid(a - b)``.

    Args:
        x: any shape.

    Returns:
        An array of the shape and float dtype of ``x`` with values in [0, 1];
        ``sigmoid(inf) = 1``, ``sigmoid(-inf) = 0``, NaN stays NaN.

    Raises:
        TypeError: ``x`` is not real-valued.

    Example:
        >>> sigmoid([-800.0, 0.0, 800.0])
        array([0. , 0.5, 1. ])
    """
    arr = as_float_array(x)
    z = arr.astype(working_dtype(arr.dtype), copy=False)
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return np.asarray(out).astype(arr.dtype, copy=False)
