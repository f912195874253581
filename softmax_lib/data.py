r"""The data set the book trains its classifier on: shipped with a package,
never downloaded.

scikit-learn's *digits* are 1,797 handwritten digits scanned as 8×8 grey
levels (0–16) with their labels 0–9 (Alpaydin and Kaynak, 1998). They ship
inside the scikit-learn wheel, so loading them needs no network and gives the
same bytes on every machine.

Example:
    >>> split = load_digits_split(seed=0)
    >>> split.x_train.shape, split.x_val.shape, split.x_test.shape
    ((1078, 64), (360, 64), (359, 64))
    >>> split.n_classes, float(split.x_train.max())
    (10, 1.0)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import cast

import numpy as np


@dataclass(frozen=True)
class DataSplit:
    """Features ``x_*``, shape ``(n, d)`` (float64), and labels ``y_*``, shape
    ``(n,)`` (int64).

    Three disjoint parts: ``train`` to fit a model, ``val`` to tune it (for
    example the temperature of temperature scaling), ``test`` to report on,
    touched once. :func:`load_digits_split` makes one.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]

    @property
    def n_classes(self) -> int:
        """The number of classes :math:`K`."""
        return len(self.class_names)

    @property
    def n_features(self) -> int:
        """The number of features per example."""
        return self.x_train.shape[1]


def _check_fraction(value: object, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0 < cast(float, value) < 1
    ):
        raise ValueError(
            f"{name} must be a number strictly between 0 and 1, got {value!r}"
        )
    return float(value)


def stratified_indices(
    labels: np.ndarray, fractions: tuple[float, ...], *, seed: int
) -> list[np.ndarray]:
    r"""Split the indices of ``labels`` into parts of the given ``fractions``,
    class by class.

    Each class is shuffled with ``numpy.random.default_rng(seed)`` and cut in
    the given proportions: of the :math:`n_c` examples of class :math:`c`,
    part :math:`k` gets about :math:`f_k n_c` (the cuts at
    :math:`\operatorname{round}(n_c \sum_{j \le k} f_j)`), so every part
    keeps the class balance of the whole. Returns one sorted index array per
    part.

    Raises:
        ValueError: ``labels`` not 1-D; fractions that are not positive or do
            not sum to 1.

    Example:
        >>> labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
        >>> parts = stratified_indices(labels, (0.5, 0.5), seed=0)
        >>> [len(p) for p in parts]
        [4, 4]
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {labels.shape}")
    if (
        not fractions
        or any(not 0 < f <= 1 for f in fractions)
        or not np.isclose(sum(fractions), 1.0)
    ):
        raise ValueError(
            f"fractions must be positive and sum to 1, got {fractions!r}"
        )
    rng = np.random.default_rng(seed)
    cuts = np.cumsum(fractions)[:-1]
    parts: list[list[np.ndarray]] = [[] for _ in fractions]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        bounds = np.round(cuts * members.size).astype(int)
        for part, chunk in zip(parts, np.split(members, bounds)):
            part.append(chunk)
    return [np.sort(np.concatenate(p)) for p in parts]


def load_digits_split(
    *, val_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0
) -> DataSplit:
    """scikit-learn's 8×8 digits, split into train / validation / test.

    The features are the 64 grey levels scaled to [0, 1], :math:`x = g / 16`.
    The split is stratified (every part has the same share of each digit, by
    :func:`stratified_indices`) and depends only on ``seed``. With the
    defaults the parts hold 1,078 / 360 / 359 examples.

    Raises:
        ValueError: a fraction that is not a number in (0, 1), or fractions
            that leave no training data.

    Example:
        >>> split = load_digits_split(val_fraction=0.25, test_fraction=0.25)
        >>> len(split.y_train), len(split.y_val), len(split.y_test)
        (898, 449, 450)
    """
    val = _check_fraction(val_fraction, "val_fraction")
    test = _check_fraction(test_fraction, "test_fraction")
    if val + test >= 1:
        raise ValueError(
            "val_fraction + test_fraction must leave training data, got "
            f"{val} + {test} >= 1"
        )
    # imported here: only this function needs scikit-learn
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = digits.data / 16.0
    y = digits.target.astype(np.int64)
    train, validation, testing = stratified_indices(
        y, (1 - val - test, val, test), seed=seed
    )
    return DataSplit(
        x_train=x[train],
        y_train=y[train],
        x_val=x[validation],
        y_val=y[validation],
        x_test=x[testing],
        y_test=y[testing],
        class_names=tuple(str(name) for name in digits.target_names),
    )
