"""softmax, log_softmax, logsumexp, softmax_naive and sigmoid: worked values,
policy, errors, laws."""

import numpy as np
import pytest
import scipy.special
import torch
from hypothesis import given
from hypothesis import strategies as st

import softmax_lib as sl
from conftest import logit_rows

FLOATS = [np.float16, np.float32, np.float64]


# --- worked examples (the numbers chapter 1 prints) --------------------------


def test_softmax_of_the_worked_example():
    np.testing.assert_allclose(
        sl.softmax([2.0, 1.0, 0.1]),
        [0.6590011388859679, 0.2424329707047139, 0.09856589040931818],
        rtol=1e-15,
    )


def test_softmax_of_equal_logits_is_uniform():
    np.testing.assert_array_equal(
        sl.softmax(np.zeros((2, 4))), np.full((2, 4), 0.25)
    )


def test_logsumexp_of_two_equal_large_values_is_value_plus_log2():
    assert sl.logsumexp([1000.0, 1000.0]) == pytest.approx(
        1000 + np.log(2), rel=1e-15
    )


def test_softmax_of_huge_logits_does_not_overflow():
    np.testing.assert_allclose(
        sl.softmax([1000.0, 999.0]), sl.softmax([1.0, 0.0]), rtol=1e-15
    )
    np.testing.assert_allclose(
        sl.softmax([-1000.0, -1001.0]), sl.softmax([1.0, 0.0]), rtol=1e-15
    )


def test_softmax_with_spread_beyond_the_float_range_gives_zero_not_nan():
    np.testing.assert_array_equal(sl.softmax([1e308, -1e308]), [1.0, 0.0])
    np.testing.assert_array_equal(
        sl.softmax([1e308, -1e308], temperature=0.5), [1.0, 0.0]
    )


def test_softmax_naive_overflows_and_underflows_on_purpose():
    assert np.isnan(sl.softmax_naive([1000.0, 0.0])[0])
    assert np.all(np.isnan(sl.softmax_naive([-1000.0, -1001.0])))
    np.testing.assert_allclose(
        sl.softmax_naive([1.0, 2.0, 3.0]),
        sl.softmax([1.0, 2.0, 3.0]),
        rtol=1e-15,
    )


def test_log_softmax_stays_finite_where_log_of_softmax_gives_minus_inf():
    np.testing.assert_array_equal(
        sl.log_softmax([1000.0, 0.0]), [0.0, -1000.0]
    )
    with np.errstate(divide="ignore"):
        assert np.log(sl.softmax([1000.0, 0.0]))[1] == -np.inf


def test_sigmoid_extremes_do_not_overflow():
    np.testing.assert_array_equal(
        sl.sigmoid([-1000.0, 0.0, 1000.0]), [0.0, 0.5, 1.0]
    )
    assert sl.sigmoid(-30.0) == pytest.approx(
        np.exp(-30.0) / (1 + np.exp(-30.0)), rel=1e-15
    )


@pytest.mark.parametrize("temperature", [0.1, 0.5, 2.0, 10.0])
def test_softmax_with_temperature_equals_softmax_of_scaled_logits(temperature):
    z = np.array([[2.0, 1.0, 0.1], [-3.0, 0.0, 4.0]])
    np.testing.assert_allclose(
        sl.softmax(z, temperature=temperature),
        sl.softmax(z / temperature),
        rtol=1e-13,
    )
    np.testing.assert_allclose(
        sl.log_softmax(z, temperature=temperature),
        sl.log_softmax(z / temperature),
        rtol=1e-13,
    )


def test_low_temperature_approaches_one_hot_and_high_temperature_uniform():
    z = [2.0, 1.0, 0.1]
    np.testing.assert_allclose(
        sl.softmax(z, temperature=1e-3), [1.0, 0.0, 0.0], atol=1e-300
    )
    np.testing.assert_allclose(
        sl.softmax(z, temperature=1e6), np.full(3, 1 / 3), rtol=1e-5
    )


# --- axes and shapes ---------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2, -3])
def test_softmax_normalises_exactly_the_requested_axis(axis):
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    p = sl.softmax(x, axis=axis)
    assert p.shape == x.shape
    np.testing.assert_allclose(p.sum(axis=axis), 1.0, rtol=1e-15)
    np.testing.assert_allclose(
        p, scipy.special.softmax(x, axis=axis), rtol=1e-14
    )


