"""softmax_lib.accuracy: the mpmath references and the ulp measure."""

import mpmath
import numpy as np
import pytest

from softmax_lib import accuracy


def as_float(a):
    return np.array(
        [float(v) for v in np.asarray(a, dtype=object).reshape(-1)]
    ).reshape(np.shape(a))


# --- the exact references ----------------------------------------------------


def test_exact_softmax_of_two_logits_is_the_sigmoid_to_sixty_digits():
    p = accuracy.exact_softmax([0.0, 1.0])
    with mpmath.workdps(60):
        assert abs(p[1] - 1 / (1 + mpmath.exp(-1))) < mpmath.mpf(10) ** -58


def test_exact_functions_keep_shapes_along_any_axis():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    for axis in (0, 1, 2, -1):
        assert accuracy.exact_softmax(x, axis=axis).shape == x.shape
        assert accuracy.exact_log_softmax(x, axis=axis).shape == x.shape
        expected = np.delete(np.array(x.shape), axis % 3)
        assert accuracy.exact_logsumexp(x, axis=axis).shape == tuple(expected)
    np.testing.assert_allclose(
        as_float(accuracy.exact_softmax(x, axis=1)).sum(axis=1),
        1.0,
        rtol=1e-15,
    )


def test_exact_functions_return_mpf_objects():
    for fn in (accuracy.exact_softmax, accuracy.exact_log_softmax):
        out = fn(np.float32([1.0, 2.0]))
        assert out.dtype == object and all(
            isinstance(v, mpmath.mpf) for v in out
        )
    assert isinstance(accuracy.exact_logsumexp([1.0, 2.0])[()], mpmath.mpf)


def test_exact_references_agree_with_each_other():
    x = np.array([3.5, -2.0, 0.25, 700.0, 699.0])
    p, log_p, lse = (
        accuracy.exact_softmax(x),
        accuracy.exact_log_softmax(x),
        accuracy.exact_logsumexp(x)[()],
    )
    with mpmath.workdps(60):
        for i, v in enumerate(x):
            assert abs(mpmath.log(p[i]) - log_p[i]) < mpmath.mpf(10) ** -55
            assert (
                abs(log_p[i] - (mpmath.mpf(float(v)) - lse))
                < mpmath.mpf(10) ** -55
            )


def test_exact_softmax_uses_the_exact_binary_value_of_float32_input():
    # float32(0.1) is not 0.1; its exact value decides the result.
    x = np.float32([0.1, 0.0])
    p = accuracy.exact_softmax(x)
    with mpmath.workdps(60):
        expected = 1 / (1 + mpmath.exp(-mpmath.mpf(float(np.float32(0.1)))))
        assert abs(p[0] - expected) < mpmath.mpf(10) ** -58


def test_exact_softmax_resolves_probabilities_far_below_the_float_range():
    p = accuracy.exact_softmax([0.0, -2000.0])
    with mpmath.workdps(60):
        assert abs(p[1] / mpmath.exp(-2000) - 1) < mpmath.mpf(10) ** -55


def test_exact_functions_handle_spreads_beyond_the_float_range():
    p = accuracy.exact_softmax([1.7e308, -1.7e308])
    assert p[0] == 1 and p[1] < mpmath.mpf(10) ** -(10**300)
    assert float(accuracy.exact_logsumexp([1.7e308, -1.7e308])[()]) == 1.7e308


