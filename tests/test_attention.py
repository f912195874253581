"""softmax_lib.attention: masks, direct and tiled attention agree with each
other and with PyTorch."""

import tracemalloc

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import softmax_lib as sl
from softmax_lib import attention

torch.set_num_threads(1)


@st.composite
def attention_inputs(draw, max_batch=2, max_len=9, max_d=5):
    """Random (q, k, v, mask) in float64: q (b, n_q, d), k (b, n_k, d), v (b,
    n_k, d_v), mask (b, n_q, n_k)."""
    b = draw(st.integers(1, max_batch))
    n_q, n_k = draw(st.integers(1, max_len)), draw(st.integers(1, max_len))
    d, d_v = draw(st.integers(1, max_d)), draw(st.integers(1, max_d))
    seed = draw(st.integers(0, 2**32 - 1))
    # spread of the entries: up to saturated softmaxes
    scale = draw(st.sampled_from([0.5, 1.0, 3.0]))
    rng = np.random.default_rng(seed)
    q = rng.normal(scale=scale, size=(b, n_q, d))
    k = rng.normal(scale=scale, size=(b, n_k, d))
    v = rng.normal(size=(b, n_k, d_v))
    mask = rng.random((b, n_q, n_k)) < draw(st.sampled_from([0.3, 0.7, 1.0]))
    return q, k, v, mask


def torch_sdpa(q, k, v, mask=None, causal=False):
    """PyTorch's scaled_dot_product_attention on float64 tensors made from the
    same NumPy arrays."""
    t = [torch.from_numpy(np.ascontiguousarray(a)) for a in (q, k, v)]
    if mask is None:
        return F.scaled_dot_product_attention(*t, is_causal=causal).numpy()
    # PyTorch takes a mask or is_causal, not both: fold the lower triangle into
    # the mask
    if causal:
        mask = mask & np.tril(np.ones(mask.shape[-2:], dtype=bool))
    return F.scaled_dot_product_attention(
        *t, attn_mask=torch.from_numpy(np.ascontiguousarray(mask))
    ).numpy()


def brute_force_attention(q, k, v, allowed):
    """One query at a time, with Python loops: the definition, for 2-D inputs
    and rows with an allowed key."""
    out = np.zeros((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):
        keys = [j for j in range(k.shape[0]) if allowed[i, j]]
        scores = np.array([q[i] @ k[j] / np.sqrt(q.shape[1]) for j in keys])
        weights = np.exp(scores - scores.max())
        out[i] = sum(w * v[j] for w, j in zip(weights / weights.sum(), keys))
    return out


# --- masks -------------------------------------------------------------------


@given(st.integers(0, 12), st.integers(1, 12), st.integers(-5, 5))
def test_causal_mask_allows_exactly_the_keys_up_to_query_index_plus_offset(
    n_q, n_k, offset
):
    m = attention.causal_mask(n_q, n_k, offset=offset)
    assert m.shape == (n_q, n_k) and m.dtype == bool
    for i in range(n_q):
        for j in range(n_k):
            assert m[i, j] == (j <= i + offset)


def test_causal_mask_is_square_by_default_and_lower_triangular():
    np.testing.assert_array_equal(
        attention.causal_mask(4), np.tril(np.ones((4, 4), dtype=bool))
    )


@given(
    st.lists(st.integers(0, 8), min_size=1, max_size=5),
    st.sampled_from(["right", "left"]),
)
def test_padding_mask_allows_exactly_the_real_tokens(lengths, side):
    n_keys = 8
    m = attention.padding_mask(lengths, n_keys, side=side)
    assert m.shape == (len(lengths), 1, n_keys)
    for b, length in enumerate(lengths):
        real = (
            range(length)
            if side == "right"
            else range(n_keys - length, n_keys)
        )
        assert [j for j in range(n_keys) if m[b, 0, j]] == list(real)


def test_padding_mask_with_a_head_axis_broadcasts_against_4d_scores():
    m = attention.padding_mask([2, 3], 3)[:, None]
    q = np.ones((2, 4, 5, 6))  # (batch, heads, n_q, d)
    w = attention.attention_weights(q, q[:, :, :3], mask=m)
    assert w.shape == (2, 4, 5, 3)
    np.testing.assert_array_equal(w[0, :, :, 2], 0.0)


# --- direct attention --------------------------------------------------------


@given(attention_inputs())
def test_weights_are_softmax_of_scaled_scores_with_masked_entries_exactly_zero(
    inputs,
):
    q, k, _, mask = inputs
    mask[..., 0] = True  # every row keeps a key
    w = attention.attention_weights(q, k, mask=mask)
    z = np.where(
        mask, q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1]), -np.inf
    )
    np.testing.assert_allclose(
        w, sl.softmax(z, axis=-1), rtol=1e-12, atol=1e-300
    )
    assert np.all(w[~mask] == 0.0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, rtol=1e-13)