@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_shape_and_values_match_scipy(keepdims):
    x = np.random.default_rng(1).normal(scale=50, size=(3, 5))
    out = sl.logsumexp(x, axis=0, keepdims=keepdims)
    np.testing.assert_allclose(
        out, scipy.special.logsumexp(x, axis=0, keepdims=keepdims), rtol=1e-14
    )


def test_batch_with_no_rows_gives_empty_result():
    assert sl.softmax(np.zeros((0, 3))).shape == (0, 3)
    assert sl.logsumexp(np.zeros((0, 3))).shape == (0,)


# --- dtypes ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(
    "fn",
    [sl.softmax, sl.log_softmax, sl.logsumexp, sl.softmax_naive, sl.sigmoid],
)
def test_float_dtypes_are_kept(fn, dtype):
    assert fn(np.array([[1.0, 2.0, 3.0]], dtype=dtype)).dtype == dtype


@pytest.mark.parametrize(
    "x", [[1, 2, 3], np.array([1, 2, 3], dtype=np.uint8), [True, False, True]]
)
@pytest.mark.parametrize(
    "fn", [sl.softmax, sl.log_softmax, sl.logsumexp, sl.sigmoid]
)
def test_integers_and_bools_become_float64(fn, x):
    out = fn(x)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, fn(np.asarray(x, dtype=np.float64)))


def test_float16_is_computed_in_float32_and_rounded_once():
    z = np.array([10.0, 9.0, -4.0, 3.5], dtype=np.float16)
    expected = scipy.special.softmax(z.astype(np.float32)).astype(np.float16)
    np.testing.assert_array_equal(sl.softmax(z), expected)


def test_softmax_of_python_scalars_in_nested_lists():
    np.testing.assert_allclose(
        sl.softmax([[0, 0], [0, np.log(3)]]),
        [[0.5, 0.5], [0.25, 0.75]],
        rtol=1e-15,
    )


# --- special values: the documented policy -----------------------------------


def test_nan_in_a_row_makes_only_that_row_nan():
    x = np.array([[1.0, np.nan, 2.0], [1.0, 2.0, 3.0]])
    for fn in (sl.softmax, sl.log_softmax):
        out = fn(x)
        assert np.all(np.isnan(out[0]))
        assert np.all(np.isfinite(out[1]))
    lse = sl.logsumexp(x)
    assert np.isnan(lse[0]) and np.isfinite(lse[1])


def test_nan_beside_plus_inf_is_still_nan():
    assert np.all(np.isnan(sl.softmax([np.inf, np.nan, 1.0])))
    assert np.all(np.isnan(sl.log_softmax([np.inf, np.nan, 1.0])))


def test_minus_inf_entries_get_probability_zero():
    p = sl.softmax([-np.inf, 0.0, np.log(3)])
    np.testing.assert_allclose(p, [0.0, 0.25, 0.75], rtol=1e-15)
    assert p[0] == 0.0
    np.testing.assert_allclose(
        sl.log_softmax([-np.inf, 0.0, 0.0]),
        [-np.inf, -np.log(2), -np.log(2)],
        rtol=1e-15,
    )


def test_row_of_all_minus_inf_is_nan_for_softmax_and_minus_inf_for_logsumexp():
    row = np.full(4, -np.inf)
    assert np.all(np.isnan(sl.softmax(row)))
    assert np.all(np.isnan(sl.log_softmax(row)))
    assert sl.logsumexp(row) == -np.inf


@pytest.mark.parametrize("dtype", FLOATS)
def test_plus_inf_entries_share_the_mass_equally(dtype):
    x = np.array(
        [[np.inf, 1.0, np.inf, -np.inf], [np.inf, 0.0, 0.0, 0.0]], dtype=dtype
    )
    np.testing.assert_array_equal(
        sl.softmax(x), np.array([[0.5, 0, 0.5, 0], [1, 0, 0, 0]], dtype=dtype)
    )
    log_p = sl.log_softmax(x)
    np.testing.assert_allclose(log_p[0, [0, 2]], -np.log(2), rtol=1e-3)
    assert np.all(log_p[0, [1, 3]] == -np.inf)
    assert np.all(sl.logsumexp(x) == np.inf)


