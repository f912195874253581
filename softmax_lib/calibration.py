r"""Calibration: does confidence match accuracy; temperature scaling fixes it.

A classifier's *confidence* on an example is its largest probability
:math:`\max_i p_i`. It is **calibrated** when, among the examples it answers
with confidence about :math:`c`, a share :math:`c` is right (Guo et al., 2017).

* :func:`reliability_bins` sorts predictions into equal-width confidence bins
  :math:`B_m = ((m-1)/M, m/M]` and gives each bin's mean confidence and
  accuracy.
* :func:`expected_calibration_error` is
  :math:`\mathrm{ECE} = \sum_m \frac{|B_m|}{n} \,
  |\operatorname{acc}(B_m) - \operatorname{conf}(B_m)|`.
* :func:`fit_temperature` finds the :math:`T` that minimises the validation
  negative log-likelihood of ``softmax(logits / T)``: temperature scaling.

Example:
    >>> logits = np.array([[4.0, 0.0], [4.0, 0.0], [0.0, 4.0], [0.0, 4.0]])
    >>> labels = np.array([0, 1, 1, 1])
    >>> p = sl_softmax(logits)
    >>> round(expected_calibration_error(p, labels, n_bins=10), 4)
    0.232

    3 right, 1 wrong: :math:`\sigma(4 / T) = 3/4`, so :math:`T = 4 / \log 3`:

    >>> round(fit_temperature(logits, labels), 4)
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
    """Per confidence bin: ``edges`` (M + 1), ``counts``, mean confidence,
    accuracy.

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
            f"labels must have shape ({rows.shape[0]},), one per row; got "
            f"{true.shape}"
        )
    if true.size and (true.min() < 0 or true.max() >= rows.shape[1]):
        raise ValueError(f"labels must lie in 0..{rows.shape[1] - 1}")
    return true


def _two_d(x: ArrayLike, name: str) -> np.ndarray:
    arr = as_float_array(x, name)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (examples, classes), got "
            f"shape {arr.shape}"
        )
    return arr


def reliability_bins(
    probabilities: ArrayLike, labels: ArrayLike, *, n_bins: int = 15
) -> ReliabilityBins:
    r"""Bin the predictions by confidence and score each bin.

    Bin :math:`m` of :math:`M` equal-width bins holds the examples whose
    confidence :math:`\max_i p_i` lies in :math:`B_m = ((m-1)/M, m/M]`; its
    mean confidence is :math:`\operatorname{conf}(B_m)` and its accuracy
    :math:`\operatorname{acc}(B_m)` the share of them whose arg-max is the
    label.

    Args:
        probabilities: shape ``(n, K)``, rows that sum to 1 (softmax outputs,
            not logits).
        labels: shape ``(n,)``, the true class indices.
        n_bins: the number of bins :math:`M`.

    Returns:
        A :class:`ReliabilityBins`.

    Raises:
        ValueError: rows that are not probability distributions (logits
            passed by mistake); labels of the wrong shape or range;
            ``n_bins`` below 1.
        TypeError: non-integer labels.

    Example:
        >>> p = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
        >>> bins = reliability_bins(p, np.array([0, 1, 1]), n_bins=2)
        >>> bins.counts, bins.accuracy
        (array([0, 3]), array([       nan, 0.66666667]))
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
    # Bin m holds confidences in (edges[m], edges[m + 1]]; a confidence of
    # exactly 0 cannot occur.
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
    r"""The expected calibration error (ECE), a number in [0, 1].

    :math:`\mathrm{ECE} = \sum_m \frac{|B_m|}{n} \,
    |\operatorname{acc}(B_m) - \operatorname{conf}(B_m)|` over the bins of
    :func:`reliability_bins`. 0 means every bin's accuracy equals its mean
    confidence. The value depends on ``n_bins``; 15 equal-width bins is the
    common choice (Guo et al., 2017).

    Raises:
        TypeError, ValueError: as :func:`reliability_bins`.

    Example:
        >>> p = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
        >>> round(expected_calibration_error(p, np.array([0, 1, 1])), 4)
        0.3333
    """
    bins = reliability_bins(probabilities, labels, n_bins=n_bins)
    filled = bins.counts > 0
    gaps = np.abs(bins.accuracy[filled] - bins.confidence[filled])
    return float(np.sum(bins.counts[filled] * gaps) / np.sum(bins.counts))


def negative_log_likelihood(
    logits: ArrayLike, labels: ArrayLike, *, temperature: float = 1.0
) -> float:
    r"""The loss temperature scaling minimises.

    The mean of :math:`-\log \operatorname{softmax}(\mathbf z / T)_c` over
    the rows, :math:`c` being each row's label.

    Raises:
        TypeError: non-real logits, non-integer labels, a temperature that
            is not a real number.
        ValueError: logits that are not a non-empty 2-D array, labels of the
            wrong shape or range, a temperature that is not positive and
            finite.

    Example:
        >>> logits = np.array([[2.0, 0.0], [0.0, 2.0]])
        >>> round(negative_log_likelihood(logits, np.array([0, 1])), 4)
        0.1269
    """
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
    r"""The temperature that minimises :func:`negative_log_likelihood`.

    :math:`T^* = \arg\min_T \, -\frac1n \sum_n
    \log \operatorname{softmax}(\mathbf z_n / T)_{c_n}`. Fit it on held-out
    (validation) data, never the training data. The negative log-likelihood
    is convex in :math:`\beta = 1/T`, so a bounded scalar search over
    :math:`\beta` finds the one minimum. Dividing logits by a positive
    :math:`T` never changes a prediction, only its confidence.

    Raises:
        TypeError: non-real logits or non-integer labels.
        ValueError: bad logits or labels; bounds not ``0 < low < high``; a
            best temperature at a bound (for example when every validation
            example is already right and the loss keeps falling as
            :math:`T \to 0`). Widen the bounds or check the data.

    Example:
        >>> logits = np.array([[3.0, 0.0], [3.0, 0.0], [0.0, 3.0]])
        >>> round(fit_temperature(logits, np.array([0, 1, 1])), 3)
        4.328
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
            f"the best temperature lies at a bound of {bounds!r}: the "
            "validation loss keeps falling "
            "beyond it. Widen the bounds, or check that the logits and "
            "labels are held-out data."
        )
    return temperature
