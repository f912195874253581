r"""Scaled dot-product attention, its masks, and tiled (FlashAttention-style)
attention.

Scaled dot-product attention (Vaswani et al., 2017) is a softmax over each row
of a score matrix:

.. math::
    \operatorname{Attention}(Q, K, V)
    = \operatorname{softmax}\!\Bigl(\frac{Q K^\top}{\sqrt d}\Bigr) V,

with queries :math:`Q \in \mathbb R^{n_q \times d}`, keys :math:`K \in \mathbb
R^{n_k \times d}` and values :math:`V \in \mathbb R^{n_k \times d_v}`. Row
:math:`i` of the scores holds the logits :math:`z_j = \mathbf q_i^\top \mathbf
k_j / \sqrt d` of query :math:`i` over the :math:`n_k` keys.

**Shapes.** ``q`` is ``(..., n_q, d)``, ``k`` is ``(..., n_k, d)``, ``v`` is
``(..., n_k, d_v)``; the leading (batch, head) axes broadcast together. The
output is ``(..., n_q, d_v)``.

**Masks** are boolean arrays that broadcast to ``(..., n_q, n_k)``, ``True``
where query ``i`` may attend to key ``j`` (the convention of PyTorch's boolean
``attn_mask``). A masked score becomes :math:`-\infty` and gets weight exactly
0. ``causal=True`` adds :func:`causal_mask`.

**Fully masked rows.** A query that may attend to no key has no distribution
(0/0). Every function here takes ``fully_masked``:

* ``"nan"`` (the default): the row's weights and output are NaN, as
  :func:`softmax_lib.core.softmax` gives for an all ``-inf`` row. Loud: a NaN
  cannot be mistaken for a result.
* ``"zero"``: weights and output are 0 for that row, which is what PyTorch's
  ``scaled_dot_product_attention`` and FlashAttention return. Use it when such
  rows are padding that is discarded later.
* ``"raise"``: ``ValueError`` naming the first such row.

Only rows emptied *by the mask* are treated so; a NaN in the inputs still gives
NaN.

**dtypes.** float16 inputs are computed in float32 and rounded once, like
:func:`softmax_lib.core.softmax`, so float16 scores cannot overflow here (the
"Common mistakes" chapter shows what happens when they do).

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> q, k = rng.normal(size=(4, 8)), rng.normal(size=(6, 8))
    >>> v = rng.normal(size=(6, 3))
    >>> direct = scaled_dot_product_attention(q, k, v, causal=True)
    >>> tiled = tiled_attention(q, k, v, block_size=2, causal=True)
    >>> bool(np.allclose(direct, tiled))
    True
"""

from __future__ import annotations

import numbers
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib import online
from softmax_lib._validation import as_float_array, check_count, working_dtype
from softmax_lib.core import softmax

__all__ = [
    "attention_weights",
    "causal_mask",
    "padding_mask",
    "scaled_dot_product_attention",
    "tiled_attention",
]

FullyMasked = Literal["nan", "zero", "raise"]
_FULLY_MASKED = ("nan", "zero", "raise")


# --- masks -------------------------------------------------------------------


def causal_mask(
    n_queries: int, n_keys: int | None = None, *, offset: int = 0
) -> np.ndarray:
    r"""The causal mask: query :math:`i` may attend to key :math:`j` when
    :math:`j \le i + \text{offset}`.

    With the default ``offset=0`` the diagonal is aligned at the top left, as
    in PyTorch's ``scaled_dot_product_attention(..., is_causal=True)``. For new
    queries appended after ``n_keys - n_queries`` cached keys (decoding with a
    key-value cache), pass ``offset=n_keys - n_queries`` (alignment at the
    bottom right).

    Args:
        n_queries: number of queries (rows), at least 0.
        n_keys: number of keys (columns), at least 1; defaults to
            ``n_queries``.
        offset: how many keys beyond its own index each query may see; may be
            negative.

    Returns:
        A boolean array of shape ``(n_queries, n_keys)``, ``True`` where
        attending is allowed.

    Raises:
        TypeError: an argument is not an integer.
        ValueError: ``n_queries`` is negative or ``n_keys`` is below 1.

    Example:
        >>> causal_mask(3).astype(int)
        array([[1, 0, 0],
               [1, 1, 0],
               [1, 1, 1]])
        >>> causal_mask(2, 4, offset=2).astype(int)
        array([[1, 1, 1, 0],
               [1, 1, 1, 1]])
    """
    n_q = check_count(n_queries, "n_queries", 0)
    n_k = n_q if n_keys is None else check_count(n_keys, "n_keys", 1)
    if n_keys is None and n_k < 1:
        raise ValueError(
            "n_queries must be at least 1 when n_keys is not given (a mask "
            "needs at least one key)"
        )
    if isinstance(offset, (bool, np.bool_)) or not isinstance(
        offset, numbers.Integral
    ):
        raise TypeError(f"offset must be an integer, got {offset!r}")
    return np.arange(n_k)[None, :] <= np.arange(n_q)[:, None] + int(offset)


