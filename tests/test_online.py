"""softmax_lib.online: the one-pass normaliser agrees with core, keeps its
special values, rejects bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import softmax_lib as sl
from conftest import logit_rows
from softmax_lib import online

# Rows have at most 12 classes, so block sizes up to 20 cover "1", "in between"
# and "longer than the row".
block_sizes = st.integers(min_value=1, max_value=20)


def assert_close_to_core(computed, expected, x, dtype):
    """For log-sum-exp and log-softmax: online and core differ by rounding, a
    few eps of the inputs' size."""
    eps = np.finfo(dtype).eps
    scale = 1 + np.max(np.abs(x), axis=-1, keepdims=True)
    if expected.ndim < x.ndim:
        scale = scale[..., 0]
    assert np.all(
        np.abs(computed.astype(np.float64) - expected.astype(np.float64))
        <= 32 * eps * scale
    )


def assert_probabilities_close(computed, expected, x, dtype):
    """For softmax: exp amplifies the rounding of z_i - max(z) into a relative
    error of eps * |z_i - max(z)|.

    (core may skip the shift where nothing can overflow, so the two need not
    round alike.)
    """
    eps, tiny = np.finfo(dtype).eps, np.finfo(dtype).tiny
    gap = np.abs(x.astype(np.float64) - np.max(x, axis=-1, keepdims=True))
    bound = 32 * eps * (1 + gap) * np.abs(expected.astype(np.float64)) + tiny
    assert np.all(
        np.abs(computed.astype(np.float64) - expected.astype(np.float64))
        <= bound
    )


# --- agreement with softmax_lib.core for any finite input and any block size -


@given(logit_rows(), block_sizes)
def test_online_logsumexp_agrees_with_logsumexp_for_any_input_and_block_size(
    x, block_size
):
    assert_close_to_core(
        online.online_logsumexp(x, axis=1, block_size=block_size),
        sl.logsumexp(x, axis=1),
        x,
        np.float64,
    )


@given(logit_rows(np.float32), block_sizes)
def test_float32_online_logsumexp_agrees_with_logsumexp(x, block_size):
    out = online.online_logsumexp(x, axis=1, block_size=block_size)
    assert out.dtype == np.float32
    assert_close_to_core(out, sl.logsumexp(x, axis=1), x, np.float32)


@given(logit_rows(), block_sizes)
def test_online_softmax_agrees_with_softmax_for_any_input_and_block_size(
    x, block_size
):
    p = online.online_softmax(x, axis=1, block_size=block_size)
    assert_probabilities_close(p, sl.softmax(x, axis=1), x, np.float64)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-13)


@given(logit_rows(np.float32), block_sizes)
def test_float32_online_softmax_agrees_with_softmax(x, block_size):
    p = online.online_softmax(x, axis=1, block_size=block_size)
    assert p.dtype == np.float32
    assert_probabilities_close(p, sl.softmax(x, axis=1), x, np.float32)


@given(logit_rows(), block_sizes)
def test_online_log_softmax_agrees_with_log_softmax_for_any_input_and_block(
    x, block_size
):
    assert_close_to_core(
        online.online_log_softmax(x, axis=1, block_size=block_size),
        sl.log_softmax(x, axis=1),
        x,
        np.float64,
    )


@given(logit_rows(), st.integers(min_value=0, max_value=12))
def test_merging_the_states_of_two_parts_gives_the_state_of_the_whole_row(
    x, cut
):
    cut = min(cut, x.shape[1])
    whole = online.block_state(x, axis=1)
    parts = online.merge(
        online.block_state(x[:, :cut], axis=1),
        online.block_state(x[:, cut:], axis=1),
    )
    np.testing.assert_array_equal(parts.max, whole.max)
    np.testing.assert_allclose(parts.normaliser, whole.normaliser, rtol=1e-14)


@given(logit_rows(), logit_rows())
def test_merge_is_commutative(x, y):
    a, b = online.block_state(x[:1], axis=1), online.block_state(y[:1], axis=1)
    ab, ba = online.merge(a, b), online.merge(b, a)
    np.testing.assert_array_equal(ab.max, ba.max)
    np.testing.assert_allclose(ab.normaliser, ba.normaliser, rtol=1e-14)


