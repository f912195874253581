r"""Mixture-of-experts routers: which :math:`k` of :math:`E` experts a token
goes to, and with what weights.

Every router takes the router logits ``(T, E)`` (one row per token, or any
leading shape ``(..., E)``) and returns ``(weights, indices)``, both of shape
``(..., k)``: the experts in order of decreasing score, ties broken towards
the lower index, and the weight of each.

* :func:`softmax_then_top_k`: softmax over all experts, keep the top k
  (the weights sum to less than 1 unless ``renormalise=True``);
* :func:`top_k_then_softmax`: keep the top k logits, softmax over them
  (Shazeer et al.'s top-k gating, Mixtral);
* :func:`sigmoid_top_k`: independent sigmoid scores, top k (of the scores
  plus an optional balancing bias), normalised over the chosen k
  (DeepSeek-V3, which also scales them by a constant and first limits the
  choice to a few groups of experts).

Softmax is monotone, so the first two choose the same experts; and
renormalising the first gives exactly the second. The auxiliary losses:
:func:`load_balancing_loss` (Switch Transformer) and :func:`router_z_loss`
(ST-MoE).

**Input.** float32 stays float32; a NaN logit raises ``ValueError`` (a router
that produced NaN has failed, and no expert choice is meaningful); ``-inf``
marks an expert that may not be chosen, and a row with fewer than ``k``
allowed experts raises ``ValueError``.

Example:
    >>> import numpy as np
    >>> w, i = top_k_then_softmax([1.0, 3.0, 2.0, 0.0], 2)
    >>> i.tolist()
    [1, 2]
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_class_axis,
    check_probability_rows,
)
from softmax_lib.core import logsumexp, sigmoid, softmax

__all__ = [
    "load_balancing_loss",
    "router_z_loss",
    "sigmoid_top_k",
    "softmax_then_top_k",
    "top_k_then_softmax",
]


def _router_logits(logits: ArrayLike) -> np.ndarray:
    z = as_float_array(logits, "logits")
    check_class_axis(z, "logits")
    if np.isnan(z).any():
        raise ValueError("logits contain NaN; the router has no answer")
    return z


def _check_allowed(z: np.ndarray, k: int) -> None:
    """Raise if a row has fewer than ``k`` experts with a logit above -inf."""
    allowed = np.sum(z > -np.inf, axis=-1)
    if np.any(allowed < k):
        row = tuple(int(i) for i in np.argwhere(allowed < k)[0])
        raise ValueError(
            f"k = {k} but row {row} allows only {int(allowed[row])} "
            f"expert(s) (the others have logit -inf)"
        )


def _check_k(k: Any, n_experts: int) -> int:
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral):
        raise TypeError(f"k must be an integer, got {k!r}")
    kk = int(k)
    if not 1 <= kk <= n_experts:
        raise ValueError(
            f"k must be between 1 and the number of experts, {n_experts}; "
            f"got {kk}"
        )
    return kk


def _top_k_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores of each row, largest first, ties to
    the lower index."""
    order = np.argsort(-scores, axis=-1, kind="stable")
    return order[..., :k]


