r"""Cross-entropy over a large vocabulary without holding all the logits.

A language model's loss for token :math:`t` with hidden state
:math:`\mathbf h_t \in \mathbb R^d`, output weights :math:`W \in \mathbb
R^{V \times d}` and target :math:`y_t` is

.. math::
    \ell_t = \operatorname{lse}(W \mathbf h_t) - \mathbf w_{y_t}^\top
    \mathbf h_t .

:func:`chunked_cross_entropy` accumulates the log-sum-exp over chunks of the
vocabulary with the online normaliser (:func:`softmax_lib.online.merge`),
then makes a second pass over the same chunks for the gradients
:math:`\partial \ell_t / \partial \mathbf h_t = \sum_j p_{tj} \mathbf w_j -
\mathbf w_{y_t}` and :math:`\partial \ell_t / \partial \mathbf w_j = (p_{tj}
- [j = y_t])\, \mathbf h_t`, with :math:`p_{tj} = e^{z_{tj} -
\operatorname{lse}_t}`: at most ``tokens * chunk`` logits exist at a time,
never ``tokens * V``. :func:`vocab_parallel_cross_entropy` simulates the same
loss when :math:`W` is split by rows across devices: each shard computes its
own logits, and three numbers per token are all-reduced (the maximum, the
sum of exponentials and the target logit).

**Input.** ``hidden`` of shape ``(N, d)``, ``weight`` of shape ``(V, d)``
(or shards ``(V_s, d)``), integer ``targets`` of shape ``(N,)`` in
``[0, V)``. float32 stays float32, float16 is computed in float32 and
rounded once, anything else numeric becomes float64. **Special values.** No
check for NaN or infinity: a NaN in ``hidden`` or ``weight`` makes the loss
NaN, exactly as the full computation would.

Example:
    >>> import numpy as np
    >>> import softmax_lib as sl
    >>> rng = np.random.default_rng(0)
    >>> h, w = rng.normal(size=(3, 4)), rng.normal(size=(10, 4))
    >>> y = np.array([1, 7, 3])
    >>> out = chunked_cross_entropy(h, w, y, chunk=4)
    >>> bool(np.isclose(out.loss, sl.cross_entropy(h @ w.T, y)))
    True
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib import online
from softmax_lib._validation import as_float_array, check_count, working_dtype

__all__ = [
    "ChunkedCrossEntropy",
    "VocabParallelCrossEntropy",
    "chunked_cross_entropy",
    "vocab_parallel_cross_entropy",
]

Reduction = Literal["mean", "sum"]


class ChunkedCrossEntropy(NamedTuple):
    """What :func:`chunked_cross_entropy` returns.

    Fields: ``loss`` (the reduced loss, a 0-d array), ``per_token`` (shape
    ``(N,)``), ``lse`` (the log-sum-exp of every token's logits, shape
    ``(N,)``: what a backward pass saves instead of the logits),
    ``grad_hidden`` (``(N, d)``) and ``grad_weight`` (``(V, d)``), the
    gradients of ``loss``; ``largest_block``, the most logits held at any one
    time (``N * min(chunk, V)``), against ``N * V`` for the full computation.
    """

    loss: np.ndarray
    per_token: np.ndarray
    lse: np.ndarray
    grad_hidden: np.ndarray
    grad_weight: np.ndarray
    largest_block: int


class VocabParallelCrossEntropy(NamedTuple):
    """What :func:`vocab_parallel_cross_entropy` returns.

    Fields: ``loss`` (0-d), ``per_token`` (``(N,)``), ``grad_hidden``
    (``(N, d)``, the sum over shards: one more all-reduce), ``grad_weight``
    (a list, one ``(V_s, d)`` array per shard, each computed where its shard
    lives), and ``reduced_per_token``: the numbers per token every shard
    contributes to an all-reduce for the loss (3: the maximum, the sum of
    exponentials, the target logit).
    """

    loss: np.ndarray
    per_token: np.ndarray
    grad_hidden: np.ndarray
    grad_weight: list[np.ndarray]
    reduced_per_token: int


def _check_reduction(reduction: Any) -> str:
    if reduction not in ("mean", "sum"):
        raise ValueError(
            f'reduction must be "mean" or "sum", got {reduction!r}'
        )
    return str(reduction)


def _check_hidden(hidden: ArrayLike) -> np.ndarray:
    h = as_float_array(hidden, "hidden")
    if h.ndim != 2:
        raise ValueError(
            f"hidden must have shape (tokens, d), got shape {h.shape}"
        )
    if h.shape[0] == 0:
        raise ValueError(
            "hidden has no tokens (shape (0, d)); nothing to average"
        )
    return h


def _check_weight(weight: ArrayLike, d: int, name: str) -> np.ndarray:
    w = as_float_array(weight, name)
    if w.ndim != 2 or w.shape[1] != d:
        raise ValueError(
            f"{name} must have shape (vocabulary, {d}) to match hidden, got "
            f"shape {w.shape}"
        )
    return w


def _check_targets(targets: ArrayLike, n: int, vocab: int) -> np.ndarray:
    y = np.asarray(targets)
    if y.dtype.kind not in "iu":
        raise TypeError(
            f"targets must be integer class indices, got dtype {y.dtype}"
        )
    if y.shape != (n,):
        raise ValueError(
            f"targets must have shape ({n},), one per token, got {y.shape}"
        )
    if np.any(y < 0) or np.any(y >= vocab):
        raise ValueError(
            f"targets must lie in [0, {vocab}), the vocabulary; got values "
            f"from {int(y.min())} to {int(y.max())}"
        )
    return y.astype(np.intp)


def chunked_cross_entropy(
    hidden: ArrayLike,
    weight: ArrayLike,
    targets: ArrayLike,
    chunk: int = 4096,
    *,
    reduction: Reduction = "mean",
) -> ChunkedCrossEntropy:
    r"""Cross-entropy of the logits ``hidden @ weight.T`` and its gradients,
    holding at most ``chunk`` classes of logits at a time.

    Pass 1 reads the vocabulary in chunks of ``chunk`` rows of ``weight`` and
    merges each chunk's (maximum, sum) state into a running one per token:
    :math:`\operatorname{lse}_t`. The target logit
    :math:`\mathbf w_{y_t}^\top \mathbf h_t` is a dot product of its own.
    Pass 2 recomputes each chunk of logits, turns it into probabilities
    :math:`e^{z - \operatorname{lse}}`, subtracts 1 at the target, and
    accumulates both gradients.

    Args:
        hidden: hidden states, shape ``(N, d)``, ``N >= 1``.
        weight: output weights, shape ``(V, d)``, ``V >= 1``.
        targets: integer classes, shape ``(N,)``, each in ``[0, V)``.
        chunk: classes per chunk, at least 1; a chunk longer than ``V`` is
            the whole vocabulary.
        reduction: ``"mean"`` (default) or ``"sum"`` over tokens.

    Returns:
        A :class:`ChunkedCrossEntropy` in the working dtype of the inputs.

    Raises:
        TypeError: an array is not real-valued, ``targets`` is not integer,
            or ``chunk`` is not an integer.
        ValueError: a shape does not match, a target is out of range,
            ``chunk < 1``, or ``reduction`` is not ``"mean"`` or ``"sum"``.

    Example:
        >>> h = np.array([[1.0, 0.0], [0.0, 2.0]])
        >>> w = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
        >>> out = chunked_cross_entropy(h, w, [0, 1], chunk=2)
        >>> round(float(out.loss), 6), out.largest_block
        (0.275269, 4)
    """
    red = _check_reduction(reduction)
    size = check_count(chunk, "chunk", 1, "1 reads one class at a time")
    h = _check_hidden(hidden)
    w = _check_weight(weight, h.shape[1], "weight")
    n, vocab = h.shape[0], w.shape[0]
    if vocab == 0:
        raise ValueError("weight has no classes (shape (0, d))")
    y = _check_targets(targets, n, vocab)
    out_dtype = np.result_type(h.dtype, w.dtype)
    dtype = working_dtype(out_dtype)
    h, w = h.astype(dtype, copy=False), w.astype(dtype, copy=False)

    state = online.empty_state((n, 1), dtype)
    for c0 in range(0, vocab, size):  # pass 1: the log-sum-exp
        z = h @ w[c0 : c0 + size].T
        state = online.merge(state, online.block_state(z))
    lse = state.logsumexp()  # (n, 1)
    target_logit = np.einsum("td,td->t", h, w[y])
    per_token = lse[:, 0] - target_logit
    scale = dtype.type(1.0 / n) if red == "mean" else dtype.type(1.0)

    grad_h = np.zeros_like(h)
    grad_w = np.zeros_like(w)
    rows = np.arange(n)
    for c0 in range(0, vocab, size):  # pass 2: the gradients
        z = h @ w[c0 : c0 + size].T
        with np.errstate(invalid="ignore", over="ignore"):
            g = np.exp(z - lse)
        inside = (y >= c0) & (y < c0 + size)
        g[rows[inside], y[inside] - c0] -= 1
        g *= scale
        grad_h += g @ w[c0 : c0 + size]
        grad_w[c0 : c0 + size] = g.T @ h
    loss = per_token.mean() if red == "mean" else per_token.sum()
    return ChunkedCrossEntropy(
        loss=np.asarray(loss).astype(out_dtype),
        per_token=per_token.astype(out_dtype, copy=False),
        lse=lse[:, 0].astype(out_dtype, copy=False),
        grad_hidden=grad_h.astype(out_dtype, copy=False),
        grad_weight=grad_w.astype(out_dtype, copy=False),
        largest_block=n * min(size, vocab),
    )


def vocab_parallel_cross_entropy(
    hidden: ArrayLike,
    weight_shards: Sequence[ArrayLike],
    targets: ArrayLike,
    *,
    reduction: Reduction = "mean",
) -> VocabParallelCrossEntropy:
    r"""Cross-entropy with the output weights split by rows across shards
    ("devices"), simulated in NumPy.

    Shard :math:`s` holds rows :math:`[o_s, o_s + V_s)` of :math:`W` and
    computes its logits :math:`Z_s = H W_s^\top`. Three all-reduces per token
    give the loss: the maximum :math:`m = \max_s \max_j Z_{s,tj}`, the sum
    :math:`S = \sum_s \sum_j e^{Z_{s,tj} - m}`, and the target logit, which
    only the shard holding :math:`y_t` contributes (the others add 0). Then
    :math:`\ell_t = m + \log S - z_{t y_t}`. Each shard's weight gradient is
    local; the gradient of :math:`H` is a sum over shards (one more
    all-reduce).

    Args:
        hidden: hidden states, shape ``(N, d)``.
        weight_shards: one array ``(V_s, d)`` per shard, in vocabulary order;
            at least one shard, none empty.
        targets: integer classes in ``[0, sum V_s)``, shape ``(N,)``.
        reduction: ``"mean"`` (default) or ``"sum"`` over tokens.

    Returns:
        A :class:`VocabParallelCrossEntropy`.

    Raises:
        TypeError: an array is not real-valued or ``targets`` not integer.
        ValueError: no shard, an empty shard, a shape that does not match, a
            target out of range, or a bad ``reduction``.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> h, w = rng.normal(size=(4, 3)), rng.normal(size=(9, 3))
        >>> y = np.array([0, 4, 8, 2])
        >>> par = vocab_parallel_cross_entropy(h, [w[:4], w[4:]], y)
        >>> full = chunked_cross_entropy(h, w, y, chunk=9)
        >>> bool(np.isclose(par.loss, full.loss)), par.reduced_per_token
        (True, 3)
    """
    red = _check_reduction(reduction)
    h = _check_hidden(hidden)
    if isinstance(weight_shards, (np.ndarray, numbers.Number)):
        raise TypeError(
            "weight_shards must be a list of (V_s, d) arrays, one per shard; "
            "split one weight matrix with np.array_split(weight, shards)"
        )
    shards = [
        _check_weight(ws, h.shape[1], f"weight_shards[{i}]")
        for i, ws in enumerate(weight_shards)
    ]
    if not shards:
        raise ValueError("weight_shards is empty; give at least one shard")
    for i, ws in enumerate(shards):
        if ws.shape[0] == 0:
            raise ValueError(f"weight_shards[{i}] has no classes")
    n = h.shape[0]
    vocab = sum(ws.shape[0] for ws in shards)
    y = _check_targets(targets, n, vocab)
    out_dtype = np.result_type(h.dtype, *(ws.dtype for ws in shards))
    dtype = working_dtype(out_dtype)
    h = h.astype(dtype, copy=False)
    shards = [ws.astype(dtype, copy=False) for ws in shards]
    offsets = np.cumsum([0] + [ws.shape[0] for ws in shards])

    logits = [h @ ws.T for ws in shards]  # each on its own device
    m = np.max([z.max(axis=1) for z in logits], axis=0)  # all-reduce max
    with np.errstate(invalid="ignore", over="ignore"):
        exps = [np.exp(z - m[:, None]) for z in logits]
    total = np.sum([e.sum(axis=1) for e in exps], axis=0)  # all-reduce sum
    rows = np.arange(n)
    target_parts = []
    for s, z in enumerate(logits):
        mine = (y >= offsets[s]) & (y < offsets[s + 1])
        part = np.zeros(n, dtype)
        part[mine] = z[rows[mine], y[mine] - offsets[s]]
        target_parts.append(part)
    target_logit = np.sum(target_parts, axis=0)  # all-reduce sum
    with np.errstate(divide="ignore", invalid="ignore"):
        per_token = m + np.log(total) - target_logit
    scale = dtype.type(1.0 / n) if red == "mean" else dtype.type(1.0)

    grad_h = np.zeros_like(h)
    grad_w = []
    for s, (e, ws) in enumerate(zip(exps, shards)):
        g = e / total[:, None]
        mine = (y >= offsets[s]) & (y < offsets[s + 1])
        g[rows[mine], y[mine] - offsets[s]] -= 1
        g *= scale
        grad_w.append((g.T @ h).astype(out_dtype, copy=False))
        grad_h += g @ ws  # all-reduce sum of the shards' parts
    loss = per_token.mean() if red == "mean" else per_token.sum()
    return VocabParallelCrossEntropy(
        loss=np.asarray(loss).astype(out_dtype),
        per_token=per_token.astype(out_dtype, copy=False),
        grad_hidden=grad_h.astype(out_dtype, copy=False),
        grad_weight=grad_w,
        reduced_per_token=3,
    )
