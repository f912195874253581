"""cross_entropy: both target forms, agreement with PyTorch, masks, errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import softmax_lib as sl
from conftest import logit_rows

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0], [-1.0, 0.0, 3.0]])
LABELS = np.array([0, 1, 1])


def test_cross_entropy_of_a_class_index_is_logsumexp_minus_the_true_logit():
    expected = sl.logsumexp(LOGITS) - LOGITS[np.arange(3), LABELS]
    np.testing.assert_allclose(
        sl.cross_entropy(LOGITS, LABELS, reduction="none"),
        expected,
        rtol=1e-15,
    )


def test_class_indices_and_one_hot_rows_give_the_same_loss():
    one_hot = np.eye(3)[LABELS]
    for reduction in ("mean", "sum", "none"):
        np.testing.assert_allclose(
            sl.cross_entropy(LOGITS, LABELS, reduction=reduction),
            sl.cross_entropy(LOGITS, one_hot, reduction=reduction),
            rtol=1e-15,
        )


def test_reductions_relate_as_sum_equals_mean_times_rows():
    per_row = sl.cross_entropy(LOGITS, LABELS, reduction="none")
    assert per_row.shape == (3,)
    assert float(
        sl.cross_entropy(LOGITS, LABELS, reduction="sum")
    ) == pytest.approx(per_row.sum(), rel=1e-15)
    assert float(sl.cross_entropy(LOGITS, LABELS)) == pytest.approx(
        per_row.mean(), rel=1e-15
    )


def test_cross_entropy_is_finite_for_huge_logits():
    loss = sl.cross_entropy([[1000.0, 0.0]], [1], reduction="none")
    np.testing.assert_allclose(loss, [1000.0], rtol=1e-15)


def test_a_masked_class_with_zero_target_contributes_nothing():
    logits = np.array([[-np.inf, 1.0, 2.0]])
    np.testing.assert_allclose(
        sl.cross_entropy(logits, [[0.0, 0.5, 0.5]], reduction="none"),
        sl.cross_entropy(logits[:, 1:], [[0.5, 0.5]], reduction="none"),
        rtol=1e-15,
    )
    assert np.isfinite(sl.cross_entropy(logits, [2]))


def test_target_on_a_masked_class_gives_infinite_loss():
    assert sl.cross_entropy([[-np.inf, 1.0]], [0]) == np.inf


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_loss_has_the_dtype_of_the_logits(dtype):
    assert sl.cross_entropy(LOGITS.astype(dtype), LABELS).dtype == dtype
    assert (
        sl.cross_entropy(LOGITS.astype(dtype), LABELS, reduction="none").dtype
        == dtype
    )


def test_leading_batch_dimensions_are_allowed():
    logits = np.random.default_rng(0).normal(size=(2, 5, 4))
    labels = np.random.default_rng(1).integers(0, 4, size=(2, 5))
    per_row = sl.cross_entropy(logits, labels, reduction="none")
    assert per_row.shape == (2, 5)
    np.testing.assert_allclose(
        per_row.ravel(),
        sl.cross_entropy(
            logits.reshape(10, 4), labels.ravel(), reduction="none"
        ),
    )


@given(
    logit_rows(min_value=-50, max_value=50, max_rows=5, max_classes=8),
    st.data(),
    st.sampled_from(["mean", "sum", "none"]),
    st.sampled_from([0.0, 0.1, 0.5]),
)
def test_cross_entropy_with_class_indices_agrees_with_torch(
    logits, data, reduction, smoothing
):
    n, k = logits.shape
    labels = np.array(
        data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    )
    expected = F.cross_entropy(
        torch.from_numpy(logits),
        torch.from_numpy(labels),
        reduction=reduction,
        label_smoothing=smoothing,
    ).numpy()
    np.testing.assert_allclose(
        sl.cross_entropy(
            logits, labels, reduction=reduction, label_smoothing=smoothing
        ),
        expected,
        rtol=1e-12,
        atol=1e-12,
    )


@given(
    logit_rows(min_value=-50, max_value=50, max_rows=5, max_classes=8),
    st.data(),
    st.sampled_from([0.0, 0.2]),
)
def test_cross_entropy_with_probability_rows_agrees_with_torch(
    logits, data, smoothing
):
    weights = data.draw(
        hnp.arrays(np.float64, logits.shape, elements=st.floats(0, 1))
    )
    target = (weights + 1e-3) / (weights + 1e-3).sum(axis=-1, keepdims=True)
    expected = F.cross_entropy(
        torch.from_numpy(logits),
        torch.from_numpy(target),
        label_smoothing=smoothing,
    ).numpy()
    np.testing.assert_allclose(
        sl.cross_entropy(logits, target, label_smoothing=smoothing),
        expected,
        rtol=1e-12,
    )


def test_cross_entropy_is_minimised_when_the_prediction_matches_the_target():
    target = np.array([[0.7, 0.2, 0.1]])
    best = sl.cross_entropy(np.log(target), target)
    entropy = -np.sum(target * np.log(target))
    assert float(best) == pytest.approx(entropy, rel=1e-14)
    for other in ([[0.0, 0.0, 0.0]], [[2.0, 1.0, 0.1]], [[1.0, 1.0, 5.0]]):
        assert sl.cross_entropy(other, target) > best


# --- errors ------------------------------------------------------------------


@pytest.mark.parametrize("labels", [[0, 1, 3], [0, -1, 1]])
def test_class_index_out_of_range_is_named(labels):
    with pytest.raises(
        ValueError,
        match=r"target holds class index (3|-1), but logits have 3 classes "
        r"\(valid: 0\.\.2\)",
    ):
        sl.cross_entropy(LOGITS, labels)


def test_float_class_indices_are_a_type_error():
    with pytest.raises(
        TypeError, match="class indices, which must be integers"
    ):
        sl.cross_entropy(LOGITS, [0.0, 1.0, 1.0])


@pytest.mark.parametrize(
    "target", [[0, 1], np.zeros((3, 2)), np.zeros((3, 3, 1))]
)
def test_target_shape_that_fits_neither_form_is_named(target):
    with pytest.raises(
        ValueError,
        match=r"target shape .* fits neither class indices \(shape \(3,\)\) "
        r"nor probability rows \(shape \(3, 3\)\)",
    ):
        sl.cross_entropy(LOGITS, target)


@pytest.mark.parametrize(
    "target, message",
    [
        ([[0.5, 0.5, 0.5]] * 3, "row .* sums to 1.5"),
        ([[1.2, -0.2, 0.0]] * 3, "negative entry"),
        ([[np.nan, 0.5, 0.5]] * 3, "NaN or inf"),
    ],
)
def test_probability_rows_that_are_not_distributions_are_rejected(
    target, message
):
    with pytest.raises(ValueError, match=message):
        sl.cross_entropy(LOGITS, target)


def test_unknown_reduction_is_named():
    with pytest.raises(
        ValueError,
        match="reduction must be 'mean', 'sum' or 'none', got 'avg'",
    ):
        sl.cross_entropy(LOGITS, LABELS, reduction="avg")


@pytest.mark.parametrize("smoothing", [-0.1, 1.0, 2.0, True])
def test_label_smoothing_outside_the_unit_interval_is_rejected(smoothing):
    with pytest.raises(
        ValueError, match=r"label_smoothing must be a number in \[0, 1\)"
    ):
        sl.cross_entropy(LOGITS, LABELS, label_smoothing=smoothing)


def test_complex_logits_are_a_type_error_naming_logits():
    with pytest.raises(TypeError, match="logits must be real"):
        sl.cross_entropy(LOGITS + 0j, LABELS)


def test_scalar_logits_and_zero_classes_are_rejected():
    with pytest.raises(ValueError, match="logits must have a class axis"):
        sl.cross_entropy(1.0, 0)
    with pytest.raises(ValueError, match="logits have no classes"):
        sl.cross_entropy(np.zeros((2, 0)), [0, 0])
