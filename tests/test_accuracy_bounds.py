"""The accuracy bounds of softmax, log_softmax and logsumexp, pinned on a fixed
set of hard cases.

accurate=True: softmax within 4 ulp in float64 and 1 ulp in float32 (and
float16); log_softmax and logsumexp within 2 ulp of max(|result|, 1). Default
mode: never less accurate than scipy.special. The reference is mpmath at 60
digits (softmax_lib.accuracy); benchmarks/accuracy.py runs the larger study.
"""

import functools

import mpmath
import numpy as np
import pytest
import scipy.special

import softmax_lib as sl
from softmax_lib import accuracy

SOFTMAX_BOUND = {np.float64: 4.0, np.float32: 1.0, np.float16: 1.0}
LOG_BOUND = 2.0


def _hard_cases(dtype):
    """``{name: 2-D array}``: the weak points of the stable formula, scaled to
    ``dtype``'s range."""
    rng = np.random.default_rng(2024)
    info = np.finfo(dtype)
    log_tiny, log_sub, log_max, big = (
        np.log(info.tiny),
        np.log(info.smallest_subnormal),
        np.log(info.max),
        info.max,
    )
    cases = {
        "normal": 3 * rng.normal(size=(8, 40)),
        "wide": 100 * rng.normal(size=(4, 40)),
    }
    rows = -rng.uniform(1, -log_tiny, size=(6, 30))
    rows[:, 0] = rng.uniform(0, 1, size=6)
    cases["small max, far rest"] = (
        rows  # z - max rounds at the ulp of |z|; exp amplifies it
    )
    rows = rng.uniform(-1e-3, 1e-3, size=(6, 30))
    rows[:, 0] = rng.uniform(0.6, 0.95, size=6) * -log_tiny
    cases["large max, small rest"] = (
        rows  # z - max rounds at the ulp of the maximum
    )
    # exp(z) would overflow
    cases["all large"] = rng.uniform(0.5, 0.99, size=(4, 30)) * log_max
    rows = rng.uniform(log_sub, log_tiny + 2, size=(6, 20))
    rows[:, 0] = rng.uniform(-0.5, 0.5, size=6)
    cases["subnormal outputs"] = rows
    # the maximum below 0
    cases["subnormal outputs, negative row"] = rows - 3.0
    cases["spread near the largest"] = np.array(
        [
            [big, -big, 0.0, 0.5 * big],
            [-big, -big, -0.75 * big, -big],
            [0.25 * big, -big, 0.5, -0.5 * big],
        ]
    )
    # float32 values, so that both dtypes share one (slow) mpmath reference
    cases["long row"] = (
        np.random.default_rng(7)
        .uniform(-30, 0, size=(1, 20000))
        .astype(np.float32)
    )
    k = 2000
    cases["cancelling logsumexp"] = np.full((1, k), -np.log(k)) + rng.normal(
        scale=1e-3, size=(1, k)
    )
    pairs = np.zeros((8, 2))
    pairs[:, 0] = -rng.uniform(0.1, 1, size=8) * np.log(2)
    pairs[:, 1] = pairs[:, 0] + rng.uniform(-1e-6, 1e-6, size=8)
    cases["cancelling pairs"] = pairs
    rows = -rng.uniform(15, 45, size=(6, 6))
    rows[:, 0] = 0.0
    cases["confident"] = rows
    rows = 3 * rng.normal(size=(6, 12))
    rows[rng.random(size=rows.shape) < 0.3] = -np.inf
    rows[:, 0] = 1.0
    cases["masked"] = rows
    with np.errstate(over="ignore"):
        return {
            name: np.asarray(v, dtype=np.float64).astype(dtype)
            for name, v in cases.items()
        }


CASES = {dtype: _hard_cases(dtype) for dtype in (np.float64, np.float32)}
CASE_IDS = [(dtype, name) for dtype in CASES for name in CASES[dtype]]
EXACT = {
    "softmax": accuracy.exact_softmax,
    "log_softmax": accuracy.exact_log_softmax,
    "logsumexp": accuracy.exact_logsumexp,
}


@functools.cache
def _exact_of_values(fn, values, shape):
    return EXACT[fn](np.frombuffer(values).reshape(shape))


def exact(fn, dtype, name):
    """The mpmath reference, computed once per function and distinct input
    values."""
    x = CASES[dtype][name].astype(np.float64)
    return _exact_of_values(fn, x.tobytes(), x.shape)


def worst(fn, dtype, name, computed):
    return float(
        accuracy.ulp_error(
            computed, exact(fn, dtype, name), log_domain=fn != "softmax"
        ).max()
    )


def ids(params):
    return [f"{np.dtype(d).name}-{n}" for d, n in params]


# --- accurate=True -----------------------------------------------------------


