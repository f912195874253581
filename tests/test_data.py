"""Tests of softmax_lib.data: the digits split and the stratified split."""

import numpy as np
import pytest

from softmax_lib import data


@pytest.fixture(scope="module")
def split():
    return data.load_digits_split(seed=0)


def test_digits_split_parts_are_disjoint_and_cover_every_image(split):
    from sklearn.datasets import load_digits

    everything = load_digits().data / 16.0
    parts = np.concatenate([split.x_train, split.x_val, split.x_test])
    assert parts.shape == everything.shape
    # Every image appears exactly as often as in the full data set (some images
    # repeat).
    assert sorted(map(bytes, parts)) == sorted(map(bytes, everything))


def test_digits_split_keeps_the_class_balance_in_every_part(split):
    for y in (split.y_train, split.y_val, split.y_test):
        shares = np.bincount(y, minlength=10) / y.size
        assert np.all(np.abs(shares - 0.1) < 0.02)


def test_digits_split_features_are_scaled_to_unit_interval_with_integer_labels(
    split,
):
    assert (
        split.x_train.dtype == np.float64 and split.y_train.dtype == np.int64
    )
    assert split.x_train.min() == 0.0 and split.x_train.max() == 1.0
    assert split.n_classes == 10 and split.n_features == 64
    assert split.class_names == tuple("0123456789")


def test_digits_split_depends_only_on_the_seed(split):
    again = data.load_digits_split(seed=0)
    other = data.load_digits_split(seed=1)
    assert np.array_equal(again.y_train, split.y_train) and np.array_equal(
        again.x_test, split.x_test
    )
    assert not np.array_equal(other.y_train, split.y_train)


def test_digits_split_sizes_follow_the_fractions():
    s = data.load_digits_split(val_fraction=0.1, test_fraction=0.3, seed=0)
    assert (len(s.y_train), len(s.y_val), len(s.y_test)) == (1078, 180, 539)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"val_fraction": 0.0},
        {"test_fraction": 1.0},
        {"val_fraction": True},
        {"val_fraction": 0.5, "test_fraction": 0.5},
    ],
)
def test_digits_split_rejects_bad_fractions(kwargs):
    with pytest.raises(ValueError, match="fraction"):
        data.load_digits_split(**kwargs)


def test_stratified_indices_partition_every_class():
    labels = np.repeat(np.arange(3), [10, 20, 30])
    parts = data.stratified_indices(labels, (0.5, 0.3, 0.2), seed=3)
    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(60))
    assert [np.bincount(labels[p], minlength=3).tolist() for p in parts] == [
        [5, 10, 15],
        [3, 6, 9],
        [2, 4, 6],
    ]


@pytest.mark.parametrize("fractions", [(), (0.5, 0.4), (1.2, -0.2)])
def test_stratified_indices_rejects_fractions_that_do_not_sum_to_one(
    fractions,
):
    with pytest.raises(ValueError, match="fractions"):
        data.stratified_indices(np.zeros(4, dtype=int), fractions, seed=0)


def test_stratified_indices_rejects_labels_that_are_not_1d():
    with pytest.raises(ValueError, match="1-D"):
        data.stratified_indices(np.zeros((2, 2), dtype=int), (1.0,), seed=0)
