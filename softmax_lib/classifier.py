r"""A small softmax classifier in NumPy: softmax regression, or one hidden
ReLU layer before it.

The model maps features :math:`\mathbf x \in \mathbb R^d` to logits
:math:`\mathbf z = W_2 \operatorname{relu}(W_1 \mathbf x + \mathbf b_1)
+ \mathbf b_2` (or :math:`\mathbf z = W \mathbf x + \mathbf b` with
``hidden=0``) and is trained by minibatch gradient descent with momentum on
the mean cross-entropy. The gradient of the loss with respect to the logits is
:math:`(\mathbf p - \mathbf y) / N`, and backpropagation takes it from there.
Everything is seeded: the same call gives the same model, bit for bit, on the
same machine.

Example:
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(60, 2))
    >>> y = (x[:, 0] > 0).astype(int)
    >>> model, history = train_classifier(x, y, epochs=50, seed=0)
    >>> float(np.mean(model.predict(x) == y)) > 0.9
    True
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import as_float_array
from softmax_lib.core import softmax
from softmax_lib.losses import cross_entropy


@dataclass(frozen=True)
class SoftmaxClassifier:
    r"""Trained parameters: ``weights`` and ``biases``, one pair per layer.

    One layer is softmax regression, :math:`\mathbf z = \mathbf x W +
    \mathbf b`; two put a ReLU layer before it. :func:`train_classifier`
    makes one.

    Example:
        >>> model = SoftmaxClassifier(
        ...     weights=(np.eye(2),), biases=(np.zeros(2),)
        ... )
        >>> model.predict_proba([[1.0, 0.0]]).round(4)
        array([[0.7311, 0.2689]])
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def logits(self, x: ArrayLike) -> np.ndarray:
        """The logits, shape ``(n, K)``, for features of shape ``(n, d)``."""
        h = _features(x, self.weights[0].shape[0])
        for layer, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ w + b
            if layer < len(self.weights) - 1:
                h = np.maximum(h, 0.0)
        return h

    def predict_proba(
        self, x: ArrayLike, temperature: float = 1.0
    ) -> np.ndarray:
        """``softmax(logits(x) / temperature)``, shape ``(n, K)``."""
        return softmax(self.logits(x), temperature=temperature)

    def predict(self, x: ArrayLike) -> np.ndarray:
        """The arg-max class of each row, shape ``(n,)``; no softmax needed."""
        return np.argmax(self.logits(x), axis=1)


@dataclass(frozen=True)
class TrainingHistory:
    """Per epoch: the mean training loss and, when validation data was given,
    its loss and accuracy.

    ``train_loss`` is the loss the optimiser minimises, so it includes label
    smoothing when that is on; ``val_loss`` is always the plain cross-entropy
    against the true labels. :func:`train_classifier` returns one.
    """

    train_loss: np.ndarray
    val_loss: np.ndarray | None
    val_accuracy: np.ndarray | None


def _features(x: ArrayLike, n_features: int | None = None) -> np.ndarray:
    arr = as_float_array(x, "x").astype(np.float64, copy=False)
    if arr.ndim != 2:
        raise ValueError(
            f"x must be 2-D, (examples, features); got shape {arr.shape}"
        )
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(
            f"x has {arr.shape[1]} features per example, the model expects "
            f"{n_features}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            "x contains NaN or inf; clean or impute the features first"
        )
    return arr


def _labels(
    y: ArrayLike, n: int, n_classes: int | None
) -> tuple[np.ndarray, int]:
    labels = np.asarray(y)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"y must hold integer class labels, got dtype {labels.dtype}"
        )
    if labels.shape != (n,):
        raise ValueError(
            f"y must have shape ({n},), one label per row of x; got "
            f"{labels.shape}"
        )
    k = int(labels.max()) + 1 if n_classes is None else n_classes
    if labels.min() < 0 or labels.max() >= k:
        raise ValueError(
            f"labels must lie in 0..{k - 1}, got values from {labels.min()} "
            f"to {labels.max()}"
        )
    return labels.astype(np.int64), k


def _positive(value: object, name: str, kind: type = numbers.Real) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, kind)
        or not cast(float, value) > 0
    ):
        raise ValueError(
            f"{name} must be a positive "
            f"{'integer' if kind is numbers.Integral else 'number'}, got "
            f"{value!r}"
        )


