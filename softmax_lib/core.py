r"""Softmax, log-softmax, log-sum-exp and the sigmoid.

Every function here works along one axis of an array of any shape and follows
the same rules:

* **Input.** Anything ``numpy.asarray`` accepts. float16, float32 and
  float64 keep their dtype (float16 is computed in float32 and rounded once);
  booleans and integers become float64. Complex (except in ``logsumexp``,
  which also takes weights ``b``) or non-numeric input raises
  ``TypeError``; a bad ``axis`` or ``temperature`` raises ``ValueError``.
* **Special values** (the policy, row by row along ``axis``):

  - a NaN anywhere in a row makes the whole row NaN;
  - ``-inf`` entries get probability exactly 0 (this is how masking works),
    as long as the row has at least one entry above ``-inf``;
  - a row that is **all** ``-inf`` has no distribution (0/0): ``softmax`` and
    ``log_softmax`` give NaN for the row, ``logsumexp`` gives ``-inf``;
  - a row with one or more ``+inf`` entries is the limit of those logits
    growing together: the ``+inf`` entries share the probability equally, every
    other entry gets 0, and ``logsumexp`` is ``+inf``.

  None of these cases prints a NumPy warning.
* **Two modes.** ``softmax``, ``log_softmax`` and ``logsumexp`` take a keyword
  ``accurate``. ``False`` (the default) is the fast textbook formula; its
  softmax rounds exactly as ``scipy.special.softmax`` does, so it is never less
  accurate. ``True`` is within a few units in the last place (ulp) of the exact
  result on every finite input: softmax within 4 ulp in float64 and 1 ulp in
  float32 and float16, log-softmax and log-sum-exp within 2 ulp of
  ``max(|result|, 1)`` (:mod:`softmax_lib.accuracy` measures it). Both modes
  follow the policy above; ``accurate`` must be a bool (else ``TypeError``).

How the computation is organised (the appendix "How softmax_lib is built"
explains each technique):

* **Cache-sized blocks.** The rows are processed a block at a time, a block
  being as many rows as fit in about ``_BLOCK_BYTES`` (512 KiB). The passes
  over a block (maximum, exponential, sum, division) then reuse data that is
  still in the CPU cache, instead of streaming the whole array through memory
  once per pass.
* **In place.** Each pass writes into the output block (``out=``) or into a few
  block-sized scratch arrays allocated once per call, so the only large
  allocation is the result itself.
* **Special values are rare rows.** NaN and ``+inf`` always show in the row
  maximum, so the policy is applied afterwards to just the rows whose maximum
  is not finite.
* **accurate=True, float64.** Subtracting the row maximum protects ``exp`` from
  overflow, but the rounding of ``z - max`` is then amplified by ``exp``: it is
  the main error of the textbook stable softmax. So the shift is done as an
  exact two-term difference (TwoSum, or Fast2Sum when every row maximum of the
  block is negative: ``hi + lo == z - m`` exactly) and the exponential of ``hi
  + lo`` is taken as ``exp(hi) * (1 + lo)``. Softmax skips the shift altogether
  when every row maximum of the block lies in ``[0, log(largest float) - log(K
  + 2) - 2]``, where ``exp(z)`` can neither overflow nor lose what matters to
  underflow. The row sum is formed exactly before one final rounding
  (error-free extraction: every term is split on the grid of a power of two
  large enough that the high parts add without error), and the logarithm of the
  sum is refined by one Newton step. Log-softmax and log-sum-exp (``T = 1``)
  avoid the shift whenever every row maximum of the block lies in ``[log(tiny)
  + 60, log(1e300) - log(K + 2) - 2]``: ``exp(z)`` then takes exact arguments,
  the maximum's term ``exp(m)`` is set aside, the others are summed exactly and
  divided by it, and only the result's logarithm is a double-double ``c_hi +
  c_lo``; log-softmax returns ``(z - c_hi) - c_lo``. Cheaper than the exact
  shift, with about the same error.
* **accurate=True, float16 and float32.** Computed in float64 by the default
  formula, whose errors are then far below the result's ulp, and rounded once.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    as_numeric_array,
    check_accurate,
    check_bool,
    check_axes,
    check_axis,
    check_not_empty,
    check_temperature,
    check_where,
    check_workers,
    working_dtype,
)

#: Bytes of working data per block of rows: the input, output and scratch
#: blocks fit in the L2 cache together. A row longer than this is a block by
#: itself.
_BLOCK_BYTES = 512 * 1024

#: Veltkamp's constant 2**27 + 1: splits a float64 into two 26-bit halves whose
#: products are exact.
_SPLITTER = 134217729.0


def _validated(x: ArrayLike, axis: Any) -> tuple[np.ndarray, int]:
    """Check ``x`` and ``axis``; return ``x`` as a float array and ``axis`` as
    a non-negative index."""
    arr = as_float_array(x)
    ax = check_axis(axis, arr.ndim)
    check_not_empty(arr, ax)
    return arr, ax


# --- special values ----------------------------------------------------------


def _finite_or_zero(m: np.ndarray) -> np.ndarray:
    """The row maxima to shift by: ``m``, or 0 where ``m`` is not finite (``inf
    - inf`` would be NaN)."""
    return (
        m
        if np.isfinite(m).all()
        else np.where(np.isfinite(m), m, 0).astype(m.dtype)
    )


def _apply_policy(
    z: np.ndarray, m: np.ndarray, out: np.ndarray, kind: str
) -> None:
    """Overwrite, in ``out``, the rows whose maximum ``m`` is not finite with
    the policy's answer.

    Those are exactly the rows with a NaN, with a ``+inf``, or with only
    ``-inf``: the rare rows. Every other row was computed by the ordinary
    formula. ``kind`` is ``"softmax"``, ``"log_softmax"`` or ``"logsumexp"``
    (``out`` then has one column).
    """
    special = ~np.isfinite(m[:, 0])
    if not special.any():
        return
    zs = z[special]
    has_nan = np.isnan(zs).any(axis=1, keepdims=True)
    is_posinf = np.isposinf(zs)
    n_posinf = is_posinf.sum(axis=1, keepdims=True)
    if kind == "logsumexp":
        value = np.where(
            has_nan, np.nan, np.where(n_posinf > 0, np.inf, -np.inf)
        )
    else:
        # 1/k on the k entries equal to +inf
        share = is_posinf / np.maximum(n_posinf, 1)
        if kind == "log_softmax":
            share = np.log(share)
        # NaN row, or all -inf: NaN
        value = np.where(has_nan | (n_posinf == 0), np.nan, share)
    out[special] = value


# --- the default kernels: one block of rows, in place ------------------------
# Every kernel has the signature kernel(z, out, scratch, work, temperature): z
# is a block of rows (B, K), out the matching block of the result ((B, K), or
# (B, 1) for logsumexp), scratch a list of (B, K) arrays of dtype `work` to
# reuse (allocated once per call, not once per block).


def _softmax_block(z, out, scratch, work, temperature) -> None:
    """``exp((z - m)/T) / sum``: five passes over a block held in cache, in
    place.

    For float32 and float64 these are the operations of
    ``scipy.special.softmax``, in the same order: the same rounding, row by
    row. When ``work`` is wider than ``out`` (float16), the final division
    rounds once into ``out``.
    """
    m = np.max(z, axis=1, keepdims=True)  # in z's own dtype: exact
    w = out if out.dtype == work else scratch[0]
    # -1e308 - 1e308 = -inf is right: exp gives 0
    np.subtract(z, _finite_or_zero(m), out=w, dtype=work)
    if temperature != 1.0:
        np.divide(w, temperature, out=w)
    np.exp(w, out=w)
    np.divide(w, np.sum(w, axis=1, keepdims=True), out=out)
    _apply_policy(z, m, out, "softmax")


def _softmax_block_wide(z, out, scratch, work, temperature) -> None:
    """Accurate softmax for float16 and float32: the default formula in
    float64, rounded once into ``out``.

    In float64 the rounding of ``z - m`` and of the sum are far below a float32
    ulp; even multiplying by the reciprocal of the sum (faster than dividing)
    is.
    """
    m = np.max(z, axis=1, keepdims=True)
    w = scratch[0]
    np.subtract(z, _finite_or_zero(m), out=w, dtype=work)
    if temperature != 1.0:
        np.divide(w, temperature, out=w)
    np.exp(w, out=w)
    np.multiply(w, 1.0 / np.sum(w, axis=1, keepdims=True), out=out)
    _apply_policy(z, m, out, "softmax")


def _log_denominator(z, w, e, temperature):
    """Write ``d = (z - m) / T`` into ``w``; return ``(m, log sum exp(d))`` per
    row. ``e`` is scratch.

    The row maximum contributes exactly ``exp(0) = 1`` to the sum, so the log
    of the sum is computed as ``log1p(s)``, ``s`` being the sum of the *other*
    terms: accurate even when ``s`` is tiny, where ``log(1 + s)`` would lose
    every digit of ``s`` (Blanchard, Higham and Higham, 2021).
    """
    m = np.max(z, axis=1, keepdims=True)
    np.subtract(z, _finite_or_zero(m), out=w, dtype=w.dtype)
    if temperature != 1.0:
        np.divide(w, temperature, out=w)
    np.exp(w, out=e)
    e[np.arange(e.shape[0]), np.argmax(w, axis=1)] = (
        0  # drop the maximum's exp(0) = 1
    )
    return m, np.log1p(np.sum(e, axis=1, keepdims=True))


def _log_softmax_block(z, out, scratch, work, temperature) -> None:
    """``(z - m)/T - log1p(sum of the other exponentials)``, in place."""
    w = out if out.dtype == work else scratch[1]
    m, log_denominator = _log_denominator(z, w, scratch[0], temperature)
    np.subtract(w, log_denominator, out=out)
    _apply_policy(z, m, out, "log_softmax")


def _logsumexp_block(z, out, scratch, work, temperature) -> None:
    """``m + log1p(sum of the other exponentials)``, one value per row."""
    m, log_denominator = _log_denominator(z, scratch[1], scratch[0], 1.0)
    np.add(_finite_or_zero(m), log_denominator, out=out)
    _apply_policy(z, m, out, "logsumexp")


# --- the accurate float64 kernels: error-free transformations ----------------


def _two_diff(a, b, hi, lo, tmp) -> None:
    """Knuth's TwoSum for ``a - b``: ``hi = fl(a - b)`` and ``lo`` its rounding
    error: ``hi + lo == a - b`` exactly.

    ``b`` has one value per row. Six passes, no branch, whatever the
    magnitudes. Where ``hi`` is ``-inf`` (``a`` is ``-inf``, or ``a - b``
    overflows) ``lo`` is NaN (``inf - inf``): the caller cleans it.
    """
    np.subtract(a, b, out=hi)
    np.subtract(hi, a, out=lo)  # the part of -b that made it into hi
    np.subtract(hi, lo, out=tmp)  # the part of a that made it into hi
    np.subtract(a, tmp, out=tmp)  # a's share of the error
    np.subtract(-b, lo, out=lo)  # b's share of the error
    np.add(lo, tmp, out=lo)


def _split(x):
    """Veltkamp's split: ``x == high + low`` with 26-bit halves, so that
    products of halves are exact."""
    c = _SPLITTER * x
    high = c - (c - x)
    return high, x - high


def _two_prod(a, b):
    """Dekker's TwoProduct: ``p = fl(a * b)`` and its rounding error ``e``: ``p
    + e == a * b`` exactly.

    (NumPy has no fused multiply-add.) ``|a|`` must stay below about 1e300, or
    the split overflows (NaN).
    """
    p = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _two_sum(a, b):
    """Knuth's TwoSum on per-row values: ``s + err == a + b`` exactly."""
    s = a + b
    virtual_b = s - a
    return s, (a - (s - virtual_b)) + (b - virtual_b)


