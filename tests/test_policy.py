"""softmax_lib.policy: the Boltzmann policy, its score, soft values, the
KL-regularised optimum, DPO's loss and the KL estimators."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import softmax_lib as sl
from conftest import logit_rows
from softmax_lib import policy


@given(logit_rows(min_value=-30, max_value=30), st.floats(0.05, 20.0))
def test_boltzmann_policy_rows_lie_on_the_simplex(q, temperature):
    pi = policy.boltzmann_policy(q, temperature)
    assert np.all(pi >= 0)
    np.testing.assert_allclose(pi.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(pi, sl.softmax(q / temperature, axis=-1),
                               rtol=1e-12, atol=1e-300)


def test_boltzmann_policy_keeps_float32_and_forbids_minus_inf():
    pi = policy.boltzmann_policy(np.array([0.0, -np.inf, 1.0], np.float32))
    assert pi.dtype == np.float32 and pi[1] == 0.0


@given(logit_rows(min_value=-20, max_value=20, max_rows=1, max_classes=6),
       st.data())
def test_score_function_matches_torch_autograd(z, data):
    a = data.draw(st.integers(0, z.shape[1] - 1))
    t = torch.from_numpy(z[0]).requires_grad_(True)
    (grad,) = torch.autograd.grad(torch.log_softmax(t, dim=0)[a], t)
    np.testing.assert_allclose(policy.score_function(z[0], a), grad.numpy(),
                               rtol=1e-10, atol=1e-14)


@given(logit_rows(min_value=-50, max_value=50))
def test_score_function_rows_sum_to_zero_and_equal_jacobian_rows(z):
    actions = np.arange(z.shape[0]) % z.shape[1]
    g = policy.score_function(z, actions)
    np.testing.assert_allclose(g.sum(axis=-1), 0.0, atol=1e-12)
    p = sl.softmax(z)
    # e_a - p is row a of the Jacobian of log-softmax: J[a] / p[a]
    onehot = np.eye(z.shape[1])[actions]
    np.testing.assert_allclose(g, onehot - p, atol=1e-15)


def test_expected_score_is_zero():
    z = np.array([0.3, -1.0, 2.0])
    p = sl.softmax(z)
    expected = sum(p[a] * policy.score_function(z, a) for a in range(3))
    np.testing.assert_allclose(expected, 0.0, atol=1e-16)


@given(logit_rows(min_value=-50, max_value=50), st.floats(0.01, 10.0))
def test_soft_value_is_a_smooth_max_within_alpha_log_k(q, alpha):
    v = policy.soft_value(q, alpha)
    m = q.max(axis=-1)
    assert np.all(v >= m - 1e-9 * (1 + np.abs(m)))
    assert np.all(v <= m + alpha * np.log(q.shape[1]) + 1e-9 * (1 + np.abs(m)))


def test_soft_value_gradient_is_the_boltzmann_policy():
    q = torch.tensor([1.0, -0.5, 2.0], dtype=torch.float64, requires_grad=True)
    alpha = 0.7
    v = alpha * torch.logsumexp(q / alpha, 0)
    (grad,) = torch.autograd.grad(v, q)
    np.testing.assert_allclose(float(v.detach()), policy.soft_value(q.detach().numpy(), alpha))
    np.testing.assert_allclose(grad.numpy(), policy.boltzmann_policy(q.detach().numpy(), alpha))


def test_soft_value_tends_to_the_max_as_alpha_goes_to_zero():
    q = np.array([1.0, 3.0, 2.5])
    assert abs(policy.soft_value(q, 1e-3) - 3.0) < 1e-12


def _objective(pi, r, ref, beta):
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(pi > 0, pi * np.log(pi / ref), 0.0).sum()
    return pi @ r - beta * kl


@given(logit_rows(min_value=-5, max_value=5, max_rows=1, max_classes=6),
       logit_rows(min_value=-3, max_value=3, max_rows=1, max_classes=6),
       st.floats(0.05, 5.0))
def test_kl_regularised_policy_beats_random_policies(r, ref_logits, beta):
    k = min(r.shape[1], ref_logits.shape[1])
    r, ref = r[0, :k], sl.softmax(ref_logits[0, :k])
    best = policy.kl_regularised_policy(r, ref, beta)
    top = _objective(best, r, ref, beta)
    # the optimum's value is beta * log sum ref e^{r / beta}
    np.testing.assert_allclose(top, beta * sl.logsumexp(np.log(ref) + r / beta),
                               rtol=1e-9, atol=1e-9)
    rng = np.random.default_rng(0)
    for other in rng.dirichlet(np.ones(k), size=50):
        assert _objective(other, r, ref, beta) <= top + 1e-9


def test_kl_regularised_policy_keeps_zeros_of_the_reference():
    pi = policy.kl_regularised_policy([5.0, 0.0, 0.0], [0.0, 0.5, 0.5], 1.0)
    assert pi[0] == 0.0 and np.isclose(pi.sum(), 1.0)


def test_dpo_loss_matches_a_torch_reference():
    rng = np.random.default_rng(1)
    lp = rng.normal(scale=20.0, size=(4, 16))
    beta = 0.1
    ref = -torch.nn.functional.logsigmoid(
        beta * (torch.from_numpy(lp[0] - lp[2]) - torch.from_numpy(lp[1] - lp[3])))
    np.testing.assert_allclose(policy.dpo_loss(*lp, beta=beta), ref.numpy(), rtol=1e-12)


def test_dpo_loss_is_finite_for_huge_margins():
    loss = policy.dpo_loss([1e6, -1e6], [-1e6, 1e6], [0.0, 0.0], [0.0, 0.0], beta=1.0)
    assert loss[0] == 0.0 and loss[1] == 2e6


def test_kl_estimators_k1_and_k3_are_unbiased_and_k3_non_negative():
    q = np.array([0.5, 0.3, 0.2])
    p = np.array([0.2, 0.3, 0.5])
    exact = float(np.sum(q * np.log(q / p)))
    log_ratio = np.log(p / q)
    for kind in ("k1", "k3"):
        np.testing.assert_allclose(q @ policy.kl_estimator(log_ratio, kind), exact, rtol=1e-12)
    assert np.all(policy.kl_estimator(np.linspace(-5, 5, 101), "k3") >= 0)
    assert np.all(policy.kl_estimator(np.linspace(-5, 5, 101), "k2") >= 0)
    assert q @ policy.kl_estimator(log_ratio, "k2") != pytest.approx(exact)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: policy.boltzmann_policy([1.0, 2.0], 0.0), ValueError, "temperature"),
        (lambda: policy.boltzmann_policy([], 1.0), ValueError, "no classes"),
        (lambda: policy.boltzmann_policy(["a"], 1.0), TypeError, "preferences"),
        (lambda: policy.score_function([1.0, 2.0], 2), ValueError, "0..1"),
        (lambda: policy.score_function([1.0, 2.0], 0.5), TypeError, "integers"),
        (lambda: policy.score_function([[1.0, 2.0]], [0, 1]), ValueError, "shape"),
        (lambda: policy.soft_value([1.0], alpha=-1.0), ValueError, "alpha"),
        (lambda: policy.soft_value([1.0], alpha=float("nan")), ValueError, "alpha"),
        (lambda: policy.soft_value([1.0], alpha="1"), TypeError, "alpha"),
        (lambda: policy.kl_regularised_policy([1.0, 2.0], [0.7, 0.7], 1.0), ValueError, "sum to 1"),
        (lambda: policy.kl_regularised_policy([1.0, 2.0], [-0.5, 1.5], 1.0), ValueError, "non-negative"),
        (lambda: policy.kl_regularised_policy([1.0, 2.0], [0.5, 0.5], 0.0), ValueError, "beta"),
        (lambda: policy.dpo_loss(0.0, 0.0, 0.0, 0.0, beta=True), TypeError, "beta"),
        (lambda: policy.kl_estimator([0.0], "k4"), ValueError, "kind"),
        (lambda: policy.score_function([0.0, -np.inf, 0.0], 1), ValueError, "forbidden"),
        (lambda: policy.sample_actions([[0.5, 0.6]], np.random.default_rng(0)), ValueError, "sum to 1"),
        (lambda: policy.sample_actions([[0.5, 0.5]], 0), TypeError, "Generator"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_nan_preferences_give_a_nan_row():
    pi = policy.boltzmann_policy([[np.nan, 1.0], [0.0, 1.0]])
    assert np.all(np.isnan(pi[0])) and np.all(np.isfinite(pi[1]))


def test_nan_logits_give_a_nan_score_row_and_nan_estimates():
    g = policy.score_function([[np.nan, 1.0], [0.0, 1.0]], [0, 1])
    assert np.all(np.isnan(g[0])) and np.all(np.isfinite(g[1]))
    assert np.isnan(policy.kl_estimator([np.nan], "k3")[0])
    assert np.isnan(policy.soft_value([np.nan, 1.0]))


def test_forbidden_actions_have_zero_probability_in_the_score():
    g = policy.score_function([0.0, -np.inf, 0.0], 0)
    np.testing.assert_array_equal(g, [0.5, 0.0, -0.5])


def test_dpo_loss_nan_gives_nan_without_a_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = policy.dpo_loss([np.nan, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0])
    assert np.isnan(loss[0]) and loss[1] == pytest.approx(np.log(2))


def test_sample_actions_frequencies_match_the_policy():
    pi = np.array([0.1, 0.0, 0.6, 0.3])
    rng = np.random.default_rng(11)
    actions = policy.sample_actions(np.tile(pi, (40_000, 1)), rng)
    counts = np.bincount(actions, minlength=4)
    assert counts[1] == 0
    expected = 40_000 * pi[[0, 2, 3]]
    chi2 = np.sum((counts[[0, 2, 3]] - expected) ** 2 / expected)
    assert chi2 < 13.8  # the 0.999 quantile of chi-square with 2 dof
    assert policy.sample_actions(pi, np.random.default_rng(0)).shape == ()