def test_exact_functions_follow_the_special_value_policy():
    x = np.array(
        [
            [np.nan, 1.0, 2.0],
            [np.inf, np.inf, 0.0],
            [-np.inf, -np.inf, -np.inf],
            [-np.inf, 0.0, 0.0],
        ]
    )
    p = as_float(accuracy.exact_softmax(x))
    log_p = as_float(accuracy.exact_log_softmax(x))
    lse = as_float(accuracy.exact_logsumexp(x))
    assert (
        np.all(np.isnan(p[0]))
        and np.all(np.isnan(log_p[0]))
        and np.isnan(lse[0])
    )
    np.testing.assert_array_equal(p[1], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(
        log_p[1], [-np.log(2), -np.log(2), -np.inf], rtol=1e-15
    )
    assert lse[1] == np.inf
    assert (
        np.all(np.isnan(p[2]))
        and np.all(np.isnan(log_p[2]))
        and lse[2] == -np.inf
    )
    np.testing.assert_array_equal(p[3], [0.0, 0.5, 0.5])
    assert log_p[3, 0] == -np.inf


def test_exact_functions_restore_mpmath_precision():
    before = mpmath.mp.prec
    accuracy.exact_softmax([1.0, 2.0], digits=100)
    assert mpmath.mp.prec == before


def test_more_digits_agree_with_fewer_to_the_fewer_digits():
    x = np.random.default_rng(1).normal(scale=30, size=7)
    a, b = (
        accuracy.exact_logsumexp(x, digits=30)[()],
        accuracy.exact_logsumexp(x, digits=80)[()],
    )
    with mpmath.workdps(80):
        assert abs(a - b) < abs(b) * mpmath.mpf(10) ** -28


# --- ulp_error ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_one_step_to_the_next_float_is_one_ulp(dtype):
    for v in (1.0, 0.75, 3.0e-3, 100.0):
        a = dtype(v)
        b = np.nextafter(a, dtype(np.inf))
        assert accuracy.ulp_error(np.array([b]), [float(a)])[0] == 1.0


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_below_the_smallest_normal_the_ulp_is_the_smallest_subnormal(dtype):
    tiny_sub = np.finfo(dtype).smallest_subnormal
    assert (
        accuracy.ulp_error(np.array([3 * tiny_sub], dtype=dtype), [0.0])[0]
        == 3.0
    )
    assert (
        accuracy.ulp_error(
            np.array([0.0], dtype=dtype), [mpmath.mpf(float(tiny_sub)) / 4]
        )[0]
        == 0.25
    )


def test_ulp_is_taken_at_the_exact_value_not_the_computed_one():
    # Just below 1 the float64 spacing is 2**-53, at 1 it is 2**-52.
    below_one = np.nextafter(1.0, 0.0)
    assert accuracy.ulp_error(np.array([below_one]), [1.0])[0] == 0.5
    assert accuracy.ulp_error(np.array([1.0]), [float(below_one)])[0] == 1.0


def test_log_domain_measures_small_results_in_ulp_of_one():
    assert (
        accuracy.ulp_error(
            np.array([2.0**-60 + 2.0**-53]), [2.0**-60], log_domain=True
        )[0]
        == 0.5
    )
    assert (
        accuracy.ulp_error(
            np.array([-3.0 - 2.0**-51]), [-3.0], log_domain=True
        )[0]
        == 1.0
    )


def test_a_correctly_rounded_value_is_within_half_an_ulp():
    exact = accuracy.exact_softmax(np.arange(5.0))
    rounded = np.array([float(v) for v in exact])
    assert np.all(accuracy.ulp_error(rounded, exact) <= 0.5)
    rounded32 = np.array([float(v) for v in exact], dtype=np.float32)
    assert np.all(accuracy.ulp_error(rounded32, exact) <= 0.5 + 1e-9)


def test_non_finite_results_against_finite_references_are_infinitely_wrong():
    out = accuracy.ulp_error(
        np.array([np.inf, np.nan, -np.inf]), [1.0, 1.0, 1.0]
    )
    assert np.all(out == np.inf)


def test_matching_special_values_have_no_error():
    exact = [
        mpmath.mpf("nan"),
        mpmath.mpf("-inf"),
        mpmath.mpf("inf"),
        mpmath.mpf("inf"),
    ]
    out = accuracy.ulp_error(np.array([np.nan, -np.inf, np.inf, 1.0]), exact)
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0, np.inf])


def test_ulp_error_broadcasts_and_returns_float64():
    out = accuracy.ulp_error(np.float32([[1.0, 2.0]]), [1.0])
    assert out.dtype == np.float64 and out.shape == (1, 2)


# --- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        accuracy.exact_softmax,
        accuracy.exact_log_softmax,
        accuracy.exact_logsumexp,
    ],
)
def test_exact_functions_validate_like_core(fn):
    with pytest.raises(TypeError, match="x must be real; got complex"):
        fn(np.array([1 + 1j]))
    with pytest.raises(ValueError, match="out of range"):
        fn(np.zeros((2, 3)), axis=2)
    with pytest.raises(ValueError, match="length 0 along axis"):
        fn(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="x is a scalar"):
        fn(1.0)


@pytest.mark.parametrize("digits", [0, -5])
def test_digits_must_be_positive(digits):
    with pytest.raises(ValueError, match="digits must be at least 1"):
        accuracy.exact_softmax([1.0], digits=digits)


@pytest.mark.parametrize("digits", [60.0, "60", True])
def test_digits_must_be_an_integer(digits):
    with pytest.raises(TypeError, match="digits must be an integer"):
        accuracy.exact_softmax([1.0], digits=digits)


def test_ulp_error_rejects_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="broadcastable shapes"):
        accuracy.ulp_error(np.zeros(3), [1.0, 2.0])


def test_ulp_error_rejects_non_numeric_references():
    with pytest.raises(
        TypeError, match="exact must hold mpmath.mpf values or real numbers"
    ):
        accuracy.ulp_error(np.zeros(1), ["0.5"])


def test_ulp_error_rejects_complex_computed_values():
    with pytest.raises(TypeError, match="computed must be real"):
        accuracy.ulp_error(np.array([1j]), [0.0])


def test_log_domain_must_be_a_bool():
    with pytest.raises(TypeError, match="log_domain must be a bool"):
        accuracy.ulp_error(np.zeros(1), [0.0], log_domain=1)