def test_scale_is_an_inverse_temperature():
    rng = np.random.default_rng(3)
    q, k = rng.normal(size=(4, 6)), rng.normal(size=(5, 6))
    for s in (0.1, 1 / np.sqrt(6), 2.0):
        np.testing.assert_allclose(
            attention.attention_weights(q, k, scale=s),
            sl.softmax(q @ k.T, temperature=1 / s),
            rtol=1e-12,
        )


def test_direct_attention_matches_the_definition_one_query_at_a_time():
    rng = np.random.default_rng(7)
    q, k, v = (
        rng.normal(size=(5, 3)),
        rng.normal(size=(6, 3)),
        rng.normal(size=(6, 2)),
    )
    mask = rng.random((5, 6)) < 0.6
    mask[:, 0] = True
    for causal in (False, True):
        allowed = mask & attention.causal_mask(5, 6) if causal else mask
        np.testing.assert_allclose(
            attention.scaled_dot_product_attention(
                q, k, v, mask=mask, causal=causal
            ),
            brute_force_attention(q, k, v, allowed),
            rtol=1e-12,
            atol=1e-14,
        )


@given(attention_inputs(), st.booleans())
def test_direct_attention_agrees_with_torch_sdpa_on_random_inputs(
    inputs, causal
):
    q, k, v, mask = inputs
    ours = attention.scaled_dot_product_attention(
        q, k, v, mask=mask, causal=causal, fully_masked="zero"
    )
    np.testing.assert_allclose(
        ours,
        torch_sdpa(q, k, v, mask=mask, causal=causal),
        rtol=1e-10,
        atol=1e-12,
    )


def test_leading_axes_broadcast_like_matmul():
    rng = np.random.default_rng(5)
    q, k, v = (
        rng.normal(size=(2, 3, 4, 8)),
        rng.normal(size=(6, 8)),
        rng.normal(size=(3, 6, 5)),
    )
    out = attention.scaled_dot_product_attention(q, k, v)
    assert out.shape == (2, 3, 4, 5)
    np.testing.assert_allclose(
        out[1, 2],
        attention.scaled_dot_product_attention(q[1, 2], k, v[2]),
        rtol=1e-13,
    )


# --- tiled attention ---------------------------------------------------------


@given(
    attention_inputs(),
    st.integers(1, 12),
    st.booleans(),
    st.sampled_from(["nan", "zero"]),
)
def test_tiled_attention_equals_direct_attention_for_any_block_size(
    inputs, block_size, causal, fully_masked
):
    q, k, v, mask = inputs
    direct = attention.scaled_dot_product_attention(
        q, k, v, mask=mask, causal=causal, fully_masked=fully_masked
    )
    tiled = attention.tiled_attention(
        q,
        k,
        v,
        block_size=block_size,
        mask=mask,
        causal=causal,
        fully_masked=fully_masked,
    )
    # NaN rows must match too
    np.testing.assert_allclose(tiled, direct, rtol=1e-10, atol=1e-12)


@given(attention_inputs(), st.integers(1, 12), st.booleans())
def test_tiled_attention_agrees_with_torch_sdpa(inputs, block_size, causal):
    q, k, v, _ = inputs
    tiled = attention.tiled_attention(
        q, k, v, block_size=block_size, causal=causal
    )
    np.testing.assert_allclose(
        tiled, torch_sdpa(q, k, v, causal=causal), rtol=1e-10, atol=1e-12
    )


def test_causal_tiled_attention_matches_torch_with_more_keys_than_queries():
    rng = np.random.default_rng(11)
    q, k, v = (
        rng.normal(size=(1, 5, 4)),
        rng.normal(size=(1, 9, 4)),
        rng.normal(size=(1, 9, 2)),
    )
    for block_size in (1, 2, 4, 16):
        np.testing.assert_allclose(
            attention.tiled_attention(
                q, k, v, block_size=block_size, causal=True
            ),
            torch_sdpa(q, k, v, causal=True),
            rtol=1e-12,
            atol=1e-14,
        )


