r"""Contrastive losses: InfoNCE, CLIP's symmetric loss with a clamped learned
temperature, and in-batch negatives with the :math:`\log Q` correction.

Each loss is a cross-entropy over a row of similarity scores in which one
entry, the positive, is the target. For a batch of :math:`N` pairs the scores
form an :math:`N \times N` matrix whose diagonal holds the positives; every
other entry of a row is a negative.

**Input.** float32 stays float32, integers and booleans become float64;
non-numeric input raises ``TypeError``; a matrix that is not square, or a bad
temperature, raises ``ValueError``. A NaN score makes the loss NaN.

Example:
    >>> import numpy as np
    >>> float(info_nce(np.zeros((4, 4))))  # chance: log N
    1.3862943611198906
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import as_float_array, check_temperature
from softmax_lib.core import log_softmax
from softmax_lib.policy import _check_positive

__all__ = [
    "clip_logit_scale",
    "clip_loss",
    "in_batch_softmax_loss",
    "info_nce",
]

Reduction = Literal["mean", "none"]


def _square_scores(scores: ArrayLike) -> np.ndarray:
    """``scores`` as a float array of shape ``(N, N)``, ``N >= 1``."""
    s = as_float_array(scores, "scores")
    if s.ndim != 2 or s.shape[0] != s.shape[1] or s.shape[0] == 0:
        raise ValueError(
            f"scores must be a square (N, N) matrix with N >= 1, positives "
            f"on the diagonal; got shape {s.shape}"
        )
    return s


def _reduce(per_row: np.ndarray, reduction: Any) -> Any:
    if reduction == "mean":
        return per_row.mean()
    if reduction == "none":
        return per_row
    raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")


def info_nce(
    scores: ArrayLike,
    temperature: float = 1.0,
    *,
    reduction: Reduction = "mean",
) -> Any:
    r"""The InfoNCE loss
    :math:`\ell_i = -\log \frac{e^{s_{ii}/\tau}}{\sum_j e^{s_{ij}/\tau}}`.

    Row :math:`i` scores the query :math:`i` against the :math:`N`
    candidates; candidate :math:`i` is its positive. The mean loss
    :math:`L` bounds the mutual information of the pairs:
    :math:`I \ge \log N - L`.

    Args:
        scores: the ``(N, N)`` similarity matrix, positives on the diagonal.
        temperature: :math:`\tau > 0`, dividing every score.
        reduction: ``"mean"`` (a scalar) or ``"none"`` (one loss per row).

    Returns:
        The loss.

    Raises:
        TypeError: non-numeric ``scores`` or ``temperature``.
        ValueError: a non-square matrix, a bad temperature or reduction.

    Example:
        >>> float(info_nce([[10.0, 0.0], [0.0, 10.0]])) < 1e-4
        True
    """
    s = _square_scores(scores)
    t = check_temperature(temperature)
    per_row = -np.diagonal(log_softmax(s / t, axis=1)).copy()
    return _reduce(per_row, reduction)


def clip_logit_scale(log_scale: float, max_scale: float = 100.0) -> float:
    r"""CLIP's logit scale :math:`\min(e^{\theta}, s_{\max})`, the inverse
    temperature, from its learned logarithm :math:`\theta`.

    CLIP initialises :math:`\theta = \log(1/0.07)` and clips the scale at
    100 so that the logits are never scaled by more than that. This clamp is
    in the forward pass: beyond :math:`\log s_{\max}` the scale no longer
    depends on :math:`\theta`, whose gradient is then 0, so an optimiser
    cannot bring it back. OpenCLIP instead clamps the parameter itself after
    each step (``logit_scale.clamp_(0, math.log(100))``); do the same when
    you train :math:`\theta`.

    Args:
        log_scale: the learned parameter :math:`\theta` (any real number).
        max_scale: the clamp :math:`s_{\max} > 0`.

    Returns:
        The scale, a float in :math:`(0, s_{\max}]`.

    Raises:
        TypeError: a non-real argument.
        ValueError: a non-finite ``log_scale`` or a bad ``max_scale``.

    Example:
        >>> round(clip_logit_scale(np.log(1 / 0.07)), 4)
        14.2857
        >>> clip_logit_scale(10.0)
        100.0
    """
    m = _check_positive(max_scale, "max_scale")
    theta = np.asarray(log_scale)
    if theta.shape != () or theta.dtype.kind not in "biuf":
        raise TypeError(f"log_scale must be a real number, got {log_scale!r}")
    if not math.isfinite(float(theta)):
        raise ValueError(f"log_scale must be finite, got {float(theta)!r}")
    return float(min(math.exp(min(float(theta), 700.0)), m))


def clip_loss(
    image_embeddings: ArrayLike,
    text_embeddings: ArrayLike,
    log_scale: float = math.log(1 / 0.07),
    *,
    max_scale: float = 100.0,
) -> Any:
    r"""CLIP's symmetric contrastive loss.

    Both sets of embeddings are L2-normalised, the logits are
    :math:`s\, \mathbf u_i^\top \mathbf v_j` with the clamped scale
    :math:`s` of :func:`clip_logit_scale`, and the loss is the mean of the
    image-to-text and text-to-image cross-entropies (InfoNCE both ways).

    Args:
        image_embeddings: ``(N, d)``, row :math:`i` paired with text
            :math:`i`.
        text_embeddings: ``(N, d)``.
        log_scale: the learned :math:`\theta`; the default is CLIP's
            initial value :math:`\log(1/0.07)`.
        max_scale: the clamp of the scale.

    Returns:
        The loss, a scalar.

    Raises:
        TypeError: non-numeric input.
        ValueError: shapes that differ or are not ``(N, d)``; a zero
            embedding (it has no direction).

    Example:
        >>> e = np.eye(3)
        >>> float(clip_loss(e, e, np.log(100.0))) < 1e-40
        True
    """
    u = as_float_array(image_embeddings, "image_embeddings")
    v = as_float_array(text_embeddings, "text_embeddings")
    if u.ndim != 2 or u.shape != v.shape or u.shape[0] == 0:
        raise ValueError(
            "image_embeddings and text_embeddings must both be (N, d) with "
            f"N >= 1; got {u.shape} and {v.shape}"
        )
    nu = np.linalg.norm(u, axis=1, keepdims=True)
    nv = np.linalg.norm(v, axis=1, keepdims=True)
    if np.any(nu == 0) or np.any(nv == 0):
        raise ValueError("an embedding is zero; it cannot be normalised")
    scale = clip_logit_scale(log_scale, max_scale)
    logits = scale * (u / nu) @ (v / nv).T
    return 0.5 * (info_nce(logits) + info_nce(logits.T))


def in_batch_softmax_loss(
    scores: ArrayLike,
    log_q: ArrayLike,
    temperature: float = 1.0,
    *,
    correct_positive: bool = False,
    item_ids: ArrayLike | None = None,
    reduction: Reduction = "mean",
) -> Any:
    r"""Softmax loss over in-batch negatives with the :math:`\log Q`
    correction (Yi et al., 2019).

    Row :math:`i` scores query :math:`i` against the batch's items; item
    :math:`i` is its positive, the others are negatives drawn with the data's
    frequencies. Following the book's convention (the large-vocabularies
    chapter), the logit of every negative :math:`j` is lowered by
    :math:`\log Q_j`, the log of its expected count in the batch, and the
    positive's logit is left alone:

    .. math::
        \ell_i = -\log \frac{e^{s_{ii}/\tau}}{e^{s_{ii}/\tau}
        + \sum_{j \ne i} e^{s_{ij}/\tau - \log Q_j}} .

    ``correct_positive=True`` lowers the positive's logit too, as in Yi et
    al.'s formula. With ``item_ids``, an item of the batch that is the same
    item as row :math:`i`'s positive is an *accidental hit*, not a negative:
    it is left out of row :math:`i`'s softmax, as the book's convention says.

    Args:
        scores: the ``(N, N)`` similarity matrix, positives on the diagonal.
        log_q: ``(N,)``, :math:`\log Q_j` of each item of the batch; zeros
            give the uncorrected loss.
        temperature: :math:`\tau > 0`.
        correct_positive: also correct the positive (Yi et al.'s variant).
        item_ids: ``(N,)`` integer id of each item; duplicates of a row's
            positive are then masked out of that row.
        reduction: ``"mean"`` or ``"none"``.

    Returns:
        The loss.

    Raises:
        TypeError: non-numeric input, or ``correct_positive`` not a bool.
        ValueError: a non-square matrix, ``log_q`` or ``item_ids`` of the
            wrong shape, ``log_q`` not finite, a bad temperature or reduction.

    Example:
        >>> s = np.zeros((2, 2))
        >>> float(in_batch_softmax_loss(s, np.log([2.0, 2.0])))  # log 1.5
        0.4054651081081644
    """
    s = _square_scores(scores)
    lq = as_float_array(log_q, "log_q")
    if lq.shape != (s.shape[0],):
        raise ValueError(
            f"log_q must have shape ({s.shape[0]},), one per item; got "
            f"{lq.shape}"
        )
    if not np.all(np.isfinite(lq)):
        raise ValueError("log_q must be finite (every item has Q > 0)")
    if not isinstance(correct_positive, (bool, np.bool_)):
        raise TypeError(
            f"correct_positive must be True or False, got {correct_positive!r}"
        )
    t = check_temperature(temperature)
    logits = s / t - lq[None, :]
    idx = np.arange(s.shape[0])
    if not correct_positive:
        logits[idx, idx] = s[idx, idx] / t
    if item_ids is not None:
        ids = np.asarray(item_ids)
        if ids.shape != (s.shape[0],) or ids.dtype.kind not in "iu":
            raise ValueError(
                f"item_ids must be ({s.shape[0]},) integers, one per item; "
                f"got shape {ids.shape}, dtype {ids.dtype}"
            )
        hits = (ids[:, None] == ids[None, :]) & (idx[:, None] != idx[None, :])
        logits = np.where(hits, -np.inf, logits)
    per_row = -np.diagonal(log_softmax(logits, axis=1)).copy()
    return _reduce(per_row, reduction)