@pytest.mark.parametrize("dtype, name", CASE_IDS, ids=ids(CASE_IDS))
def test_accurate_softmax_is_within_4_ulp_in_float64_and_1_ulp_in_float32(
    dtype, name
):
    p = sl.softmax(CASES[dtype][name], accurate=True)
    assert worst("softmax", dtype, name, p) <= SOFTMAX_BOUND[dtype]


@pytest.mark.parametrize("dtype, name", CASE_IDS, ids=ids(CASE_IDS))
@pytest.mark.parametrize("fn", ["log_softmax", "logsumexp"])
def test_accurate_log_softmax_and_logsumexp_are_within_2_ulp_of_max_result_1(
    fn, dtype, name
):
    out = getattr(sl, fn)(CASES[dtype][name], accurate=True)
    assert worst(fn, dtype, name, out) <= LOG_BOUND


@pytest.mark.parametrize("name", list(CASES[np.float64]))
@pytest.mark.parametrize("fn", ["log_softmax", "logsumexp"])
def test_accurate_log_functions_keep_their_bound_on_the_exactly_shifted_path(
    fn, name
):
    # In float64 they use exp(z) directly unless a row maximum of the block is
    # below log(tiny) + 60 or near overflow: one such row (appended) sends the
    # whole block down the exact-shift path.
    x = CASES[np.float64][name]
    forced = np.vstack([x, np.full((1, x.shape[1]), -700.0)])
    out = getattr(sl, fn)(forced, accurate=True)[: len(x)]
    assert worst(fn, np.float64, name, out) <= LOG_BOUND


def test_accurate_float16_is_within_1_ulp():
    rng = np.random.default_rng(5)
    x = np.concatenate(
        [4 * rng.normal(size=(4, 30)), rng.uniform(-17, 0, size=(4, 30))]
    ).astype(np.float16)
    x[4:, 0] = 0.0  # subnormal float16 outputs
    p = sl.softmax(x, accurate=True)
    assert p.dtype == np.float16
    assert accuracy.ulp_error(p, accuracy.exact_softmax(x)).max() <= 1.0
    assert (
        accuracy.ulp_error(
            sl.log_softmax(x, accurate=True),
            accuracy.exact_log_softmax(x),
            log_domain=True,
        ).max()
        <= 2.0
    )


def _exact_with_temperature(x, temperature, log=False):
    """Softmax (or log-softmax) of ``x / T`` by mpmath, the division exact at
    60 digits."""
    out = np.empty(x.shape, dtype=object)
    with mpmath.workdps(60):
        t = mpmath.mpf(temperature)
        for i, row in enumerate(x):
            z = [mpmath.mpf(float(v)) / t for v in row]
            m = max(z)
            log_s = mpmath.log(mpmath.fsum(mpmath.exp(v - m) for v in z))
            out[i] = [
                (v - m - log_s) if log else mpmath.exp(v - m - log_s)
                for v in z
            ]
    return out


@pytest.mark.parametrize("temperature", [0.3, 0.5, 7.0])
@pytest.mark.parametrize(
    "name", ["small max, far rest", "large max, small rest", "normal"]
)
def test_accurate_mode_keeps_its_bounds_with_a_temperature(name, temperature):
    # keep (z - max) / T in the interesting range
    x = CASES[np.float64][name][:3] * temperature
    p = sl.softmax(x, temperature=temperature, accurate=True)
    assert (
        accuracy.ulp_error(p, _exact_with_temperature(x, temperature)).max()
        <= 4.0
    )
    log_p = sl.log_softmax(x, temperature=temperature, accurate=True)
    assert (
        accuracy.ulp_error(
            log_p,
            _exact_with_temperature(x, temperature, log=True),
            log_domain=True,
        ).max()
        <= 2.0
    )


# --- the default mode against SciPy ------------------------------------------


@pytest.mark.parametrize("dtype, name", CASE_IDS, ids=ids(CASE_IDS))
def test_default_softmax_is_never_less_accurate_than_scipy(dtype, name):
    x = CASES[dtype][name]
    with np.errstate(over="ignore", invalid="ignore"):
        theirs = worst(
            "softmax", dtype, name, scipy.special.softmax(x, axis=-1)
        )
    assert worst("softmax", dtype, name, sl.softmax(x)) <= theirs


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fn", ["log_softmax", "logsumexp"])
def test_default_log_functions_never_less_accurate_than_scipy_on_the_cases(
    fn, dtype
):
    ours, theirs = [], []
    for name, x in CASES[dtype].items():
        ours.append(worst(fn, dtype, name, getattr(sl, fn)(x)))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            theirs.append(
                worst(fn, dtype, name, getattr(scipy.special, fn)(x, axis=-1))
            )
    assert max(ours) <= max(theirs)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_hard_cases_are_hard_for_the_default_formula(dtype):
    # The bounds above mean something only if the cases defeat the textbook
    # stable formula.
    errors = [
        worst("softmax", dtype, name, sl.softmax(x))
        for name, x in CASES[dtype].items()
    ]
    assert max(errors) > {np.float64: 100, np.float32: 10}[dtype]
