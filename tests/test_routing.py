"""softmax_lib.routing: top-k routers, the load-balancing loss and the router
z-loss."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import softmax_lib as sl
from conftest import logit_rows
from softmax_lib import routing


@given(logit_rows(min_value=-30, max_value=30), st.data())
def test_both_softmax_routers_pick_the_same_experts(z, data):
    k = data.draw(st.integers(1, z.shape[1]))
    w1, i1 = routing.softmax_then_top_k(z, k)
    w2, i2 = routing.top_k_then_softmax(z, k)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_allclose(w2.sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all(w1.sum(axis=-1) <= 1 + 1e-12)
    # renormalising the first gives the second
    w3, _ = routing.softmax_then_top_k(z, k, renormalise=True)
    np.testing.assert_allclose(w3, w2, rtol=1e-9, atol=1e-300)


@given(logit_rows(min_value=-30, max_value=30), st.data())
def test_routers_match_torch_topk_on_distinct_logits(z, data):
    z = z + np.arange(z.shape[1]) * 1e-3  # break ties
    k = data.draw(st.integers(1, z.shape[1]))
    tz = torch.from_numpy(z)
    values, idx = torch.topk(tz, k, dim=-1)
    _, i = routing.top_k_then_softmax(z, k)
    if len(np.unique(z, axis=-1)) == z.shape[-1]:
        np.testing.assert_array_equal(i, idx.numpy())
    w, i = routing.softmax_then_top_k(z, k)
    ref = torch.gather(torch.softmax(tz, -1), -1, torch.from_numpy(i))
    np.testing.assert_allclose(w, ref.numpy(), rtol=1e-12, atol=1e-300)


def test_ties_go_to_the_lower_index_and_order_is_by_score():
    _, i = routing.top_k_then_softmax([1.0, 2.0, 2.0, 0.0], 3)
    assert i.tolist() == [1, 2, 0]


@given(logit_rows(min_value=-20, max_value=20), st.data())
def test_sigmoid_router_weights_sum_to_one_and_are_proportional_to_scores(z, data):
    k = data.draw(st.integers(1, z.shape[1]))
    w, i = routing.sigmoid_top_k(z, k)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, rtol=1e-12)
    s = np.take_along_axis(sl.sigmoid(z), i, axis=-1)
    np.testing.assert_allclose(w * s.sum(axis=-1, keepdims=True), s, rtol=1e-12)


def test_sigmoid_router_bias_changes_the_choice_not_the_weights():
    z = np.array([2.0, 1.0, 0.0])
    w, i = routing.sigmoid_top_k(z, 1)
    assert i.tolist() == [0] and w.tolist() == [1.0]
    w, i = routing.sigmoid_top_k(z, 2, bias=[-1.0, 0.0, 0.5])
    assert sorted(i.tolist()) == [1, 2]
    s = sl.sigmoid(z)
    np.testing.assert_allclose(w, s[i] / s[i].sum())


def test_sigmoid_router_matches_deepseek_v3_gate_arithmetic():
    rng = np.random.default_rng(0)
    z, bias = rng.normal(size=(5, 8)), rng.normal(scale=0.1, size=8)
    scores = torch.from_numpy(z).sigmoid()
    idx = torch.topk(scores + torch.from_numpy(bias), 2, dim=-1)[1]
    weights = scores.gather(1, idx)
    weights = weights / weights.sum(dim=-1, keepdim=True)
    w, i = routing.sigmoid_top_k(z, 2, bias)
    np.testing.assert_array_equal(i, idx.numpy())
    np.testing.assert_allclose(w, weights.numpy(), rtol=1e-12)


def test_sigmoid_router_with_underflowing_scores_shares_equally():
    w, _ = routing.sigmoid_top_k([-800.0, -800.0, -900.0], 2)
    assert w.tolist() == [0.5, 0.5]


@pytest.mark.parametrize(
    "router", [routing.softmax_then_top_k, routing.top_k_then_softmax, routing.sigmoid_top_k]
)
def test_forbidden_experts_are_never_chosen_and_too_few_allowed_raises(router):
    z = np.array([[0.0, -np.inf, 1.0, -np.inf], [-np.inf, 2.0, 0.5, -np.inf]])
    _, idx = router(z, 2)
    assert not np.any(np.isneginf(np.take_along_axis(z, idx, axis=-1)))
    with pytest.raises(ValueError, match="allows only 2"):
        router(z, 3)


def test_load_balancing_loss_is_e_over_k_when_collapsed_with_top_k():
    p = np.tile([0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], (4, 1))
    assert routing.load_balancing_loss(p, np.tile([0, 1], (4, 1))) == pytest.approx(4.0)


def test_load_balancing_loss_is_one_when_balanced_and_e_when_collapsed():
    p = np.full((6, 3), 1 / 3)
    idx = np.array([[0], [1], [2], [0], [1], [2]])
    assert routing.load_balancing_loss(p, idx) == pytest.approx(1.0)
    p_one = np.tile([1.0, 0.0, 0.0], (6, 1))
    assert routing.load_balancing_loss(p_one, np.zeros((6, 1), int)) == pytest.approx(3.0)


@given(logit_rows(min_value=-10, max_value=10, max_rows=6, max_classes=6))
def test_load_balancing_loss_lies_between_zero_and_e(z):
    p = sl.softmax(z)
    _, idx = routing.softmax_then_top_k(z, 1)
    loss = routing.load_balancing_loss(p, idx)
    assert 0 <= loss <= z.shape[1] + 1e-12


def test_router_z_loss_is_mean_squared_logsumexp_and_matches_torch():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=5.0, size=(7, 4))
    ref = torch.logsumexp(torch.from_numpy(z), dim=-1).square().mean().item()
    assert routing.router_z_loss(z) == pytest.approx(ref, rel=1e-12)
    assert routing.router_z_loss(z + 1e3) > routing.router_z_loss(z)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: routing.top_k_then_softmax([1.0, 2.0], 3), ValueError, "between 1"),
        (lambda: routing.top_k_then_softmax([1.0, 2.0], 0), ValueError, "between 1"),
        (lambda: routing.softmax_then_top_k([1.0, 2.0], 1.0), TypeError, "integer"),
        (lambda: routing.softmax_then_top_k([1.0, 2.0], 1, renormalise=1), TypeError, "renormalise"),
        (lambda: routing.sigmoid_top_k([1.0, np.nan], 1), ValueError, "NaN"),
        (lambda: routing.sigmoid_top_k([1.0, 2.0], 1, bias=[0.0]), ValueError, "bias"),
        (lambda: routing.top_k_then_softmax([], 1), ValueError, "no classes"),
        (lambda: routing.top_k_then_softmax(["x"], 1), TypeError, "logits"),
        (lambda: routing.load_balancing_loss(np.ones((2, 2)) / 2, np.array([[2], [0]])), ValueError, "0..1"),
        (lambda: routing.load_balancing_loss(np.ones((2, 2)) / 2, np.array([[0.0], [1.0]])), TypeError, "integers"),
        (lambda: routing.load_balancing_loss(np.ones((2, 2)) / 2, np.array([[0]])), ValueError, "T = 2"),
        (lambda: routing.router_z_loss([[np.nan, 1.0]]), ValueError, "NaN"),
        (lambda: routing.load_balancing_loss(np.full((2, 2), 5.0), np.array([[0], [1]])), ValueError, "sum to 1"),
        (lambda: routing.load_balancing_loss(np.array([[1.5, -0.5]] * 2), np.array([[0], [1]])), ValueError, "negative"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_float32_logits_keep_float32_weights():
    z = np.array([[0.5, 1.5, -1.0]], dtype=np.float32)
    for router in (routing.top_k_then_softmax, routing.sigmoid_top_k):
        w, _ = router(z, 2)
        assert w.dtype == np.float32
    w, _ = routing.softmax_then_top_k(z, 2)
    assert w.dtype == np.float32