def test_special_values_raise_no_numpy_warnings():
    x = np.array(
        [[np.inf, 1.0], [-np.inf, -np.inf], [np.nan, 0.0], [1e308, -1e308]]
    )
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for fn in (
            sl.softmax,
            sl.log_softmax,
            sl.logsumexp,
            sl.softmax_naive,
            sl.sigmoid,
        ):
            fn(x)
        sl.softmax_naive([[1000.0, 0.0], [-1000.0, -1000.0]])


def test_sigmoid_of_special_values():
    out = sl.sigmoid([-np.inf, np.inf, np.nan])
    assert out[0] == 0.0 and out[1] == 1.0 and np.isnan(out[2])


# --- errors: one test per documented error -----------------------------------


@pytest.mark.parametrize(
    "fn",
    [sl.softmax, sl.log_softmax, sl.softmax_naive, sl.sigmoid],
)
def test_complex_input_is_rejected_with_a_type_error(fn):
    with pytest.raises(TypeError, match="x must be real; got complex"):
        fn(np.array([1 + 2j, 3.0]))


@pytest.mark.parametrize(
    "bad",
    [["a", "b"], np.array([object(), 1.0], dtype=object), [[1.0, 2.0], [3.0]]],
)
def test_non_numeric_input_is_rejected_with_a_type_error(bad):
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        sl.softmax(bad)


def test_longdouble_input_is_rejected_with_the_supported_dtypes_named():
    with pytest.raises(TypeError, match="use float16, float32 or float64"):
        sl.softmax(np.array([1.0, 2.0], dtype=np.longdouble))


@pytest.mark.parametrize(
    "fn", [sl.softmax, sl.log_softmax, sl.logsumexp, sl.softmax_naive]
)
@pytest.mark.parametrize("axis", [2, -3, 10])
def test_axis_out_of_range_names_the_valid_range(fn, axis):
    with pytest.raises(
        ValueError,
        match=r"axis=.* is out of range for an array with 2 dimension\(s\); "
        r"valid values are -2\.\.1",
    ):
        fn(np.zeros((2, 3)), axis=axis)


@pytest.mark.parametrize("axis", [1.0, "1", True, [0, 1], (0, 1.0)])
def test_axis_that_is_not_an_integer_is_a_type_error(axis):
    with pytest.raises(TypeError, match="axis must be an integer"):
        sl.softmax(np.zeros((2, 3)), axis=axis)


def test_scalar_input_asks_for_a_row():
    with pytest.raises(ValueError, match="x is a scalar"):
        sl.softmax(3.0)


def test_empty_row_is_rejected():
    with pytest.raises(ValueError, match="length 0 along axis 1"):
        sl.softmax(np.zeros((2, 0)))


@pytest.mark.parametrize(
    "temperature", [0, 0.0, -1.0, np.nan, np.inf, -np.inf]
)
@pytest.mark.parametrize("fn", [sl.softmax, sl.log_softmax])
def test_temperature_must_be_positive_and_finite(fn, temperature):
    with pytest.raises(
        ValueError, match="temperature must be a positive, finite number"
    ):
        fn([1.0, 2.0], temperature=temperature)


@pytest.mark.parametrize("temperature", ["1", None, True, [1.0], 1 + 0j])
def test_temperature_that_is_not_a_real_number_is_a_type_error(temperature):
    with pytest.raises(TypeError, match="temperature must be a real number"):
        sl.softmax([1.0, 2.0], temperature=temperature)


# --- laws (hypothesis) -------------------------------------------------------


@given(logit_rows(min_value=-1e308, max_value=1e308))
def test_softmax_rows_sum_to_one_and_lie_in_0_1_for_any_finite_input(
    x,
):
    p = sl.softmax(x)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(
        p.sum(axis=-1), 1.0, rtol=0, atol=x.shape[-1] * 4e-16
    )


@given(
    logit_rows(
        np.float32,
        min_value=float(np.float32(-1e38)),
        max_value=float(np.float32(1e38)),
    )
)
def test_float32_softmax_rows_sum_to_one_for_any_finite_input(x):
    p = sl.softmax(x)
    assert p.dtype == np.float32
    np.testing.assert_allclose(
        p.sum(axis=-1), 1.0, rtol=0, atol=x.shape[-1] * 2e-7
    )


@given(logit_rows(), st.floats(-1e3, 1e3))
def test_softmax_is_invariant_to_adding_a_constant_to_every_logit(x, c):
    np.testing.assert_allclose(
        sl.softmax(x + c), sl.softmax(x), rtol=1e-9, atol=1e-300
    )