def _dd_divide(hi, lo, temperature) -> None:
    """``(hi + lo) / T`` as a new double-double, in place: ``hi = fl(hi / T)``,
    ``lo`` the rest over ``T``."""
    q = hi / temperature
    p, p_err = _two_prod(q, temperature)  # p + p_err == q * T exactly
    # hi - p is exact (Sterbenz): the remainder hi + lo - q*T
    np.add((hi - p) - p_err, lo, out=lo)
    np.divide(lo, temperature, out=lo)
    hi[...] = q
    # q = -inf or beyond 1e300 (split overflow): exp(q) = 0 there
    np.copyto(lo, 0.0, where=np.isnan(lo))


def _shifted_dd(z, m, temperature, hi, lo, tmp, clean=True) -> None:
    """``(z - m) / T`` as a double-double ``hi + lo``, ``lo`` below half an ulp
    of ``hi``.

    With ``T = 1`` and ``clean=False``, ``lo`` is left NaN or infinite where
    ``hi = -inf`` (the caller handles those rare entries, saving a pass).
    """
    shift = _finite_or_zero(m)
    if m.max() < 0:
        # Every row maximum is negative, so |z| >= |m| for every entry:
        # Dekker's Fast2Sum, lo = -m - (hi - z), is then exact too, in two
        # passes instead of TwoSum's five.
        np.subtract(z, shift, out=hi)
        np.subtract(hi, z, out=lo)
        np.subtract(-shift, lo, out=lo)
    else:
        _two_diff(z, shift, hi, lo, tmp)
    if temperature != 1.0:
        # z - m beyond the range; (z - m)/T may be back in it
        overflowed = np.isneginf(hi) & np.isfinite(z)
        _dd_divide(hi, lo, temperature)
        # rare: such entries are far beyond exp's range, z/T - m/T is accurate
        # enough
        if overflowed.any():
            hi[overflowed] = (z / temperature - shift / temperature)[
                overflowed
            ]
            lo[overflowed] = 0.0
    elif clean:
        # NaN (only where hi = -inf) becomes finite, and exp(hi) = 0 there
        np.fmax(lo, -1e300, out=lo)


