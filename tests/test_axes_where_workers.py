"""SciPy's axis semantics, the ``where=`` mask and ``workers=`` threads."""

import os

import numpy as np
import pytest
import scipy.special

import softmax_lib as sl

FUNCTIONS = ["softmax", "log_softmax", "logsumexp"]
FLOATS = [np.float16, np.float32, np.float64]


def _rows_by_hand(fn, x, axes, accurate):
    """``fn`` over ``axes``, as axis=-1 on the array laid out by hand."""
    last = tuple(range(-len(axes), 0))
    moved = np.moveaxis(x, axes, last)
    rows = moved.reshape(*moved.shape[: -len(axes)], -1)
    out = getattr(sl, fn)(rows, accurate=accurate)
    if fn == "logsumexp":
        return out
    return np.moveaxis(out.reshape(moved.shape), last, axes)


@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize("accurate", [False, True])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [(0, 2), (1, 2), (0, 1), (0, 1, 2), None])
def test_several_axes_are_one_row_made_of_their_union(
    fn, accurate, dtype, axis
):
    x = (4 * np.random.default_rng(1).normal(size=(3, 4, 5))).astype(dtype)
    axes = (0, 1, 2) if axis is None else axis
    got = getattr(sl, fn)(x, axis=axis, accurate=accurate)
    np.testing.assert_array_equal(got, _rows_by_hand(fn, x, axes, accurate))
    assert got.dtype == dtype


@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize("accurate", [False, True])
def test_axes_match_scipy(fn, accurate):
    x = np.random.default_rng(2).normal(size=(2, 3, 4, 5)) * 10
    for axis in [None, (1, 3), (-1, 0), (0, 1, 2, 3), (2,)]:
        np.testing.assert_allclose(
            getattr(sl, fn)(x, axis=axis, accurate=accurate),
            getattr(scipy.special, fn)(x, axis=axis),
            rtol=1e-13,
            # SciPy's log_softmax cancels near 0; ours does not
            atol=1e-300 if fn == "softmax" else 1e-13,
        )


def test_the_order_and_sign_of_the_axes_do_not_matter():
    x = np.random.default_rng(3).normal(size=(3, 4, 5))
    for fn in FUNCTIONS:
        f = getattr(sl, fn)
        ref = f(x, axis=(0, 2))
        for axis in [(2, 0), (-3, -1), (0, -1)]:
            np.testing.assert_array_equal(f(x, axis=axis), ref)


def test_an_integer_and_a_one_tuple_are_the_same_axis():
    x = np.random.default_rng(4).normal(size=(3, 4, 5))
    for fn in FUNCTIONS:
        for accurate in (False, True):
            f = getattr(sl, fn)
            np.testing.assert_array_equal(
                f(x, axis=1, accurate=accurate),
                f(x, axis=(1,), accurate=accurate),
            )


@pytest.mark.parametrize("accurate", [False, True])
def test_logsumexp_keepdims_with_several_axes(accurate):
    x = np.random.default_rng(5).normal(size=(3, 4, 5))
    out = sl.logsumexp(x, axis=(0, 2), keepdims=True, accurate=accurate)
    assert out.shape == (1, 4, 1)
    np.testing.assert_array_equal(
        out[0, :, 0], sl.logsumexp(x, axis=(0, 2), accurate=accurate)
    )
    assert sl.logsumexp(x, axis=None, keepdims=True).shape == (1, 1, 1)


@pytest.mark.parametrize("accurate", [False, True])
def test_axis_none_follows_the_special_value_policy(accurate):
    x = np.array([[1.0, np.nan], [2.0, 3.0]])
    assert np.isnan(sl.softmax(x, axis=None, accurate=accurate)).all()
    assert np.isnan(sl.logsumexp(x, axis=None, accurate=accurate))
    y = np.array([[np.inf, 0.0], [np.inf, -np.inf]])
    np.testing.assert_array_equal(
        sl.softmax(y, axis=None, accurate=accurate), [[0.5, 0], [0.5, 0]]
    )
    assert sl.logsumexp(y, axis=None, accurate=accurate) == np.inf
    z = np.full((2, 2), -np.inf)
    assert np.isnan(sl.log_softmax(z, axis=None, accurate=accurate)).all()
    assert sl.logsumexp(z, axis=None, accurate=accurate) == -np.inf