def train_classifier(
    x: ArrayLike,
    y: ArrayLike,
    *,
    n_classes: int | None = None,
    hidden: int = 0,
    epochs: int = 100,
    batch_size: int = 64,
    learning_rate: float = 0.1,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    label_smoothing: float = 0.0,
    x_val: ArrayLike | None = None,
    y_val: ArrayLike | None = None,
    seed: int = 0,
) -> tuple[SoftmaxClassifier, TrainingHistory]:
    r"""Train a softmax classifier on features ``x`` (n, d) and labels ``y``.

    The loss is :func:`~softmax_lib.losses.cross_entropy` of the logits
    (with ``label_smoothing``) plus
    :math:`\tfrac{\lambda}{2}\sum \lVert W \rVert^2` for ``weight_decay``
    :math:`\lambda` (biases are not decayed). Each epoch visits the examples
    in a fresh random order in minibatches of ``batch_size``; the update is
    heavy-ball momentum, :math:`v \leftarrow \mu v - \eta g`,
    :math:`\theta \leftarrow \theta + v`.

    Args:
        x: features, shape ``(n, d)``.
        y: integer labels, shape ``(n,)``.
        hidden: width of the one hidden ReLU layer; 0 (default) gives softmax
            regression.
        n_classes: :math:`K`; by default ``max(y) + 1``.
        x_val, y_val: optional validation data, scored after every epoch.
        seed: seeds the initial weights and the order of the examples.

    Returns:
        The trained :class:`SoftmaxClassifier` and its
        :class:`TrainingHistory`.

    Raises:
        ValueError: features that are not a finite 2-D array; labels not in
            ``0..K-1`` or not one per example; a non-positive ``epochs``,
            ``batch_size`` or ``learning_rate``; a negative ``hidden`` or
            ``weight_decay``; a ``momentum`` or ``label_smoothing`` outside
            [0, 1).
        TypeError: labels that are not integers; a count that is not an
            integer.

    Example:
        >>> x = np.array([[-1.0], [-2.0], [1.0], [2.0]])
        >>> model, history = train_classifier(x, [0, 0, 1, 1], epochs=20)
        >>> model.predict(x), bool(history.train_loss[-1] < 0.3)
        (array([0, 0, 1, 1]), True)
    """
    features = _features(x)
    labels, k = _labels(y, features.shape[0], n_classes)
    for value, name in [(epochs, "epochs"), (batch_size, "batch_size")]:
        _positive(value, name, numbers.Integral)
    _positive(learning_rate, "learning_rate")
    if (
        isinstance(hidden, bool)
        or not isinstance(hidden, numbers.Integral)
        or hidden < 0
    ):
        raise ValueError(
            "hidden must be a non-negative integer (0 for softmax "
            f"regression), got {hidden!r}"
        )
    if not 0 <= weight_decay < np.inf:
        raise ValueError(
            f"weight_decay must be a non-negative number, got {weight_decay!r}"
        )
    if not 0 <= label_smoothing < 1:
        raise ValueError(
            f"label_smoothing must lie in [0, 1), got {label_smoothing!r}"
        )
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must lie in [0, 1), got {momentum!r}")
    validation = None
    if (x_val is None) != (y_val is None):
        raise ValueError("give both x_val and y_val, or neither")
    if x_val is not None:
        xv = _features(x_val, features.shape[1])
        validation = (xv, _labels(y_val, xv.shape[0], k)[0])

    rng = np.random.default_rng(seed)
    widths = [features.shape[1], *([hidden] if hidden else []), k]
    # He initialisation for the ReLU layer; the output layer starts small so
    # the first predictions are close to uniform. Softmax regression starts at
    # exactly zero.
    weights = [
        rng.normal(
            scale=np.sqrt(2.0 / fan_in)
            if i < len(widths) - 2
            else 0.01 * (hidden > 0),
            size=(fan_in, fan_out),
        )
        for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:]))
    ]
    biases = [np.zeros(fan_out) for fan_out in widths[1:]]
    velocity = [np.zeros_like(p) for p in weights + biases]
    smoothed = (1 - label_smoothing) * np.eye(k)[labels] + label_smoothing / k

    train_loss, val_loss, val_acc = [], [], []
    n = features.shape[0]
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            activations = [features[batch]]
            for layer, (w, b) in enumerate(zip(weights, biases)):
                z = activations[-1] @ w + b
                activations.append(
                    np.maximum(z, 0.0) if layer < len(weights) - 1 else z
                )
            delta = (
                softmax(activations[-1]) - smoothed[batch]
            ) / batch.size  # dL/dlogits = (p - y) / N
            grads_w, grads_b = [], []
            for layer in reversed(range(len(weights))):
                grads_w.append(
                    activations[layer].T @ delta
                    + weight_decay * weights[layer]
                )
                grads_b.append(delta.sum(axis=0))
                if layer:
                    delta = (delta @ weights[layer].T) * (
                        activations[layer] > 0
                    )
            grads = grads_w[::-1] + grads_b[::-1]
            for param, vel, grad in zip(weights + biases, velocity, grads):
                vel *= momentum
                vel -= learning_rate * grad
                param += vel
        model = SoftmaxClassifier(
            tuple(w.copy() for w in weights), tuple(b.copy() for b in biases)
        )
        train_loss.append(
            float(
                cross_entropy(
                    model.logits(features),
                    labels,
                    label_smoothing=label_smoothing,
                )
            )
        )
        if validation is not None:
            logits = model.logits(validation[0])
            val_loss.append(float(cross_entropy(logits, validation[1])))
            val_acc.append(
                float(np.mean(np.argmax(logits, axis=1) == validation[1]))
            )
    history = TrainingHistory(
        train_loss=np.array(train_loss),
        val_loss=np.array(val_loss) if validation is not None else None,
        val_accuracy=np.array(val_acc) if validation is not None else None,
    )
    return model, history