def test_an_infinity_is_exact_for_a_value_beyond_the_range():
    beyond = mpmath.mpf(float(np.finfo(np.float64).max)) * 2
    assert accuracy.ulp_error(np.array([-np.inf]), [-beyond])[0] == 0.0
    assert accuracy.ulp_error(np.array([np.inf]), [-beyond])[0] == np.inf
    with mpmath.workdps(40):
        just_below_halfway = (
            mpmath.ldexp(1, 128)
            * (1 - mpmath.ldexp(1, -25))
            * (1 - mpmath.mpf(10) ** -20)
        )
    assert (
        accuracy.ulp_error(np.float32([np.inf]), [just_below_halfway])[0]
        == np.inf
    )
    assert (
        accuracy.ulp_error(
            np.float32([np.inf]),
            [mpmath.ldexp(1, 128) * (1 - mpmath.ldexp(1, -25))],
        )[0]
        == 0.0
    )
    assert accuracy.exact_log_softmax([1e308, -1e308])[1] < -beyond / 2


# --- exact_exp and correctly_rounded -----------------------------------------

FLOATS = [np.float16, np.float32, np.float64]


def test_exact_exp_keeps_the_shape_and_the_exact_binary_input():
    x = np.float32([[0.1, -2.0], [3.5, 0.0]])
    out = accuracy.exact_exp(x)
    assert out.shape == (2, 2) and all(
        isinstance(v, mpmath.mpf) for v in out.ravel()
    )
    with mpmath.workdps(60):
        # not exp(0.1)
        assert out[0, 0] == mpmath.exp(mpmath.mpf(float(np.float32(0.1))))
    assert out[1, 1] == 1


def test_exact_exp_of_special_values():
    out = accuracy.exact_exp([-np.inf, np.inf, np.nan])
    assert out[0] == 0 and out[1] == mpmath.inf and mpmath.isnan(out[2])


def test_exact_exp_validates_its_arguments():
    with pytest.raises(TypeError, match="real"):
        accuracy.exact_exp([1j])
    with pytest.raises(ValueError, match="digits"):
        accuracy.exact_exp([1.0], digits=0)


def test_correctly_rounded_float64_matches_mpmaths_own_rounding():
    exact = accuracy.exact_exp(np.linspace(-700.0, 700.0, 2001))
    rounded = accuracy.correctly_rounded(exact, np.float64)
    assert rounded.dtype == np.float64
    # float(mpf) rounds to nearest, even
    assert np.array_equal(rounded, [float(v) for v in exact])


@pytest.mark.parametrize("dtype", FLOATS)
def test_correctly_rounded_is_within_half_an_ulp_and_no_neighbour_is_closer(
    dtype,
):
    exact = accuracy.exact_exp(np.linspace(-10.0, 10.0, 301).astype(dtype))
    rounded = accuracy.correctly_rounded(exact, dtype)
    assert np.all(accuracy.ulp_error(rounded, exact) <= 0.5)
    for step in (np.inf, -np.inf):
        neighbours = np.nextafter(rounded, dtype(step))
        assert np.all(accuracy.ulp_error(neighbours, exact) >= 0.5)


def test_ties_go_to_the_even_neighbour():
    half_ulp32 = mpmath.mpf(2) ** -24
    ties = [1 + half_ulp32, 1 + 3 * half_ulp32, -(1 + half_ulp32)]
    out = accuracy.correctly_rounded(ties, np.float32)
    assert list(out) == [1.0, 1.0 + 2.0**-22, -1.0]


@pytest.mark.parametrize("dtype", FLOATS)
def test_subnormals_round_on_the_smallest_subnormal_grid(dtype):
    tiny = mpmath.mpf(float(np.finfo(dtype).smallest_subnormal))
    out = accuracy.correctly_rounded(
        [tiny / 2, 3 * tiny / 4, 5 * tiny / 2, -tiny / 4], dtype
    )
    assert list(out) == [0.0, float(tiny), 2 * float(tiny), 0.0]
    assert np.signbit(out[3])  # a negative value that rounds to zero is -0.0


@pytest.mark.parametrize("dtype", FLOATS)
def test_beyond_the_largest_finite_plus_half_a_spacing_is_infinite(dtype):
    largest = mpmath.mpf(float(np.finfo(dtype).max))
    top = np.finfo(dtype).max
    half_spacing = (
        mpmath.mpf(float(top) - float(np.nextafter(top, dtype(0)))) / 2
    )
    with mpmath.workprec(256):
        out = accuracy.correctly_rounded(
            [
                largest + half_spacing * 0.99,
                largest + half_spacing,
                -(largest + 2 * half_spacing),
            ],
            dtype,
        )
    assert (
        out[0] == np.finfo(dtype).max
        and out[1] == np.inf
        and out[2] == -np.inf
    )


def test_special_values_are_kept():
    out = accuracy.correctly_rounded(
        [mpmath.inf, -mpmath.inf, mpmath.nan, 0.0], np.float16
    )
    assert (
        out[0] == np.inf
        and out[1] == -np.inf
        and np.isnan(out[2])
        and out[3] == 0
    )


@pytest.mark.parametrize(
    "dtype", [np.int32, np.complex128, np.longdouble, "not a dtype"]
)
def test_correctly_rounded_rejects_formats_it_does_not_know(dtype):
    with pytest.raises(TypeError, match="float16, float32 or float64"):
        accuracy.correctly_rounded([1.0], dtype)


def test_correctly_rounded_rejects_non_numbers():
    with pytest.raises(TypeError, match="real numbers"):
        accuracy.correctly_rounded(["one"], np.float32)