def test_tiled_attention_never_holds_the_score_matrix():
    n, d, block = 1024, 16, 32
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(n, d)) for _ in range(3))
    peaks = {}
    for name, run in {
        "direct": lambda: attention.scaled_dot_product_attention(
            q, k, v, causal=True
        ),
        "tiled": lambda: attention.tiled_attention(
            q, k, v, block_size=block, causal=True
        ),
    }.items():
        tracemalloc.start()
        out = run()
        peaks[name] = tracemalloc.get_traced_memory()[1] - out.nbytes
        tracemalloc.stop()
    score_matrix = n * n * 8
    assert peaks["direct"] >= score_matrix
    assert peaks["tiled"] < score_matrix / 16


def test_huge_scores_do_not_overflow_in_the_tiles():
    q = np.array([[30.0, 0.0], [0.0, 30.0]])
    k = np.array([[30.0, 0.0], [0.0, 30.0], [-30.0, 0.0]])
    v = np.arange(6.0).reshape(3, 2)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        # scores up to 900: e^900 overflows
        tiled = attention.tiled_attention(q, k, v, block_size=1, scale=1.0)
    np.testing.assert_allclose(
        tiled,
        attention.scaled_dot_product_attention(q, k, v, scale=1.0),
        rtol=1e-14,
    )
    np.testing.assert_allclose(tiled, v[:2], rtol=1e-14)


# --- fully masked rows -------------------------------------------------------


@pytest.fixture
def one_empty_row():
    rng = np.random.default_rng(2)
    q, k, v = (
        rng.normal(size=(3, 4)),
        rng.normal(size=(5, 4)),
        rng.normal(size=(5, 2)),
    )
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False
    return q, k, v, mask


@pytest.mark.parametrize("algorithm", ["direct", "tiled"])
def test_fully_masked_row_is_nan_by_default_and_the_other_rows_are_unaffected(
    one_empty_row, algorithm
):
    q, k, v, mask = one_empty_row
    # no NumPy warning
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        if algorithm == "direct":
            out = attention.scaled_dot_product_attention(q, k, v, mask=mask)
        else:
            out = attention.tiled_attention(q, k, v, mask=mask, block_size=2)
    assert np.all(np.isnan(out[1]))
    np.testing.assert_allclose(
        out[[0, 2]],
        attention.scaled_dot_product_attention(q[[0, 2]], k, v),
        rtol=1e-13,
    )


def test_fully_masked_row_of_weights_is_nan_or_zero_as_asked(one_empty_row):
    q, k, _, mask = one_empty_row
    assert np.all(np.isnan(attention.attention_weights(q, k, mask=mask)[1]))
    w = attention.attention_weights(q, k, mask=mask, fully_masked="zero")
    np.testing.assert_array_equal(w[1], 0.0)
    np.testing.assert_allclose(w[[0, 2]].sum(axis=1), 1.0, rtol=1e-14)


@pytest.mark.parametrize("algorithm", ["direct", "tiled"])
def test_fully_masked_row_is_zero_on_request_like_torch_sdpa(
    one_empty_row, algorithm
):
    q, k, v, mask = one_empty_row
    kwargs = {"mask": mask, "fully_masked": "zero"}
    out = (
        attention.scaled_dot_product_attention(q, k, v, **kwargs)
        if algorithm == "direct"
        else attention.tiled_attention(q, k, v, block_size=3, **kwargs)
    )
    np.testing.assert_array_equal(out[1], 0.0)
    np.testing.assert_allclose(
        out, torch_sdpa(q, k, v, mask=mask), rtol=1e-12, atol=1e-14
    )


@pytest.mark.parametrize("algorithm", ["weights", "direct", "tiled"])
def test_fully_masked_row_raises_on_request_and_names_the_query(
    one_empty_row, algorithm
):
    q, k, v, mask = one_empty_row
    with pytest.raises(ValueError, match=r"query \(1,\) may attend to no key"):
        if algorithm == "weights":
            attention.attention_weights(q, k, mask=mask, fully_masked="raise")
        elif algorithm == "direct":
            attention.scaled_dot_product_attention(
                q, k, v, mask=mask, fully_masked="raise"
            )
        else:
            attention.tiled_attention(
                q, k, v, mask=mask, block_size=2, fully_masked="raise"
            )


