"""logsumexp's weights ``b=``, ``return_sign=`` and complex input.

SciPy's own tests of them run in test_scipy_suite.py; these check the rest:
every axis form, ``where=``, ``workers=``, both modes, the dtypes, the errors,
agreement with ``scipy.special.logsumexp`` on random input, and the two places
where softmax_lib differs from SciPy on purpose (a zero weight removes its
term even where ``exp`` overflows; an empty sum has sign 0).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special

import softmax_lib as sl

MODES = pytest.mark.parametrize("accurate", [False, True])


def direct(a, b=None, axis=None):
    """``log(sum(b * exp(a)))`` in complex128 or float64, for moderate a."""
    a = np.asarray(a)
    terms = np.exp(a) if b is None else np.asarray(b) * np.exp(a)
    return np.log(np.sum(terms, axis=axis))


@MODES
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), (0, 1, 2)])
def test_weights_give_the_log_of_the_weighted_sum(axis, accurate):
    rng = np.random.default_rng(1)
    a = rng.normal(scale=3, size=(3, 4, 5))
    b = rng.uniform(0.1, 2, size=(3, 4, 5))
    got = sl.logsumexp(a, axis=axis, b=b, accurate=accurate)
    np.testing.assert_allclose(got, direct(a, b, axis), rtol=1e-13)
    kept = sl.logsumexp(a, axis=axis, b=b, keepdims=True, accurate=accurate)
    ref = np.log(np.sum(b * np.exp(a), axis=axis, keepdims=True))
    assert kept.shape == ref.shape
    np.testing.assert_allclose(kept, ref, rtol=1e-13)


@MODES
def test_weights_broadcast_and_may_enlarge_the_shape(accurate):
    a = np.zeros((4, 1, 2, 1))
    b = np.arange(1.0, 16.0).reshape(3, 1, 5)
    got = sl.logsumexp(a, axis=(0, 2), b=b, accurate=accurate)
    assert got.shape == (3, 5)
    np.testing.assert_allclose(got, np.log(8 * b[:, 0, :]), rtol=1e-14)


@MODES
def test_negative_weights_subtract_and_return_sign_gives_the_sign(accurate):
    a, b = [1.0, 2.0], [1.0, -1.0]
    assert np.isnan(sl.logsumexp(a, b=b, accurate=accurate))
    value, sign = sl.logsumexp(a, b=b, return_sign=True, accurate=accurate)
    assert sign == -1.0
    assert value == pytest.approx(np.log(np.e**2 - np.e), rel=1e-15)
    # a positive sum whose largest term has a negative weight
    a, b = [3.06409428, 0.37251854, 3.87471931], [1.9, 2.8, -0.85]
    value = sl.logsumexp(a, b=b, accurate=accurate)
    assert value == pytest.approx(direct(a, b), rel=1e-14)


@MODES
def test_a_sum_of_exactly_zero_has_sign_zero_and_log_minus_inf(accurate):
    value, sign = sl.logsumexp(
        [5.0, 5.0], b=[2.0, -2.0], return_sign=True, accurate=accurate
    )
    assert value == -np.inf and sign == 0.0
    assert sl.logsumexp([5.0, 5.0], b=[2, -2], accurate=accurate) == -np.inf


@MODES
def test_an_empty_sum_gives_minus_inf_and_sign_zero(accurate):
    value, sign = sl.logsumexp(
        np.zeros((2, 0)), b=np.ones((2, 0)), return_sign=True
    )
    assert value.tolist() == [-np.inf, -np.inf]
    assert sign.tolist() == [0.0, 0.0]  # SciPy: -1
    value, sign = sl.logsumexp(np.zeros((2, 0)), return_sign=True)
    assert sign.tolist() == [0.0, 0.0]


@MODES
def test_a_zero_weight_removes_its_term_even_where_a_is_inf_or_nan(accurate):
    b = [1.0, 0.0, 0.0]
    for bad in (np.inf, np.nan, 800.0):
        got = sl.logsumexp([1.0, bad, -np.inf], b=b, accurate=accurate)
        assert got == 1.0
    value, sign = sl.logsumexp(
        [np.inf], b=[0.0], return_sign=True, accurate=accurate
    )
    assert value == -np.inf and sign == 0.0  # SciPy: NaN, NaN


@MODES
def test_return_sign_without_weights_keeps_the_values_to_the_bit(accurate):
    rng = np.random.default_rng(2)
    a = rng.normal(scale=50, size=(6, 7))
    a[1] = -np.inf
    a[2, 3] = np.nan
    a[3, 0] = np.inf
    value, sign = sl.logsumexp(a, return_sign=True, accurate=accurate)
    plain = sl.logsumexp(a, accurate=accurate)
    np.testing.assert_array_equal(value, plain)
    np.testing.assert_array_equal(sign, [1, 0, np.nan, 1, 1, 1])
    value, sign = sl.logsumexp(a, axis=None, return_sign=True)
    assert np.isnan(value) and np.isnan(sign) and np.ndim(sign) == 0


@pytest.mark.parametrize(
    "dtype_a, dtype_b, expected",
    [
        ("float16", None, "float16"),
        ("float16", "float16", "float16"),
        ("float32", "float32", "float32"),
        ("float32", "float64", "float64"),
        ("float32", "int32", "float64"),
        ("int64", "int64", "float64"),
        ("int64", None, "complex64"),
        ("complex64", "float32", "complex64"),
        ("float32", "complex128", "complex128"),
    ],
)
@MODES
def test_the_result_dtype_is_that_of_x_and_b_together(
    dtype_a, dtype_b, expected, accurate
):
    if dtype_b is None and dtype_a == "int64":
        a = np.array([1 + 0j, 2], dtype="complex64")
    else:
        a = np.array([1, 2], dtype=dtype_a)
    b = None if dtype_b is None else np.array([2, 1], dtype=dtype_b)
    value = sl.logsumexp(a, b=b, accurate=accurate)
    assert value.dtype == np.dtype(expected)
    ref = np.log((2.0 if b is not None else 1.0) * np.e + np.e**2)
    rtol = 1e-3 if expected == "float16" else 1e-6
    assert complex(value) == pytest.approx(ref, rel=rtol)


@MODES
def test_accurate_mode_computes_single_precision_in_double(accurate):
    rng = np.random.default_rng(3)
    a = rng.normal(scale=20, size=(50, 30)).astype(np.float32)
    b = rng.uniform(0.5, 1.5, size=30).astype(np.float32)
    got = sl.logsumexp(a, b=b, accurate=accurate)
    ref = sl.logsumexp(a.astype(np.float64), b=b.astype(np.float64))
    if accurate:
        np.testing.assert_array_equal(got, ref.astype(np.float32))
    else:
        np.testing.assert_allclose(got, ref, rtol=1e-6)


@MODES
@pytest.mark.parametrize("axis", [None, 1, (0, 1)])
def test_complex_input_gives_the_principal_logarithm(axis, accurate):
    rng = np.random.default_rng(4)
    a = rng.normal(size=(2, 3, 4)) + 1j * rng.uniform(-20, 20, (2, 3, 4))
    got = sl.logsumexp(a, axis=axis, accurate=accurate)
    ref = direct(a, axis=axis)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    assert np.all(np.abs(np.imag(got)) <= np.pi)
    value, sign = sl.logsumexp(
        a, axis=axis, return_sign=True, accurate=accurate
    )
    total = np.sum(np.exp(a), axis=axis)
    assert np.isrealobj(value) and np.iscomplexobj(sign)
    np.testing.assert_allclose(value, np.log(np.abs(total)), rtol=1e-12)
    np.testing.assert_allclose(sign, total / np.abs(total), rtol=1e-12)


@MODES
def test_complex_weights_and_a_small_imaginary_part(accurate):
    got = sl.logsumexp([0.0, 0.0], b=[1.0, 1j], accurate=accurate)
    assert got == pytest.approx(np.log(1 + 1j), rel=1e-15)
    got = sl.logsumexp([0.0, 2.2204460492503132e-17j], accurate=accurate)
    assert got.imag == pytest.approx(1.1102230246251566e-17, rel=1e-15)


@MODES
def test_where_masks_entries_like_a_zero_weight(accurate):
    rng = np.random.default_rng(5)
    a = rng.normal(scale=5, size=(4, 6))
    b = rng.normal(size=(4, 6))
    mask = rng.random((4, 6)) < 0.6
    mask[:, 0] = True
    a[~mask] = np.inf  # ignored where masked
    for x in (a, a + 0.5j):
        got = sl.logsumexp(x, b=b, where=mask, return_sign=True)
        ref = sl.logsumexp(x, b=np.where(mask, b, 0), return_sign=True)
        np.testing.assert_array_equal(got[0], ref[0])
        np.testing.assert_array_equal(got[1], ref[1])
    c = np.where(mask, a, np.nan) + 1j
    got = sl.logsumexp(c, where=mask, accurate=accurate)
    for row in range(4):
        assert got[row] == pytest.approx(direct(c[row][mask[row]]), rel=1e-13)
    assert sl.logsumexp([1j, 2.0], where=[False, False]) == -np.inf


@pytest.mark.parametrize("kind", ["weights", "complex"])
@MODES
def test_any_number_of_workers_gives_the_same_bits(kind, accurate):
    rng = np.random.default_rng(6)
    a = rng.normal(scale=30, size=(700, 300)).astype(np.float32)
    b = rng.normal(size=300)
    if kind == "complex":
        a = a + 1j * np.float32(2.0) * a[::-1]
        b = None
    one = sl.logsumexp(a, b=b, return_sign=True, accurate=accurate)
    for workers in (2, 3):
        many = sl.logsumexp(
            a, b=b, return_sign=True, accurate=accurate, workers=workers
        )
        np.testing.assert_array_equal(many[0], one[0])
        np.testing.assert_array_equal(many[1], one[1])
    b_t = None if b is None else b[:, None]
    cols = sl.logsumexp(a.T, axis=0, b=b_t, accurate=accurate, workers=2)
    np.testing.assert_array_equal(
        cols, sl.logsumexp(a, b=b, accurate=accurate)
    )


def test_agrees_with_scipy_on_random_input_with_special_values():
    rng = np.random.default_rng(7)
    specials = [np.inf, -np.inf, np.nan]
    for _ in range(300):
        shape = tuple(rng.integers(1, 4, size=rng.integers(1, 4)))
        dtype = rng.choice(["float32", "float64", "complex64", "complex128"])
        a = rng.normal(scale=rng.choice([1, 30, 300]), size=shape)
        if "complex" in dtype:
            a = a + 1j * rng.normal(scale=5, size=shape)
        if rng.random() < 0.3:
            a.flat[rng.integers(a.size)] = rng.choice(specials)
        a = a.astype(dtype)
        b = None
        if rng.random() < 0.7:
            b = rng.normal(size=shape)
            if rng.random() < 0.3:
                b.flat[rng.integers(b.size)] = 0
        axis = [None, *range(a.ndim)][rng.integers(a.ndim + 1)]
        sign = bool(rng.random() < 0.5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            zero_weight_on_overflow = b is not None and np.any(
                (b == 0) & ~np.isfinite(np.exp(a))
            )
            if zero_weight_on_overflow:
                continue  # SciPy gives NaN there: 0 * inf
            ref = scipy.special.logsumexp(a, axis, b=b, return_sign=sign)
        got = sl.logsumexp(a, axis, b=b, return_sign=sign)
        for r, g in zip(ref, got) if sign else [(ref, got)]:
            assert np.asarray(g).dtype == np.asarray(r).dtype
            tol = 1e-5 if np.asarray(r).dtype.itemsize <= 8 else 1e-12
            np.testing.assert_allclose(g, r, rtol=tol, atol=tol)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"b": ["a", "b"]}, TypeError, "b must be an array of real numbers"),
        ({"b": [1.0, 2.0, 3.0]}, ValueError, "does not broadcast with"),
        ({"return_sign": 1}, TypeError, "return_sign must be True or False"),
        ({"b": [1.0, 1.0], "where": [1, 0]}, TypeError, "boolean"),
        ({"b": [1.0, 1.0], "axis": 1}, ValueError, "out of range"),
        ({"b": [1.0, 1.0], "workers": 0}, ValueError, "workers=0"),
    ],
)
def test_bad_weights_and_flags_raise_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        sl.logsumexp([1.0, 2.0], **kwargs)


def test_complex_input_of_extended_precision_is_refused():
    x = np.array([1.0 + 1j], dtype=np.clongdouble)
    with pytest.raises(TypeError, match="use complex64 or complex128"):
        sl.logsumexp(x)


def test_softmax_and_log_softmax_still_refuse_complex_input():
    for fn in (sl.softmax, sl.log_softmax):
        with pytest.raises(TypeError, match="x must be real"):
            fn([1j, 0.0])