@given(logit_rows())
def test_empty_state_is_the_identity_of_merge(x):
    s = online.block_state(x, axis=1)
    for merged in (
        online.merge(online.empty_state(s.max.shape), s),
        online.merge(s, online.empty_state(s.max.shape)),
    ):
        np.testing.assert_array_equal(merged.max, s.max)
        np.testing.assert_array_equal(merged.rest, s.rest)


# --- worked examples ---------------------------------------------------------


def test_block_size_one_is_the_element_by_element_recurrence():
    x = np.array([2.0, 1.0, 0.1])
    m, d = -np.inf, 0.0
    for v in x:
        m_new = max(m, v)
        d = d * np.exp(m - m_new) + np.exp(v - m_new)
        m = m_new
    state = online.online_normaliser(x, block_size=1)
    assert state.max[0] == m
    assert state.normaliser[0] == pytest.approx(d, rel=1e-15)


def test_huge_logits_do_not_overflow_in_any_block_size():
    for block_size in (1, 2, 3):
        np.testing.assert_allclose(
            online.online_softmax(
                [1000.0, 999.0, -1000.0], block_size=block_size
            ),
            sl.softmax([1000.0, 999.0, -1000.0]),
            rtol=1e-14,
        )


def test_logsumexp_keeps_the_tiny_excess_over_the_maximum():
    # log(1 + e^-40) = 4.25e-18 would round to 0 as log(d); log1p(rest) keeps
    # it.
    assert online.online_logsumexp(
        [0.0, -40.0], block_size=1
    ) == pytest.approx(np.exp(-40.0), rel=1e-15)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_online_functions_work_along_any_axis(axis):
    x = np.random.default_rng(0).normal(scale=5.0, size=(3, 4, 5))
    np.testing.assert_allclose(
        online.online_softmax(x, axis=axis, block_size=2),
        sl.softmax(x, axis=axis),
        rtol=1e-13,
    )
    np.testing.assert_allclose(
        online.online_log_softmax(x, axis=axis, block_size=2),
        sl.log_softmax(x, axis=axis),
        rtol=1e-13,
        atol=1e-13,
    )
    np.testing.assert_allclose(
        online.online_logsumexp(x, axis=axis, block_size=2),
        sl.logsumexp(x, axis=axis),
        rtol=1e-14,
    )
    kept = online.online_logsumexp(x, axis=axis, block_size=2, keepdims=True)
    np.testing.assert_allclose(
        kept, sl.logsumexp(x, axis=axis, keepdims=True), rtol=1e-14
    )
    assert online.online_normaliser(x, axis=axis).max.shape == kept.shape


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtypes_are_kept_and_float16_is_computed_in_float32(dtype):
    x = np.array([12.0, 10.0, -3.0], dtype=dtype)  # exp(12) overflows float16
    p = online.online_softmax(x, block_size=1)
    assert p.dtype == dtype
    np.testing.assert_allclose(p, sl.softmax(x), rtol=64 * np.finfo(dtype).eps)
    assert online.online_normaliser(x).max.dtype == (
        np.float32 if dtype == np.float16 else dtype
    )


def test_batch_with_no_rows_gives_empty_result():
    assert online.online_softmax(np.zeros((0, 3))).shape == (0, 3)
    assert online.online_logsumexp(np.zeros((0, 3))).shape == (0,)


def test_rescale_factor_is_one_for_equal_infinite_maxima():
    np.testing.assert_array_equal(
        online.rescale_factor(
            [-np.inf, np.inf, 0.0], [-np.inf, np.inf, np.inf]
        ),
        [1.0, 1.0, 0.0],
    )


def test_empty_block_state_is_the_empty_state():
    s = online.block_state(np.zeros((2, 0)), axis=1)
    np.testing.assert_array_equal(s.max, [[-np.inf], [-np.inf]])
    np.testing.assert_array_equal(s.normaliser, [[0.0], [0.0]])


# --- the special-value policy of softmax_lib.core, in streaming form ---------

SPECIAL_ROWS = np.array(
    [
        [1.0, np.nan, 2.0, 0.0],  # NaN: the row is NaN
        [-np.inf, 0.0, 1.0, -np.inf],  # -inf entries are masked out
        [-np.inf, -np.inf, -np.inf, -np.inf],  # nothing to normalise
        [np.inf, 0.0, np.inf, -np.inf],  # +inf entries share the mass
        [np.nan, np.inf, 0.0, 1.0],  # NaN wins over +inf
    ]
)