@given(logit_rows(min_value=-1e308, max_value=1e308))
def test_softmax_preserves_the_order_of_the_logits(x):
    p = sl.softmax(x)
    order = np.argsort(x, axis=-1, kind="stable")
    assert np.all(np.diff(np.take_along_axis(p, order, axis=-1), axis=-1) >= 0)


@given(logit_rows())
def test_softmax_agrees_with_scipy(x):
    np.testing.assert_allclose(
        sl.softmax(x),
        scipy.special.softmax(x, axis=-1),
        rtol=1e-10,
        atol=1e-300,
    )
    np.testing.assert_allclose(
        sl.log_softmax(x),
        scipy.special.log_softmax(x, axis=-1),
        rtol=1e-10,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        sl.logsumexp(x), scipy.special.logsumexp(x, axis=-1), rtol=1e-12
    )


@given(logit_rows(np.float32, min_value=-80, max_value=80))
def test_softmax_agrees_with_torch_in_float32(x):
    t = torch.from_numpy(x)
    np.testing.assert_allclose(
        sl.softmax(x), torch.softmax(t, dim=-1).numpy(), rtol=1e-5, atol=1e-30
    )
    np.testing.assert_allclose(
        sl.log_softmax(x),
        torch.log_softmax(t, dim=-1).numpy(),
        rtol=1e-5,
        atol=1e-4,
    )
    np.testing.assert_allclose(
        sl.logsumexp(x),
        torch.logsumexp(t, dim=-1).numpy(),
        rtol=1e-6,
        atol=1e-5,
    )


@given(logit_rows(max_classes=12))
def test_softmax_agrees_with_torch_in_float64(x):
    np.testing.assert_allclose(
        sl.softmax(x),
        torch.softmax(torch.from_numpy(x), dim=-1).numpy(),
        rtol=1e-10,
        atol=1e-300,
    )


@given(st.floats(-700, 700), st.floats(-700, 700))
def test_two_class_softmax_is_the_sigmoid_of_the_logit_difference(a, b):
    p = sl.softmax([a, b])
    assert p[0] == pytest.approx(
        float(sl.sigmoid(a - b)), rel=1e-12, abs=1e-300
    )


@given(logit_rows(min_value=-30, max_value=30))
def test_log_softmax_is_log_of_softmax_where_nothing_underflows(x):
    np.testing.assert_allclose(
        sl.log_softmax(x), np.log(sl.softmax(x)), rtol=1e-12, atol=1e-12
    )


@given(logit_rows(min_value=-1e300, max_value=1e300))
def test_logsumexp_lies_between_the_max_and_the_max_plus_log_k(x):
    lse = sl.logsumexp(x)
    m = x.max(axis=-1)
    slack = 4 * np.finfo(float).eps * np.abs(m) + 1e-15
    assert np.all(lse >= m - slack)
    assert np.all(lse <= m + np.log(x.shape[-1]) + slack)


@given(st.floats(allow_nan=False, width=64))
def test_sigmoid_lies_in_the_unit_interval_and_satisfies_the_reflection_law(x):
    s = float(sl.sigmoid(x))
    assert 0.0 <= s <= 1.0
    assert s + float(sl.sigmoid(-x)) == pytest.approx(1.0, abs=1e-15)


# --- accurate=True and the blocked layout ------------------------------------

ACCURATE_FNS = [sl.softmax, sl.log_softmax, sl.logsumexp]


@pytest.mark.parametrize("accurate", [1, 0, "yes", None, np.array([True])])
@pytest.mark.parametrize("fn", ACCURATE_FNS)
def test_accurate_that_is_not_a_bool_is_a_type_error(fn, accurate):
    with pytest.raises(TypeError, match="accurate must be True or False"):
        fn([1.0, 2.0], accurate=accurate)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("fn", ACCURATE_FNS)