def test_left_padding_with_a_causal_mask_empties_the_padding_queries_rows():
    # positions 0 and 1 are padding
    mask = attention.padding_mask([2], 4, side="left")
    q = np.random.default_rng(0).normal(size=(1, 4, 3))
    out = attention.scaled_dot_product_attention(
        q, q, q, mask=mask, causal=True, fully_masked="zero"
    )
    np.testing.assert_array_equal(out[0, :2], 0.0)
    assert np.all(np.isfinite(out))


def test_zero_policy_does_not_hide_nan_inputs():
    q = np.array([[np.nan, 1.0], [1.0, 0.0]])
    k = np.eye(2)
    out = attention.scaled_dot_product_attention(
        q,
        k,
        k,
        mask=np.array([[True, True], [False, False]]),
        fully_masked="zero",
    )
    assert np.all(np.isnan(out[0]))
    np.testing.assert_array_equal(out[1], 0.0)


# --- dtypes ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_output_keeps_the_float_dtype(dtype):
    rng = np.random.default_rng(4)
    q, k, v = (rng.normal(size=(3, 4)).astype(dtype) for _ in range(3))
    for out in (
        attention.scaled_dot_product_attention(q, k, v),
        attention.tiled_attention(q, k, v, block_size=2),
    ):
        assert out.dtype == dtype
        np.testing.assert_allclose(
            out,
            attention.scaled_dot_product_attention(
                *(a.astype(np.float64) for a in (q, k, v))
            ),
            rtol=0,
            atol=8 * np.finfo(dtype).eps,
        )


def test_float16_scores_beyond_the_float16_range_do_not_overflow():
    # q.k = 102,400 > 65,504, the largest float16
    q = np.full((2, 64), 40.0, dtype=np.float16)
    k = np.full((3, 64), 40.0, dtype=np.float16)
    k[2] = -40.0
    v = np.eye(3, dtype=np.float16)
    for out in (
        attention.scaled_dot_product_attention(q, k, v, scale=1.0),
        attention.tiled_attention(q, k, v, block_size=2, scale=1.0),
    ):
        assert np.all(np.isfinite(out))
        np.testing.assert_allclose(
            out.astype(np.float64), [[0.5, 0.5, 0.0]] * 2
        )


# --- one test per documented error -------------------------------------------

FUNCTIONS = {
    "weights": lambda q, k, v, **kw: attention.attention_weights(q, k, **kw),
    "direct": attention.scaled_dot_product_attention,
    "tiled": lambda q, k, v, **kw: attention.tiled_attention(
        q, k, v, block_size=2, **kw
    ),
}
GOOD = (np.ones((3, 4)), np.ones((5, 4)), np.ones((5, 2)))


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_input_with_fewer_than_two_dimensions_is_rejected(fn):
    with pytest.raises(ValueError, match="q must have at least 2 dimensions"):
        fn(np.ones(4), *GOOD[1:])


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_queries_and_keys_of_different_feature_size_are_rejected(fn):
    with pytest.raises(
        ValueError, match="q and k must have the same feature size d"
    ):
        fn(np.ones((3, 4)), np.ones((5, 3)), GOOD[2])


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_feature_size_zero_is_rejected(fn):
    with pytest.raises(ValueError, match="feature size d = 0"):
        fn(np.ones((3, 0)), np.ones((5, 0)), GOOD[2])


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_no_keys_is_rejected(fn):
    with pytest.raises(ValueError, match="k has no keys"):
        fn(GOOD[0], np.ones((0, 4)), np.ones((0, 2)))


@pytest.mark.parametrize(
    "fn", [attention.scaled_dot_product_attention, FUNCTIONS["tiled"]]
)
def test_keys_and_values_of_different_lengths_are_rejected(fn):
    with pytest.raises(
        ValueError, match="k and v must have the same number of keys"
    ):
        fn(GOOD[0], GOOD[1], np.ones((4, 2)))


