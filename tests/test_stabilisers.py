"""z_loss, z_loss_gradient, soft_cap, qk_norm, scalable_softmax,
mixture_of_softmaxes, entropy: worked values, laws, special values, errors,
and PyTorch as the reference."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import softmax_lib as sl
from conftest import logit_rows
from softmax_lib.stabilisers import (
    entropy,
    mixture_of_softmaxes,
    qk_norm,
    scalable_softmax,
    soft_cap,
    z_loss,
    z_loss_gradient,
)

# --- z-loss -----------------------------------------------------------------


def test_z_loss_of_equal_logits_is_alpha_log_k_squared():
    assert np.allclose(
        z_loss(np.zeros((2, 4)), weight=0.5), 0.5 * np.log(4) ** 2
    )


def test_z_loss_is_zero_when_the_logits_are_log_probabilities():
    log_p = np.log([0.2, 0.3, 0.5])
    assert abs(float(z_loss(log_p, weight=1.0))) < 1e-30


@given(logit_rows())
def test_z_loss_and_its_gradient_match_pytorch_autograd(z):
    t = torch.from_numpy(z).requires_grad_(True)
    loss = 1e-4 * torch.logsumexp(t, dim=-1) ** 2
    loss.sum().backward()
    # log Z itself is only known to about an ulp of max(|z|, 1)
    ulp = 1e-13 * max(1.0, float(np.abs(z).max()))
    lse = np.abs(sl.logsumexp(z, axis=-1))
    assert np.all(
        np.abs(z_loss(z) - loss.detach().numpy()) <= 1e-4 * (2 * lse + 1) * ulp
    )
    assert np.allclose(
        z_loss_gradient(z), t.grad.numpy(), rtol=1e-9, atol=1e-4 * ulp
    )


@given(logit_rows())
def test_z_loss_gradient_rows_sum_to_two_alpha_log_z(z):
    g = z_loss_gradient(z, weight=0.3)
    lse = sl.logsumexp(z, axis=-1)
    assert np.allclose(g.sum(axis=-1), 0.6 * lse, rtol=1e-9, atol=1e-9)


def test_z_loss_works_along_any_axis_and_keeps_float32():
    z = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32)
    assert z_loss(z, axis=0).shape == (5,)
    assert z_loss(z).dtype == np.float32
    assert z_loss_gradient(z).dtype == np.float32
    assert np.allclose(z_loss(z.T, axis=0), z_loss(z, axis=1))


def test_z_loss_special_values():
    out = z_loss(
        [[-np.inf, -np.inf], [np.nan, 0.0], [1e308, 1e308]], weight=1.0
    )
    assert out[0] == np.inf and np.isnan(out[1]) and out[2] == np.inf


def test_z_loss_is_finite_for_logits_in_the_thousands():
    assert np.isfinite(z_loss([5000.0, 4000.0])) and np.all(
        np.isfinite(z_loss_gradient([5000.0, 4000.0]))
    )


@pytest.mark.parametrize("fn", [z_loss, z_loss_gradient])
def test_z_loss_rejects_bad_weights_and_input(fn):
    with pytest.raises(ValueError, match="weight must be a non-negative"):
        fn([1.0, 2.0], weight=-1e-4)
    with pytest.raises(ValueError, match="weight"):
        fn([1.0, 2.0], weight=float("nan"))
    with pytest.raises(TypeError, match="weight must be a real number"):
        fn([1.0, 2.0], weight="1e-4")
    with pytest.raises(TypeError, match="x must be"):
        fn(["a", "b"])
    with pytest.raises(ValueError, match="length 0"):
        fn(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="out of range"):
        fn([1.0, 2.0], axis=1)


# --- soft-capping -----------------------------------------------------------


@given(logit_rows())
def test_soft_cap_is_bounded_odd_and_matches_torch(z):
    out = soft_cap(z, cap=30.0)
    assert np.all(np.abs(out) <= 30.0)
    assert np.allclose(soft_cap(-z, cap=30.0), -out)
    ref = 30.0 * torch.tanh(torch.from_numpy(z) / 30.0)
    assert np.allclose(out, ref.numpy(), rtol=1e-12, atol=1e-12)


def test_soft_cap_is_near_the_identity_for_small_logits():
    x = np.linspace(-0.5, 0.5, 11)
    assert np.allclose(soft_cap(x, cap=50.0), x, atol=1e-4)  # x^3 / (3 c^2)


def test_soft_cap_special_values_and_dtype():
    out = soft_cap(
        np.array([-np.inf, np.nan, np.inf], dtype=np.float32), cap=5.0
    )
    assert out.dtype == np.float32
    assert out[0] == -5.0 and np.isnan(out[1]) and out[2] == 5.0


@pytest.mark.parametrize("cap", [0.0, -1.0, np.inf, np.nan])
def test_soft_cap_rejects_a_cap_that_is_not_positive_and_finite(cap):
    with pytest.raises(ValueError, match="cap must be a positive"):
        soft_cap([1.0], cap=cap)


def test_soft_cap_rejects_non_numeric_input():
    with pytest.raises(TypeError):
        soft_cap([1.0], cap=True)
    with pytest.raises(TypeError, match="complex"):
        soft_cap([1j], cap=1.0)


# --- QK-norm -----------------------------------------------------------------


@given(st.integers(1, 32), st.floats(1e-3, 1e6))
def test_qk_norm_bounds_every_scaled_score_by_sqrt_d(d, scale):
    rng = np.random.default_rng(d)
    q = qk_norm(rng.normal(scale=scale, size=(8, d)))
    k = qk_norm(rng.normal(scale=scale, size=(8, d)))
    assert np.all(np.abs(q @ k.T) / np.sqrt(d) <= np.sqrt(d) * (1 + 1e-12))


def test_qk_norm_matches_torch_rms_norm():
    x = np.random.default_rng(1).normal(size=(4, 6))
    ref = torch.nn.functional.rms_norm(torch.from_numpy(x), (6,), eps=1e-6)
    assert np.allclose(qk_norm(x), ref.numpy())


def test_qk_norm_of_a_zero_vector_is_zero_and_eps_is_checked():
    assert np.all(qk_norm(np.zeros((1, 4))) == 0)
    with pytest.raises(ValueError, match="eps"):
        qk_norm([1.0], eps=-1.0)


# --- Scalable-Softmax --------------------------------------------------------


@given(logit_rows(min_value=-50, max_value=50))
def test_scalable_softmax_is_softmax_of_s_log_n_times_the_logits(z):
    n = z.shape[-1]
    out = scalable_softmax(z, s=0.7)
    assert np.allclose(out.sum(axis=-1), 1.0)
    if n > 1:
        assert np.allclose(out, sl.softmax(0.7 * np.log(n) * z, axis=-1))
    else:
        assert np.all(out == 1.0)


def test_scalable_softmax_top_weight_rises_with_n_for_a_clear_winner():
    weights = [
        scalable_softmax(np.r_[2.0, np.zeros(n - 1)])[0]
        for n in [16, 256, 4096]
    ]
    assert weights[0] < weights[1] < weights[2]
    # closed form 1 / (1 + (n - 1) n^(-s delta))
    assert np.isclose(weights[0], 1 / (1 + 15 * 16.0**-2))


def test_scalable_softmax_takes_n_explicitly():
    z = np.array([1.0, 0.0, 0.0])
    assert np.allclose(scalable_softmax(z, n=100), sl.softmax(np.log(100) * z))
    with pytest.raises(ValueError, match="n must be at least 1"):
        scalable_softmax(z, n=0)
    with pytest.raises(TypeError, match="n must be an integer"):
        scalable_softmax(z, n=2.5)
    with pytest.raises(ValueError, match="s must be a positive"):
        scalable_softmax(z, s=0.0)


# --- mixture of softmaxes ----------------------------------------------------


def test_mixture_of_one_softmax_is_softmax():
    z = np.random.default_rng(2).normal(size=(5, 1, 7))
    assert np.allclose(
        mixture_of_softmaxes(z, np.zeros((5, 1))), sl.softmax(z[:, 0])
    )


@given(st.integers(1, 5), st.integers(1, 9))
def test_mixture_matches_the_direct_sum_and_lies_on_the_simplex(m, k):
    rng = np.random.default_rng(m * 10 + k)
    z, g = rng.normal(scale=20, size=(3, m, k)), rng.normal(size=(3, m))
    direct = np.einsum(
        "nm,nmk->nk", sl.softmax(g, axis=-1), sl.softmax(z, axis=-1)
    )
    out = mixture_of_softmaxes(z, g)
    assert np.allclose(out, direct) and np.allclose(out.sum(-1), 1.0)


def test_mixture_breaks_the_rank_limit_of_one_softmax():
    rng = np.random.default_rng(3)
    h, w = rng.normal(size=(12, 4, 2)), rng.normal(size=(12, 2))
    one = sl.log_softmax(h[:, 0] @ w.T, axis=-1)
    mix = np.log(mixture_of_softmaxes(h @ w.T, np.zeros((12, 4))))
    assert np.linalg.matrix_rank(one, tol=1e-8) <= 3
    assert np.linalg.matrix_rank(mix, tol=1e-8) > 3


def test_mixture_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="gate_logits must have shape"):
        mixture_of_softmaxes(np.zeros((2, 3, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="logits must have shape"):
        mixture_of_softmaxes(np.zeros(4), np.zeros(()))
    with pytest.raises(TypeError, match="gate_logits must be"):
        mixture_of_softmaxes(np.zeros((2, 3)), ["a", "b"])


# --- entropy ------------------------------------------------------------------


@given(logit_rows())
def test_entropy_lies_between_zero_and_log_k_and_matches_torch(z):
    p = sl.softmax(z, axis=-1)
    h = entropy(p)
    k = z.shape[-1]
    assert np.all(h >= 0) and np.all(h <= np.log(k) + 1e-9)
    ref = torch.distributions.Categorical(probs=torch.from_numpy(p)).entropy()
    assert np.allclose(h, ref.numpy(), atol=1e-9)


def test_entropy_rejects_rows_that_are_not_distributions():
    with pytest.raises(ValueError, match="sum to 1"):
        entropy([0.5, 0.6])
    with pytest.raises(ValueError, match="negative"):
        entropy([1.5, -0.5])
    with pytest.raises(ValueError, match="NaN or inf"):
        entropy([np.nan, 1.0])


def test_scalable_softmax_with_n_one_is_uniform_over_unmasked_entries():
    out = scalable_softmax([3.0, -np.inf, 1.0, 7.0], n=1)
    assert np.allclose(out, [1 / 3, 0.0, 1 / 3, 1 / 3])
    assert np.all(np.isnan(scalable_softmax([np.nan, 1.0], n=1)))
    assert np.all(scalable_softmax([[5.0]]) == 1.0)