def test_accurate_mode_keeps_the_dtype_and_agrees_with_the_default(fn, dtype):
    x = (3 * np.random.default_rng(3).normal(size=(4, 7))).astype(dtype)
    out = fn(x, accurate=True)
    assert out.dtype == dtype and out.shape == fn(x).shape
    rtol = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-14}[dtype]
    np.testing.assert_allclose(
        out.astype(np.float64), fn(x).astype(np.float64), rtol=rtol, atol=rtol
    )


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("accurate", [False, True])
def test_both_modes_work_along_any_axis(axis, accurate):
    x = np.random.default_rng(4).normal(scale=5.0, size=(3, 4, 5))
    np.testing.assert_allclose(
        sl.softmax(x, axis=axis, accurate=accurate),
        scipy.special.softmax(x, axis=axis),
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        sl.log_softmax(x, axis=axis, accurate=accurate),
        scipy.special.log_softmax(x, axis=axis),
        rtol=1e-14,
        atol=1e-14,
    )
    for keepdims in (False, True):
        np.testing.assert_allclose(
            sl.logsumexp(x, axis=axis, keepdims=keepdims, accurate=accurate),
            scipy.special.logsumexp(x, axis=axis, keepdims=keepdims),
            rtol=1e-14,
        )


@pytest.mark.parametrize("shape", [(700, 1000), (3, 70000), (2500, 3)])
@pytest.mark.parametrize("accurate", [False, True])
def test_inputs_of_many_blocks_and_long_rows_match_scipy(shape, accurate):
    # More rows than one cache-sized block (and a partial last block); rows
    # longer than a block.
    x = 4 * np.random.default_rng(5).normal(size=shape)
    x[::7] -= 50.0  # some rows with a negative maximum
    np.testing.assert_allclose(
        sl.softmax(x, accurate=accurate),
        scipy.special.softmax(x, axis=-1),
        rtol=1e-12,
        atol=1e-300,
    )
    np.testing.assert_allclose(
        sl.softmax(x.T, axis=0, accurate=accurate),
        scipy.special.softmax(x.T, axis=0),
        rtol=1e-12,
        atol=1e-300,
    )
    np.testing.assert_allclose(
        sl.logsumexp(x, accurate=accurate),
        scipy.special.logsumexp(x, axis=-1),
        rtol=1e-14,
        atol=1e-15,
    )


def test_empty_batch_in_accurate_mode():
    assert sl.softmax(np.zeros((0, 3)), accurate=True).shape == (0, 3)
    assert sl.logsumexp(np.zeros((0, 3)), accurate=True).shape == (0,)


@pytest.mark.parametrize("dtype", FLOATS)
def test_accurate_mode_follows_the_special_value_policy(dtype):
    x = np.array(
        [
            [np.inf, 1.0, np.inf, -np.inf],
            [np.inf, np.nan, 0.0, 0.0],
            [-np.inf] * 4,
            [-np.inf, 0.0, 1.0, np.nan],
            [-np.inf, 0.0, 0.0, -np.inf],
            [1.0, 2.0, 3.0, 4.0],
        ],
        dtype=dtype,
    )
    for fn in ACCURATE_FNS:
        np.testing.assert_array_equal(fn(x, accurate=True)[:5], fn(x)[:5])
    expected = np.array(
        [[0.5, 0, 0.5, 0], [np.nan] * 4, [np.nan] * 4], dtype=dtype
    )
    np.testing.assert_array_equal(sl.softmax(x, accurate=True)[:3], expected)
    np.testing.assert_array_equal(
        sl.logsumexp(x, accurate=True)[:4],
        np.array([np.inf, np.nan, -np.inf, np.nan], dtype=dtype),
    )


def test_accurate_mode_raises_no_numpy_warnings():
    x = np.array(
        [
            [np.inf, 1.0],
            [-np.inf, -np.inf],
            [np.nan, 0.0],
            [1e308, -1e308],
            [-1e308, 1e308],
            [-np.inf, 3.0],
        ]
    )
    x32 = np.array(
        [
            [np.inf, 1.0],
            [-np.inf, -np.inf],
            [np.nan, 0.0],
            [3e38, -3e38],
            [-np.inf, 3.0],
        ],
        dtype=np.float32,
    )
    with np.errstate(
        over="raise", invalid="raise", divide="raise", under="raise"
    ):
        for fn in ACCURATE_FNS:
            fn(x, accurate=True)
            fn(x32, accurate=True)
            fn(
                x,
                accurate=True,
                **({"temperature": 0.3} if fn is not sl.logsumexp else {}),
            )


