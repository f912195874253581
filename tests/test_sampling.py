"""Tests of softmax_lib.sampling: the filters' conventions and laws, agreement
with transformers' rules (written out below in torch), the penalties'
shift (in)variance, and speculative sampling's exact output distribution."""

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

import softmax_lib as sl
from softmax_lib import sampling
from tests.conftest import logit_rows

FILTERS = {
    "top_k": (sampling.top_k, st.integers(1, 14)),
    "top_p": (sampling.top_p, st.floats(0.01, 1.0)),
    "min_p": (sampling.min_p, st.floats(0.0, 1.0)),
    "typical": (sampling.typical, st.floats(0.01, 1.0)),
    "top_n_sigma": (sampling.top_n_sigma, st.floats(0.0, 4.0)),
}

# Logits on a grid of quarters: adding an integer, negating, permuting and
# dividing by a power of two are then exact in float64.
quarter_rows = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.integers(1, 12)),
    elements=st.integers(-40, 40).map(lambda i: i / 4),
)


@pytest.mark.parametrize("name", FILTERS)
@given(data=st.data())
def test_filter_conventions(name, data):
    f, parameter = FILTERS[name]
    z = data.draw(logit_rows(min_value=-50, max_value=50))
    out = f(z, data.draw(parameter))
    assert out.shape == z.shape and out.dtype == z.dtype
    kept = np.isfinite(out)
    assert np.array_equal(out[kept], z[kept])  # kept entries untouched
    assert np.all(np.isneginf(out[~kept]))
    assert np.all(kept.any(axis=1))
    if name != "typical":  # typical may remove the most probable token
        assert np.all(kept[np.arange(len(z)), z.argmax(axis=1)])
    # sl.softmax of the result is a distribution on the kept tokens
    p = sl.softmax(out)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.all(p[~kept] == 0)


@pytest.mark.parametrize("name", FILTERS)
@given(data=st.data())
def test_filters_shift_and_permutation(name, data):
    f, parameter = FILTERS[name]
    z = data.draw(quarter_rows)
    value = data.draw(parameter)
    kept = np.isfinite(f(z, value))
    shift = data.draw(st.integers(-20, 20))
    assert np.array_equal(np.isfinite(f(z + shift, value)), kept)
    perm = data.draw(st.permutations(range(z.shape[1])))
    assert np.array_equal(np.isfinite(f(z[:, perm], value)), kept[:, perm])


@pytest.mark.parametrize("name", FILTERS)
def test_axis_and_masked_entries(name):
    f, _ = FILTERS[name]
    value = {"top_k": 2, "top_p": 0.7, "min_p": 0.2, "typical": 0.6}.get(
        name, 1.0
    )
    rng = np.random.default_rng(0)
    z = rng.normal(size=(3, 7, 4))
    along_1 = f(z, value, axis=1)
    moved = f(np.moveaxis(z, 1, -1), value)
    assert np.array_equal(along_1, np.moveaxis(moved, -1, 1))
    # a -inf entry stays -inf and the result equals filtering the others
    row = np.array([1.5, -np.inf, 0.2, -0.7, 2.0, -np.inf])
    finite = np.isfinite(row)
    out = f(row, value)
    assert np.all(np.isneginf(out[~finite]))
    assert np.array_equal(out[finite], f(row[finite], value))


@given(quarter_rows, st.integers(1, 13))
def test_top_k_law(z, k):
    kept = np.isfinite(sampling.top_k(z, k))
    counts = kept.sum(axis=1)
    assert np.all(counts >= np.minimum(k, z.shape[1]))
    for row, keep in zip(z, kept):
        kth = np.sort(row)[::-1][min(k, len(row)) - 1]
        assert np.array_equal(keep, row >= kth)  # ties with the k-th kept
        if len(np.unique(row)) == len(row):
            assert keep.sum() == min(k, len(row))
    # nested in k; independent of the temperature
    assert np.all(kept <= np.isfinite(sampling.top_k(z, k + 1)))
    assert np.array_equal(np.isfinite(sampling.top_k(z / 4, k)), kept)