def _extraction_grid(k: int, bound):
    """The power of two ``sigma >= (K + 2) * bound`` of :func:`_exact_row_sums`
    (a scalar or one per row)."""
    _, exponent = np.frexp((k + 2) * bound * (1 + 2.0**-40))
    return np.ldexp(1.0, exponent)


def _exact_row_sums(e, sigma, tmp):
    """Row sums of ``0 <= e <= sigma / (K + 2)`` as ``hi + lo``, far below one
    ulp from exact (Rump's extraction).

    ``q = (sigma + e) - sigma`` is ``e`` rounded to the grid of ``sigma``'s
    ulp, so the ``q`` of a row add up *exactly*, in any order: every partial
    sum is a multiple of that ulp below ``sigma``. The remainders ``e - q``
    (exact too) are so small that their plain sum is accurate enough. Five
    passes.
    """
    np.add(e, sigma, out=tmp)
    np.subtract(tmp, sigma, out=tmp)
    hi = np.sum(tmp, axis=1, keepdims=True)
    np.subtract(e, tmp, out=tmp)
    return hi, np.sum(tmp, axis=1, keepdims=True)


def _log_dd(s_hi, s_lo):
    """``log(s_hi + s_lo)`` as ``L + dL``, per row, for sums ``1e-300 < s_hi <
    1e300`` and a small ``s_lo``.

    ``L = log(s_hi)`` has half an ulp of ``L`` of error (many ulp of 1 when
    ``L`` is large, which matters where a later subtraction cancels ``L``). One
    Newton step for ``log``, ``dL = (s_hi + s_lo) exp(-L) - 1`` with an exact
    product, leaves only the error of ``exp(-L)``: under one ulp of 1 in
    absolute terms. It also keeps a tiny ``s - 1`` that ``log`` rounds away
    (``s_hi = 1``): the job ``log1p`` does in the default mode. Per row, so its
    cost does not matter.
    """
    log_s = np.log(s_hi)
    inv_s = np.exp(-log_s)  # about 1 / s
    p, p_err = _two_prod(s_hi, inv_s)
    # p - 1 is exact: p is within a few ulp of 1
    return log_s, (p - 1.0) + (p_err + s_lo * inv_s)


def _exp_is_safe_unshifted(m, k: int, lowest: float, largest: float) -> bool:
    """True when ``exp(z)`` may be taken without subtracting the maximum, in
    every row of a block.

    That is when each row maximum lies in ``[lowest, log(largest) - log(K + 2)
    - 2]``: the sum of the ``K`` exponentials and its extraction grid ``(K + 2)
    exp(m)`` then stay below ``largest``, and ``lowest`` keeps what underflows
    below the result's own resolution. False for a NaN or infinite maximum.
    Softmax and the log functions choose their bounds.
    """
    upper = np.log(largest) - np.log(k + 2.0) - 2.0
    return bool(m.min() >= lowest and m.max() <= upper)


def _softmax_block_accurate(z, out, scratch, work, temperature) -> None:
    """Accurate float64 softmax: exact shift, corrected exponential, exact sum,
    one division."""
    lo, tmp = scratch
    m = np.max(z, axis=1, keepdims=True)
    # Softmax: with m >= 0 the sum is at least 1, so what underflows is below
    # the result's ulp.
    if temperature == 1.0 and _exp_is_safe_unshifted(
        m, z.shape[1], 0.0, np.finfo(m.dtype).max
    ):
        # no shift, so no rounding for exp to amplify: only exp's own error
        np.exp(z, out=out)
        sigma = _extraction_grid(z.shape[1], np.exp(m))
    else:
        _shifted_dd(z, m, temperature, out, lo, tmp)
        np.exp(out, out=out)
        np.multiply(out, lo, out=lo)
        # exp(hi + lo) = exp(hi) (1 + lo), to within lo**2 < 1e-26
        np.add(out, lo, out=out)
        # every term is at most exp(0) = 1
        sigma = _extraction_grid(z.shape[1], 1.0)
    s_hi, s_lo = _exact_row_sums(out, sigma, tmp)
    np.divide(out, s_hi + s_lo, out=out)
    _apply_policy(z, m, out, "softmax")


def _row_sums(a):
    """Row sums of a block, as a matrix-vector product with ones: BLAS, about
    twice as fast as ``np.sum``.

    Used only where the order of the additions does not matter: sums that are
    exact in any order, or corrections far below the result's ulp.
    """
    return (a @ np.ones(a.shape[1]))[:, None]


def _log_sum_exp_direct(z, top, m, scratch):
    """``log sum exp(z)`` per row as a double-double ``c_hi + c_lo``, from
    ``exp(z)``: no shift to correct.

    ``z - m`` rounds (where ``|z|`` and ``|m|`` differ in magnitude) and exp
    amplifies that; ``exp(z)`` takes exact arguments, so each term has only
    exp's own error. The maximum's term ``E = exp(m)`` is set aside (``top`` is
    its column) and the others summed exactly (Rump's extraction) as ``T``.
    Then, per row, whichever form errs less: for ``T < E``, ``m + log(1 + s)``
    with ``s = T / E`` (a double-double; the exact 1 keeps a tiny ``s`` of a
    confident row accurate, as the shift does); for ``T >= E``, ``log(E + T)``,
    whose error is a weighted mean of the terms' errors.
    """
    e, tmp = scratch[2], scratch[3]
    np.exp(z, out=e)
    rows = np.arange(z.shape[0])
    big = e[rows, top][:, None].copy()  # E = exp(m)
    e[rows, top] = 0.0  # the other terms, every one at most E
    sigma = _extraction_grid(z.shape[1], big)
    np.add(e, sigma, out=tmp)
    # q on sigma's ulp grid: the q of a row add up exactly
    np.subtract(tmp, sigma, out=tmp)
    t_hi = _row_sums(tmp)
    np.subtract(e, tmp, out=tmp)  # the remainders e - q, exact and tiny
    t_lo = _row_sums(tmp)
    # T < E: m + log(1 + s), s = T / E; the remainder of the division is exact
    # (Dekker's product).
    s = t_hi / big
    p, p_err = _two_prod(s, big)
    s_lo = (((t_hi - p) - p_err) + t_lo) / big  # t_hi - p is exact (Sterbenz)
    one_plus_s, err = _two_sum(1.0, s)
    log_hi, log_lo = _log_dd(one_plus_s, err + s_lo)
    c_hi, c_err = _two_sum(m, log_hi)  # m + L can cancel
    # T >= E: log(E + T).
    sum_hi, sum_err = _two_sum(big, t_hi)
    direct_hi, direct_lo = _log_dd(sum_hi, sum_err + t_lo)
    small = s < 1.0
    return np.where(small, c_hi, direct_hi), np.where(
        small, c_err + log_lo, direct_lo
    )


