r"""Measuring accuracy: exact softmax values by mpmath, and errors in units in
the last place (ulp).

A floating-point result is judged against the *exact* value of the function at
the exact binary values of the input. :func:`exact_softmax`,
:func:`exact_log_softmax` and :func:`exact_logsumexp` compute that value with
mpmath at ``digits`` significant decimal digits (60 by default: far beyond the
16 of float64, so their own rounding is invisible). :func:`ulp_error` then
says how far a computed array is from it, in units of the spacing of the
computed dtype:

.. math::
    \operatorname{err}(c) = \frac{|c - v|}{\operatorname{ulp}(v)}, \qquad
    \operatorname{ulp}(v) = 2^{\lfloor \log_2 |v| \rfloor - p + 1}

for a dtype with ``p`` significand bits (53, 24, 11 for float64, float32,
float16), with the smallest subnormal as the spacing below the smallest normal
number. A correctly rounded result has error at most 0.5.

The exact functions follow the special-value policy of :mod:`softmax_lib.core`
(NaN rows give NaN, ``-inf`` entries weigh nothing, ``+inf`` entries share the
mass), so a computed result that obeys the policy has error 0 on those entries.
They are slow (a Python loop over mpmath numbers, about 10 µs per entry):
meant for tests and benchmarks, not for work.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, cast

import mpmath
import numpy as np
from mpmath import libmp
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_axis,
    check_count,
    check_not_empty,
)

__all__ = [
    "correctly_rounded",
    "exact_exp",
    "exact_log_softmax",
    "exact_logsumexp",
    "exact_softmax",
    "ulp_error",
]


def _exact_rows(
    x: ArrayLike,
    axis: Any,
    digits: Any,
    row_fn: Callable[[list], list],
    keep_axis: bool,
) -> np.ndarray:
    """Apply ``row_fn`` (a list of mpf -> a list of mpf) to every 1-D slice of
    ``x`` along ``axis``.

    The input is validated as in :mod:`softmax_lib.core`; each float becomes
    the mpf of exactly the same value. ``row_fn`` runs with mpmath's precision
    set to ``digits`` (restored afterwards). The result is an object array of
    the shape of ``x``, or with ``axis`` removed when ``keep_axis`` is False.
    """
    dps = check_count(digits, "digits", 1, "60 is the default")
    arr = as_float_array(x)
    ax = check_axis(axis, arr.ndim)
    check_not_empty(arr, ax)
    rows = np.moveaxis(arr, ax, -1).reshape(-1, arr.shape[ax])
    width = arr.shape[ax] if keep_axis else 1
    out = np.empty((rows.shape[0], width), dtype=object)
    with mpmath.workdps(dps):
        for i, row in enumerate(rows):
            # float(v) is exact for float16/32/64
            out[i, :] = row_fn([mpmath.mpf(float(v)) for v in row])
    batch_shape = np.moveaxis(arr, ax, -1).shape[:-1]
    if keep_axis:
        return np.moveaxis(out.reshape(batch_shape + (width,)), -1, ax)
    return out.reshape(batch_shape)


def _special_row(z: list, kind: str) -> list | None:
    """The policy's answer for a row with NaN, ``+inf`` or only ``-inf``; None
    for an ordinary row.

    ``kind`` is ``"softmax"``, ``"log_softmax"`` or ``"logsumexp"``.
    """
    nan, inf = mpmath.mpf("nan"), mpmath.mpf("inf")
    if any(mpmath.isnan(v) for v in z):
        return [nan] * (1 if kind == "logsumexp" else len(z))
    n_posinf = sum(1 for v in z if v == inf)
    if n_posinf:
        if kind == "logsumexp":
            return [inf]
        share = mpmath.mpf(1) / n_posinf
        if kind == "softmax":
            return [share if v == inf else mpmath.mpf(0) for v in z]
        return [-mpmath.log(n_posinf) if v == inf else -inf for v in z]
    if all(v == -inf for v in z):
        return [-inf] if kind == "logsumexp" else [nan] * len(z)
    return None


def _shifted_exponentials(z: list) -> tuple[mpmath.mpf, list, list]:
    """For a row with a finite maximum ``m``: ``(m, d, e)`` with ``d_i = z_i -
    m`` exactly and ``e_i = exp(d_i)``."""
    m = max(z)
    # exact: no rounding before exp
    d = [mpmath.fsub(v, m, exact=True) for v in z]
    return m, d, [mpmath.exp(v) for v in d]


def _softmax_row(z: list) -> list:
    special = _special_row(z, "softmax")
    if special is not None:
        return special
    _, _, e = _shifted_exponentials(z)
    total = mpmath.fsum(e)
    return [v / total for v in e]


def _log_of_sum(d: list, e: list) -> mpmath.mpf:
    """``log(sum(e))`` as ``log1p`` of the terms other than the maximum's
    ``exp(0) = 1``.

    ``log(1 + s)`` at a working precision of ``digits`` would round a tiny
    ``s`` (say ``exp(-200)``) away and return 0; ``log1p(s)`` keeps it.
    """
    top = d.index(0)
    return mpmath.log1p(mpmath.fsum(e[:top] + e[top + 1 :]))


def _log_softmax_row(z: list) -> list:
    special = _special_row(z, "log_softmax")
    if special is not None:
        return special
    _, d, e = _shifted_exponentials(z)
    log_s = _log_of_sum(d, e)
    return [v - log_s for v in d]


def _logsumexp_row(z: list) -> list:
    special = _special_row(z, "logsumexp")
    if special is not None:
        return special
    m, d, e = _shifted_exponentials(z)
    return [m + _log_of_sum(d, e)]


def exact_softmax(
    x: ArrayLike, axis: int = -1, *, digits: int = 60
) -> np.ndarray:
    r"""Softmax along ``axis`` computed by mpmath at ``digits`` significant
    digits.

    :math:`p_i = \exp(z_i - m) / S` with :math:`m = \max_j z_j` and
    :math:`S = \sum_j \exp(z_j - m)`, where ``z`` are the exact binary values
    of ``x`` and every difference :math:`z_i - m` is formed exactly. mpmath's
    global precision is restored on return.

    Args:
        x: logits of any float dtype (integers and booleans as float64), any
            shape.
        axis: the class axis (default: the last one).
        digits: significant decimal digits of the computation (default 60).

    Returns:
        A NumPy object array of ``mpmath.mpf``, the shape of ``x``. Special
        values follow :mod:`softmax_lib.core`'s policy (NaN row: NaN; all
        ``-inf`` row: NaN; ``+inf`` entries share the mass).

    Raises:
        TypeError: ``x`` is not real-valued, or ``axis``/``digits`` is not an
            integer.
        ValueError: ``axis`` is out of range, ``x`` is a scalar or empty along
            ``axis``, or ``digits`` is below 1.

    Example:
        >>> import mpmath
        >>> p = exact_softmax([0.0, 1.0])
        >>> p.dtype, p.shape
        (dtype('O'), (2,))
        >>> mpmath.nstr(p[1], 30)
        '0.731058578630004879251159241822'
    """
    return _exact_rows(x, axis, digits, _softmax_row, keep_axis=True)


def exact_log_softmax(
    x: ArrayLike, axis: int = -1, *, digits: int = 60
) -> np.ndarray:
    r"""Log-softmax along ``axis`` computed by mpmath: :math:`z_i - m - \log
    \sum_j \exp(z_j - m)`.

    Same conventions as :func:`exact_softmax`.

    Args:
        x: logits of any float dtype, any shape.
        axis: the class axis (default: the last one).
        digits: significant decimal digits of the computation (default 60).

    Returns:
        An object array of ``mpmath.mpf``, the shape of ``x``; ``-inf`` logits
        give ``-inf``, NaN rows and all ``-inf`` rows give NaN, in a row with
        ``k`` entries ``+inf`` those give :math:`-\log k` and the rest
        ``-inf``.

    Raises:
        TypeError, ValueError: as :func:`exact_softmax`.

    Example:
        >>> import mpmath
        >>> mpmath.nstr(exact_log_softmax([1000.0, 0.0])[1], 25)
        '-1000.0'
        >>> mpmath.nstr(exact_log_softmax([0.0, 0.0])[0], 25)
        '-0.6931471805599453094172321'
    """
    return _exact_rows(x, axis, digits, _log_softmax_row, keep_axis=True)


def exact_logsumexp(
    x: ArrayLike, axis: int = -1, *, digits: int = 60
) -> np.ndarray:
    r"""Log-sum-exp along ``axis`` computed by mpmath: :math:`m + \log \sum_i
    \exp(z_i - m)`.

    Same conventions as :func:`exact_softmax`; the axis is removed.

    Args:
        x: values of any float dtype, any shape.
        axis: the axis to reduce.
        digits: significant decimal digits of the computation (default 60).

    Returns:
        An object array of ``mpmath.mpf`` with the shape of ``x`` without
        ``axis`` (0-dimensional for a 1-D ``x``). A NaN row gives NaN, a row
        with ``+inf`` gives ``+inf``, an all ``-inf`` row gives ``-inf``.

    Raises:
        TypeError, ValueError: as :func:`exact_softmax`.

    Example:
        >>> import mpmath
        >>> lse = exact_logsumexp([[1000.0, 1000.0], [0.0, -np.inf]])
        >>> lse.shape
        (2,)
        >>> [mpmath.nstr(v, 25) for v in lse]
        ['1000.693147180559945309417', '0.0']
    """
    return _exact_rows(x, axis, digits, _logsumexp_row, keep_axis=False)


def exact_exp(x: ArrayLike, *, digits: int = 60) -> np.ndarray:
    r""":math:`e^{x}` of every entry of ``x``, computed by mpmath at ``digits``
    significant digits.

    Args:
        x: values of any float dtype (integers and booleans as float64), any
            shape.
        digits: significant decimal digits of the computation (default 60).

    Returns:
        An object array of ``mpmath.mpf``, the shape of ``x``:
        ``exp(-inf) = 0``, ``exp(inf) = inf``, ``exp(nan) = nan``.

    Raises:
        TypeError: ``x`` is not real-valued, or ``digits`` is not an integer.
        ValueError: ``digits`` is below 1.

    Example:
        >>> import mpmath
        >>> mpmath.nstr(exact_exp([1.0])[0], 30)
        '2.71828182845904523536028747135'
        >>> correctly_rounded(exact_exp(np.float32([-87.33654])), np.float32)
        array([1.1754997e-38], dtype=float32)
    """
    dps = check_count(digits, "digits", 1, "60 is the default")
    arr = as_float_array(x)
    out = np.empty(arr.shape, dtype=object)
    with mpmath.workdps(dps):
        for index, v in np.ndenumerate(arr):
            # float(v) is exact for float16/32/64
            out[index] = mpmath.exp(mpmath.mpf(float(v)))
    return out


def correctly_rounded(exact: ArrayLike, dtype: Any) -> np.ndarray:
    r"""The floats of ``dtype`` nearest to the exact values, ties to even.

    :math:`\operatorname{fl}(v) = \arg\min_{f \in F} |f - v|`, :math:`F` the
    floats of ``dtype`` (IEEE 754 rounding to nearest, ties to even). Below the
    smallest normal number the spacing is the smallest subnormal; a value at or
    beyond the largest finite number plus half a spacing of the top binade
    rounds to an infinity; a negative value that rounds to zero gives ``-0.0``.
    Infinities and NaN are kept.

    Args:
        exact: exact values, an array of ``mpmath.mpf`` (as the ``exact_*``
            functions return) or of real numbers, any shape.
        dtype: float16, float32 or float64.

    Returns:
        An array of ``dtype``, the shape of ``exact``. Its :func:`ulp_error`
        against ``exact`` is at most 0.5 everywhere.

    Raises:
        TypeError: ``dtype`` is not float16, float32 or float64, or ``exact``
            holds something other than real numbers.

    Example:
        >>> import mpmath
        >>> tie = 1 + mpmath.mpf(2) ** -24  # to the even neighbour
        >>> correctly_rounded([tie], np.float32)
        array([1.], dtype=float32)
        >>> # float16's largest is 65504
        >>> correctly_rounded([65519, 65520], np.float16).tolist()
        [65504.0, inf]
    """
    fmt = _Format(dtype, name="dtype")
    values = np.asarray(exact, dtype=object)
    out = np.empty(values.shape, dtype=fmt.dtype)
    with mpmath.workprec(256):
        for index, v in np.ndenumerate(values):
            out[index] = fmt.round(_as_mpf(v))
    return out


class _Format:
    """The numbers of a binary float format that :func:`ulp_error` and
    :func:`correctly_rounded` need."""

    def __init__(self, dtype: Any, name: str) -> None:
        try:
            self.dtype = np.dtype(dtype)
        except TypeError:
            self.dtype = None
        if self.dtype is None or self.dtype.type not in (
            np.float16,
            np.float32,
            np.float64,
        ):
            raise TypeError(
                f"{name} must be float16, float32 or float64, got {dtype!r}"
            )
        info = np.finfo(self.dtype)
        self.p = info.nmant + 1  # significand bits, the implicit one included
        # floor(log2 |v|) is clamped to [minexp, maxexp - 1]: the subnormal
        # spacing below, the top binade above.
        self.lowest, self.highest = int(info.minexp), int(info.maxexp) - 1
        # The smallest magnitude that rounds to infinity: the largest finite
        # plus half a top-binade spacing.
        self.overflow = mpmath.ldexp(1, int(info.maxexp)) * (
            1 - mpmath.ldexp(1, -self.p - 1)
        )

    def exponent(self, size: mpmath.mpf) -> int:
        """floor(log2 size), clamped to the format's binades (size >= 0; the
        lowest for 0)."""
        # size = f * 2**e, 0.5 <= f < 1
        e = self.lowest if size == 0 else int(mpmath.frexp(size)[1]) - 1
        return min(max(e, self.lowest), self.highest)

    def round(self, v: mpmath.mpf) -> float:
        """v rounded to the nearest float of the format, ties to even, as a
        Python float."""
        if not mpmath.isfinite(v):
            return float(v)
        if abs(v) >= self.overflow:
            return math.copysign(math.inf, v)
        # the spacing at v is 2**step
        step = self.exponent(abs(v)) - self.p + 1
        # nint: ties to even
        r = mpmath.ldexp(mpmath.nint(mpmath.ldexp(v, -step)), step)
        return float(r) if r != 0 else math.copysign(0.0, v)


def _as_mpf(v: Any) -> mpmath.mpf:
    """``v`` (an mpf or a real number) as an mpf of the same value."""
    if isinstance(v, mpmath.mpf):
        return v
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        raise TypeError(
            f"exact must hold mpmath.mpf values or real numbers, got {v!r} "
            f"of type {type(v).__name__}"
        )
    return (
        mpmath.mpf(float(v))
        if isinstance(v, (float, np.floating))
        else mpmath.mpf(int(cast(int, v)))
    )


def ulp_error(
    computed: ArrayLike, exact: ArrayLike, *, log_domain: bool = False
) -> np.ndarray:
    r"""Error of ``computed`` in ulp of its own dtype: :math:`|c - v| /
    \operatorname{ulp}(v)`.

    ``ulp(v)`` is the spacing of ``computed.dtype`` at :math:`|v|`:
    :math:`2^{\lfloor\log_2|v|\rfloor - p + 1}` with ``p`` significand bits,
    the smallest subnormal below the smallest normal number (and for :math:`v =
    0`), the spacing of the top binade above the largest finite number. With
    ``log_domain=True`` the spacing is taken at :math:`\max(|v|, 1)`: the
    measure for log-softmax and log-sum-exp, whose results near 0 are judged
    against the size of the numbers they are computed from.

    Args:
        computed: results to judge, float16, float32 or float64 (integers and
            booleans count as float64).
        exact: reference values, an array (usually of ``mpmath.mpf``, as
            returned by :func:`exact_softmax`) that broadcasts with
            ``computed``.
        log_domain: take the spacing at :math:`\max(|v|, 1)` instead of
            :math:`|v|`.

    Returns:
        A float64 array of the broadcast shape. An infinite or NaN ``computed``
        where ``exact`` is finite gives ``inf``, except an infinity where
        ``exact`` is beyond the dtype's range (it rounds to that infinity): 0.
        Where ``exact`` is infinite or NaN, a ``computed`` equal to it (NaN for
        NaN) gives 0, anything else ``inf``.

    Raises:
        TypeError: ``computed`` is not a real float array, ``exact`` holds
            something other than real numbers, or ``log_domain`` is not a bool.
        ValueError: the shapes do not broadcast.

    Example:
        >>> import numpy as np
        >>> exact = exact_softmax(np.array([0.0, 1.0]))
        >>> p = np.array([0.2689414213699951, 0.7310585786300049])
        >>> ulp_error(p, exact).round(3)
        array([0.303, 0.151])
        >>> ulp_error(np.float32([1.0]), [1 + 2.0**-23])  # one float32 ulp
        array([1.])
        >>> # in the log domain the unit is the spacing at 1
        >>> ulp_error(np.array([-1e-17]), [0.0], log_domain=True).round(3)
        array([0.045])
    """
    if not isinstance(log_domain, (bool, np.bool_)):
        raise TypeError(f"log_domain must be a bool, got {log_domain!r}")
    comp = as_float_array(computed, name="computed")
    ex = np.asarray(exact, dtype=object)
    try:
        comp_b, ex_b = np.broadcast_arrays(comp, ex)
    except ValueError:
        raise ValueError(
            f"computed (shape {comp.shape}) and exact (shape {ex.shape}) "
            "must have broadcastable shapes"
        ) from None
    fmt = _Format(comp.dtype, name="computed")
    p, lowest, highest = fmt.p, fmt.lowest, fmt.highest
    c = comp_b.reshape(-1).astype(np.float64)  # exact for float16/32
    values = [_as_mpf(v) for v in ex_b.reshape(-1)]
    out = np.empty(c.shape, dtype=np.float64)
    with mpmath.workprec(256):
        # Fast path: the exact value as a double-double hi + lo (106 bits),
        # then float64 arithmetic.
        hi, lo, slow = _double_double(values)
        f, k = np.frexp(hi)  # |hi| = |f| * 2**k with 0.5 <= |f| < 1
        # hi rounded up to a power of two
        exponent = k - 1 - ((np.abs(f) == 0.5) & (lo * hi < 0))
        if log_domain:
            exponent = np.maximum(exponent, 0)
        exponent = np.clip(exponent, lowest, highest)
        with np.errstate(over="ignore", invalid="ignore"):
            err = np.ldexp(np.abs((c - hi) - lo), -(exponent - p + 1))
        out[:] = err
        # Slow path, in mpmath: zero, NaN, infinities, values too small or
        # large for a double-double, and every non-finite computed value (an
        # infinity is right where the exact value overflows).
        slow |= ~np.isfinite(c)
        for i in np.flatnonzero(slow):
            out[i] = _one_ulp_error(
                float(c[i]), values[i], fmt, bool(log_domain)
            )
    return out.reshape(comp_b.shape)


def _double_double(values: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each mpf as ``hi + lo`` (two float64, ``hi = float(v)``, 106 bits
    together); ``slow`` marks the values that do not fit: zero, NaN,
    infinities and magnitudes outside ``[2**-960, 2**1000]``."""
    hi, lo, slow = (
        np.zeros(len(values)),
        np.zeros(len(values)),
        np.zeros(len(values), dtype=bool),
    )
    for i, v in enumerate(values):
        # mpmath's low-level functions on the raw tuple: same results, a third
        # of the time
        raw = v._mpf_
        h = libmp.to_float(raw)
        if 2.0**-960 < abs(h) < 2.0**1000:
            hi[i], lo[i] = (
                h,
                libmp.to_float(
                    libmp.mpf_sub(
                        raw, libmp.from_float(h), 53, libmp.round_nearest
                    )
                ),
            )
        else:
            slow[i] = True
    return hi, lo, slow


def _one_ulp_error(
    c: float, v: mpmath.mpf, fmt: _Format, log_domain: bool
) -> float:
    """:func:`ulp_error` for one pair: the computed float ``c`` and the exact
    value ``v``."""
    if not mpmath.isfinite(v):
        same = (np.isnan(c) and mpmath.isnan(v)) or (
            not mpmath.isnan(v) and c == v
        )
        return 0.0 if same else np.inf
    if not np.isfinite(c):
        rounds_to_c = (
            np.isinf(c) and abs(v) >= fmt.overflow and (c > 0) == (v > 0)
        )
        return 0.0 if rounds_to_c else np.inf
    size = abs(v)
    if log_domain and size < 1:
        size = mpmath.mpf(1)
    return float(
        abs(mpmath.mpf(c) - v)
        / mpmath.ldexp(1, fmt.exponent(size) - fmt.p + 1)
    )
