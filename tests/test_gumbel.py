"""gumbel_max, gumbel_top_k, gumbel_softmax (soft, hard) and its gradient:
frequencies against softmax, torch's gumbel_softmax, errors."""

import itertools

import numpy as np
import pytest
import scipy.stats
import torch

import softmax_lib as sl
from softmax_lib.gumbel import (
    gumbel_max,
    gumbel_softmax,
    gumbel_softmax_grad,
    gumbel_top_k,
)

Z = np.array([1.0, 0.2, -0.5, 2.0, -np.inf])


def chi_square_p(counts, probs):
    n = counts.sum()
    keep = probs > 0
    assert counts[~keep].sum() == 0
    return scipy.stats.chisquare(counts[keep], n * probs[keep]).pvalue


def test_gumbel_max_frequencies_match_softmax():
    draws = gumbel_max(Z, num_samples=200_000, rng=0)
    counts = np.bincount(draws, minlength=Z.size)
    assert chi_square_p(counts, sl.softmax(Z)) > 1e-3


def test_gumbel_max_per_row_and_axis():
    z = np.array([[5.0, -5.0], [-5.0, 5.0], [0.0, 0.0]])
    draws = gumbel_max(z.T, axis=0, num_samples=20_000, rng=1)
    assert draws.shape == (20_000, 3)
    freq = draws.mean(axis=0)  # how often class 1 wins
    p1 = sl.softmax(z)[:, 1]
    assert np.all(np.abs(freq - p1) < 0.01)


def test_gumbel_top_k_ordered_pairs_match_sequential_sampling():
    z = np.array([1.0, 0.2, -0.5, 2.0])
    p = sl.softmax(z)
    draws = gumbel_top_k(np.tile(z, (100_000, 1)), 2, rng=2)
    pairs = list(itertools.permutations(range(4), 2))
    exact = np.array([p[i] * p[j] / (1 - p[i]) for i, j in pairs])
    index = {pair: n for n, pair in enumerate(pairs)}
    counts = np.zeros(len(pairs))
    for i, j in draws:
        counts[index[(int(i), int(j))]] += 1
    assert chi_square_p(counts, exact) > 1e-3


def test_gumbel_top_k_never_repeats_and_never_picks_masked():
    draws = gumbel_top_k(np.tile(Z, (1000, 1)), 4, rng=3)
    assert draws.shape == (1000, 4)
    assert all(len(set(row)) == 4 for row in draws.tolist())
    assert not (draws == 4).any()
    with pytest.raises(ValueError, match="only 4"):
        gumbel_top_k(Z, 5, rng=0)


def test_gumbel_softmax_is_softmax_of_perturbed_logits():
    z = np.array([[1.0, 0.2, -0.5], [0.0, 3.0, 1.0]])
    y = gumbel_softmax(z, 0.7, rng=4)
    g = np.random.default_rng(4).gumbel(size=z.shape)
    np.testing.assert_allclose(y, sl.softmax((z + g) / 0.7), rtol=1e-15)
    hard = gumbel_softmax(z, 0.7, hard=True, rng=4)
    np.testing.assert_array_equal(hard, np.eye(3)[y.argmax(axis=-1)])


def test_gumbel_softmax_axis():
    z = np.array([[1.0, 0.2, -0.5], [0.0, 3.0, 1.0]])
    y = gumbel_softmax(z.T, 0.5, axis=0, rng=5)
    np.testing.assert_allclose(y.sum(axis=0), 1)


def test_hard_gumbel_softmax_frequencies_match_softmax_at_any_temperature():
    z = np.array([1.0, 0.2, -0.5, 2.0])
    for t in (0.1, 1.0, 10.0):
        y = gumbel_softmax(np.tile(z, (100_000, 1)), t, hard=True, rng=6)
        assert chi_square_p(y.sum(axis=0), sl.softmax(z)) > 1e-3


def test_same_distribution_as_torch_gumbel_softmax():
    z = np.array([1.0, 0.2, -0.5, 2.0])
    n = 100_000
    torch.manual_seed(0)
    zt = torch.tensor(np.tile(z, (n, 1)))
    ours = gumbel_softmax(np.tile(z, (n, 1)), 0.5, rng=7)
    theirs = torch.nn.functional.gumbel_softmax(zt, tau=0.5).numpy()
    # the mean and the arg-max frequencies of the soft samples
    assert np.abs(ours.mean(axis=0) - theirs.mean(axis=0)).max() < 0.01
    counts = np.bincount(theirs.argmax(axis=1), minlength=4)
    assert chi_square_p(counts, sl.softmax(z)) > 1e-3
    # a two-sample test on the first coordinate
    ks = scipy.stats.ks_2samp(ours[:20_000, 0], theirs[:20_000, 0])
    assert ks.pvalue > 1e-3