def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, n_classes: int
) -> np.ndarray:
    r"""Counts of examples by true and predicted class, shape ``(K, K)``.

    :math:`C_{ij} = |\{n : y_n = i,\ \hat y_n = j\}|`: row ``i`` counts
    the examples of true class ``i``, column ``j`` those predicted as ``j``.

    Raises:
        ValueError: ``y_true`` and ``y_pred`` not 1-D of the same length, or
            a label outside ``0..n_classes-1``.
        TypeError: labels that are not integers.

    Example:
        >>> confusion_matrix([0, 1, 1], [0, 1, 0], n_classes=2)
        array([[1, 0],
               [1, 1]])
    """
    true = np.asarray(y_true)
    pred = np.asarray(y_pred)
    if true.shape != pred.shape or true.ndim != 1:
        raise ValueError(
            "y_true and y_pred must be 1-D of the same length, got "
            f"{true.shape} and {pred.shape}"
        )
    for arr, name in [(true, "y_true"), (pred, "y_pred")]:
        if arr.dtype.kind not in "iu":
            raise TypeError(
                f"{name} must hold integer class labels, got dtype {arr.dtype}"
            )
        if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
            raise ValueError(f"{name} has labels outside 0..{n_classes - 1}")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (true, pred), 1)
    return counts


def top_k_accuracy(logits: ArrayLike, labels: ArrayLike, k: int) -> float:
    r"""The share of rows whose true label is among the ``k`` largest logits.

    :math:`\frac1n \sum_n [\, y_n \in \operatorname{top}_k(\mathbf z_n)
    \,]`; ties are broken towards the lower class index.

    Raises:
        TypeError: logits that are not real numbers.
        ValueError: logits not ``(n, K)`` with labels ``(n,)``, or ``k``
            not an integer in ``1..K``.

    Example:
        >>> top_k_accuracy([[3.0, 2.0, 1.0], [1.0, 2.0, 3.0]], [1, 0], k=2)
        0.5
    """
    z = as_float_array(logits, "logits")
    true = np.asarray(labels)
    if z.ndim != 2 or true.shape != (z.shape[0],):
        raise ValueError(
            f"logits must be (n, K) and labels (n,), got {z.shape} and "
            f"{true.shape}"
        )
    if (
        isinstance(k, bool)
        or not isinstance(k, numbers.Integral)
        or not 1 <= k <= z.shape[1]
    ):
        raise ValueError(f"k must be an integer in 1..{z.shape[1]}, got {k!r}")
    top = np.argsort(-z, axis=1, kind="stable")[:, :k]
    return float(np.mean(np.any(top == true[:, None], axis=1)))