@given(logit_rows(min_value=-30, max_value=30), st.floats(0.01, 0.99))
def test_top_p_law(z, p):
    kept = np.isfinite(sampling.top_p(z, p))
    probs = sl.softmax(z)
    for row, keep in zip(probs, kept):
        mass = row[keep].sum()
        # margins: a sum that lands within rounding of p can go either way
        assume(abs(mass - p) > 1e-9)
        assert mass >= p
        smallest = row[keep].min()
        without = row[keep & (row > smallest)].sum()
        assume(abs(without - p) > 1e-9)
        assert without < p  # minimal: dropping the last tie group falls short
    assert np.all(kept <= np.isfinite(sampling.top_p(z, min(1.0, p + 0.01))))


@given(logit_rows(min_value=-30, max_value=30), st.floats(0.0, 1.0))
def test_min_p_law(z, p_min):
    kept = np.isfinite(sampling.min_p(z, p_min))
    probs = sl.softmax(z)
    rule = probs >= p_min * probs.max(axis=1, keepdims=True)
    close = np.isclose(probs, p_min * probs.max(axis=1, keepdims=True))
    assert np.array_equal(kept[~close], rule[~close])
    assert np.all(
        np.isfinite(sampling.min_p(z, min(1.0, p_min + 0.05))) <= kept
    )


@given(logit_rows(min_value=-30, max_value=30), st.floats(0.0, 4.0))
def test_top_n_sigma_law(z, n):
    kept = np.isfinite(sampling.top_n_sigma(z, n))
    cut = z.max(axis=1, keepdims=True) - n * z.std(axis=1, keepdims=True)
    clear = np.abs(z - cut) > 1e-9 * (1 + np.abs(z).max())
    assert np.array_equal(kept[clear], (z >= cut)[clear])
    # the same set at any temperature (a power of two divides exactly)
    assert np.array_equal(np.isfinite(sampling.top_n_sigma(z / 8, n)), kept)
    assert np.all(kept <= np.isfinite(sampling.top_n_sigma(z, n + 0.5)))


@given(logit_rows(min_value=-30, max_value=30), st.floats(0.05, 0.99))
def test_typical_keeps_enough_mass(z, mass):
    kept = np.isfinite(sampling.typical(z, mass))
    probs = sl.softmax(z)
    got = (probs * kept).sum(axis=1)
    assume(np.all(np.abs(got - mass) > 1e-9))
    assert np.all(got >= mass)


# --- transformers' rules, written out in torch -------------------------------
# TopKLogitsWarper, TopPLogitsWarper, MinPLogitsWarper and TypicalLogitsWarper
# (src/transformers/generation/logits_process.py), min_tokens_to_keep = 1,
# transcribed from transformers at commit 00857b6cf63a (2026). transformers
# is not a dependency of the book, so these are transcriptions of its rules,
# checked line by line against that source, not the library itself.


def hf_top_k(scores, k):
    kth = torch.topk(scores, min(k, scores.shape[-1]))[0][..., -1, None]
    return scores.masked_fill(scores < kth, -float("inf"))


