"""softmax_lib.contrastive: InfoNCE, CLIP's loss and in-batch negatives with
the log-Q correction."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import softmax_lib as sl
from softmax_lib import contrastive


def square(max_n=6):
    return st.integers(1, max_n).flatmap(
        lambda n: hnp.arrays(np.float64, (n, n),
                             elements=st.floats(-30, 30, allow_nan=False)))


@given(square(), st.floats(0.05, 5.0))
def test_info_nce_is_cross_entropy_with_the_diagonal_as_target(s, tau):
    expected = torch.nn.functional.cross_entropy(
        torch.from_numpy(s / tau), torch.arange(s.shape[0]))
    np.testing.assert_allclose(contrastive.info_nce(s, tau), expected.item(),
                               rtol=1e-10, atol=1e-12)


@given(square())
def test_info_nce_is_non_negative_and_log_n_when_scores_are_equal(s):
    assert contrastive.info_nce(s) >= 0
    n = s.shape[0]
    assert contrastive.info_nce(np.full((n, n), 3.0)) == pytest.approx(math.log(n))


def test_clip_logit_scale_starts_at_one_over_0_07_and_is_clamped_at_100():
    assert contrastive.clip_logit_scale(math.log(1 / 0.07)) == pytest.approx(1 / 0.07)
    assert contrastive.clip_logit_scale(math.log(100.0) + 1e-9) == 100.0
    assert contrastive.clip_logit_scale(1e6) == 100.0
    assert contrastive.clip_logit_scale(5.0, max_scale=50.0) == 50.0


def test_clip_loss_matches_the_reference_computation_in_torch():
    rng = np.random.default_rng(0)
    img, txt = rng.normal(size=(8, 5)), rng.normal(size=(8, 5))
    for log_scale in [math.log(1 / 0.07), 3.0, 7.0]:
        ti = torch.nn.functional.normalize(torch.from_numpy(img), dim=1)
        tt = torch.nn.functional.normalize(torch.from_numpy(txt), dim=1)
        scale = torch.tensor(log_scale, dtype=torch.float64).exp().clamp(max=100)
        logits = scale * ti @ tt.T
        labels = torch.arange(8)
        ref = (torch.nn.functional.cross_entropy(logits, labels)
               + torch.nn.functional.cross_entropy(logits.T, labels)) / 2
        np.testing.assert_allclose(contrastive.clip_loss(img, txt, log_scale),
                                   ref.item(), rtol=1e-12)


def test_clip_loss_is_symmetric_in_images_and_texts():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    assert contrastive.clip_loss(a, b) == pytest.approx(contrastive.clip_loss(b, a))


def test_in_batch_loss_without_correction_is_info_nce():
    rng = np.random.default_rng(2)
    s = rng.normal(size=(6, 6))
    assert contrastive.in_batch_softmax_loss(s, np.zeros(6)) == pytest.approx(
        contrastive.info_nce(s))


def test_in_batch_loss_lowers_negatives_only_by_default():
    rng = np.random.default_rng(3)
    s, lq = rng.normal(size=(5, 5)), rng.normal(size=5)
    per_row = contrastive.in_batch_softmax_loss(s, lq, reduction="none")
    for i in range(5):
        logits = s[i] - lq
        logits[i] = s[i, i]
        assert per_row[i] == pytest.approx(-sl.log_softmax(logits)[i])
    yi = contrastive.in_batch_softmax_loss(s, lq, correct_positive=True,
                                           reduction="none")
    expected = -np.diagonal(sl.log_softmax(s - lq, axis=1))
    np.testing.assert_allclose(yi, expected, rtol=1e-12)


def test_log_q_corrected_in_batch_loss_approaches_the_full_loss():
    # Items drawn with replacement with probabilities P; the loss of a row,
    # with log Q = log((B - 1) P), estimates the full-catalogue loss, and the
    # uncorrected one does not.
    rng = np.random.default_rng(4)
    catalogue, batch = 200, 16
    prob = 1 / np.arange(1, catalogue + 1)
    prob /= prob.sum()
    scores = rng.normal(size=(catalogue, catalogue)) + np.log(catalogue * prob)
    full = sl.logsumexp(scores, axis=1) - np.diag(scores)
    log_q = np.log((batch - 1) * prob)
    corrected, plain, target = [], [], []
    for _ in range(300):
        items = rng.choice(catalogue, size=batch, p=prob)
        s = scores[np.ix_(items, items)]
        corrected.append(contrastive.in_batch_softmax_loss(s, log_q[items], item_ids=items))
        plain.append(contrastive.in_batch_softmax_loss(s, np.zeros(batch), item_ids=items))
        target.append(full[items].mean())
    assert abs(np.mean(corrected) - np.mean(target)) < 0.1
    assert abs(np.mean(plain) - np.mean(target)) > 0.5


def test_item_ids_mask_accidental_hits_only():
    rng = np.random.default_rng(5)
    s, lq = rng.normal(size=(4, 4)), rng.normal(size=4)
    ids = np.array([7, 3, 7, 1])
    per_row = contrastive.in_batch_softmax_loss(s, lq, item_ids=ids, reduction="none")
    for i in range(4):
        logits = s[i] - lq
        logits[i] = s[i, i]
        keep = (ids != ids[i]) | (np.arange(4) == i)
        expected = -(logits[i] - sl.logsumexp(logits[keep]))
        assert per_row[i] == pytest.approx(expected)
    distinct = contrastive.in_batch_softmax_loss(s, lq, item_ids=np.arange(4))
    assert distinct == pytest.approx(contrastive.in_batch_softmax_loss(s, lq))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: contrastive.info_nce(np.zeros((2, 3))), ValueError, "square"),
        (lambda: contrastive.info_nce(np.zeros((0, 0))), ValueError, "square"),
        (lambda: contrastive.info_nce(np.zeros((2, 2)), 0.0), ValueError, "temperature"),
        (lambda: contrastive.info_nce(np.zeros((2, 2)), reduction="sum"), ValueError, "reduction"),
        (lambda: contrastive.info_nce([["a"]]), TypeError, "scores"),
        (lambda: contrastive.clip_logit_scale(float("nan")), ValueError, "finite"),
        (lambda: contrastive.clip_logit_scale(-np.inf), ValueError, "finite"),
        (lambda: contrastive.in_batch_softmax_loss(np.zeros((2, 2)), [0.0, 0.0], item_ids=[0.5, 1.0]), ValueError, "item_ids"),
        (lambda: contrastive.clip_logit_scale([1.0, 2.0]), TypeError, "log_scale"),
        (lambda: contrastive.clip_logit_scale(1.0, max_scale=0.0), ValueError, "max_scale"),
        (lambda: contrastive.clip_loss(np.ones((2, 3)), np.ones((3, 3))), ValueError, "shape|N, d"),
        (lambda: contrastive.clip_loss(np.zeros((2, 3)), np.ones((2, 3))), ValueError, "zero"),
        (lambda: contrastive.in_batch_softmax_loss(np.zeros((2, 2)), [0.0]), ValueError, "log_q"),
        (lambda: contrastive.in_batch_softmax_loss(np.zeros((2, 2)), [0.0, np.inf]), ValueError, "finite"),
        (lambda: contrastive.in_batch_softmax_loss(np.zeros((2, 2)), [0.0, 0.0], correct_positive=1), TypeError, "correct_positive"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_float32_scores_give_a_float32_loss_and_nan_propagates():
    s = np.eye(3, dtype=np.float32)
    assert contrastive.info_nce(s).dtype == np.float32
    s64 = np.eye(3)
    s64[0, 1] = np.nan
    per_row = contrastive.info_nce(s64, reduction="none")
    assert np.isnan(per_row[0]) and np.all(np.isfinite(per_row[1:]))
