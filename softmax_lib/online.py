r"""The online (one-pass) softmax normaliser of Milakov and Gimelshein (2018).

The stable softmax needs the row maximum :math:`m = \max_j z_j` *before* it can
sum :math:`d = \sum_j e^{z_j - m}`: two passes over the input before the pass
that writes the output. The online normaliser computes :math:`m` and :math:`d`
together in one pass, keeping a running maximum and rescaling the running sum
whenever the maximum grows:

.. math::
    m_j = \max(m_{j-1}, z_j), \qquad
    d_j = d_{j-1}\, e^{m_{j-1} - m_j} + e^{z_j - m_j},

which keeps the invariant :math:`d_j = \sum_{i \le j} e^{z_i - m_j}`. Here the
input is read in *blocks* along the axis (``block_size`` entries at a time; a
block size of 1 is the element-by-element recurrence above), and two partial
states combine with :func:`merge`: the same rule, for blocks instead of single
entries. Tiled attention (FlashAttention) is built on that merge.

**The state.** A :class:`NormaliserState` holds, per row, the running maximum
``max`` and ``rest``, the running sum *without* the term 1 of one entry equal
to the maximum: :math:`d = 1 + \text{rest}`. Keeping ``rest`` rather than ``d``
lets :meth:`NormaliserState.logsumexp` use :math:`m +
\operatorname{log1p}(\text{rest})`, accurate when ``rest`` is tiny (Blanchard,
Higham and Higham, 2021), exactly as :func:`softmax_lib.core.logsumexp` does.

**Special values** follow :mod:`softmax_lib.core`, and hold in streaming form:
a NaN makes its row NaN; ``-inf`` entries weigh 0 (masking); an all ``-inf``
row has ``d = 0`` (``rest = -1``), so ``online_logsumexp`` gives ``-inf`` and
``online_softmax`` NaN; ``+inf`` entries share the mass equally, because an
entry equal to the running maximum counts :math:`e^0 = 1` even when that
maximum is ``+inf`` (``d`` then counts the ``+inf`` entries). float16 is
computed in float32 and rounded once; states are in that working dtype. No
NumPy warning is printed.

Example:
    >>> import numpy as np
    >>> x = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    >>> round(float(online_logsumexp(x, block_size=3)), 6)
    9.075944
    >>> state = merge(block_state(x[:3]), block_state(x[3:]))
    >>> float(state.max[0]), round(float(state.normaliser[0]), 6)
    (9.0, 1.078902)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_axis,
    check_count,
    check_not_empty,
    working_dtype,
)

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "NormaliserState",
    "block_state",
    "empty_state",
    "merge",
    "online_log_softmax",
    "online_logsumexp",
    "online_normaliser",
    "online_softmax",
    "rescale_factor",
]

#: Entries read per step along the axis when no ``block_size`` is given.
DEFAULT_BLOCK_SIZE = 128


class NormaliserState(NamedTuple):
    r"""The running state of the online normaliser for every row of a batch.

    Its two fields: ``max``, the running maximum :math:`m` of the entries seen
    so far (``-inf`` before any entry is seen), and ``rest``,
    :math:`\sum_j e^{z_j - m} - 1`, the running sum without the term
    :math:`e^0 = 1` of one entry equal to the maximum; ``-1`` when the sum is
    0 (nothing seen yet, or only ``-inf`` entries). Both arrays have the
    shape of the input with the reduced axis kept with length 1, so they
    broadcast against the input. A plain named tuple: it checks nothing and
    raises nothing itself (:func:`block_state` and :func:`empty_state` make
    valid ones).

    Example:
        >>> s = NormaliserState(max=np.array([[2.0]]), rest=np.array([[0.5]]))
        >>> s.normaliser, s.logsumexp().round(4)
        (array([[1.5]]), array([[2.4055]]))
    """

    max: np.ndarray
    rest: np.ndarray

    @property
    def normaliser(self) -> np.ndarray:
        r"""The softmax denominator :math:`d = 1 + \text{rest}`.

        That is :math:`d = \sum_j e^{z_j - m}`, :math:`m` the running maximum.
        """
        return 1 + self.rest

    def logsumexp(self) -> np.ndarray:
        r"""Log-sum-exp of the entries seen, axis kept:
        :math:`m + \operatorname{log1p}(\text{rest})`."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.max + np.log1p(self.rest)