@pytest.mark.parametrize("block_size", [1, 2, 3, 4, 100])
def test_special_values_follow_core_in_every_block_size(block_size):
    with np.errstate(all="raise"):  # and no NumPy warning
        p = online.online_softmax(SPECIAL_ROWS, block_size=block_size)
        lp = online.online_log_softmax(SPECIAL_ROWS, block_size=block_size)
        lse = online.online_logsumexp(SPECIAL_ROWS, block_size=block_size)
    np.testing.assert_allclose(p, sl.softmax(SPECIAL_ROWS), rtol=1e-14)
    np.testing.assert_allclose(lp, sl.log_softmax(SPECIAL_ROWS), rtol=1e-14)
    np.testing.assert_allclose(lse, sl.logsumexp(SPECIAL_ROWS), rtol=1e-14)


def test_all_minus_inf_row_has_zero_normaliser_and_minus_inf_logsumexp():
    state = online.online_normaliser([-np.inf, -np.inf], block_size=1)
    assert state.normaliser[0] == 0.0
    assert online.online_logsumexp([-np.inf, -np.inf]) == -np.inf
    assert np.all(np.isnan(online.online_softmax([-np.inf, -np.inf])))


def test_plus_inf_entries_are_counted_by_the_normaliser():
    state = online.online_normaliser(
        [np.inf, 1.0, np.inf, np.inf], block_size=1
    )
    assert state.max[0] == np.inf and state.normaliser[0] == 3.0
    np.testing.assert_allclose(
        online.online_log_softmax([np.inf, 1.0, np.inf, np.inf]),
        [-np.log(3), -np.inf, -np.log(3), -np.log(3)],
    )


# --- one test per documented error -------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        online.online_softmax,
        online.online_log_softmax,
        online.online_logsumexp,
        online.online_normaliser,
    ],
)
@pytest.mark.parametrize("block_size", [0, -3])
def test_block_size_below_one_is_rejected(fn, block_size):
    with pytest.raises(ValueError, match="block_size must be at least 1"):
        fn([1.0, 2.0], block_size=block_size)


@pytest.mark.parametrize("block_size", [2.0, True, "4", None])
def test_block_size_that_is_not_an_integer_is_a_type_error(block_size):
    with pytest.raises(TypeError, match="block_size must be an integer"):
        online.online_softmax([1.0, 2.0], block_size=block_size)


@pytest.mark.parametrize(
    "fn",
    [
        online.online_softmax,
        online.online_log_softmax,
        online.online_logsumexp,
        online.block_state,
    ],
)
def test_complex_input_is_rejected_with_a_type_error(fn):
    with pytest.raises(TypeError, match="must be real"):
        fn(np.array([1 + 1j, 2.0]))


@pytest.mark.parametrize(
    "fn", [online.online_softmax, online.online_logsumexp, online.block_state]
)
def test_axis_out_of_range_is_rejected(fn):
    with pytest.raises(ValueError, match="out of range"):
        fn(np.zeros((2, 3)), axis=2)


def test_axis_that_is_not_an_integer_is_a_type_error():
    with pytest.raises(TypeError, match="axis must be an integer"):
        online.online_softmax([1.0, 2.0], axis=0.0)


def test_scalar_input_asks_for_a_row():
    with pytest.raises(ValueError, match="scalar"):
        online.online_softmax(3.0)


def test_empty_row_is_rejected():
    with pytest.raises(ValueError, match="length 0"):
        online.online_softmax(np.zeros((2, 0)))


def test_merge_of_states_whose_shapes_do_not_broadcast_is_rejected():
    with pytest.raises(ValueError, match="do not broadcast"):
        online.merge(online.empty_state((2, 1)), online.empty_state((3, 1)))


def test_empty_state_rejects_a_non_float_dtype():
    with pytest.raises(
        TypeError, match="dtype must be float16, float32 or float64"
    ):
        online.empty_state((1,), dtype=np.int64)


def test_rescale_factor_rejects_complex_maxima():
    with pytest.raises(TypeError, match="must be real"):
        online.rescale_factor([1j], [0.0])