def softmax_then_top_k(
    logits: ArrayLike, k: int, *, renormalise: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    r"""Softmax over all :math:`E` experts, then keep the :math:`k` largest
    probabilities (the Switch Transformer, with :math:`k = 1`).

    Args:
        logits: router logits ``(..., E)``.
        k: experts per token, ``1 <= k <= E``.
        renormalise: divide the kept probabilities by their sum.

    Returns:
        ``(weights, indices)``, each ``(..., k)``.

    Raises:
        TypeError: non-numeric logits, ``k`` not an integer.
        ValueError: NaN logits, ``k`` out of range or above the number of
            experts whose logit is not ``-inf``.

    Example:
        >>> w, i = softmax_then_top_k([0.0, 0.0, 0.0, 0.0], 2)
        >>> w.tolist(), i.tolist()
        ([0.25, 0.25], [0, 1])
    """
    z = _router_logits(logits)
    kk = _check_k(k, z.shape[-1])
    _check_allowed(z, kk)
    if not isinstance(renormalise, (bool, np.bool_)):
        raise TypeError(
            f"renormalise must be True or False, got {renormalise!r}"
        )
    p = softmax(z, axis=-1)
    idx = _top_k_indices(z, kk)
    w = np.take_along_axis(p, idx, axis=-1)
    if renormalise:
        w = w / w.sum(axis=-1, keepdims=True)
    return w, idx


def top_k_then_softmax(
    logits: ArrayLike, k: int
) -> tuple[np.ndarray, np.ndarray]:
    r"""Keep the :math:`k` largest logits, then softmax over them (the top-k
    gating of Shazeer et al., 2017; Mixtral).

    The weights sum to 1 and equal the renormalised weights of
    :func:`softmax_then_top_k`.

    Args:
        logits: router logits ``(..., E)``.
        k: experts per token, ``1 <= k <= E``.

    Returns:
        ``(weights, indices)``, each ``(..., k)``.

    Raises:
        TypeError: non-numeric logits, ``k`` not an integer.
        ValueError: NaN logits, ``k`` out of range or above the number of
            experts whose logit is not ``-inf``.

    Example:
        >>> w, i = top_k_then_softmax([0.0, np.log(3.0), -5.0], 2)
        >>> w.round(4).tolist(), i.tolist()
        ([0.75, 0.25], [1, 0])
    """
    z = _router_logits(logits)
    kk = _check_k(k, z.shape[-1])
    _check_allowed(z, kk)
    idx = _top_k_indices(z, kk)
    return softmax(np.take_along_axis(z, idx, axis=-1), axis=-1), idx


def sigmoid_top_k(
    logits: ArrayLike, k: int, bias: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""DeepSeek-V3's router: sigmoid scores, top :math:`k`, normalised over
    the chosen :math:`k`.

    The scores :math:`s_e = \sigma(z_e)` are independent (no competition
    between experts). The experts are chosen by :math:`s_e + b_e`, where the
    bias :math:`b` is adjusted during training to balance the load; the
    weights use the scores without the bias:
    :math:`g_e = s_e / \sum_{e' \in \text{top-}k} s_{e'}`.

    Args:
        logits: router logits ``(..., E)``.
        k: experts per token, ``1 <= k <= E``.
        bias: ``(E,)`` balancing bias, used only to choose; default none.

    Returns:
        ``(weights, indices)``, each ``(..., k)``.

    Raises:
        TypeError: non-numeric input, ``k`` not an integer.
        ValueError: NaN logits, ``k`` out of range or above the number of
            allowed experts, a bias of the wrong shape or not finite.

    Example:
        >>> w, i = sigmoid_top_k([0.0, 0.0, -50.0], 2)
        >>> w.tolist(), i.tolist()
        ([0.5, 0.5], [0, 1])
    """
    z = _router_logits(logits)
    kk = _check_k(k, z.shape[-1])
    _check_allowed(z, kk)
    s = sigmoid(z)
    choose = s
    if bias is not None:
        b = as_float_array(bias, "bias")
        if b.shape != (z.shape[-1],) or not np.all(np.isfinite(b)):
            raise ValueError(
                f"bias must be finite with shape ({z.shape[-1]},), one per "
                f"expert; got shape {b.shape}"
            )
        choose = s + b
    idx = _top_k_indices(choose, kk)
    w = np.take_along_axis(s, idx, axis=-1)
    total = w.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        # every chosen score underflowed to 0: share equally
        w = np.where(total > 0, w / np.where(total > 0, total, 1), 1.0 / kk)
    return w.astype(s.dtype, copy=False), idx


def load_balancing_loss(router_probs: ArrayLike, indices: ArrayLike) -> float:
    r"""The Switch Transformer's auxiliary load-balancing loss
    :math:`E \sum_e f_e P_e`.

    :math:`f_e` is the fraction of the :math:`T k` assignments that went to
    expert :math:`e`, :math:`P_e` the mean router probability of expert
    :math:`e` over the :math:`T` tokens. Normalising :math:`f` by the
    :math:`Tk` assignments (Hugging Face's Mixtral loss divides by :math:`T`
    and is :math:`k` at balance) makes the loss 1 when both are uniform, for
    any :math:`k`; it grows to :math:`E` when one expert takes everything
    with top-1 routing, :math:`E/k` with top-:math:`k`. Only :math:`P`
    carries a gradient; multiply the loss by a small coefficient before
    adding it to the training loss.

    Args:
        router_probs: ``(T, E)``, each row a softmax over the experts.
        indices: ``(T, k)`` integer experts chosen for each token.

    Returns:
        The loss, a float.

    Raises:
        TypeError: non-numeric probabilities or non-integer indices.
        ValueError: rows of ``router_probs`` that are not probabilities,
            shapes that do not match, or an index out of range.

    Example:
        >>> p = np.full((4, 2), 0.5)
        >>> load_balancing_loss(p, np.array([[0], [1], [0], [1]]))
        1.0
    """
    p = as_float_array(router_probs, "router_probs")
    idx = np.asarray(indices)
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] == 0:
        raise ValueError(
            f"router_probs must be (T, E) with T, E >= 1; got {p.shape}"
        )
    check_probability_rows(p, "router_probs")
    if idx.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers, got dtype {idx.dtype}")
    if idx.ndim != 2 or idx.shape[0] != p.shape[0] or idx.shape[1] == 0:
        raise ValueError(
            f"indices must be (T, k) with T = {p.shape[0]}; got {idx.shape}"
        )
    n_experts = p.shape[1]
    if idx.min() < 0 or idx.max() >= n_experts:
        raise ValueError(
            f"indices must lie in 0..{n_experts - 1}; got "
            f"{idx.min()}..{idx.max()}"
        )
    f = np.bincount(idx.ravel(), minlength=n_experts) / idx.size
    return float(n_experts * np.dot(f, p.mean(axis=0)))


def router_z_loss(logits: ArrayLike) -> float:
    r"""ST-MoE's router z-loss :math:`\frac1T \sum_t
    (\log \sum_e e^{z_{te}})^2`.

    It penalises large router logits, which round badly in low precision;
    softmax itself does not care, since it ignores a shift of the logits.
    The stability chapter teaches z-loss; add it with a small coefficient.

    Args:
        logits: router logits ``(T, E)`` (or any ``(..., E)``).

    Returns:
        The loss, a float.

    Raises:
        TypeError: non-numeric logits.
        ValueError: NaN logits or no experts.

    Example:
        >>> bool(router_z_loss([[0.0, 0.0]]) == np.log(2.0) ** 2)
        True
    """
    z = _router_logits(logits)
    return float(np.mean(logsumexp(z, axis=-1) ** 2))