def rescale_factor(old_max: ArrayLike, new_max: ArrayLike) -> np.ndarray:
    r"""The factor :math:`e^{m_\text{old} - m_\text{new}}` that moves a sum
    from one maximum to another.

    Equal maxima give exactly 1, also when both are ``-inf`` or both ``+inf``
    (where :math:`m_\text{old} - m_\text{new}` would be NaN). Tiled attention
    uses it to rescale its running output when the running maximum grows.

    Args:
        old_max: the maximum a sum was taken relative to, any shape.
        new_max: the new maximum (usually :math:`\ge` ``old_max``); broadcasts
            with ``old_max``.

    Returns:
        An array of the broadcast shape and float dtype; NaN where either
        maximum is NaN.

    Raises:
        TypeError: an argument is not real-valued.

    Example:
        >>> old = [0.0, -np.inf, np.inf, 2.0]
        >>> rescale_factor(old, [1.0, -np.inf, np.inf, np.inf])
        array([0.36787944, 1.        , 1.        , 0.        ])
    """
    old = as_float_array(old_max, name="old_max")
    new = as_float_array(new_max, name="new_max")
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(old == new, 1, np.exp(old - new))


def empty_state(
    shape: tuple[int, ...], dtype: Any = np.float64
) -> NormaliserState:
    r"""The state of a row of which nothing has been read.

    :math:`m = -\infty` and :math:`\text{rest} = -1`, that is
    :math:`d = \sum_{j \in \emptyset} e^{z_j - m} = 0`. It is the identity
    of :func:`merge`: ``merge(empty_state(s), state)`` is ``state``.

    Args:
        shape: the shape of the state arrays (the batch shape with the axis
            kept as length 1).
        dtype: float16, float32 or float64; float16 gives a float32 state.

    Returns:
        A :class:`NormaliserState`.

    Raises:
        TypeError: ``dtype`` is not one of the three float dtypes.

    Example:
        >>> empty_state((2, 1)).logsumexp().ravel()
        array([-inf, -inf])
    """
    dt = np.dtype(dtype)
    if dt not in (np.float16, np.float32, np.float64):
        raise TypeError(f"dtype must be float16, float32 or float64, got {dt}")
    dt = working_dtype(dt)
    return NormaliserState(
        np.full(shape, -np.inf, dtype=dt), np.full(shape, -1, dtype=dt)
    )