def hf_top_p(scores, top_p):
    sorted_logits, sorted_indices = torch.sort(scores, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove = cumulative <= (1 - top_p)
    remove[..., -1:] = 0
    remove = remove.scatter(1, sorted_indices, remove)
    return scores.masked_fill(remove, -float("inf"))


def hf_min_p(scores, min_p):
    probs = torch.softmax(scores, dim=-1)
    remove = probs < min_p * probs.amax(dim=-1, keepdim=True)
    remove.scatter_(-1, torch.topk(probs, 1, dim=-1).indices, False)
    return scores.masked_fill(remove, -float("inf"))


def hf_typical(scores, mass):
    normalized = torch.nn.functional.log_softmax(scores, dim=-1)
    p = torch.exp(normalized)
    ent = -(normalized * p).nansum(-1, keepdim=True)
    shifted = torch.abs((-normalized) - ent)
    sorted_scores, sorted_indices = torch.sort(shifted, descending=False)
    cumulative = scores.gather(-1, sorted_indices).softmax(dim=-1).cumsum(-1)
    last = (cumulative < mass).sum(dim=1)
    last.clamp_(max=sorted_scores.shape[-1] - 1)
    remove = sorted_scores > sorted_scores.gather(1, last.view(-1, 1))
    remove[..., :1] = 0
    remove = remove.scatter(1, sorted_indices, remove)
    return scores.masked_fill(remove, -float("inf"))


@pytest.mark.parametrize(
    "ours, theirs, values",
    [
        (sampling.top_k, hf_top_k, [1, 3, 10, 50]),
        (sampling.top_p, hf_top_p, [0.1, 0.5, 0.9, 0.95]),
        (sampling.min_p, hf_min_p, [0.0, 0.05, 0.1, 0.5]),
        (sampling.typical, hf_typical, [0.2, 0.5, 0.9, 0.95]),
    ],
)
def test_matches_transformers(ours, theirs, values):
    # Continuous random logits: no ties, and no sum lands on a threshold.
    gen = torch.Generator().manual_seed(0)
    for scale in [0.5, 2.0, 5.0]:
        scores = scale * torch.randn(
            200, 40, generator=gen, dtype=torch.float64
        )
        for value in values:
            expected = theirs(scores, value).numpy()
            assert np.array_equal(ours(scores.numpy(), value), expected)


def test_tie_conventions_against_transformers():
    # Ties at the cut: transformers' top-p breaks them by the sort order
    # (an index mask on the cumulative sum), so it keeps one of two equal
    # tokens; this library keeps both. Its typical filter compares values,
    # as this library does, so both keep both.
    z = torch.log(torch.tensor([[0.4, 0.3, 0.3]], dtype=torch.float64))
    ours = np.isfinite(sampling.top_p(z.numpy(), 0.5))
    theirs = np.isfinite(hf_top_p(z, 0.5).numpy())
    assert ours.sum() == 3 and theirs.sum() == 2
    z = torch.log(
        torch.tensor([[0.4, 0.2, 0.2, 0.1, 0.1]], dtype=torch.float64)
    )
    for mass in [0.15, 0.3]:
        ours = sampling.typical(z.numpy(), mass)
        assert np.array_equal(ours, hf_typical(z, mass).numpy())
        assert np.array_equal(np.isfinite(ours[0]), [0, 1, 1, 0, 0])


# --- apply_steps ------------------------------------------------------------


def test_apply_steps():
    z = np.array(
        [3.2, 2.6, 2.4, 2.0, 1.8, 1.5, 1.0, 0.8, 0.3, 0.0, -1.0, -2.0]
    )
    assert np.array_equal(sampling.apply_steps(z, []), z)
    assert np.array_equal(
        sampling.apply_steps(z, [("temperature", 2.0)]), z / 2.0
    )
    steps = [("top_k", 8), ("top_p", 0.9), ("min_p", 0.1), ("typical", 0.95)]
    out = z.copy()
    for name, value in steps:
        out = getattr(sampling, name)(out, value)
    assert np.array_equal(sampling.apply_steps(z, steps), out)
    # the order matters: min-p after a hot temperature keeps more
    first = sampling.apply_steps(z, [("temperature", 4.0), ("min_p", 0.1)])
    last = sampling.apply_steps(z, [("min_p", 0.1), ("temperature", 4.0)])
    assert np.isfinite(first).sum() == 12 and np.isfinite(last).sum() == 7
    # top-k and top-n-sigma do not care
    for step in [("top_k", 3), ("top_n_sigma", 1.0)]:
        a = sampling.apply_steps(z, [("temperature", 4.0), step])
        b = sampling.apply_steps(z, [step, ("temperature", 4.0)])
        assert np.array_equal(a, b)
    z32 = z.astype(np.float32)
    out32 = sampling.apply_steps(z32, [("temperature", 0.7), ("top_p", 0.9)])
    assert out32.dtype == np.float32
    # a list of lists (as JSON gives it) is accepted
    assert np.array_equal(
        sampling.apply_steps(z, [["top_k", 3], ["min_p", 0.5]]),
        sampling.apply_steps(z, [("top_k", 3), ("min_p", 0.5)]),
    )


def test_top_n_sigma_depends_on_earlier_filters():
    # sigma is taken over the logits still finite, so a top-k before it
    # shrinks sigma and the kept set; top-n-sigma first keeps more
    z = np.array(
        [3.2, 2.6, 2.4, 2.0, 1.8, 1.5, 1.0, 0.8, 0.3, 0.0, -1.0, -2.0]
    )
    after = sampling.apply_steps(z, [("top_k", 6), ("top_n_sigma", 1.0)])
    before = sampling.apply_steps(z, [("top_n_sigma", 1.0), ("top_k", 6)])
    assert np.isfinite(after).sum() < np.isfinite(before).sum()


def test_apply_steps_errors():
    z = np.zeros(4)
    with pytest.raises(ValueError, match="unknown step 'top_q'"):
        sampling.apply_steps(z, [("top_q", 0.9)])
    with pytest.raises(TypeError, match="pair"):
        sampling.apply_steps(z, ["top_p"])
    with pytest.raises(TypeError, match="pair"):
        sampling.apply_steps(z, ["ab"])
    with pytest.raises(TypeError, match="pair"):
        sampling.apply_steps(z, [(0.9, "top_p")])
    with pytest.raises(ValueError, match="temperature"):
        sampling.apply_steps(z, [("temperature", 0.0)])


# --- bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: sampling.top_k([1.0, 2.0], 0), ValueError, "k must be at"),
        (lambda: sampling.top_k([1.0, 2.0], 1.5), TypeError, "k must be an"),
        (lambda: sampling.top_p([1.0, 2.0], 0.0), ValueError, r"\(0, 1\]"),
        (lambda: sampling.top_p([1.0, 2.0], 1.2), ValueError, r"\(0, 1\]"),
        (lambda: sampling.top_p([1.0, 2.0], "0.9"), TypeError, "real"),
        (lambda: sampling.min_p([1.0, 2.0], -0.1), ValueError, r"\[0, 1\]"),
        (lambda: sampling.typical([1.0, 2.0], 0.0), ValueError, "mass"),
        (lambda: sampling.top_n_sigma([1.0], -1.0), ValueError, "at least 0"),
        (lambda: sampling.top_n_sigma([1.0], np.inf), ValueError, "finite"),
        (lambda: sampling.top_k([1.0, np.nan], 1), ValueError, "NaN"),
        (lambda: sampling.top_p([1.0, np.inf], 0.5), ValueError, r"\+inf"),
        (
            lambda: sampling.min_p([-np.inf, -np.inf], 0.1),
            ValueError,
            "all -inf",
        ),
        (lambda: sampling.top_k(np.zeros((2, 0)), 1), ValueError, "length 0"),
        (lambda: sampling.top_k(["a", "b"], 1), TypeError, "real numbers"),
        (lambda: sampling.top_k([1.0, 2.0], 1, axis=1), ValueError, "range"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_dtypes():
    z16 = np.array([1.0, 0.5, -1.0], dtype=np.float16)
    assert sampling.top_p(z16, 0.5).dtype == np.float16
    assert sampling.top_k([3, 1, 2], 1).dtype == np.float64  # ints -> float64
    assert np.array_equal(
        sampling.top_k([3, 1, 2], 1), [3.0, -np.inf, -np.inf]
    )


# --- penalties ---------------------------------------------------------------


def test_token_counts():
    assert np.array_equal(sampling.token_counts([3, 3, 0], 5), [1, 0, 0, 2, 0])
    assert np.array_equal(sampling.token_counts([], 3), [0, 0, 0])
    with pytest.raises(ValueError, match="0..4"):
        sampling.token_counts([5], 5)
    with pytest.raises(TypeError, match="integers"):
        sampling.token_counts([1.0], 5)


def test_repetition_penalty_is_transformers_rule_and_not_shift_invariant():
    z = np.array([2.0, -1.0, 0.5, -3.0])
    counts = np.array([1, 1, 0, 0])
    out = sampling.repetition_penalty(z, counts, 1.5)
    assert np.allclose(out, [2.0 / 1.5, -1.5, 0.5, -3.0])
    assert np.array_equal(sampling.repetition_penalty(z, counts, 1.0), z)
    # adding 5 to every logit leaves softmax alone, the penalised one not
    assert np.allclose(sl.softmax(z + 5), sl.softmax(z))
    a = sl.softmax(sampling.repetition_penalty(z, counts, 1.5))
    b = sl.softmax(sampling.repetition_penalty(z + 5, counts, 1.5))
    assert not np.allclose(a, b, atol=1e-3)
    # a penalty above 1 never makes a seen token more likely relative to an
    # unseen one
    assert a[0] / a[2] < sl.softmax(z)[0] / sl.softmax(z)[2]
    assert a[1] / a[2] < sl.softmax(z)[1] / sl.softmax(z)[2]


@given(
    logit_rows(min_value=-20, max_value=20, max_rows=1),
    st.floats(-2, 2),
    st.floats(-2, 2),
    st.floats(-50, 50),
    st.data(),
)
def test_presence_frequency_penalty_is_shift_invariant(
    z, presence, frequency, shift, data
):
    counts = data.draw(
        hnp.arrays(np.int64, z.shape[1], elements=st.integers(0, 5))
    )
    out = sampling.presence_frequency_penalty(z, counts, presence, frequency)
    assert np.allclose(out, z - frequency * counts - presence * (counts > 0))
    shifted = sampling.presence_frequency_penalty(
        z + shift, counts, presence, frequency
    )
    assert np.allclose(sl.softmax(shifted), sl.softmax(out), atol=1e-12)


def test_penalties_keep_dtype_and_special_values():
    z = np.array([2.0, -1.0, -np.inf, np.nan, np.inf], dtype=np.float32)
    counts = np.array([1, 1, 1, 1, 1])
    for out in [
        sampling.repetition_penalty(z, counts, 1.5),
        sampling.presence_frequency_penalty(z, counts, 0.5, 0.25),
    ]:
        assert out.dtype == np.float32
        assert np.isneginf(out[2]) and np.isnan(out[3]) and np.isposinf(out[4])
    assert np.allclose(
        sampling.presence_frequency_penalty(z, counts, 0.5, 0.25)[:2],
        [1.25, -1.75],
    )


def test_penalties_empty_history_and_float16_range():
    z = np.array([1.0, -1.0, 0.5])
    assert np.array_equal(sampling.repetition_penalty(z, [], 1.3), z)
    assert np.array_equal(
        sampling.presence_frequency_penalty(z, [], 0.5, 0.5), z
    )
    z16 = np.array([1.0, 2.0], dtype=np.float16)
    with np.errstate(all="raise"):  # no overflow warning from a cast
        out = sampling.presence_frequency_penalty(z16, [100_000, 1], 0, 1.0)
    assert out.dtype == np.float16
    assert np.isneginf(out[0]) and out[1] == 1.0


def test_penalty_errors():
    with pytest.raises(ValueError, match="positive"):
        sampling.repetition_penalty([1.0], [1], 0.0)
    with pytest.raises(TypeError, match="integers"):
        sampling.repetition_penalty([1.0], [0.5], 1.2)
    with pytest.raises(ValueError, match="non-negative"):
        sampling.presence_frequency_penalty([1.0], [-1], 0.5)
    with pytest.raises(ValueError, match="broadcast"):
        sampling.presence_frequency_penalty([1.0, 2.0], [1, 2, 3], 0.5)
    with pytest.raises(ValueError, match="finite"):
        sampling.presence_frequency_penalty([1.0], [1], np.nan)


# --- speculative sampling ----------------------------------------------------


def distributions(size):
    return (
        hnp.arrays(
            np.float64, size, elements=st.floats(0, 10, allow_subnormal=False)
        )
        .filter(lambda w: w.sum() > 0.1)
        .map(lambda w: w / w.sum())
    )


@given(
    st.integers(1, 12).flatmap(
        lambda k: st.tuples(distributions(k), distributions(k))
    )
)
def test_speculative_output_is_the_target(pq):
    p, q = pq
    out = sampling.speculative_output_distribution(p, q)
    assert np.allclose(out, p, rtol=0, atol=1e-12)
    rate = sampling.speculative_acceptance_rate(p, q)
    assert np.isclose(rate, 1 - 0.5 * np.abs(p - q).sum(), rtol=0, atol=1e-12)
    accept = sampling.speculative_acceptance(p, q)
    assert np.all((0 <= accept) & (accept <= 1))
    assert np.isclose(np.sum(q * accept), rate, rtol=0, atol=1e-12)
    residual = sampling.speculative_residual(p, q)
    assert np.isclose(residual.sum(), 1.0)
    assert np.all(residual[p <= q] == 0) or rate == pytest.approx(1.0)


def test_speculative_identical_and_rows():
    p = np.array([0.2, 0.3, 0.5])
    assert sampling.speculative_acceptance_rate(p, p) == 1.0
    assert np.array_equal(sampling.speculative_residual(p, p), p)
    rows_p = np.array([[0.1, 0.9], [0.5, 0.5]])
    rows_q = np.array([[0.6, 0.4], [0.5, 0.5]])
    assert np.allclose(
        sampling.speculative_output_distribution(rows_p, rows_q), rows_p
    )
    assert np.allclose(
        sampling.speculative_acceptance_rate(rows_p, rows_q), [0.5, 1.0]
    )


def test_speculative_sampling_frequencies():
    # A chi-square test with a fixed seed: the emitted tokens follow p, the
    # share of accepted drafts is the acceptance rate.
    p = sl.softmax(np.array([2.0, 1.0, 0.5, 0.0, -1.0]))
    q = sl.softmax(np.array([0.0, 1.5, 0.5, 1.0, 0.0]))
    n = 200_000
    tokens, accepted = sampling.speculative_sample(
        p, q, n, np.random.default_rng(0)
    )
    counts = np.bincount(tokens, minlength=p.size)
    statistic, p_value = stats.chisquare(counts, n * p)
    assert p_value > 0.001, statistic
    rate = float(sampling.speculative_acceptance_rate(p, q))
    assert abs(accepted.mean() - rate) < 4 * np.sqrt(rate * (1 - rate) / n)
    # the accepted drafts alone follow min(p, q) / rate, not p
    drafted = np.bincount(tokens[accepted], minlength=p.size)
    _, p_value = stats.chisquare(
        drafted, accepted.sum() * np.minimum(p, q) / rate
    )
    assert p_value > 0.001


def test_speculative_float32_softmax_of_a_large_vocabulary():
    # A float32 softmax over 128,000 logits sums to 1 only to float32's
    # precision; it is checked at float32's tolerance before the float64
    # arithmetic, so it is accepted.
    rng = np.random.default_rng(0)
    z = 3 * rng.normal(size=(2, 128_000))
    p = sl.softmax(z[0].astype(np.float32))
    q = sl.softmax(z[1].astype(np.float32))
    assert p.dtype == np.float32
    rate = sampling.speculative_acceptance_rate(p, q)
    expected = np.minimum(p.astype(np.float64), q.astype(np.float64)).sum()
    assert np.isclose(rate, expected)
    out = sampling.speculative_output_distribution(p, q)
    assert np.allclose(out, p, rtol=0, atol=1e-6)
    torch_p = torch.softmax(torch.from_numpy(z[0]).float(), -1).numpy()
    assert 0 < sampling.speculative_acceptance_rate(torch_p, q) <= 1
    # float64 input is held to float64's tolerance: off by 1e-6 fails,
    # and the message names the deviation and the tolerance
    bad = p.astype(np.float64) * (1 + 1e-6)
    with pytest.raises(ValueError, match=r"the row sums to .*off by"):
        sampling.speculative_acceptance_rate(bad, q.astype(np.float64))


def test_speculative_errors():
    with pytest.raises(ValueError, match="same shape"):
        sampling.speculative_acceptance([0.5, 0.5], [1.0])
    with pytest.raises(ValueError, match="sum to 1"):
        sampling.speculative_output_distribution([2.0, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="negative"):
        sampling.speculative_residual([1.5, -0.5], [0.5, 0.5])
    with pytest.raises(TypeError, match="Generator"):
        sampling.speculative_sample([0.5, 0.5], [0.5, 0.5], 3, np.random)
    with pytest.raises(ValueError, match="1-D"):
        sampling.speculative_sample(
            [[0.5, 0.5]], [[0.5, 0.5]], 3, np.random.default_rng(0)
        )
