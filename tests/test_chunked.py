"""softmax_lib.chunked: the chunked and the vocabulary-parallel cross-entropy
equal the full one and torch's, hold only a chunk of logits, and reject bad
input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import softmax_lib as sl
from softmax_lib import chunked


def problem(seed, n=5, d=4, vocab=23, dtype=np.float64, scale=1.0):
    rng = np.random.default_rng(seed)
    h = (scale * rng.normal(size=(n, d))).astype(dtype)
    w = rng.normal(size=(vocab, d)).astype(dtype)
    y = rng.integers(vocab, size=n)
    return h, w, y


def torch_reference(h, w, y, reduction="mean"):
    th = torch.tensor(h, dtype=torch.float64, requires_grad=True)
    tw = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    loss = F.cross_entropy(th @ tw.T, torch.tensor(y), reduction=reduction)
    loss.backward()
    return loss.item(), th.grad.numpy(), tw.grad.numpy()


@given(
    st.integers(0, 10_000),
    st.integers(1, 30),
    st.integers(1, 40),
    st.sampled_from(["mean", "sum"]),
)
def test_chunked_loss_and_gradients_equal_torch_for_any_chunk(
    seed, chunk, vocab, reduction
):
    h, w, y = problem(seed, vocab=vocab, scale=3.0)
    out = chunked.chunked_cross_entropy(h, w, y, chunk, reduction=reduction)
    loss, gh, gw = torch_reference(h, w, y, reduction)
    assert np.isclose(out.loss, loss, rtol=1e-12, atol=1e-12)
    assert np.allclose(out.grad_hidden, gh, rtol=1e-10, atol=1e-12)
    assert np.allclose(out.grad_weight, gw, rtol=1e-10, atol=1e-12)
    assert np.allclose(
        out.per_token, sl.cross_entropy(h @ w.T, y, reduction="none")
    )
    assert np.allclose(out.lse, sl.logsumexp(h @ w.T, axis=1))
    assert out.largest_block == h.shape[0] * min(chunk, vocab)


def test_huge_logits_do_not_overflow():
    h, w, y = problem(3, scale=1e4)
    out = chunked.chunked_cross_entropy(h, w, y, 5)
    assert np.isfinite(out.loss)
    assert np.isclose(out.loss, sl.cross_entropy(h @ w.T, y), rtol=1e-12)


def test_float32_stays_float32():
    h, w, y = problem(4, dtype=np.float32)
    out = chunked.chunked_cross_entropy(h, w, y, 4)
    assert out.loss.dtype == np.float32 and out.grad_weight.dtype == np.float32
    assert np.isclose(
        out.loss,
        sl.cross_entropy(h.astype(float) @ w.T.astype(float), y),
        rtol=1e-5,
    )


def test_float16_is_computed_in_float32_and_rounded_once():
    h, w, y = problem(5, dtype=np.float16)
    out = chunked.chunked_cross_entropy(h, w, y, 4)
    assert out.loss.dtype == np.float16
    ref = chunked.chunked_cross_entropy(
        h.astype(np.float32), w.astype(np.float32), y, 4
    )
    assert out.loss == ref.loss.astype(np.float16)


def test_nan_in_hidden_gives_nan_loss():
    h, w, y = problem(6)
    h[2, 1] = np.nan
    out = chunked.chunked_cross_entropy(h, w, y, 7)
    assert np.isnan(out.loss) and np.isnan(out.per_token[2])
    assert np.isfinite(np.delete(out.per_token, 2)).all()


@given(
    st.integers(0, 10_000), st.integers(1, 6), st.sampled_from(["mean", "sum"])
)
def test_vocab_parallel_equals_the_full_loss_for_any_split(
    seed, shards, reduction
):
    h, w, y = problem(seed, vocab=30, scale=3.0)
    parts = np.array_split(w, shards)
    out = chunked.vocab_parallel_cross_entropy(
        h, parts, y, reduction=reduction
    )
    loss, gh, gw = torch_reference(h, w, y, reduction)
    assert np.isclose(out.loss, loss, rtol=1e-12, atol=1e-12)
    assert np.allclose(out.grad_hidden, gh, rtol=1e-10, atol=1e-12)
    assert np.allclose(
        np.concatenate(out.grad_weight), gw, rtol=1e-10, atol=1e-12
    )
    assert out.reduced_per_token == 3


def test_vocab_parallel_huge_logits_do_not_overflow():
    h, w, y = problem(8, scale=1e4)
    out = chunked.vocab_parallel_cross_entropy(h, np.array_split(w, 3), y)
    assert np.isclose(out.loss, sl.cross_entropy(h @ w.T, y), rtol=1e-12)


def test_bad_shapes_and_targets_are_errors():
    h, w, y = problem(9)
    with pytest.raises(ValueError, match="hidden must have shape"):
        chunked.chunked_cross_entropy(h[0], w, y)
    with pytest.raises(ValueError, match="no tokens"):
        chunked.chunked_cross_entropy(h[:0], w, y[:0])
    with pytest.raises(ValueError, match="weight must have shape"):
        chunked.chunked_cross_entropy(h, w[:, :3], y)
    with pytest.raises(ValueError, match="no classes"):
        chunked.chunked_cross_entropy(h, w[:0], y)
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 23\)"):
        chunked.chunked_cross_entropy(h, w, np.array([0, 1, 2, 3, 23]))
    with pytest.raises(ValueError, match="one per token"):
        chunked.chunked_cross_entropy(h, w, y[:3])
    with pytest.raises(TypeError, match="integer class indices"):
        chunked.chunked_cross_entropy(h, w, y.astype(float))


def test_bad_chunk_and_reduction_are_errors():
    h, w, y = problem(10)
    with pytest.raises(ValueError, match="chunk must be at least 1"):
        chunked.chunked_cross_entropy(h, w, y, 0)
    with pytest.raises(TypeError, match="chunk must be an integer"):
        chunked.chunked_cross_entropy(h, w, y, 2.5)
    with pytest.raises(ValueError, match="reduction"):
        chunked.chunked_cross_entropy(h, w, y, 4, reduction="none")
    with pytest.raises(TypeError, match="hidden must be"):
        chunked.chunked_cross_entropy([["a"]], w, y)


def test_bad_shards_are_errors():
    h, w, y = problem(11)
    with pytest.raises(TypeError, match="list of"):
        chunked.vocab_parallel_cross_entropy(h, w, y)
    with pytest.raises(ValueError, match="empty"):
        chunked.vocab_parallel_cross_entropy(h, [], y)
    with pytest.raises(ValueError, match="no classes"):
        chunked.vocab_parallel_cross_entropy(h, [w, w[:0]], y)
    with pytest.raises(
        ValueError, match=r"weight_shards\[1\] must have shape"
    ):
        chunked.vocab_parallel_cross_entropy(h, [w, w[:, :2]], y)
    with pytest.raises(ValueError, match="targets must lie"):
        chunked.vocab_parallel_cross_entropy(h, [w[:10]], y)
