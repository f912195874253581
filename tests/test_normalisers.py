"""sparsemax, entmax, their losses, stablemax, softpick, softmax_with_sink:
worked values, laws, special values, errors, reference implementations."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import softmax_lib as sl
from conftest import logit_rows
from softmax_lib.normalisers import (
    entmax,
    entmax_loss,
    log_stablemax,
    softmax_with_sink,
    softpick,
    sparsemax,
    sparsemax_loss,
    stablemax,
)

SIMPLEX_MAPS = [
    sparsemax,
    entmax,
    lambda x, axis=-1: entmax(x, alpha=1.2, axis=axis),
    lambda x, axis=-1: entmax(x, alpha=3.0, axis=axis),
    stablemax,
]
ALL_MAPS = SIMPLEX_MAPS + [softpick, softmax_with_sink]


# --- reference implementations, written independently -----------------------


def sparsemax_by_projection(z):
    """Sparsemax as the Euclidean projection onto the simplex, by the
    pivot-free formulation of Duchi et al. (2008) with a different loop."""
    z = np.asarray(z, dtype=np.float64)
    best = None
    for k in range(1, z.size + 1):
        top = np.sort(z)[::-1][:k]
        tau = (top.sum() - 1) / k
        p = np.maximum(z - tau, 0)
        if abs(p.sum() - 1) < 1e-9 and (best is None or k > best[0]):
            best = (k, p)
    return best[1]


def entmax_by_scipy(z, alpha):
    """alpha-entmax by brentq on the threshold."""
    from scipy.optimize import brentq

    x = (alpha - 1) * np.asarray(z, dtype=np.float64)

    def excess(tau):
        return np.sum(np.maximum(x - tau, 0) ** (1 / (alpha - 1))) - 1

    tau = brentq(excess, x.max() - 1, x.max(), xtol=1e-15, rtol=1e-15)
    return np.maximum(x - tau, 0) ** (1 / (alpha - 1))


# --- worked values -------------------------------------------------------------


def test_sparsemax_worked_values():
    np.testing.assert_allclose(sparsemax([0.5, 0.2, -1.0]), [0.65, 0.35, 0])
    np.testing.assert_array_equal(sparsemax([2.0, 1.0, 0.1]), [1, 0, 0])
    np.testing.assert_allclose(sparsemax([1.0, 1.0, 1.0]), [1 / 3] * 3)


def test_stablemax_definition():
    z = np.array([2.0, 0.0, -3.0])
    s = np.array([3.0, 1.0, 0.25])
    np.testing.assert_allclose(stablemax(z), s / s.sum(), rtol=1e-15)
    np.testing.assert_allclose(
        log_stablemax(z), np.log(s / s.sum()), rtol=1e-14
    )


def test_stablemax_is_not_shift_invariant():
    z = np.array([1.0, 0.0])
    assert not np.allclose(stablemax(z), stablemax(z + 5))


def test_log_stablemax_keeps_tiny_weights():
    z = np.array([0.0, -1e300])
    out = log_stablemax(z)
    assert np.isfinite(out[1])
    assert out[1] == pytest.approx(-np.log1p(1e300) - np.log1p(1e-300))


def test_stablemax_of_huge_logits_does_not_overflow():
    np.testing.assert_allclose(stablemax([1.7e308, 1.7e308]), [0.5, 0.5])


def test_softmax_with_sink_worked_values():
    np.testing.assert_allclose(softmax_with_sink([0.0, 0.0]), [1 / 3, 1 / 3])
    z = np.array([1.0, -2.0, 0.5])
    for s in [0.0, 2.0, -1.5]:
        expected = np.exp(z) / (np.exp(s) + np.exp(z).sum())
        np.testing.assert_allclose(
            softmax_with_sink(z, sink=s), expected, rtol=1e-15
        )


def test_softmax_with_sink_limits():
    z = np.array([1.0, -2.0, 0.5])
    np.testing.assert_array_equal(softmax_with_sink(z, -np.inf), sl.softmax(z))
    np.testing.assert_array_equal(softmax_with_sink(z, np.inf), [0, 0, 0])
    np.testing.assert_array_equal(softmax_with_sink([-np.inf] * 2), [0, 0])
    assert np.isnan(softmax_with_sink(z, np.nan)).all()


def test_softmax_with_sink_broadcasts_one_sink_per_row_on_any_axis():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 5))
    sinks = rng.normal(size=(3, 5))  # axis 1 removed
    out = softmax_with_sink(x, sinks, axis=1)
    for i in range(3):
        for j in range(5):
            np.testing.assert_allclose(
                out[i, :, j], softmax_with_sink(x[i, :, j], sinks[i, j])
            )
    with pytest.raises(ValueError, match="sink has shape"):
        softmax_with_sink(x, np.zeros(4), axis=1)


def test_softmax_with_sink_does_not_overflow():
    np.testing.assert_allclose(
        softmax_with_sink([1000.0, 1000.0], sink=1000.0), [1 / 3, 1 / 3]
    )


def test_softpick_definition_and_zero_row():
    z = np.array([1.0, 0.3, -0.5, -2.0])
    e = np.exp(z) - 1
    np.testing.assert_allclose(
        softpick(z), np.maximum(e, 0) / np.abs(e).sum(), rtol=1e-14
    )
    np.testing.assert_array_equal(softpick([0.0, 0.0]), [0.0, 0.0])
    np.testing.assert_array_equal(softpick([-1.0, -5.0]), [0.0, 0.0])


def test_softpick_is_accurate_near_zero_and_does_not_overflow():
    z = np.array([1e-12, -1e-12, -1e-12])
    np.testing.assert_allclose(softpick(z), [1 / 3, 0, 0], rtol=1e-9)
    out = softpick([1000.0, 999.0, -1000.0])
    np.testing.assert_allclose(out, sl.softmax([1000.0, 999.0, -np.inf]))


def test_softpick_masks_minus_inf_as_the_reference_code_does():
    # the authors' code drops non-finite entries from the denominator
    z = torch.tensor([1.0, 0.5, -0.7, float("-inf")], dtype=torch.float64)
    x_m = z.max()
    e = torch.exp(z - x_m) - torch.exp(-x_m)
    ref = torch.relu(e) / (torch.where(z.isfinite(), e.abs(), 0).sum() + 0)
    np.testing.assert_allclose(softpick(z.numpy()), ref.numpy(), rtol=1e-14)
    np.testing.assert_array_equal(softpick([-np.inf, -np.inf]), [0.0, 0.0])


def test_softpick_is_not_softmax_times_sigmoid():
    z = np.array([1.0, 0.3, -0.5])
    wrong = sl.softmax(z) * sl.sigmoid(z)
    assert not np.allclose(softpick(z), wrong)


# --- entmax family ---------------------------------------------------------------


def test_entmax_alpha_1_is_softmax_and_alpha_2_is_sparsemax():
    z = np.array([[0.3, -1.0, 2.0, 1.9], [0.0, 0.0, 0.0, 5.0]])
    np.testing.assert_array_equal(entmax(z, alpha=1), sl.softmax(z))
    np.testing.assert_array_equal(entmax(z, alpha=2), sparsemax(z))


def test_entmax_near_alpha_1_approaches_softmax():
    z = np.array([0.3, -1.0, 2.0, 1.9])
    assert np.abs(entmax(z, alpha=1.001) - sl.softmax(z)).max() < 2e-3


def test_bisection_agrees_with_the_exact_algorithms():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=2, size=(50, 7))
    from softmax_lib.normalisers import _entmax_bisect_rows

    np.testing.assert_allclose(
        _entmax_bisect_rows(z, 1.5), entmax(z, 1.5), atol=1e-13
    )
    np.testing.assert_allclose(
        _entmax_bisect_rows(z, 2.0), sparsemax(z), atol=1e-13
    )


@pytest.mark.parametrize("alpha", [1.25, 1.5, 2.0, 3.0])
def test_entmax_against_an_independent_root_finder(alpha):
    rng = np.random.default_rng(2)
    for z in rng.normal(scale=3, size=(20, 6)):
        np.testing.assert_allclose(
            entmax(z, alpha), entmax_by_scipy(z, alpha), atol=1e-10
        )


@given(logit_rows(min_value=-50, max_value=50))
def test_sparsemax_is_the_projection(z):
    for row, p in zip(z, sparsemax(z)):
        np.testing.assert_allclose(p, sparsemax_by_projection(row), atol=1e-9)


@pytest.mark.parametrize("f", SIMPLEX_MAPS)
@given(z=logit_rows(min_value=-1e3, max_value=1e3))
def test_outputs_lie_on_the_simplex(f, z):
    p = f(z)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1, rtol=1e-12)


@given(
    z=logit_rows(min_value=-1e3, max_value=1e3),
    alpha=st.floats(1.05, 4.0),
)
def test_entmax_any_alpha_on_the_simplex_and_order_preserving(z, alpha):
    p = entmax(z, alpha)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1, rtol=1e-12)
    # larger logit, no smaller weight
    order = np.argsort(z, axis=-1, kind="stable")
    sorted_p = np.take_along_axis(p, order, axis=-1)
    assert np.all(np.diff(sorted_p, axis=-1) >= -1e-12)


@given(z=logit_rows(min_value=-30, max_value=30), c=st.floats(-100, 100))
def test_sparsemax_and_entmax_are_shift_invariant(z, c):
    np.testing.assert_allclose(sparsemax(z + c), sparsemax(z), atol=1e-9)
    np.testing.assert_allclose(entmax(z + c), entmax(z), atol=1e-9)


@given(z=logit_rows(min_value=-1e3, max_value=1e3))
def test_softpick_and_sink_sum_to_at_most_one(z):
    for f in (softpick, softmax_with_sink):
        p = f(z)
        assert np.all(p >= 0)
        assert np.all(p.sum(axis=-1) <= 1 + 1e-12)


def test_sparsemax_support_grows_with_temperature():
    z = np.array([3.0, 2.0, 1.5, 0.0, -1.0])
    temps = (0.1, 0.5, 1.0, 2.0, 10.0, 100.0)
    sizes = [int((sparsemax(z / t) > 0).sum()) for t in temps]
    assert sizes == sorted(sizes)
    assert sizes[0] == 1 and sizes[-1] == 5


# --- losses ----------------------------------------------------------------------


def test_sparsemax_loss_matches_martins_and_astudillo_formula():
    rng = np.random.default_rng(3)
    for z in rng.normal(scale=2, size=(20, 5)):
        p = sparsemax(z)
        support = p > 0
        tau = (z[support].sum() - 1) / support.sum()
        for c in range(5):
            expected = 0.5 * np.sum(z[support] ** 2 - tau**2) + 0.5 - z[c]
            assert sparsemax_loss(z, c) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("alpha", [1.0, 1.5, 2.0, 2.5])
def test_fenchel_young_loss_gradient_is_p_minus_y(alpha):
    rng = np.random.default_rng(4)
    z = rng.normal(size=6)
    y = rng.dirichlet(np.ones(6))
    grad = entmax(z, alpha) - y
    h = 1e-6
    numeric = [
        (
            entmax_loss(z + h * np.eye(6)[i], y, alpha)
            - entmax_loss(z - h * np.eye(6)[i], y, alpha)
        )
        / (2 * h)
        for i in range(6)
    ]
    np.testing.assert_allclose(numeric, grad, atol=1e-6)


def test_entmax_loss_alpha_1_is_cross_entropy():
    z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]])
    np.testing.assert_allclose(
        entmax_loss(z, [0, 1], alpha=1, reduction="none"),
        sl.cross_entropy(z, [0, 1], reduction="none"),
        rtol=1e-14,
    )


def test_losses_are_zero_exactly_when_the_prediction_is_the_target():
    assert sparsemax_loss([3.0, 1.0, 0.0], 0) == 0
    assert sparsemax_loss([1.5, 1.0, 0.0], 0) > 0
    y = sparsemax([0.5, 0.2, -1.0])
    assert sparsemax_loss([0.5, 0.2, -1.0], y) == pytest.approx(0, abs=1e-15)


@given(z=logit_rows(min_value=-20, max_value=20), alpha=st.floats(1.0, 3.0))
def test_losses_are_non_negative(z, alpha):
    target = np.zeros(z.shape[0], dtype=int)
    assert np.all(entmax_loss(z, target, alpha, reduction="none") >= 0)


def test_loss_reductions_and_errors():
    z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]])
    each = sparsemax_loss(z, [1, 0], reduction="none")
    assert sparsemax_loss(z, [1, 0], reduction="sum") == pytest.approx(
        each.sum()
    )
    assert sparsemax_loss(z, [1, 0]) == pytest.approx(each.mean())
    with pytest.raises(ValueError, match="reduction"):
        sparsemax_loss(z, [1, 0], reduction="max")
    with pytest.raises(ValueError, match="class index 3"):
        sparsemax_loss(z, [3, 0])
    with pytest.raises(TypeError, match="integers"):
        sparsemax_loss(z, [1.0, 0.0])
    with pytest.raises(ValueError, match="sum to 1"):
        sparsemax_loss(z, [[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="finite"):
        sparsemax_loss([[np.nan, 1.0]], [0])
    with pytest.raises(ValueError, match="neither"):
        sparsemax_loss(z, [0, 1, 2])


# --- special values, dtypes, axes, errors ----------------------------------------


@pytest.mark.parametrize("f", SIMPLEX_MAPS)
def test_special_value_policy_for_simplex_maps(f):
    out = f(np.array([[1.0, np.nan, 0.0], [np.inf, 1.0, np.inf]]))
    assert np.isnan(out[0]).all()
    np.testing.assert_array_equal(out[1], [0.5, 0, 0.5])
    masked = f(np.array([2.0, -np.inf, 1.0]))
    assert masked[1] == 0
    np.testing.assert_allclose(masked.sum(), 1)
    np.testing.assert_allclose(masked[[0, 2]], f(np.array([2.0, 1.0])))
    assert np.isnan(f(np.array([-np.inf, -np.inf]))).all()


def test_log_stablemax_special_values():
    out = log_stablemax(np.array([[np.inf, 0.0, np.inf], [1.0, -np.inf, 0]]))
    np.testing.assert_allclose(out[0], [np.log(0.5), -np.inf, np.log(0.5)])
    assert out[1, 1] == -np.inf
    assert np.isnan(log_stablemax([np.nan, 0.0])).all()


@pytest.mark.parametrize("f", ALL_MAPS)
def test_no_warnings_on_special_rows(f):
    # pytest turns warnings into errors (pyproject.toml)
    f(np.array([[np.nan, 1.0], [np.inf, 0.0], [-np.inf, -np.inf], [0.0, 0.0]]))


@pytest.mark.parametrize("f", ALL_MAPS + [log_stablemax])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_kept(f, dtype):
    out = f(np.array([[0.5, -0.2, 1.0]], dtype=dtype))
    assert out.dtype == dtype
    np.testing.assert_allclose(
        out,
        f(np.array([[0.5, -0.2, 1.0]], dtype=dtype).astype(np.float64)),
        rtol=np.finfo(dtype).eps * 8,
        atol=np.finfo(dtype).eps * 8,
    )


@pytest.mark.parametrize("f", ALL_MAPS + [log_stablemax])
def test_any_axis_and_integer_input(f):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 4))
    np.testing.assert_allclose(
        f(x, axis=1), np.swapaxes(f(np.swapaxes(x, 1, -1)), 1, -1)
    )
    assert f([1, 2, 3]).dtype == np.float64


@pytest.mark.parametrize("f", ALL_MAPS + [log_stablemax])
def test_bad_input_errors(f):
    with pytest.raises(TypeError, match="real"):
        f(np.array([1 + 1j, 2]))
    with pytest.raises(TypeError, match="real numbers"):
        f(["a", "b"])
    with pytest.raises(ValueError, match="length 0"):
        f(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="scalar"):
        f(1.0)
    with pytest.raises(ValueError, match="out of range"):
        f([1.0, 2.0], axis=1)
    with pytest.raises(TypeError, match="axis must be an integer"):
        f([1.0, 2.0], axis=0.5)


@pytest.mark.parametrize(
    "alpha, error",
    [
        (0.5, ValueError),
        (np.nan, ValueError),
        (np.inf, ValueError),
        ("2", TypeError),
        (True, TypeError),
    ],
)
def test_bad_alpha(alpha, error):
    with pytest.raises(error, match="alpha"):
        entmax([1.0, 2.0], alpha=alpha)
    with pytest.raises(error, match="alpha"):
        entmax_loss([1.0, 2.0], 0, alpha=alpha)


# --- against torch where torch has one -------------------------------------------


def test_entmax_alpha_1_matches_torch_softmax():
    z = np.random.default_rng(6).normal(size=(4, 9))
    np.testing.assert_allclose(
        entmax(z, alpha=1),
        torch.softmax(torch.from_numpy(z), dim=-1).numpy(),
        rtol=1e-14,
    )