def test_straight_through_gradient_matches_torch():
    z = torch.tensor([[1.0, 0.2, -0.5, 2.0]], dtype=torch.float64)
    w = torch.tensor([[0.3, -1.0, 2.0, 0.5]], dtype=torch.float64)
    grads, samples = [], []
    for hard in (False, True):
        zz = z.clone().requires_grad_(True)
        torch.manual_seed(8)  # the same noise both times
        y = torch.nn.functional.gumbel_softmax(zz, tau=0.7, hard=hard)
        (y * w).sum().backward()
        grads.append(zz.grad.numpy())
        samples.append(y.detach().numpy())
    y_soft, y_hard = samples
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)
    np.testing.assert_array_equal(y_hard, np.eye(4)[[y_soft.argmax()]])
    ours = gumbel_softmax_grad(y_soft, w.numpy(), 0.7)
    np.testing.assert_allclose(ours, grads[1], rtol=1e-12, atol=1e-15)


def test_gradient_against_finite_differences():
    rng = np.random.default_rng(9)
    z, g, w = rng.normal(size=5), rng.gumbel(size=5), rng.normal(size=5)

    def loss(zz):
        return np.dot(w, sl.softmax((zz + g) / 0.3))

    h = 1e-6
    numeric = [
        (loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(5)
    ]
    y = sl.softmax((z + g) / 0.3)
    np.testing.assert_allclose(
        gumbel_softmax_grad(y, w, 0.3), numeric, atol=1e-7
    )


def test_same_seed_same_draws():
    assert np.array_equal(
        gumbel_max(Z, num_samples=10, rng=11),
        gumbel_max(Z, num_samples=10, rng=11),
    )
    gen = np.random.default_rng(12)
    assert gumbel_top_k(Z, 2, rng=gen).shape == (2,)


@pytest.mark.parametrize(
    "call",
    [
        lambda z: gumbel_max(z, rng=0),
        lambda z: gumbel_top_k(z, 1, rng=0),
        lambda z: gumbel_softmax(z, rng=0),
    ],
)
def test_errors(call):
    with pytest.raises(ValueError, match="NaN or \\+inf"):
        call([0.0, np.nan])
    with pytest.raises(ValueError, match="NaN or \\+inf"):
        call([0.0, np.inf])
    with pytest.raises(ValueError, match="all -inf"):
        call([-np.inf, -np.inf])
    with pytest.raises(ValueError, match="length 0"):
        call(np.zeros((2, 0)))
    with pytest.raises(TypeError, match="real"):
        call(["a"])


def test_argument_errors():
    with pytest.raises(TypeError, match="rng"):
        gumbel_max([0.0, 1.0], rng="seed")
    with pytest.raises(TypeError, match="rng"):
        gumbel_max([0.0, 1.0], rng=True)
    with pytest.raises(ValueError, match="num_samples"):
        gumbel_max([0.0, 1.0], num_samples=0)
    with pytest.raises(TypeError, match="k must be an integer"):
        gumbel_top_k([0.0, 1.0], 1.5)
    with pytest.raises(ValueError, match="k must be at least 1"):
        gumbel_top_k([0.0, 1.0], 0)
    with pytest.raises(ValueError, match="temperature"):
        gumbel_softmax([0.0, 1.0], 0.0)
    with pytest.raises(TypeError, match="hard"):
        gumbel_softmax([0.0, 1.0], hard=1)
    with pytest.raises(ValueError, match="shape"):
        gumbel_softmax_grad([0.5, 0.5], [1.0])
    with pytest.raises(ValueError, match="finite"):
        gumbel_softmax_grad([0.5, 0.5], [1.0, np.nan])
    with pytest.raises(ValueError, match="finite"):
        gumbel_softmax_grad([np.inf, 0.5], [1.0, 0.0])


def test_float32_kept():
    z = np.array([1.0, 0.0], dtype=np.float32)
    assert gumbel_softmax(z, rng=0).dtype == np.float32
    assert gumbel_softmax(z, hard=True, rng=0).dtype == np.float32