def test_a_full_reduction_gives_a_numpy_scalar_as_numpy_does():
    lse = sl.logsumexp([1.0, 2.0])
    assert isinstance(lse, np.float64)
    assert lse == sl.logsumexp([[1.0, 2.0]])[0]
    assert isinstance(
        sl.logsumexp(np.ones((2, 2), np.float32), None), np.float32
    )


@pytest.mark.parametrize("accurate", [False, True])
def test_a_scalar_with_axis_none_is_a_row_of_one(accurate):
    assert sl.softmax(3.0, axis=None, accurate=accurate) == 1.0
    assert sl.log_softmax(3.0, axis=None, accurate=accurate) == 0.0
    assert sl.logsumexp(3.0, axis=None, accurate=accurate) == 3.0
    assert isinstance(sl.softmax(np.float32(3), axis=None), np.float32)
    with pytest.raises(ValueError, match="x is a scalar"):
        sl.softmax(3.0)


@pytest.mark.parametrize("accurate", [False, True])
def test_logsumexp_of_an_empty_row_is_minus_infinity(accurate):
    assert sl.logsumexp([], accurate=accurate) == -np.inf
    np.testing.assert_array_equal(
        sl.logsumexp(np.zeros((2, 0)), accurate=accurate), [-np.inf] * 2
    )
    assert sl.logsumexp(np.zeros((2, 0)), axis=(0, 1)) == -np.inf
    assert sl.logsumexp(np.zeros((2, 0)), keepdims=True).shape == (2, 1)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_of_an_empty_row_is_an_error(fn):
    with pytest.raises(ValueError, match=r"length 0 along axes \(0, 1\)"):
        getattr(sl, fn)(np.zeros((2, 0)), axis=(0, 1))
    with pytest.raises(ValueError, match="length 0 along axis 1"):
        getattr(sl, fn)(np.zeros((2, 0)))


@pytest.mark.parametrize(
    "axis, error, message",
    [
        ((0, 0), ValueError, "names the same axis more than once"),
        ((1, -1), ValueError, "names the same axis more than once"),
        ((), ValueError, r"axis=\(\) names no axis"),
        ((0, 3), ValueError, "axis=3 is out of range"),
        ((0, 1.0), TypeError, "a tuple of integers or None"),
        ([0, 1], TypeError, "a tuple of integers or None"),
        ((0, True), TypeError, "a tuple of integers or None"),
    ],
)
def test_bad_axes_are_named(axis, error, message):
    for fn in FUNCTIONS:
        with pytest.raises(error, match=message):
            getattr(sl, fn)(np.zeros((2, 3)), axis=axis)


# --- where= ---------------------------------------------------------------


@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize("accurate", [False, True])
@pytest.mark.parametrize("dtype", FLOATS)
def test_a_masked_entry_is_a_logit_of_minus_infinity(fn, accurate, dtype):
    rng = np.random.default_rng(6)
    x = (5 * rng.normal(size=(7, 9))).astype(dtype)
    mask = rng.random((7, 9)) < 0.6
    mask[3] = False  # a fully masked row
    x[0, ~mask[0]] = np.nan  # masked NaN and inf take no part
    x[1, ~mask[1]] = np.inf
    f = getattr(sl, fn)
    np.testing.assert_array_equal(
        f(x, where=mask, accurate=accurate),
        f(np.where(mask, x, -np.inf), accurate=accurate),
    )


def test_masked_entries_get_probability_zero_and_no_part_in_the_sum():
    x = np.array([[1.0, 800.0, 2.0], [np.nan, 0.0, 0.0]])
    mask = np.array([[True, False, True], [False, True, True]])
    p = sl.softmax(x, where=mask)
    np.testing.assert_array_equal(p[:, [0, 1]][mask[:, [0, 1]]] > 0, True)
    assert p[0, 1] == 0 and p[1, 0] == 0
    np.testing.assert_allclose(p[0, [0, 2]], sl.softmax([1.0, 2.0]))
    np.testing.assert_array_equal(p[1], [0, 0.5, 0.5])
    assert sl.log_softmax(x, where=mask)[0, 1] == -np.inf
    assert sl.logsumexp(x, where=mask)[0] == sl.logsumexp([1.0, 2.0])