def padding_mask(
    lengths: ArrayLike,
    n_keys: int,
    *,
    side: Literal["right", "left"] = "right",
) -> np.ndarray:
    r"""The key padding mask of a batch of sequences padded to ``n_keys``
    positions.

    Sequence :math:`b` has ``lengths[b]`` real tokens. With ``side="right"``
    they occupy positions :math:`0, \dots, \text{length}_b - 1` and the padding
    follows; with ``side="left"`` the padding comes first and the tokens occupy
    the last ``lengths[b]`` positions. Every query may attend to every real key
    and to no padding key.

    Args:
        lengths: 1-D integers, each in ``0..n_keys``.
        n_keys: the padded length, at least 1.
        side: ``"right"`` (default) or ``"left"``: where the padding is.

    Returns:
        A boolean array of shape ``(batch, 1, n_keys)``: it broadcasts against
        scores of shape ``(batch, n_q, n_k)``. For scores with a head axis,
        ``(batch, heads, n_q, n_k)``, use ``mask[:, None]``.

    Raises:
        TypeError: ``lengths`` is not integer-valued, or ``n_keys`` is not an
            integer.
        ValueError: ``lengths`` is not 1-D, a length is negative or above
            ``n_keys``, ``n_keys`` is below 1, or ``side`` is neither
            ``"right"`` nor ``"left"``.

    Example:
        >>> padding_mask([3, 1], 4).astype(int)
        array([[[1, 1, 1, 0]],
        <BLANKLINE>
               [[1, 0, 0, 0]]])
        >>> padding_mask([1], 3, side="left").astype(int)
        array([[[0, 0, 1]]])
    """
    n_k = check_count(n_keys, "n_keys", 1)
    if side not in ("right", "left"):
        raise ValueError(f'side must be "right" or "left", got {side!r}')
    arr = np.asarray(lengths)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"lengths must be integers, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(
            "lengths must be 1-D (one length per sequence), got shape "
            f"{arr.shape}"
        )
    if arr.size and (arr.min() < 0 or arr.max() > n_k):
        raise ValueError(
            f"every length must be in 0..n_keys={n_k}; got lengths from "
            f"{arr.min()} to {arr.max()}"
        )
    positions = np.arange(n_k)[None, :]
    if side == "right":
        allowed = positions < arr[:, None]
    else:
        allowed = positions >= n_k - arr[:, None]
    return allowed[:, None, :]


# --- validation shared by the two algorithms ---------------------------------


def _check_fully_masked(fully_masked: Any) -> str:
    """Return ``fully_masked``, or raise unless it is one of ``"nan"``,
    ``"zero"``, ``"raise"``."""
    if isinstance(fully_masked, str) and fully_masked in _FULLY_MASKED:
        return fully_masked
    raise ValueError(
        f'fully_masked must be "nan", "zero" or "raise", got {fully_masked!r}'
    )


