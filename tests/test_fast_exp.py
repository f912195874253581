"""softmax_lib.fast_exp: the polynomial 2^x is accurate to its degree's bound,
exact at the special values, identical to itself in float32, and rejects bad
input."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from softmax_lib import fast_exp

# Maximum relative error of the Chebyshev interpolant of 2^f on [0, 1),
# measured with mpmath below, rounded up: degree -> bound.
BOUNDS = {1: 4.0e-2, 2: 2.5e-3, 3: 1.1e-4, 4: 4.0e-6, 5: 1.1e-7}


def max_relative_error_mpmath(degree, points=2001):
    """Largest |p(f) / 2^f - 1| on a grid of [0, 1), in 30-digit arithmetic."""
    mpmath.mp.dps = 30
    coefficients = [
        mpmath.mpf(float(c)) for c in fast_exp.exp2_coefficients(degree)
    ]
    worst = mpmath.mpf(0)
    for i in range(points):
        f = mpmath.mpf(i) / points
        p = mpmath.mpf(0)
        for c in reversed(coefficients):
            p = p * f + c
        worst = max(worst, abs(p / mpmath.power(2, f) - 1))
    return float(worst)


@pytest.mark.parametrize("degree", [1, 2, 3, 4, 5])
def test_polynomial_error_is_within_its_degrees_bound(degree):
    err = max_relative_error_mpmath(degree)
    assert err < BOUNDS[degree]
    # and each degree gains at least a factor of 10 over the previous one
    if degree > 1:
        assert err < BOUNDS[degree - 1] / 10


def test_error_follows_the_interpolation_formula():
    for d in range(1, 6):
        predicted = (
            2
            * math.log(2) ** (d + 1)
            / (math.factorial(d + 1) * 2 ** (2 * d + 1))
        )
        assert max_relative_error_mpmath(d, 501) <= predicted


def test_coefficients_start_near_one_and_ln2():
    c = fast_exp.exp2_coefficients(5)
    assert c.shape == (6,)
    assert abs(c[0] - 1) < 2e-7 and abs(c[1] - math.log(2)) < 1e-5


@given(st.floats(-1000, 1000, allow_nan=False), st.integers(1, 5))
def test_exp2_poly_relative_error_holds_for_any_exponent_float64(x, degree):
    got = fast_exp.exp2_poly(np.array([x]), degree)[0]
    exact = math.pow(2.0, x)
    assert abs(got / exact - 1) <= BOUNDS[degree] + 1e-15


def test_integers_are_exact_to_the_polynomials_value_at_zero():
    x = np.arange(-20.0, 21.0)
    got = fast_exp.exp2_poly(x, 5)
    c0 = fast_exp.exp2_coefficients(5)[0]
    assert np.array_equal(got, np.ldexp(c0, x.astype(int)))


def test_special_values_follow_exp2():
    x = np.array([-np.inf, np.inf, np.nan, 2000.0, -2000.0, 0.0])
    got = fast_exp.exp2_poly(x, 3)
    assert got[0] == 0 and got[1] == np.inf and np.isnan(got[2])
    assert got[3] == np.inf and got[4] == 0
    assert abs(got[5] - 1) < BOUNDS[3]


def test_float32_stays_float32_and_overflows_where_float32_does():
    x = np.array([-200.0, -10.5, 0.25, 127.5, 128.5], dtype=np.float32)
    got = fast_exp.exp2_poly(x, 3)
    assert got.dtype == np.float32
    assert got[-1] == np.inf and np.isfinite(got[-2])
    rel = np.abs(
        got[1:4].astype(np.float64) / np.exp2(x[1:4].astype(np.float64)) - 1
    )
    assert np.all(rel < BOUNDS[3] + 4 * np.finfo(np.float32).eps)


def test_float16_is_computed_in_float32_and_rounded_once():
    x = np.array([-3.0, 0.5, 7.25], dtype=np.float16)
    got = fast_exp.exp2_poly(x, 5)
    assert got.dtype == np.float16
    assert np.array_equal(
        got, fast_exp.exp2_poly(x.astype(np.float32), 5).astype(np.float16)
    )


def test_integers_and_lists_become_float64():
    assert fast_exp.exp2_poly([1, 2], 3).dtype == np.float64


def test_exp_poly_matches_exp():
    x = np.linspace(-30, 30, 301)
    rel = np.abs(fast_exp.exp_poly(x, 5) / np.exp(x) - 1)
    assert rel.max() < BOUNDS[5] + 1e-13


def test_horner_evaluates_the_polynomial():
    x = np.linspace(-2, 2, 9)
    assert np.allclose(
        fast_exp.horner([1.0, -2.0, 0.5, 3.0], x),
        1 - 2 * x + 0.5 * x**2 + 3 * x**3,
    )
    assert (
        fast_exp.horner(np.array([2.0], dtype=np.float32), np.float32(5)).dtype
        == np.float32
    )


@pytest.mark.parametrize("degree", [0, -1, 8])
def test_degree_out_of_range_is_an_error(degree):
    with pytest.raises(ValueError, match="degree"):
        fast_exp.exp2_poly([1.0], degree)


@pytest.mark.parametrize("degree", [2.0, "3", True])
def test_degree_must_be_an_integer(degree):
    with pytest.raises(TypeError, match="degree"):
        fast_exp.exp2_coefficients(degree)


def test_non_numeric_input_is_an_error():
    with pytest.raises(TypeError, match="x must be"):
        fast_exp.exp2_poly(["a"], 3)
    with pytest.raises(TypeError, match="real"):
        fast_exp.exp_poly(np.array([1j]), 3)


def test_bad_coefficients_are_an_error():
    with pytest.raises(ValueError, match="coefficients"):
        fast_exp.horner([], [1.0])
    with pytest.raises(ValueError, match="coefficients"):
        fast_exp.horner([[1.0, 2.0]], [1.0])