def test_a_fully_masked_row_follows_the_policy():
    x = np.ones((2, 3))
    mask = np.array([[False] * 3, [True] * 3])
    assert np.isnan(sl.softmax(x, where=mask)[0]).all()
    assert np.isnan(sl.log_softmax(x, where=mask)[0]).all()
    assert sl.logsumexp(x, where=mask)[0] == -np.inf


def test_the_mask_broadcasts_and_works_with_axes():
    x = np.random.default_rng(7).normal(size=(4, 3, 5))
    keep = np.array([True, False, True, True, False])
    np.testing.assert_array_equal(
        sl.softmax(x, axis=(0, 2), where=keep),
        sl.softmax(np.where(keep, x, -np.inf), axis=(0, 2)),
    )
    np.testing.assert_array_equal(sl.softmax(x, where=True), sl.softmax(x))


def test_a_bad_mask_is_named():
    with pytest.raises(TypeError, match="where must be a boolean array"):
        sl.softmax(np.zeros((2, 3)), where=[1, 0, 1])
    with pytest.raises(ValueError, match=r"where has shape \(2,\)"):
        sl.softmax(np.zeros((2, 3)), where=[True, False])
    # the mask may not make x bigger
    with pytest.raises(ValueError, match=r"does not broadcast to the shape"):
        sl.logsumexp(np.zeros(3), where=np.ones((2, 3), bool))


# --- workers= -------------------------------------------------------------


def _mixed_rows(shape, dtype):
    """Row maxima of both signs, small and large, so that the accurate
    kernels take different paths in different blocks."""
    rng = np.random.default_rng(8)
    x = 3 * rng.normal(size=shape)
    shifts = [-800.0, -30.0, 0.0, 30.0, 600.0]
    x += rng.choice(shifts, size=(shape[0],) + (1,) * (len(shape) - 1))
    x[5, 3] = np.nan
    x[7, :] = -np.inf
    x[9, 2] = np.inf
    return x.astype(dtype)


@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize("accurate", [False, True])
@pytest.mark.parametrize("dtype", FLOATS)
def test_any_number_of_workers_gives_the_same_bits(fn, accurate, dtype):
    # 600 rows of 1000: many blocks of 512 KiB.
    x = _mixed_rows((600, 1000), dtype)
    f = getattr(sl, fn)
    one = f(x, accurate=accurate)
    for workers in (2, 3, 7, -1):
        np.testing.assert_array_equal(
            f(x, accurate=accurate, workers=workers), one
        )


def test_workers_with_axes_temperature_and_where():
    x = _mixed_rows((300, 40, 30), np.float64)
    mask = np.random.default_rng(9).random(x.shape) < 0.9
    for accurate in (False, True):
        kwargs = dict(axis=(0, 2), accurate=accurate, where=mask)
        np.testing.assert_array_equal(
            sl.softmax(x, temperature=0.7, workers=4, **kwargs),
            sl.softmax(x, temperature=0.7, **kwargs),
        )
        np.testing.assert_array_equal(
            sl.logsumexp(x, workers=2, keepdims=True, **kwargs),
            sl.logsumexp(x, keepdims=True, **kwargs),
        )


def test_workers_on_few_rows_and_no_rows():
    x = np.random.default_rng(10).normal(size=(3, 5))
    np.testing.assert_array_equal(sl.softmax(x, workers=8), sl.softmax(x))
    assert sl.softmax(np.zeros((0, 5)), workers=2).shape == (0, 5)


@pytest.mark.parametrize(
    "workers, error, message",
    [
        (0, ValueError, "workers=0 asks for no thread"),
        (-(os.cpu_count() or 1) - 1, ValueError, "more than the"),
        (1.5, TypeError, "workers must be an integer or None"),
        (True, TypeError, "workers must be an integer or None"),
        ("2", TypeError, "workers must be an integer or None"),
    ],
)
def test_bad_workers_are_named(workers, error, message):
    for fn in FUNCTIONS:
        with pytest.raises(error, match=message):
            getattr(sl, fn)(np.zeros((2, 3)), workers=workers)