def _prepare(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike | None,
    mask: ArrayLike | None,
    causal: Any,
    scale: Any,
    fully_masked: Any,
):
    """Validate once; return ``(q, k, v, mask, causal, scale, out_dtype,
    batch_shape)``.

    ``q, k, v`` are in the working dtype (float16 becomes float32; ``v`` is
    ``None`` when not given). ``mask`` is ``None`` or the boolean mask
    broadcast (a view, no copy) to ``batch + (n_q, n_k)``; the causal mask is
    *not* folded in, so that tiled attention can make it one tile at a time.
    """
    _check_fully_masked(fully_masked)
    arrays = {
        "q": as_float_array(q, name="q"),
        "k": as_float_array(k, name="k"),
    }
    if v is not None:
        arrays["v"] = as_float_array(v, name="v")
    for name, arr in arrays.items():
        if arr.ndim < 2:
            raise ValueError(
                f"{name} must have at least 2 dimensions (..., positions, "
                f"features); got shape {arr.shape}"
            )
    qa, ka = arrays["q"], arrays["k"]
    if qa.shape[-1] != ka.shape[-1]:
        raise ValueError(
            "q and k must have the same feature size d (last axis); got q "
            f"{qa.shape} and k {ka.shape}"
        )
    if qa.shape[-1] == 0:
        raise ValueError(
            f"q and k have feature size d = 0 (shapes {qa.shape}, "
            f"{ka.shape}); need d >= 1"
        )
    if ka.shape[-2] == 0:
        raise ValueError(
            f"k has no keys (shape {ka.shape}); attention needs at least one "
            "key"
        )
    if v is not None and arrays["v"].shape[-2] != ka.shape[-2]:
        raise ValueError(
            "k and v must have the same number of keys (axis -2); got k "
            f"{ka.shape} and v {arrays['v'].shape}"
        )
    try:
        batch = np.broadcast_shapes(*(a.shape[:-2] for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in arrays.items())
        raise ValueError(
            "the leading (batch) axes of q, k and v do not broadcast: "
            f"{shapes}"
        ) from None
    n_q, n_k, d = qa.shape[-2], ka.shape[-2], qa.shape[-1]

    if not isinstance(causal, (bool, np.bool_)):
        raise TypeError(f"causal must be True or False, got {causal!r}")
    if scale is None:
        scale = 1.0 / np.sqrt(d)
    elif isinstance(scale, (bool, np.bool_)) or not isinstance(
        scale, numbers.Real
    ):
        raise TypeError(
            "scale must be a real number or None (for 1/sqrt(d)), got "
            f"{scale!r}"
        )
    elif not 0 < cast(float, scale) < np.inf:
        raise ValueError(
            f"scale must be a positive, finite number, got {scale!r}"
        )

    scores_shape = batch + (n_q, n_k)
    if mask is not None:
        m = np.asarray(mask)
        if m.dtype != np.bool_:
            raise TypeError(
                "mask must be boolean (True = may attend), got dtype "
                f"{m.dtype}; "
                "for an additive float mask, add it to the scores yourself"
            )
        try:
            fits = np.broadcast_shapes(m.shape, scores_shape) == scores_shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"mask of shape {m.shape} does not broadcast to the scores' "
                f"shape {scores_shape} "
                "(batch..., n_queries, n_keys)"
            )
        mask = np.broadcast_to(m, scores_shape)

    out_dtype = np.result_type(*arrays.values())
    work = working_dtype(out_dtype)
    qa, ka = qa.astype(work, copy=False), ka.astype(work, copy=False)
    va = arrays["v"].astype(work, copy=False) if v is not None else None
    return qa, ka, va, mask, bool(causal), float(scale), out_dtype, batch


def _resolve_empty_rows(
    x: np.ndarray, empty: np.ndarray | None, fully_masked: str
) -> np.ndarray:
    """Apply the ``fully_masked`` policy to the rows of ``x`` flagged in
    ``empty`` (shape ``(..., n_q, 1)``).

    ``"nan"`` and ``"zero"`` overwrite those rows; ``"raise"`` raises
    ``ValueError`` naming the first.
    """
    if empty is None or not empty.any():
        return x
    if fully_masked == "raise":
        first = tuple(int(i) for i in np.argwhere(empty[..., 0])[0])
        raise ValueError(
            f"query {first} may attend to no key (its mask row is all False); "
            'pass fully_masked="zero" to get zeros for such rows, or fix the '
            "mask"
        )
    return np.where(empty, np.nan if fully_masked == "nan" else 0.0, x).astype(
        x.dtype, copy=False
    )


def _masked_scores(
    q: np.ndarray,
    k: np.ndarray,
    mask: np.ndarray | None,
    causal: bool,
    scale: float,
):
    """The whole score matrix ``scale * q k^T`` with masked scores set to -inf,
    and the empty rows (or None)."""
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) * scale
    allowed = mask
    if causal:
        c = causal_mask(q.shape[-2], k.shape[-2])
        allowed = c if allowed is None else allowed & c
    if allowed is None:
        return scores, None
    return np.where(allowed, scores, -np.inf), ~allowed.any(
        axis=-1, keepdims=True
    )


# --- direct attention --------------------------------------------------------