def _block_state_last_axis(z: np.ndarray) -> NormaliserState:
    """State of the entries of ``z`` along its last axis (length >= 1), in
    ``z``'s dtype, axis kept."""
    m = np.max(z, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", over="ignore"):
        # An entry equal to the maximum contributes e^0 = 1, also when the
        # maximum is +inf.
        e = np.exp(np.where(z == m, 0, z - m))
    # Leave out the term 1 of one maximal entry: rest is the sum of the others,
    # kept for log1p.
    np.put_along_axis(e, np.argmax(z, axis=-1, keepdims=True), 0, axis=-1)
    rest = np.sum(e, axis=-1, keepdims=True)
    rest = np.where(m == -np.inf, -1, rest).astype(z.dtype, copy=False)
    return NormaliserState(m, rest)


def block_state(x: ArrayLike, axis: int = -1) -> NormaliserState:
    r"""The normaliser state of one block: :math:`m = \max_j z_j` and
    :math:`\sum_j e^{z_j - m} - 1`.

    Args:
        x: one block of entries, any shape; may be empty along ``axis``
            (giving :func:`empty_state`).
        axis: the axis the block runs along.

    Returns:
        A :class:`NormaliserState` with arrays of ``x``'s shape and ``axis`` of
        length 1, in the working dtype (float32 for float16 input).

    Raises:
        TypeError: ``x`` is not real-valued, or ``axis`` is not an integer.
        ValueError: ``axis`` is out of range or ``x`` is a scalar.

    Example:
        >>> s = block_state([0.0, np.log(3.0)])
        >>> [round(float(v[0]), 4) for v in (s.max, s.rest, s.logsumexp())]
        [1.0986, 0.3333, 1.3863]
    """
    arr = as_float_array(x)
    ax = check_axis(axis, arr.ndim)
    z = np.moveaxis(arr.astype(working_dtype(arr.dtype), copy=False), ax, -1)
    if z.shape[-1] == 0:
        state = empty_state(z.shape[:-1] + (1,), z.dtype)
    else:
        state = _block_state_last_axis(z)
    return NormaliserState(
        np.moveaxis(state.max, -1, ax), np.moveaxis(state.rest, -1, ax)
    )


def merge(a: NormaliserState, b: NormaliserState) -> NormaliserState:
    r"""Combine the states of two disjoint parts of the same rows.

    With :math:`m = \max(m_a, m_b)`, the normalisers add after rescaling to the
    common maximum: :math:`d = d_a e^{m_a - m} + d_b e^{m_b - m}`. In terms of
    ``rest`` (:math:`d = 1 + \text{rest}`) the part holding the maximum keeps
    its ``rest`` and the other adds its whole normaliser: :math:`\text{rest} =
    \text{rest}_\text{win} + d_\text{lose}\, e^{m_\text{lose} - m}`. The merge
    is associative and commutative (up to rounding), which is what lets blocks
    be read in any order or in parallel.

    Args:
        a, b: states whose arrays broadcast together.

    Returns:
        The :class:`NormaliserState` of the union of both parts.

    Raises:
        ValueError: the shapes of the two states do not broadcast.

    Example:
        >>> x = np.array([1.0, 5.0, 2.0, 7.0])
        >>> both = merge(block_state(x[:2]), block_state(x[2:]))
        >>> bool(np.isclose(both.logsumexp()[0], np.log(np.exp(x).sum())))
        True
    """
    try:
        np.broadcast_shapes(np.shape(a.max), np.shape(b.max))
    except ValueError:
        raise ValueError(
            f"the states have shapes {np.shape(a.max)} and "
            f"{np.shape(b.max)}, which do not broadcast"
        ) from None
    m = np.maximum(a.max, b.max)  # NaN if either is NaN
    a_wins = ~(b.max > a.max)
    rest_win = np.where(a_wins, a.rest, b.rest)
    rest_lose = np.where(a_wins, b.rest, a.rest)
    max_lose = np.where(a_wins, b.max, a.max)
    with np.errstate(invalid="ignore"):
        rest = rest_win + (1 + rest_lose) * rescale_factor(max_lose, m)
    return NormaliserState(m, rest.astype(m.dtype, copy=False))


def _stream(z: np.ndarray, block_size: int) -> NormaliserState:
    """One pass over the last axis of ``z`` in blocks of ``block_size``: the
    merged state."""
    state = empty_state(z.shape[:-1] + (1,), z.dtype)
    for start in range(0, z.shape[-1], block_size):
        state = merge(
            state, _block_state_last_axis(z[..., start : start + block_size])
        )
    return state


def _prepare(
    x: ArrayLike, axis: Any, block_size: Any
) -> tuple[np.ndarray, int, np.dtype, int]:
    """Validate; return ``x`` in the working dtype with ``axis`` moved last,
    the axis, the output dtype, the block size."""
    bs = check_count(
        block_size, "block_size", 1, "1 reads one entry at a time"
    )
    arr = as_float_array(x)
    ax = check_axis(axis, arr.ndim)
    check_not_empty(arr, ax)
    z = np.moveaxis(arr.astype(working_dtype(arr.dtype), copy=False), ax, -1)
    return z, ax, arr.dtype, bs


def online_normaliser(
    x: ArrayLike, axis: int = -1, block_size: int = DEFAULT_BLOCK_SIZE
) -> NormaliserState:
    r"""Pass 1 of the online softmax: the row maximum and normaliser in one
    read of ``x``.

    Reads ``x`` along ``axis`` in blocks of ``block_size`` entries and merges
    their states (:func:`merge`), starting from :func:`empty_state`: after
    block :math:`b`, :math:`m_b = \max(m_{b-1}, \max_{j \in b} z_j)` and
    :math:`d_b = d_{b-1} e^{m_{b-1} - m_b} + \sum_{j \in b} e^{z_j - m_b}`.

    Args:
        x: logits, any shape; each 1-D slice along ``axis`` is one row.
        axis: the axis to normalise along (default: the last one).
        block_size: entries read per step, at least 1; a block longer than
            the row is one block.

    Returns:
        A :class:`NormaliserState` whose arrays have ``x``'s shape with
        ``axis`` of length 1.

    Raises:
        TypeError: ``x`` is not real-valued, or ``axis`` or ``block_size`` is
            not an integer.
        ValueError: ``axis`` is out of range, ``x`` is a scalar or empty along
            ``axis``, or ``block_size`` is below 1.

    Example:
        >>> s = online_normaliser([2.0, 1.0, 0.1], block_size=1)
        >>> float(s.max[0]), round(float(s.normaliser[0]), 4)
        (2.0, 1.5174)
    """
    z, ax, _, bs = _prepare(x, axis, block_size)
    state = _stream(z, bs)
    return NormaliserState(
        np.moveaxis(state.max, -1, ax), np.moveaxis(state.rest, -1, ax)
    )


def online_logsumexp(
    x: ArrayLike,
    axis: int = -1,
    block_size: int = DEFAULT_BLOCK_SIZE,
    keepdims: bool = False,
) -> np.ndarray:
    r"""Log-sum-exp :math:`\log \sum_j e^{z_j}` in one pass: :math:`m +
    \operatorname{log1p}(\text{rest})`.

    Agrees with :func:`softmax_lib.core.logsumexp` to rounding, for any block
    size.

    Args:
        x: values, any shape.
        axis: the axis to reduce.
        block_size: entries read per step, at least 1.
        keepdims: keep the reduced axis with length 1.

    Returns:
        The float dtype of ``x``, with ``axis`` removed (or kept with length
        1). An all ``-inf`` row gives ``-inf``, a row with ``+inf`` gives
        ``+inf``, a row with NaN gives NaN.

    Raises:
        TypeError, ValueError: as :func:`online_normaliser`.

    Example:
        >>> x = [1000.0, 1000.0]
        >>> float(online_logsumexp(x, block_size=1))  # 1000 + log 2
        1000.6931471805599
    """
    z, ax, out_dtype, bs = _prepare(x, axis, block_size)
    out = _stream(z, bs).logsumexp()
    out = np.moveaxis(out, -1, ax) if keepdims else out[..., 0]
    return np.asarray(out).astype(out_dtype, copy=False)


def online_softmax(
    x: ArrayLike, axis: int = -1, block_size: int = DEFAULT_BLOCK_SIZE
) -> np.ndarray:
    r"""Softmax in two passes over ``x``: the online normaliser, then
    :math:`p_i = e^{z_i - m} / d`.

    Agrees with :func:`softmax_lib.core.softmax` to rounding, for any block
    size, and follows the same special-value policy (NaN row gives NaN,
    ``-inf`` entries get 0, an all ``-inf`` row gives NaN, ``+inf`` entries
    share the mass).

    Args:
        x: logits, any shape.
        axis: the class axis (default: the last one).
        block_size: entries read per step of the first pass, at least 1.

    Returns:
        An array of the shape and float dtype of ``x`` whose rows sum to 1.

    Raises:
        TypeError, ValueError: as :func:`online_normaliser`.

    Example:
        >>> online_softmax([2.0, 1.0, 0.1], block_size=2).round(4)
        array([0.659 , 0.2424, 0.0986])
        >>> online_softmax([[np.inf, 0.0, np.inf], [-np.inf, 0.0, 0.0]])
        array([[0.5, 0. , 0.5],
               [0. , 0.5, 0.5]])
    """
    z, ax, out_dtype, bs = _prepare(x, axis, block_size)
    state = _stream(z, bs)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        p = (
            np.exp(np.where(z == state.max, 0, z - state.max))
            / state.normaliser
        )
    # all -inf row: 0/0, no distribution
    p = np.where(state.max == -np.inf, np.nan, p)
    return np.moveaxis(p, -1, ax).astype(out_dtype, copy=False)


def online_log_softmax(
    x: ArrayLike, axis: int = -1, block_size: int = DEFAULT_BLOCK_SIZE
) -> np.ndarray:
    r"""Log-softmax in two passes: :math:`\log p_i = (z_i - m) -
    \operatorname{log1p}(\text{rest})`.

    Agrees with :func:`softmax_lib.core.log_softmax` to rounding, for any block
    size.

    Args:
        x: logits, any shape.
        axis: the class axis (default: the last one).
        block_size: entries read per step of the first pass, at least 1.

    Returns:
        An array of the shape and float dtype of ``x``, every entry :math:`\le
        0`. ``-inf`` logits give ``-inf``; an all ``-inf`` row or a row with
        NaN gives NaN; in a row with ``k`` entries ``+inf`` those get
        :math:`-\log k`.

    Raises:
        TypeError, ValueError: as :func:`online_normaliser`.

    Example:
        >>> online_log_softmax([1000.0, 0.0], block_size=1)
        array([    0., -1000.])
    """
    z, ax, out_dtype, bs = _prepare(x, axis, block_size)
    state = _stream(z, bs)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(z == state.max, 0, z - state.max) - np.log1p(state.rest)
    out = np.where(state.max == -np.inf, np.nan, out)
    return np.moveaxis(out, -1, ax).astype(out_dtype, copy=False)
