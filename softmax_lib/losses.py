r"""Cross-entropy, the loss that goes with softmax."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_class_axis,
    check_probability_rows,
)
from softmax_lib.core import log_softmax

Reduction = Literal["mean", "sum", "none"]


def _class_indices(target: np.ndarray, num_classes: int) -> np.ndarray:
    """Check integer class labels ``0 <= t < num_classes`` and return them as
    intp."""
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"target of shape {target.shape} reads as class indices, which "
            f"must be integers; got dtype {target.dtype}"
        )
    if target.size and (target.min() < 0 or target.max() >= num_classes):
        bad = target.min() if target.min() < 0 else target.max()
        raise ValueError(
            f"target holds class index {bad}, but logits have {num_classes} "
            f"classes (valid: 0..{num_classes - 1})"
        )
    return target.astype(np.intp)


def cross_entropy(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    reduction: Reduction = "mean",
    label_smoothing: float = 0.0,
) -> np.ndarray:
    r"""Cross-entropy between ``target`` and ``softmax(logits)``, computed from
    the logits.

    For one row, :math:`\ell(\mathbf z, \mathbf y) = -\sum_k y_k \log
    \operatorname{softmax}(\mathbf z)_k`; with a class index :math:`c` this is
    :math:`-\log \operatorname{softmax}(\mathbf z)_c =
    \operatorname{logsumexp}(\mathbf z) - z_c`. It goes through
    :func:`~softmax_lib.core.log_softmax`, never ``log(softmax(...))``, so it
    stays finite for finite logits.

    Args:
        logits: shape ``(..., K)``, classes on the last axis. Unnormalised
            scores, not probabilities.
        target: either **class indices**, integers of shape
            ``logits.shape[:-1]`` with values in ``0..K-1``, or **probability
            rows** of shape ``logits.shape`` (one-hot or soft labels; each row
            non-negative and summing to 1).
        reduction: ``"mean"`` over rows (default), ``"sum"``, or ``"none"`` for
            one loss per row.
        label_smoothing: :math:`\varepsilon \in [0, 1)`. The target becomes
            :math:`(1-\varepsilon)\,\mathbf y + \varepsilon/K`, as in PyTorch's
            ``CrossEntropyLoss``.

    Returns:
        A float array in the dtype of ``logits``: 0-d for ``"mean"`` and
        ``"sum"``, shape ``logits.shape[:-1]`` for ``"none"``. Where the target
        puts zero probability, a ``-inf`` logit (a masked class) contributes
        nothing.

    Raises:
        TypeError: non-real logits; class indices that are not integers.
        ValueError: ``target`` shape matches neither form; a class index out of
            range; probability rows that are negative or do not sum to 1; an
            unknown ``reduction``; ``label_smoothing`` outside [0, 1).

    Example:
        >>> logits = [[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]]
        >>> cross_entropy(logits, [0, 1], reduction="none").round(4)
        array([0.417 , 0.1967])
        >>> one_hot = [[1, 0, 0], [0, 1, 0]]  # the same targets
        >>> float(cross_entropy(logits, one_hot).round(4))
        0.3069
    """
    z = as_float_array(logits, "logits")
    check_class_axis(z, "logits")
    num_classes = z.shape[-1]
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(
            f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}"
        )
    if (
        isinstance(label_smoothing, (bool, np.bool_))
        or not 0 <= label_smoothing < 1
    ):
        raise ValueError(
            "label_smoothing must be a number in [0, 1), got "
            f"{label_smoothing!r}"
        )

    t = np.asarray(target)
    log_p = log_softmax(z, axis=-1)
    if t.shape == z.shape[:-1]:
        idx = _class_indices(t, num_classes)
        picked = np.take_along_axis(log_p, idx[..., None], axis=-1)[..., 0]
        if label_smoothing:
            with np.errstate(invalid="ignore"):
                uniform_term = np.mean(log_p, axis=-1)
            losses = -(
                (1 - label_smoothing) * picked + label_smoothing * uniform_term
            )
        else:
            losses = -picked
    elif t.shape == z.shape:
        probs = as_float_array(t, "target")
        check_probability_rows(probs, "target")
        if label_smoothing:
            probs = (
                1 - label_smoothing
            ) * probs + label_smoothing / num_classes
        # 0 * log p is taken as 0 even where log p is -inf (a masked class).
        terms = probs * np.where(probs > 0, log_p, 0.0)
        losses = -np.sum(terms, axis=-1)
    else:
        raise ValueError(
            f"target shape {t.shape} fits neither class indices (shape "
            f"{z.shape[:-1]}) "
            f"nor probability rows (shape {z.shape}) for logits of shape "
            f"{z.shape}"
        )

    losses = np.asarray(losses, dtype=z.dtype)
    if reduction == "none":
        return losses
    total = np.sum(losses, dtype=np.float64)
    if reduction == "mean":
        total = total / max(losses.size, 1)
    return np.asarray(total, dtype=z.dtype)