def test_accurate_softmax_with_spread_beyond_the_float_range():
    np.testing.assert_array_equal(
        sl.softmax([1e308, -1e308], accurate=True), [1.0, 0.0]
    )
    np.testing.assert_array_equal(
        sl.softmax([1e308, -1e308], temperature=0.5, accurate=True), [1.0, 0.0]
    )
    np.testing.assert_array_equal(
        sl.log_softmax([1e308, -1e308], accurate=True), [0.0, -np.inf]
    )


@pytest.mark.parametrize("temperature", [0.1, 0.5, 2.0, 10.0])
def test_accurate_softmax_with_temperature_equals_softmax_of_scaled_logits(
    temperature,
):
    z = np.array([[2.0, 1.0, 0.1], [-3.0, 0.0, 4.0], [-30.0, -31.5, -45.0]])
    np.testing.assert_allclose(
        sl.softmax(z, temperature=temperature, accurate=True),
        sl.softmax(z / temperature),
        rtol=1e-13,
    )
    np.testing.assert_allclose(
        sl.log_softmax(z, temperature=temperature, accurate=True),
        sl.log_softmax(z / temperature),
        rtol=1e-13,
        atol=1e-15,
    )


def test_accurate_logsumexp_keeps_the_tiny_excess_over_the_maximum():
    assert sl.logsumexp([0.0, -40.0], accurate=True) == pytest.approx(
        np.exp(-40.0), rel=1e-15
    )
    assert sl.log_softmax([0.0, -40.0], accurate=True)[0] == pytest.approx(
        -np.exp(-40.0), rel=1e-15
    )


def test_accurate_log_functions_keep_the_tiny_excess_when_the_max_is_not_0():
    # Without the shift (exp(z) directly, the float64 default path of
    # accurate=True), the maximum's term exp(m) is set aside and the rest
    # divided by it: log(1 + s) keeps a tiny s, whatever m is.
    assert sl.log_softmax([5.0, -35.0], accurate=True)[0] == pytest.approx(
        -np.exp(-40.0), rel=1e-15
    )
    assert sl.logsumexp([-3.0, -43.0], accurate=True) == pytest.approx(
        -3.0 + np.exp(-40.0), rel=1e-15
    )
    # a maximum below log(tiny) + 60 takes the exactly shifted path instead
    assert sl.logsumexp([-700.0, -740.0], accurate=True) == pytest.approx(
        -700.0 + np.exp(-40.0), rel=1e-15
    )


def test_accurate_log_functions_direct_and_shifted_paths_agree_with_masks():
    # The first block takes exp(z) directly; adding a row with maximum -700
    # sends it down the exact-shift path (-inf entries then leave NaN in the
    # shift's correction, which must not reach the result).
    rng = np.random.default_rng(11)
    x = 3 * rng.normal(size=(6, 50))
    x[rng.random(size=x.shape) < 0.3] = -np.inf
    x[:, 0] = 1.0
    shifted = np.vstack([x, np.full((1, 50), -700.0)])
    for fn in (sl.log_softmax, sl.logsumexp):
        direct, via_shift = (
            fn(x, accurate=True),
            fn(shifted, accurate=True)[:6],
        )
        assert not np.isnan(via_shift).any()
        np.testing.assert_allclose(direct, via_shift, rtol=1e-15, atol=5e-16)
        np.testing.assert_allclose(direct, fn(x), rtol=1e-14, atol=1e-15)


@given(logit_rows(min_value=-1e308, max_value=1e308))
def test_default_softmax_rounds_exactly_like_scipy_for_finite_input(x):
    # The same operations in the same order, in blocks: so never less accurate
    # than SciPy.
    with np.errstate(over="ignore", invalid="ignore"):
        np.testing.assert_array_equal(
            sl.softmax(x), scipy.special.softmax(x, axis=-1)
        )
        x32 = np.clip(x, -3e38, 3e38).astype(np.float32)
        np.testing.assert_array_equal(
            sl.softmax(x32), scipy.special.softmax(x32, axis=-1)
        )


@given(logit_rows(min_value=-1e308, max_value=1e308))
def test_accurate_softmax_rows_sum_to_one_and_lie_in_0_1_for_finite_input(
    x,
):
    p = sl.softmax(x, accurate=True)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(
        p.sum(axis=-1), 1.0, rtol=0, atol=x.shape[-1] * 4e-16
    )
    assert np.all(sl.log_softmax(x, accurate=True) <= 0)
    assert np.all(sl.logsumexp(x, accurate=True) >= x.max(axis=-1))