def _log_sum_exp_shifted(z, m, scratch, temperature):
    """Accurate ``log sum exp((z - m)/T)`` per row (float64), from the exactly
    shifted row.

    Returns ``(lo, L, dL)``: ``scratch[0] + lo`` holds ``(z - m)/T`` exactly (a
    double-double; with ``T = 1``, ``lo`` may be NaN where ``scratch[0]`` is
    ``-inf``) and ``L + dL`` its log-sum-exp. The exponentials stay
    double-doubles ``E + E*lo`` inside the exact sum; the maximum's term is
    exactly 1.
    """
    hi, lo, e, tmp = scratch[:4]
    _shifted_dd(z, m, temperature, hi, lo, tmp=e, clean=False)
    np.exp(hi, out=e)
    # the first-order correction sum E*lo, in one pass
    sum_e_lo = np.einsum("ij,ij->i", e, lo)[:, None]
    bad = np.isnan(sum_e_lo[:, 0])
    # rare: hi = -inf made lo NaN or inf where E = 0; those terms contribute
    # nothing
    if bad.any():
        sum_e_lo[bad] = np.nansum(e[bad] * lo[bad], axis=1, keepdims=True)
    # Rump's extraction (as _exact_row_sums), every term at most exp(0) = 1: q
    # = (sigma + E) - sigma lies on sigma's ulp grid, so the q of a row add up
    # exactly in any order; E - q is tiny.
    sigma = _extraction_grid(z.shape[1], 1.0)
    np.add(e, sigma, out=tmp)
    np.subtract(tmp, sigma, out=tmp)
    s_hi = _row_sums(tmp)
    np.subtract(e, tmp, out=tmp)
    return lo, *_log_dd(s_hi, _row_sums(tmp) + sum_e_lo)


def _logsumexp_dd(z, scratch):
    """``(m, c_hi, c_lo)``: the row maxima and ``logsumexp(z)`` per row as a
    double-double ``c_hi + c_lo``.

    From ``exp(z)`` directly when every row maximum of the block allows it
    (:func:`_exp_is_safe_unshifted`: the usual case, and the cheaper one), else
    from the exactly shifted row, ``m + L + dL`` with the rounding error of ``m
    + L`` kept (TwoSum).
    """
    top = np.argmax(z, axis=1)  # the first maximum (or NaN) of each row
    m = z[np.arange(z.shape[0]), top][:, None]
    # The log functions: exp(m) far above the subnormals (what underflows is
    # below e**-60 ulp of the sum), and everything below 1e300, where Dekker's
    # product can still split it.
    if _exp_is_safe_unshifted(
        m, z.shape[1], np.log(np.finfo(m.dtype).tiny) + 60.0, 1e300
    ):
        return m, *_log_sum_exp_direct(z, top, m, scratch)
    _, log_hi, log_lo = _log_sum_exp_shifted(z, m, scratch, 1.0)
    c_hi, c_err = _two_sum(_finite_or_zero(m), log_hi)  # m + L can cancel
    return m, c_hi, c_err + log_lo


def _log_softmax_block_accurate(z, out, scratch, work, temperature) -> None:
    """Accurate float64 log-softmax.

    ``T = 1``: ``(z - c_hi) - c_lo`` with ``c_hi + c_lo = logsumexp(z)``,
    within about one ulp of the result beyond the error of ``c``: ``z - c_hi``
    is exact where it is small (Sterbenz) and ``c_lo`` is tiny. ``T != 1``:
    ``(hi - L) + (lo - dL)``, from the exactly shifted ``hi + lo = (z - m)/T``.
    """
    if temperature == 1.0:
        m, c_hi, c_lo = _logsumexp_dd(z, scratch)
        np.subtract(z, c_hi, out=out)
        np.subtract(out, c_lo, out=out)
    else:
        m = np.max(z, axis=1, keepdims=True)
        lo, log_hi, log_lo = _log_sum_exp_shifted(z, m, scratch, temperature)
        np.subtract(scratch[0], log_hi, out=out)
        np.subtract(lo, log_lo, out=lo)
        np.add(out, lo, out=out)
    _apply_policy(z, m, out, "log_softmax")


def _logsumexp_block_accurate(z, out, scratch, work, temperature) -> None:
    """Accurate float64 log-sum-exp: ``c_hi + c_lo``, rounded once."""
    m, c_hi, c_lo = _logsumexp_dd(z, scratch)
    np.add(c_hi, c_lo, out=out)
    _apply_policy(z, m, out, "logsumexp")


#: (kind, mode) -> (block kernel, number of scratch blocks it needs). The
#: modes: "default"; "wide" for float16 and float32 with accurate=True
#: (computed in float64, the log functions by the default kernels); "accurate"
#: for float64 with accurate=True.
_KERNELS = {
    ("softmax", "default"): (_softmax_block, 1),
    ("log_softmax", "default"): (_log_softmax_block, 2),
    ("logsumexp", "default"): (_logsumexp_block, 2),
    ("softmax", "wide"): (_softmax_block_wide, 1),
    ("log_softmax", "wide"): (_log_softmax_block, 2),
    ("logsumexp", "wide"): (_logsumexp_block, 2),
    ("softmax", "accurate"): (_softmax_block_accurate, 2),
    ("log_softmax", "accurate"): (_log_softmax_block_accurate, 4),
    ("logsumexp", "accurate"): (_logsumexp_block_accurate, 4),
}


