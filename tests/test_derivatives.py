"""softmax_jacobian: the formula, its laws, agreement with autograd, errors."""

import numpy as np
import pytest
import torch
from hypothesis import given

import softmax_lib as sl
from conftest import logit_rows


def test_jacobian_of_the_uniform_two_class_distribution():
    np.testing.assert_array_equal(
        sl.softmax_jacobian([0.5, 0.5]), [[0.25, -0.25], [-0.25, 0.25]]
    )


@given(logit_rows(min_value=-20, max_value=20, max_rows=3, max_classes=6))
def test_jacobian_is_symmetric_with_rows_summing_to_zero(z):
    J = sl.softmax_jacobian(sl.softmax(z))
    assert J.shape == z.shape + (z.shape[-1],)
    np.testing.assert_allclose(J, np.swapaxes(J, -1, -2), rtol=0, atol=0)
    np.testing.assert_allclose(J.sum(axis=-1), 0.0, atol=1e-15)


@given(logit_rows(min_value=-20, max_value=20, max_rows=1, max_classes=6))
def test_jacobian_matches_torch_autograd(z):
    row = torch.from_numpy(z[0])
    expected = torch.autograd.functional.jacobian(
        lambda t: torch.softmax(t, dim=0), row
    ).numpy()
    np.testing.assert_allclose(
        sl.softmax_jacobian(sl.softmax(z[0])), expected, rtol=1e-10, atol=1e-15
    )


def test_jacobian_matches_central_finite_differences():
    z = np.array([0.3, -1.2, 2.0, 0.0])
    h = 1e-6
    columns = [
        (sl.softmax(z + h * e) - sl.softmax(z - h * e)) / (2 * h)
        for e in np.eye(4)
    ]
    np.testing.assert_allclose(
        sl.softmax_jacobian(sl.softmax(z)),
        np.stack(columns, axis=1),
        atol=1e-9,
    )


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_jacobian_keeps_the_dtype(dtype):
    assert (
        sl.softmax_jacobian(np.array([0.25, 0.75], dtype=dtype)).dtype == dtype
    )


def test_passing_logits_instead_of_probabilities_is_caught():
    with pytest.raises(
        ValueError,
        match="Did you pass logits where probabilities are expected",
    ):
        sl.softmax_jacobian([2.0, 1.0, 0.1])


def test_scalar_probabilities_are_rejected():
    with pytest.raises(ValueError, match="p must have a class axis"):
        sl.softmax_jacobian(1.0)