def test_values_with_fewer_than_two_dimensions_are_rejected():
    with pytest.raises(ValueError, match="v must have at least 2 dimensions"):
        attention.scaled_dot_product_attention(*GOOD[:2], np.ones(5))


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_batch_axes_that_do_not_broadcast_are_rejected(fn):
    with pytest.raises(
        ValueError, match="leading .batch. axes of q, k and v do not broadcast"
    ):
        fn(np.ones((2, 3, 4)), np.ones((3, 5, 4)), np.ones((5, 2)))


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_non_boolean_mask_is_a_type_error(fn):
    with pytest.raises(TypeError, match="mask must be boolean"):
        fn(*GOOD, mask=np.zeros((3, 5)))


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 5), (3, 4)])
def test_mask_that_does_not_broadcast_to_the_scores_is_rejected(fn, shape):
    with pytest.raises(
        ValueError, match=r"does not broadcast to the scores' shape \(3, 5\)"
    ):
        fn(*GOOD, mask=np.ones(shape, dtype=bool))


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
@pytest.mark.parametrize("scale", [0.0, -1.0, np.inf, np.nan])
def test_scale_that_is_not_positive_and_finite_is_rejected(fn, scale):
    with pytest.raises(
        ValueError, match="scale must be a positive, finite number"
    ):
        fn(*GOOD, scale=scale)


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
@pytest.mark.parametrize("scale", ["0.5", True, [0.5]])
def test_scale_that_is_not_a_real_number_is_a_type_error(fn, scale):
    with pytest.raises(TypeError, match="scale must be a real number or None"):
        fn(*GOOD, scale=scale)


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_causal_that_is_not_a_bool_is_a_type_error(fn):
    with pytest.raises(TypeError, match="causal must be True or False"):
        fn(*GOOD, causal="yes")


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
@pytest.mark.parametrize("policy", ["zeros", None, 0])
def test_unknown_fully_masked_policy_is_rejected(fn, policy):
    with pytest.raises(
        ValueError, match='fully_masked must be "nan", "zero" or "raise"'
    ):
        fn(*GOOD, fully_masked=policy)


@pytest.mark.parametrize("fn", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_complex_input_is_a_type_error(fn):
    with pytest.raises(TypeError, match="q must be real"):
        fn(np.ones((3, 4), dtype=complex), *GOOD[1:])


@pytest.mark.parametrize("block_size", [0, -2])
def test_block_size_below_one_is_rejected(block_size):
    with pytest.raises(ValueError, match="block_size must be at least 1"):
        attention.tiled_attention(*GOOD, block_size=block_size)


@pytest.mark.parametrize("block_size", [2.0, True, None, "4"])
def test_block_size_that_is_not_an_integer_is_a_type_error(block_size):
    with pytest.raises(TypeError, match="block_size must be an integer"):
        attention.tiled_attention(*GOOD, block_size=block_size)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n_queries": 2.0}, TypeError, "n_queries must be an integer"),
        ({"n_queries": -1}, ValueError, "n_queries must be at least 0"),
        (
            {"n_queries": 0},
            ValueError,
            "n_queries must be at least 1 when n_keys is not given",
        ),
        (
            {"n_queries": 2, "n_keys": 0},
            ValueError,
            "n_keys must be at least 1",
        ),
        (
            {"n_queries": 2, "n_keys": 3, "offset": 0.5},
            TypeError,
            "offset must be an integer",
        ),
    ],
)
def test_causal_mask_rejects_bad_sizes(kwargs, error, message):
    with pytest.raises(error, match=message):
        attention.causal_mask(**kwargs)


@pytest.mark.parametrize(
    "lengths, n_keys, side, error, message",
    [
        ([1.5, 2.0], 4, "right", TypeError, "lengths must be integers"),
        ([[1, 2]], 4, "right", ValueError, "lengths must be 1-D"),
        (
            [1, 5],
            4,
            "right",
            ValueError,
            "every length must be in 0..n_keys=4",
        ),
        (
            [-1, 2],
            4,
            "right",
            ValueError,
            "every length must be in 0..n_keys=4",
        ),
        ([1, 2], 0, "right", ValueError, "n_keys must be at least 1"),
        ([1, 2], 4.0, "right", TypeError, "n_keys must be an integer"),
        ([1, 2], 4, "middle", ValueError, 'side must be "right" or "left"'),
    ],
)
def test_padding_mask_rejects_bad_lengths(
    lengths, n_keys, side, error, message
):
    with pytest.raises(error, match=message):
        attention.padding_mask(lengths, n_keys, side=side)