def _run_blocks(kernel, rows, out_rows, starts, step, n_scratch, work, t):
    """Run ``kernel`` on the blocks of ``rows`` that begin at ``starts``.

    Each caller (the main thread, or one worker of the pool) has its own
    scratch blocks and its own NumPy error state and buffer size: NumPy keeps
    both per thread, and a new thread starts from the defaults.
    """
    k = rows.shape[1]
    scratch = [
        np.empty((min(step, rows.shape[0]), k), dtype=work)
        for _ in range(n_scratch)
    ]
    with np.errstate(
        over="ignore", under="ignore", invalid="ignore", divide="ignore"
    ):
        if 256 <= k < np.getbufsize():
            # For rows shorter than NumPy's ufunc buffer (8192 elements),
            # `z - m` with m broadcast along the row goes through the buffer,
            # m copied element by element; a buffer no longer than a row
            # avoids that (measured: twice as fast for K = 1000). errstate
            # restores it.
            np.setbufsize(k // 16 * 16)
        for start in starts:
            block = slice(start, start + step)
            n = len(rows[block])
            kernel(
                rows[block], out_rows[block], [s[:n] for s in scratch], work, t
            )


def _apply(
    kind: str,
    x: ArrayLike,
    axis: Any,
    accurate: Any,
    temperature: Any = 1.0,
    keepdims: bool = False,
    where: Any = None,
    workers: Any = None,
) -> Any:
    """Validate; lay ``x`` out as rows along ``axis``; run the kernel of
    ``kind``.

    The rows go block by block, the same blocks whatever ``workers`` is (the
    accurate kernels choose their path per block), so the result is the same
    to the bit for any number of workers.
    """
    t = check_temperature(temperature)
    acc = check_accurate(accurate)
    n_workers = check_workers(workers)
    z = as_float_array(x)
    axes = check_axes(axis, z.ndim)
    if where is not None:
        # A masked entry is a logit of -inf: probability 0, no part in the
        # maximum or the sum; a fully masked row is an all -inf row.
        z = np.where(check_where(where, z.shape), z, -np.inf)
    shape = z.shape
    if z.ndim == 0:  # axis=None on a scalar: one row of one element
        z, axes = z.reshape(1), (0,)
    k = math.prod(z.shape[a] for a in axes)
    if k == 0 and kind != "logsumexp":
        along = f"axis {axes[0]}" if len(axes) == 1 else f"axes {axes}"
        raise ValueError(
            f"x has length 0 along {along} (shape {z.shape}); softmax "
            f"needs at least one logit per row"
        )
    # float16 is computed in float32; in accurate mode float16 and float32
    # are computed in float64.
    work = np.dtype(np.float64) if acc else working_dtype(z.dtype)
    if not acc:
        mode = "default"
    else:
        mode = "accurate" if z.dtype == np.float64 else "wide"
    kernel, n_scratch = _KERNELS[kind, mode]
    n_axes = len(axes)
    last = tuple(range(-n_axes, 0))
    moved = np.moveaxis(z, axes, last)  # rows along the last axes: a view
    reduced = kind == "logsumexp"
    out = np.empty(
        moved.shape[:-n_axes] if reduced else moved.shape, dtype=z.dtype
    )
    n_rows = math.prod(moved.shape[:-n_axes])
    if k == 0:  # logsumexp of an empty sum: log 0
        out.fill(-np.inf)
    elif n_rows > 0:
        rows = moved.reshape(-1, k)  # a view, unless the layout forbids it
        out_rows = out.reshape(rows.shape[0], 1 if reduced else k)
        step = max(1, _BLOCK_BYTES // (k * work.itemsize))
        starts = range(0, rows.shape[0], step)
        args = (kernel, rows, out_rows)
        rest = (step, n_scratch, work, t)
        n_workers = min(n_workers, len(starts))
        if n_workers == 1:
            _run_blocks(*args, starts, *rest)
        else:
            # Contiguous runs of whole blocks, one run per thread: NumPy
            # releases the GIL inside its loops.
            bounds = np.linspace(0, len(starts), n_workers + 1).astype(int)
            with ThreadPoolExecutor(n_workers) as pool:
                runs = [
                    pool.submit(_run_blocks, *args, starts[a:b], *rest)
                    for a, b in zip(bounds[:-1], bounds[1:])
                ]
                for run in runs:
                    run.result()
    if reduced:
        if keepdims:
            out = np.expand_dims(out, axes) if len(shape) else out
        return out[()] if out.ndim == 0 else out
    out = np.moveaxis(out, last, axes).reshape(shape)
    return out[()] if out.ndim == 0 else out


# --- logsumexp with weights, signs or complex input --------------------------
# SciPy's algorithm (scipy.special.logsumexp), row by row: the maximum's
# terms are set apart, the others are summed relative to them, and rows whose
# result is not finite take the direct log(sum(b * exp(a))), whose special
# values are those of C99's exp and log.


def _wrap_radians(x: np.ndarray) -> np.ndarray:
    """``x`` wrapped into ``(-pi, pi]``, unchanged where ``|x| < pi``."""
    wrapped = -((-x + np.pi) % (2 * np.pi) - np.pi)
    return np.where(np.abs(x) < np.pi, x, wrapped)


def _sign(x: np.ndarray) -> np.ndarray:
    """``np.sign``, and for complex ``x`` the phase ``x / |x|`` (0 at 0,
    NaN where ``x`` is infinite or NaN), as SciPy takes it."""
    if x.dtype.kind != "c":
        return np.sign(x)
    return np.where(x == 0, 0, x / np.abs(x)).astype(x.dtype)


def _weighted_rows(
    a: np.ndarray, b: np.ndarray | None, return_sign: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``log |sum_j b_j exp(a_j)|`` and its sign, one value per row of
    ``a`` (B, K), ``b`` of the same shape or ``None`` (weights 1).

    Every row is computed on its own (its sums are over contiguous rows), so
    the result does not depend on how the rows are grouped in blocks.
    """
    n, k = a.shape
    is_complex = a.dtype.kind == "c"
    if b is not None:
        # A zero weight takes its term out of the sum, whatever a is there
        # (inf or NaN included).
        a = np.where(b == 0, -np.inf, a).astype(a.dtype, copy=False)
    if is_complex:
        # the element of largest real part (the last, if several)
        real = a.real
        mask = real == np.max(real, axis=1, keepdims=True)
        last = k - 1 - np.argmax(mask[:, ::-1], axis=1)
        mask = np.zeros_like(mask)
        mask[np.arange(n), last] = True
        a_max = a[np.arange(n), last][:, None]
    else:
        a_max = np.max(a, axis=1, keepdims=True)
        mask = a == a_max
    # the maximum's weight (or count), and the other terms relative to it
    m = np.sum(mask if b is None else np.where(mask, b, 0), axis=1)
    m = m.astype(a.dtype)[:, None]
    rest = np.exp(np.where(mask, -np.inf, a).astype(a.dtype) - a_max)
    s = np.sum(rest if b is None else b * rest, axis=1, keepdims=True)
    s = np.where(s == 0, s, s / m)
    sgn = _sign(s + 1) * _sign(m)
    if is_complex:
        sgn = sgn * np.exp(a_max.imag * 1j)
    else:
        s = np.where(s < -1, -s - 2, s)
        m = np.abs(m)
    out = np.log1p(s) + np.log(m) + a_max
    if return_sign:
        out = out.real
    elif not is_complex:
        out[sgn < 0] = np.nan
    # Rows whose result is not finite: the direct formula decides.
    bad = ~np.isfinite(out[:, 0])
    if bad.any():
        terms = np.exp(a[bad])
        if b is not None:
            terms = b[bad] * terms
        total = np.sum(terms, axis=1, keepdims=True)
        if return_sign:
            sgn[bad] = _sign(total)
            total = np.abs(total)
        out[bad] = np.log(total)
    if is_complex and not return_sign:
        imag = _wrap_radians(out.imag).astype(out.dtype)
        out = out.real + imag * 1j
    return out[:, 0], sgn[:, 0]


def _logsumexp_general(
    x: ArrayLike,
    axis: Any,
    keepdims: bool,
    b: Any,
    return_sign: bool,
    accurate: bool,
    where: Any,
    workers: Any,
) -> Any:
    """``logsumexp`` with weights ``b``, ``return_sign`` or complex input."""
    n_workers = check_workers(workers)
    a = as_numeric_array(x)
    if b is None:
        dtype = a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64)
    else:
        weights = as_numeric_array(b, "b")
        dtype = np.result_type(a.dtype, weights.dtype)
        if dtype.kind in "biu":
            dtype = np.dtype(np.float64)
        try:
            a, weights = np.broadcast_arrays(a, weights)
        except ValueError:
            raise ValueError(
                f"b has shape {weights.shape}, which does not broadcast "
                f"with the shape of x, {a.shape}"
            ) from None
    shape = a.shape
    if where is not None:
        mask = check_where(where, shape)
        if b is not None:
            weights = np.where(mask, weights, 0)
        else:
            a = np.where(mask, a.astype(dtype), -np.inf)
    axes = check_axes(axis, a.ndim)
    if a.ndim == 0:  # axis=None on a scalar: one row of one element
        a, axes = a.reshape(1), (0,)
        if b is not None:
            weights = weights.reshape(1)
    # float16 is computed in float32; accurate mode computes single
    # precision (real or complex) in double precision.
    single = dtype.itemsize < (16 if dtype.kind == "c" else 8)
    work: np.dtype
    if accurate and single:
        work = np.dtype(np.complex128 if dtype.kind == "c" else np.float64)
    else:
        work = np.dtype(np.float32) if dtype == np.float16 else dtype
    n_axes = len(axes)
    last = tuple(range(-n_axes, 0))
    moved = np.moveaxis(a, axes, last)
    outer = moved.shape[:-n_axes]
    k = math.prod(moved.shape[-n_axes:])
    n_rows = math.prod(outer)
    real = np.dtype(dtype.char.lower()) if dtype.kind == "c" else dtype
    out = np.empty(n_rows, dtype=real if return_sign else dtype)
    sgn = np.empty(n_rows, dtype=dtype)
    if k == 0:  # an empty sum: log 0, sign 0
        out.fill(-np.inf)
        sgn.fill(0)
    elif n_rows > 0:
        rows = moved.reshape(n_rows, k)
        b_rows = (
            None
            if b is None
            else np.moveaxis(weights, axes, last).reshape(n_rows, k)
        )
        per_row = k * work.itemsize * (1 if b is None else 2)
        step = max(1, _BLOCK_BYTES // per_row)
        starts = range(0, n_rows, step)

        def run(run_starts: range) -> None:
            with np.errstate(
                over="ignore",
                under="ignore",
                invalid="ignore",
                divide="ignore",
            ):
                for start in run_starts:
                    block = slice(start, start + step)
                    a_blk = np.ascontiguousarray(rows[block], dtype=work)
                    b_blk = (
                        None
                        if b_rows is None
                        else np.ascontiguousarray(b_rows[block], dtype=work)
                    )
                    o, s = _weighted_rows(a_blk, b_blk, return_sign)
                    out[block] = o
                    sgn[block] = s

        n_workers = min(n_workers, len(starts))
        if n_workers == 1:
            run(starts)
        else:
            bounds = np.linspace(0, len(starts), n_workers + 1).astype(int)
            with ThreadPoolExecutor(n_workers) as pool:
                runs = [
                    pool.submit(run, starts[i:j])
                    for i, j in zip(bounds[:-1], bounds[1:])
                ]
                for r in runs:
                    r.result()
    out, sgn = out.reshape(outer), sgn.reshape(outer)
    if keepdims and len(shape):
        out, sgn = np.expand_dims(out, axes), np.expand_dims(sgn, axes)
    out = out[()] if out.ndim == 0 else out
    sgn = sgn[()] if sgn.ndim == 0 else sgn
    return (out, sgn) if return_sign else out


def _sign_of_logsumexp(out: Any) -> Any:
    """The sign of ``sum exp(a)`` from its logarithm: 1, 0 for an empty sum
    (``-inf``), NaN for NaN."""
    arr = np.asarray(out)
    sgn = np.where(arr == -np.inf, 0, 1).astype(arr.dtype)
    sgn[np.isnan(arr)] = np.nan
    return sgn[()] if sgn.ndim == 0 else sgn


# --- the public functions ----------------------------------------------------


#: What ``axis`` may be: one axis, several (their union is one row), or every
#: axis (``None``).
Axis = int | tuple[int, ...] | None


def softmax(
    x: ArrayLike,
    axis: Axis = -1,
    temperature: float = 1.0,
    *,
    accurate: bool = False,
    where: ArrayLike | None = None,
    workers: int | None = None,
) -> Any:
    r"""Softmax along ``axis``: :math:`p_i = e^{z_i/T} / \sum_j e^{z_j/T}`.

    Computed stably as
    :math:`p_i = e^{(z_i - \max z)/T} / \sum_j e^{(z_j - \max z)/T}`,
    which is equal by shift invariance and cannot overflow.

    Args:
        x: logits, any shape; each slice along ``axis`` is one row.
        axis: the axis that holds the classes (default: the last one); a
            tuple of axes normalises over their union, ``None`` over every
            element (SciPy's meaning; SciPy's default is ``None``).
        temperature: :math:`T > 0`, finite. Large :math:`T` flattens the
            distribution, small :math:`T` sharpens it towards the arg-max.
        accurate: ``False`` (default): the formula above, in cache-sized
            blocks, with exactly the rounding of ``scipy.special.softmax``.
            ``True``: within 4 ulp of the exact softmax in float64 and 1 ulp
            in float32 and float16, on every finite input. float64 forms
            :math:`z_i - \max z = hi_i + lo_i` exactly (TwoSum), takes
            :math:`e^{hi_i}(1 + lo_i)` (or :math:`e^{z_i}` directly when no
            row maximum of the block is negative or near overflow), sums each
            row exactly and divides once; with :math:`T \ne 1` the division
            by :math:`T` is done in double-double too. float16 and float32
            are computed in float64 and rounded once. Costs 1.2 to 2 times
            the default's time (the most when row maxima of both signs share
            a block).
        where: a boolean mask that broadcasts to ``x``'s shape. An entry
            where it is ``False`` counts as a logit of ``-inf``: probability
            0, no part in the maximum or the sum (a NaN or ``inf`` there is
            ignored); a fully masked row is an all ``-inf`` row (NaN).
        workers: threads to spread the blocks of rows over (``scipy.fft``'s
            convention: ``None`` is 1, ``-1`` every CPU). The blocks are the
            same for any count, so is the result, to the bit.

    Returns:
        An array of the same shape and float dtype as ``x`` whose rows are
        non-negative and sum to 1 (a NumPy scalar when ``x`` is 0-d and
        ``axis=None``). Special values follow the module's policy (NaN row
        in, NaN row out; an all ``-inf`` row gives NaN; ``+inf`` entries
        share the mass).

    Raises:
        TypeError: ``x`` is not real-valued; ``axis``, ``temperature`` or
            ``workers`` has the wrong type; ``accurate`` is not a bool;
            ``where`` is not boolean.
        ValueError: ``axis`` is out of range, repeated or ``()``; ``x`` is a
            scalar (with an integer ``axis``) or empty along ``axis``;
            ``temperature`` is not positive and finite; ``where`` does not
            broadcast to ``x``; ``workers`` is 0 or below ``-os.cpu_count()``.

    Example:
        >>> softmax([2.0, 1.0, 0.1]).round(4)
        array([0.659 , 0.2424, 0.0986])
        >>> softmax([[1, 2], [3, 3]], axis=1)
        array([[0.26894142, 0.73105858],
               [0.5       , 0.5       ]])
        >>> softmax([[0.0, 0.0], [0.0, 0.0]], axis=None)
        array([[0.25, 0.25],
               [0.25, 0.25]])
        >>> softmax([1.0, 5.0, 1.0], where=[True, False, True])
        array([0.5, 0. , 0.5])

        ``-600 - 0.1`` rounds, and ``exp`` turns that into a relative error:

        >>> x = [0.1, -600.0]
        >>> f"{softmax(x)[1] / softmax(x, accurate=True)[1] - 1:.1e}"
        '-2.3e-14'
    """
    return _apply(
        "softmax", x, axis, accurate, temperature, where=where, workers=workers
    )


def log_softmax(
    x: ArrayLike,
    axis: Axis = -1,
    temperature: float = 1.0,
    *,
    accurate: bool = False,
    where: ArrayLike | None = None,
    workers: int | None = None,
) -> Any:
    r"""Log-softmax: :math:`\log p_i = z_i/T - \operatorname{logsumexp}(\mathbf
    z/T)`.

    Never computed as ``log(softmax(x))``: a probability that underflows to 0
    would become ``-inf``, whereas this stays finite for every finite input.
    Computed as :math:`d_i - \operatorname{log1p}(s)` with
    :math:`d_i = (z_i - \max z)/T` and :math:`s` the sum of :math:`e^{d_j}`
    over every entry but (one) maximum.

    Args:
        x: logits, any shape.
        axis: the class axis (default: the last one), a tuple of axes or
            ``None``, as in :func:`softmax`.
        temperature: :math:`T > 0`, finite.
        accurate: ``False`` (default): the formula above, in cache-sized
            blocks. ``True``: within 2 ulp of :math:`\max(|\log p_i|, 1)` of
            the exact value on every finite input. float64 with :math:`T = 1`
            sums :math:`e^{z_j}` exactly (no shift, so no rounding for exp to
            amplify; when a row maximum of the block is below
            :math:`\log(\text{tiny}) + 60` or near overflow, it shifts
            exactly instead, :math:`z_j - \max z = hi_j + lo_j` by TwoSum,
            and sums :math:`e^{hi_j}(1 + lo_j)` exactly), takes the logarithm
            of the sum refined by a Newton step as a double-double
            :math:`c = \operatorname{logsumexp}(\mathbf z)` and returns
            :math:`(z_i - c_{hi}) - c_{lo}`; with :math:`T \ne 1` it shifts
            exactly and returns :math:`(hi_i - L) + (lo_i - dL)`. float16 and
            float32 are computed in float64 and rounded once. About 1.4 times
            the default's time (up to about twice on the shifted path).
        where: a boolean mask, as in :func:`softmax`: masked entries give
            ``-inf``.
        workers: threads, as in :func:`softmax` (the same result, to the bit).

    Returns:
        An array of the shape and float dtype of ``x``, every entry
        :math:`\le 0`. ``-inf`` logits give ``-inf``; an all ``-inf`` row or
        a row with NaN gives NaN; in a row with ``k`` entries equal to
        ``+inf`` those get :math:`-\log k` and the rest ``-inf``.

    Raises:
        TypeError, ValueError: as :func:`softmax`.

    Example:
        >>> log_softmax([1000.0, 0.0])  # log(softmax(x)) gives [0, -inf]
        array([    0., -1000.])
    """
    return _apply(
        "log_softmax",
        x,
        axis,
        accurate,
        temperature,
        where=where,
        workers=workers,
    )


def logsumexp(
    x: ArrayLike,
    axis: Axis = -1,
    keepdims: bool = False,
    *,
    b: ArrayLike | None = None,
    return_sign: bool = False,
    accurate: bool = False,
    where: ArrayLike | None = None,
    workers: int | None = None,
) -> Any:
    r"""Log-sum-exp along ``axis``: :math:`\log \sum_i e^{z_i}`, a smooth max.

    Computed as :math:`m + \operatorname{log1p}(s)` with
    :math:`m = \max_i z_i` and :math:`s = \sum_i e^{z_i - m}` over every
    entry but (one) maximum, so it never overflows. It satisfies
    :math:`\max_i z_i \le \operatorname{logsumexp}(\mathbf z)
    \le \max_i z_i + \log K`.

    With weights, :math:`\log \sum_i b_i e^{z_i}`, and for complex input,
    it follows ``scipy.special.logsumexp``: the terms of the element(s) of
    largest real part are set apart, the others summed relative to them, and
    a row whose result is not finite is taken as ``log(sum(b * exp(z)))``,
    whose special values are those of C's ``exp`` and ``log``.

    Args:
        x: values, any shape; real, or complex (complex64, complex128).
        axis: the axis to reduce (default: the last one), a tuple of axes
            (reduced together) or ``None`` (every axis), as in
            :func:`softmax`.
        keepdims: keep the reduced axes with length 1 (for broadcasting).
        b: weights :math:`b_i` (real or complex) that broadcast with ``x``
            (the result has their common shape); negative weights subtract.
            A weight of 0 removes its term, even where ``x`` is ``inf`` or
            NaN (SciPy gives NaN there when its terms overflow). The result
            dtype is that of ``x`` and ``b`` together (integers: float64).
        return_sign: also return the sign of the sum: the result is then
            ``(log|sum|, sign)``, the sign being 1, -1, 0 (a sum of exactly
            0, including an empty one: SciPy gives -1 for an empty one) or
            NaN, and for complex input the phase ``sum / |sum|``. Without
            it, a negative sum gives NaN.
        accurate: ``False`` (default): the formula above, in cache-sized
            blocks. ``True``: within 2 ulp of :math:`\max(|\text{result}|, 1)`
            of the exact value on every finite input, including when
            :math:`m` and :math:`\log(1 + s)` cancel. float64 sums
            :math:`e^{z_i}` exactly with the maximum's term set aside (or,
            when a row maximum of the block is below
            :math:`\log(\text{tiny}) + 60` or near overflow, shifts exactly
            by TwoSum and sums the shifted exponentials exactly), refines the
            logarithm by a Newton step and keeps every rounding error of
            :math:`m + \log(1 + s)` (TwoSum) until one final rounding;
            float16 and float32 are computed in float64 and rounded once.
            About 1.5 times the default's time (up to about 2.5 on the
            shifted path; the default is cheap: it writes one value per row).
            With ``b`` or complex input, ``True`` computes float16, float32
            and complex64 in double precision and rounds once, and float64
            and complex128 as the default does: the bound above is for real
            input without weights (weights of both signs can cancel to any
            degree).
        where: a boolean mask, as in :func:`softmax`: masked entries take no
            part in the sum (as a weight of 0); a fully masked row gives
            ``-inf``.
        workers: threads, as in :func:`softmax` (the same result, to the bit).

    Returns:
        The dtype of ``x`` (and ``b``), with the ``axis`` removed (or kept
        with length 1); a NumPy scalar when every axis is reduced, as
        NumPy's own reductions return. An all ``-inf`` row, and a row of
        length 0, give ``-inf`` (the log of an empty sum), a row with
        ``+inf`` gives ``+inf``, a row with NaN gives NaN. Complex results
        have their imaginary part in :math:`(-\pi, \pi]`. With
        ``return_sign``, the pair ``(log|sum|, sign)``: ``log|sum|`` is
        real, ``sign`` has the result dtype.

    Raises:
        TypeError, ValueError: as :func:`softmax`, except that a row of
            length 0 is not an error here (its sum is empty), and complex
            input is accepted. Also ``TypeError`` if ``b`` is not numeric
            or ``return_sign`` not a bool, ``ValueError`` if ``b`` does not
            broadcast with ``x``.

    Example:
        >>> float(logsumexp([1000.0, 1000.0]))  # 1000 + log 2, no overflow
        1000.6931471805599
        >>> logsumexp([[0.0, 0.0], [0.0, 0.0]], axis=(0, 1)) == np.log(4)
        np.True_

        Weights: :math:`\log(2 e^0 + 0 \cdot e^{1000}) = \log 2`, and
        :math:`\log|e^1 - e^2|` with its sign:

        >>> float(logsumexp([0.0, 1000.0], b=[2.0, 0.0]))
        0.6931471805599453
        >>> value, sign = logsumexp([1.0, 2.0], b=[1, -1], return_sign=True)
        >>> float(value), float(sign)
        (1.5413248546129181, -1.0)

        Complex input: :math:`\log(1 + e^{i}) = \log(2\cos\frac12) +
        \frac i2`:

        >>> complex(logsumexp([0.0, 1j]))
        (0.5625629401162227+0.5j)
    """
    acc = check_accurate(accurate)
    sign = check_bool(return_sign, "return_sign")
    try:
        is_complex = np.asarray(x).dtype.kind == "c"
    except (ValueError, TypeError):  # _apply raises the error
        is_complex = False
    if b is not None or is_complex:
        return _logsumexp_general(
            x, axis, keepdims, b, sign, acc, where, workers
        )
    out = _apply(
        "logsumexp",
        x,
        axis,
        accurate,
        keepdims=keepdims,
        where=where,
        workers=workers,
    )
    return (out, _sign_of_logsumexp(out)) if sign else out


def softmax_naive(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""The textbook formula :math:`e^{z_i} / \sum_j e^{z_j}`, computed
    literally. **Unstable on purpose.**

    Kept for teaching: it overflows (``exp(z)`` is ``inf`` for :math:`z >
    709.78` in float64, giving NaN) and underflows (every ``exp(z)`` is 0 for
    very negative rows, giving 0/0 = NaN). It does so silently, without NumPy
    warnings, so that notebooks show the wrong answer rather than a warning.
    Use :func:`softmax` for real work.

    Args:
        x: logits, any shape.
        axis: the class axis.

    Returns:
        An array of the shape and float dtype of ``x``.

    Raises:
        TypeError, ValueError: as :func:`softmax` (input checks are not the
            unstable part).

    Example:
        >>> softmax_naive([1.0, 2.0])
        array([0.26894142, 0.73105858])
        >>> softmax_naive([1000.0, 0.0])
        array([nan,  0.])
    """
    # no float16 -> float32 cast: it overflows in the input's own dtype
    arr, ax = _validated(x, axis)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(arr)
        return e / np.sum(e, axis=ax, keepdims=True)


def sigmoid(x: ArrayLike) -> np.ndarray:
    r"""The logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, elementwise.

    Computed from :math:`e^{-|x|}`, which never overflows:
    :math:`1/(1+e^{-|x|})` for :math:`x \ge 0` and
    :math:`e^{-|x|}/(1+e^{-|x|})` for :math:`x < 0`. Two-class softmax is a
    sigmoid: ``softmax([a, b])[0] == sigmoid(a - b)``.

    Args:
        x: any shape.

    Returns:
        An array of the shape and float dtype of ``x`` with values in [0, 1];
        ``sigmoid(inf) = 1``, ``sigmoid(-inf) = 0``, NaN stays NaN.

    Raises:
        TypeError: ``x`` is not real-valued.

    Example:
        >>> sigmoid([-800.0, 0.0, 800.0])
        array([0. , 0.5, 1. ])
    """
    arr = as_float_array(x)
    z = arr.astype(working_dtype(arr.dtype), copy=False)
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return np.asarray(out).astype(arr.dtype, copy=False)