def attention_weights(
    q: ArrayLike,
    k: ArrayLike,
    *,
    mask: ArrayLike | None = None,
    causal: bool = False,
    scale: float | None = None,
    fully_masked: FullyMasked = "nan",
) -> np.ndarray:
    r"""The attention weights :math:`\operatorname{softmax}(s\,Q K^\top)` row
    by row, :math:`s = 1/\sqrt d` by default.

    The scores :math:`s\,\mathbf q_i^\top \mathbf k_j` are computed as one
    ``(n_q, n_k)`` matrix per batch entry, masked scores are set to
    :math:`-\infty`, and :func:`softmax_lib.core.softmax` normalises each row.
    The scale acts as an inverse temperature: :math:`T = 1/s = \sqrt d`.

    Args:
        q: queries, ``(..., n_q, d)``.
        k: keys, ``(..., n_k, d)``; leading axes broadcast with ``q``'s.
        mask: optional boolean array broadcasting to ``(..., n_q, n_k)``,
            ``True`` = may attend.
        causal: also apply :func:`causal_mask` (top-left aligned).
        scale: the factor :math:`s > 0` applied to the scores; ``None`` for
            :math:`1/\sqrt d`.
        fully_masked: ``"nan"``, ``"zero"`` or ``"raise"``: what a row with no
            allowed key gives (see the module docstring).

    Returns:
        ``(..., n_q, n_k)`` weights in the inputs' float dtype; each row sums
        to 1 except the fully masked ones.

    Raises:
        TypeError: an input is not real-valued; ``mask`` is not boolean;
            ``causal`` is not a bool; ``scale`` is not a real number.
        ValueError: ``q`` or ``k`` has fewer than 2 dimensions, different
            ``d``, ``d = 0`` or no keys; the batch axes do not broadcast;
            ``mask`` does not broadcast to the scores; ``scale`` is not
            positive and finite; ``fully_masked`` is unknown; or it is
            ``"raise"`` and a row is fully masked.

    Example:
        >>> q = np.array([[1.0, 0.0]]); k = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> attention_weights(q, k, scale=1.0).round(4)
        array([[0.7311, 0.2689]])
        >>> none = np.array([[False, False]])
        >>> attention_weights(q, k, mask=none, fully_masked="zero")
        array([[0., 0.]])
    """
    qa, ka, _, mask_b, is_causal, s, out_dtype, _ = _prepare(
        q, k, None, mask, causal, scale, fully_masked
    )
    scores, empty = _masked_scores(qa, ka, mask_b, is_causal, s)
    # an all -inf row is NaN (softmax's policy)
    weights = softmax(scores, axis=-1)
    return _resolve_empty_rows(weights, empty, fully_masked).astype(
        out_dtype, copy=False
    )


def scaled_dot_product_attention(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    *,
    mask: ArrayLike | None = None,
    causal: bool = False,
    scale: float | None = None,
    fully_masked: FullyMasked = "nan",
) -> np.ndarray:
    r"""Scaled dot-product attention :math:`\operatorname{softmax}(s\,Q K^\top)
    V`, computed directly.

    Forms the whole ``(n_q, n_k)`` weight matrix (as :func:`attention_weights`
    does) and multiplies it by ``v``: memory grows as :math:`n_q n_k`.
    :func:`tiled_attention` gives the same result without ever holding that
    matrix.

    Args:
        q: queries, ``(..., n_q, d)``.
        k: keys, ``(..., n_k, d)``.
        v: values, ``(..., n_k, d_v)``; leading axes of ``q``, ``k``, ``v``
            broadcast together.
        mask, causal, scale, fully_masked: as in :func:`attention_weights`.

    Returns:
        ``(..., n_q, d_v)`` in the inputs' float dtype. A fully masked row is
        NaN (default) or 0.

    Raises:
        TypeError, ValueError: as :func:`attention_weights`; also
            ``ValueError`` when ``v`` has fewer than 2 dimensions or a
            different number of keys from ``k``.

    Example:
        >>> q = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> k, v = q.copy(), np.array([[10.0], [20.0]])
        >>> out = scaled_dot_product_attention(q, k, v, causal=True, scale=1.0)
        >>> out.round(4)
        array([[10.    ],
               [17.3106]])
    """
    qa, ka, va, mask_b, is_causal, s, out_dtype, _ = _prepare(
        q, k, v, mask, causal, scale, fully_masked
    )
    scores, empty = _masked_scores(qa, ka, mask_b, is_causal, s)
    out = np.matmul(softmax(scores, axis=-1), va)
    return _resolve_empty_rows(out, empty, fully_masked).astype(
        out_dtype, copy=False
    )


# --- tiled attention ---------------------------------------------------------


