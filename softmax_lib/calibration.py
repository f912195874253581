r"""Calibration: does a model's confidence match its accuracy, and temperature scaling to fix it.

A classifier's *confidence* on an example is its largest probability
:math:`\max_i p_i`. It is **calibrated** when, among the examples it answers with
confidence about :math:`c`, a share :math:`c` is right (Guo et al., 2017).

* :func:`reliability_bins` sorts predictions into equal-width confidence bins
  :math:`B_m = ((m-1)/M, m/M]` and gives each bin's mean confidence and accuracy.
* :func:`expected_calibration_error` is
  :math:`\mathrm{ECE} = \sum_m \frac{|B_m|}{n} \, |\operatorname{acc}(B_m) - \operatorname{conf}(B_m)|`.
* :func:`fit_temperature` finds the :math:`T` that minimises the validation
  negative log-likelihood of ``softmax(logits / T)``: temperature scaling.

Example:
    >>> logits = np.array([[4.0, 0.0], [4.0, 0.0], [0.0, 4.0], [0.0, 4.0]])
    >>> labels = np.array([0, 1, 1, 1])
    >>> round(expected_calibration_error(sl_softmax(logits), labels, n_bins=10), 4)
    0.232
    >>> round(fit_temperature(logits, labels), 4)  # 3 right, 1 wrong: sigmoid(4 / T) = 3/4, T = 4 / log 3
    3.641
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize_scalar

from softmax_lib._validation import (
    as_float_array,
    check_probability_rows,
    check_temperature,
)
from softmax_lib.core import softmax as sl_softmax
from softmax_lib.losses import cross_entropy


@dataclass(frozen=True)
class ReliabilityBins:
    """Per confidence bin: its ``edges`` (M + 1), example ``counts``, mean confidence and accuracy.

    ``confidence`` and ``accuracy`` are NaN for empty bins.
    """

    edges: np.ndarray
    counts: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray


def _labels_for(rows: np.ndarray, labels: ArrayLike) -> np.ndarray:
    true = np.asarray(labels)
    if true.dtype.kind not in "iu":
        raise TypeError(
            f"labels must be integer class indices, got dtype {true.dtype}"
        )
    if true.shape != (rows.shape[0],):
        raise ValueError(
            f"labels must have shape ({rows.shape[0]},), one per row; got {true.shape}"
        )
    if true.size and (true.min() < 0 or true.max() >= rows.shape[1]):
        raise ValueError(f"labels must lie in 0..{rows.shape[1] - 1}")
    return true


def _two_d(x: ArrayLike, name: str) -> np.ndarray:
    arr = as_float_array(x, name)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (examples, classes), got shape {arr.shape}"
        )
    return arr


def reliability_bins(
    probabilities: ArrayLike, labels: ArrayLike, *, n_bins: int = 15
) -> ReliabilityBins:
    """Bin the predictions by confidence (equal widths on [0, 1]) and score each bin.

    Args:
        probabilities: shape ``(n, K)``, rows that sum to 1 (softmax outputs, not logits).
        labels: shape ``(n,)``, the true class indices.
        n_bins: the number of bins :math:`M`.

    Raises:
        ValueError: rows that are not probability distributions (logits passed by
        mistake), labels of the wrong shape or range, ``n_bins`` < 1.
        TypeError: non-integer labels.
    """
    p = _two_d(probabilities, "probabilities")
    check_probability_rows(p, "probabilities")
    true = _labels_for(p, labels)
    if (
        isinstance(n_bins, bool)
        or not isinstance(n_bins, numbers.Integral)
        or n_bins < 1
    ):
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    confidence = p.max(axis=1).astype(np.float64)
    correct = (p.argmax(axis=1) == true).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # Bin m holds confidences in (edges[m], edges[m + 1]]; a confidence of exactly 0 cannot occur.
    which = np.clip(
        np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1
    )
    counts = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = (
            np.bincount(which, weights=confidence, minlength=n_bins) / counts
        )
        accuracy = (
            np.bincount(which, weights=correct, minlength=n_bins) / counts
        )
    return ReliabilityBins(
        edges=edges,
        counts=counts,
        confidence=mean_confidence,
        accuracy=accuracy,
    )


def expected_calibration_error(
    probabilities: ArrayLike, labels: ArrayLike, *, n_bins: int = 15
) -> float:
    """The expected calibration error (ECE) of :func:`reliability_bins`, a number in [0, 1].

    0 means every bin's accuracy equals its mean confidence. The value depends on
    ``n_bins``; 15 equal-width bins is the common choice (Guo et al., 2017).
    """
    bins = reliability_bins(probabilities, labels, n_bins=n_bins)
    filled = bins.counts > 0
    gaps = np.abs(bins.accuracy[filled] - bins.confidence[filled])
    return float(np.sum(bins.counts[filled] * gaps) / np.sum(bins.counts))


def negative_log_likelihood(
    logits: ArrayLike, labels: ArrayLike, *, temperature: float = 1.0
) -> float:
    """Mean :math:`-\\log \\operatorname{softmax}(\\mathbf z / T)_c` over the rows: the loss temperature scaling minimises."""
    z = _two_d(logits, "logits")
    true = _labels_for(z, labels)
    t = check_temperature(temperature)
    return float(cross_entropy(z.astype(np.float64) / t, true))


def fit_temperature(
    logits: ArrayLike,
    labels: ArrayLike,
    *,
    bounds: tuple[float, float] = (0.05, 20.0),
) -> float:
    r"""The temperature :math:`T` that minimises :func:`negative_log_likelihood` on these logits.

    Fit it on held-out (validation) data, never the training data. The negative
    log-likelihood is convex in :math:`\beta = 1/T`, so a bounded scalar search over
    :math:`\beta` finds the one minimum. Dividing logits by a positive :math:`T`
    never changes a prediction, only its confidence.

    Raises:
        ValueError: bad logits or labels, bounds not ``0 < low < high``, or a best
        temperature at a bound (for example when every validation example is already
        right and the loss keeps falling as :math:`T \to 0`): widen the bounds or check the data.
    """
    z = _two_d(logits, "logits").astype(np.float64)
    true = _labels_for(z, labels)
    low, high = (float(b) for b in bounds)
    if not 0 < low < high < np.inf:
        raise ValueError(f"bounds must satisfy 0 < low < high, got {bounds!r}")
    result = minimize_scalar(
        lambda beta: float(cross_entropy(z * beta, true)),
        bounds=(1.0 / high, 1.0 / low),
        method="bounded",
        options={"xatol": 1e-10},
    )
    temperature = 1.0 / float(result.x)
    if np.isclose(temperature, low, rtol=1e-4) or np.isclose(
        temperature, high, rtol=1e-4
    ):
        raise ValueError(
            f"the best temperature lies at a bound of {bounds!r}: the validation loss keeps falling "
            "beyond it. Widen the bounds, or check that the logits and labels are held-out data."
        )
    return temperature