def _tile_loop(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None,
    causal: bool,
    scale: float,
    block_size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The tiled algorithm: for each block of queries, one pass over the blocks
    of keys and values.

    Holds one tile of scores ``s`` (at most ``block_size`` x ``block_size``),
    its exponentials ``p``, and per query of the block the running normaliser
    state (max, rest) and the unnormalised output ``acc``. Returns the output
    and a flag per query: no allowed key at all.
    """
    batch, n_q, n_k = q.shape[:-2], q.shape[-2], k.shape[-2]
    out = np.empty(batch + (n_q, v.shape[-1]), dtype=q.dtype)
    empty = np.ones(batch + (n_q, 1), dtype=bool)
    for q0 in range(0, n_q, block_size):
        q1 = min(q0 + block_size, n_q)
        q_tile = q[..., q0:q1, :] * scale
        state = online.empty_state(batch + (q1 - q0, 1), q.dtype)
        acc = np.zeros(batch + (q1 - q0, v.shape[-1]), dtype=q.dtype)
        for k0 in range(0, n_k, block_size):
            if causal and k0 > q1 - 1:
                # this tile and every later one lie above the diagonal: all
                # masked
                break
            k1 = min(k0 + block_size, n_k)
            s = np.matmul(q_tile, np.swapaxes(k[..., k0:k1, :], -1, -2))
            allowed = None if mask is None else mask[..., q0:q1, k0:k1]
            # the tile crosses the diagonal: make its piece of the causal mask
            if causal and k1 - 1 > q0:
                c = np.arange(k0, k1)[None, :] <= np.arange(q0, q1)[:, None]
                allowed = c if allowed is None else allowed & c
            if allowed is not None:
                s = np.where(allowed, s, -np.inf)
                empty[..., q0:q1, :] &= ~allowed.any(axis=-1, keepdims=True)
            else:
                empty[..., q0:q1, :] = False
            # the tile's max and rest, per query
            tile = online.block_state(s, axis=-1)
            with np.errstate(invalid="ignore", over="ignore"):
                # masked entries: exp(-inf) = 0
                p = np.exp(s - np.where(np.isfinite(tile.max), tile.max, 0))
            new = online.merge(state, tile)
            acc = acc * online.rescale_factor(state.max, new.max) + np.matmul(
                p, v[..., k0:k1, :]
            ) * online.rescale_factor(tile.max, new.max)
            state = new
        with np.errstate(invalid="ignore", divide="ignore"):
            # 0/0 on fully masked rows: set by the policy
            out[..., q0:q1, :] = acc / state.normaliser
    return out, empty


def tiled_attention(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    *,
    block_size: int,
    mask: ArrayLike | None = None,
    causal: bool = False,
    scale: float | None = None,
    fully_masked: FullyMasked = "nan",
) -> np.ndarray:
    r"""Scaled dot-product attention in tiles, FlashAttention style, never
    forming the score matrix.

    Queries are taken ``block_size`` at a time; for each block the keys and
    values are read in blocks of ``block_size``, and the softmax is normalised
    on the fly with the online normaliser (:mod:`softmax_lib.online`). With the
    running maximum :math:`m`, normaliser :math:`\ell` and unnormalised output
    :math:`\mathbf a` of a query, a tile with scores :math:`s_j` gives

    .. math::
        m' = \max(m, \max_j s_j), \quad
        \ell' = \ell\, e^{m - m'} + \sum_j e^{s_j - m'}, \quad
        \mathbf a' = \mathbf a\, e^{m - m'} + \sum_j e^{s_j - m'} \mathbf v_j,

    and the output is :math:`\mathbf a / \ell` after the last tile. The largest
    arrays held are ``block_size`` x ``block_size`` (a tile of scores and its
    exponentials), instead of :math:`n_q \times n_k`. With ``causal=True`` the
    causal mask is made one tile at a time and the tiles above the diagonal are
    skipped.

    Args:
        q, k, v, mask, causal, scale, fully_masked: as in
            :func:`scaled_dot_product_attention`.
        block_size: queries and keys per tile, at least 1; a block larger than
            the sequence is the whole sequence.

    Returns:
        ``(..., n_q, d_v)`` in the inputs' float dtype, equal to
        :func:`scaled_dot_product_attention` up to rounding, for any
        ``block_size``.

    Raises:
        TypeError: as :func:`scaled_dot_product_attention`, or ``block_size``
            is not an integer.
        ValueError: as :func:`scaled_dot_product_attention`, or ``block_size``
            is below 1.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> q, k = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 7, 4))
        >>> v = rng.normal(size=(2, 7, 3))
        >>> tiled = tiled_attention(q, k, v, block_size=3)
        >>> bool(np.allclose(tiled, scaled_dot_product_attention(q, k, v)))
        True
    """
    bs = check_count(block_size, "block_size", 1)
    qa, ka, va, mask_b, is_causal, s, out_dtype, batch = _prepare(
        q, k, v, mask, causal, scale, fully_masked
    )
    qa, ka, va = (
        np.broadcast_to(a, batch + a.shape[-2:]) for a in (qa, ka, va)
    )
    out, empty = _tile_loop(qa, ka, va, mask_b, is_causal, s, bs)
    return _resolve_empty_rows(out, empty, fully_masked).astype(
        out_dtype, copy=False
    )
