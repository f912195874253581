r"""The exponential from multiply-adds: :math:`2^x` by range reduction and a
polynomial.

A GPU computes :math:`e^x` on a few *special function units*, far slower than
its matrix units; its fused multiply-add (FMA) units are many. Write
:math:`x = n + f` with :math:`n = \lfloor x \rfloor` and :math:`f \in [0, 1)`:

.. math::
    2^x = 2^n \cdot 2^f ,

where :math:`2^n` only sets the exponent field of the result (``np.ldexp``)
and :math:`2^f \in [1, 2)` is replaced by a polynomial :math:`p(f)`, evaluated
in Horner form :math:`c_0 + f(c_1 + f(c_2 + \dots))`: one multiply-add per
degree. The relative error of :math:`2^x` is then the relative error of
:math:`p` on :math:`[0, 1)`, whatever :math:`x`. The coefficients here
interpolate :math:`2^f` at the Chebyshev nodes of :math:`[0, 1]`, close to the
best (minimax) polynomial of each degree.

**Special values.** ``-inf`` gives 0, ``+inf`` gives ``+inf``, NaN gives NaN;
arguments beyond the format's range overflow to ``inf`` or underflow to 0 (or
a subnormal), as ``np.exp2`` does. float16 input is computed in float32 and
rounded once; float32 stays float32 (every operation rounded to float32, as a
GPU kernel would); anything else numeric becomes float64.

Example:
    >>> import numpy as np
    >>> x = np.array([-1.5, 0.0, 0.25, 3.0])
    >>> bool(np.all(np.abs(exp2_poly(x, 3) / np.exp2(x) - 1) < 2e-4))
    True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import as_float_array, check_count, working_dtype

__all__ = [
    "MAX_DEGREE",
    "exp2_coefficients",
    "exp2_poly",
    "exp_poly",
    "horner",
]

#: The highest polynomial degree offered; higher degrees gain nothing a
#: softmax uses.
MAX_DEGREE = 7


def _check_degree(degree: Any) -> int:
    d = check_count(degree, "degree", 1, "1 is the linear fit")
    if d > MAX_DEGREE:
        raise ValueError(
            f"degree must be at most {MAX_DEGREE}, got {degree!r}; higher "
            "degrees gain nothing in float32 or bfloat16"
        )
    return d


def exp2_coefficients(degree: int) -> np.ndarray:
    r"""Coefficients :math:`c_0, \dots, c_d` of the polynomial of degree
    :math:`d` that interpolates :math:`2^f` at the Chebyshev nodes of
    :math:`[0, 1]`.

    The nodes are :math:`f_k = \tfrac12 (1 - \cos\frac{(2k + 1)\pi}{2(d +
    1)})`, :math:`k = 0, \dots, d`; interpolation there is within a small
    factor of the minimax polynomial, with error about
    :math:`2 (\ln 2)^{d+1} / ((d + 1)!\, 2^{2d + 1})`.

    Args:
        degree: the degree :math:`d`, from 1 to :data:`MAX_DEGREE`.

    Returns:
        A float64 array of :math:`d + 1` coefficients, lowest power first.

    Raises:
        TypeError: ``degree`` is not an integer.
        ValueError: ``degree`` is below 1 or above :data:`MAX_DEGREE`.

    Example:
        >>> exp2_coefficients(1).round(4)  # a line through two nodes
        array([0.9618, 0.9901])
    """
    d = _check_degree(degree)
    nodes = [
        0.5 * (1 - math.cos((2 * k + 1) * math.pi / (2 * (d + 1))))
        for k in range(d + 1)
    ]
    # Newton's divided differences, then the Newton form expanded into powers
    # of f: plain Python floats, so no linear-algebra kernel (whose rounding
    # varies between CPUs) is involved.
    table = [math.pow(2.0, f) for f in nodes]
    newton = [table[0]]
    for level in range(1, d + 1):
        table = [
            (table[i + 1] - table[i]) / (nodes[i + level] - nodes[i])
            for i in range(len(table) - 1)
        ]
        newton.append(table[0])
    coefficients = [newton[d]]
    for j in range(d - 1, -1, -1):  # multiply by (f - node_j), add newton_j
        shifted = [0.0] + coefficients
        scaled = [-nodes[j] * c for c in coefficients] + [0.0]
        coefficients = [a + b for a, b in zip(shifted, scaled)]
        coefficients[0] += newton[j]
    return np.array(coefficients)


def horner(coefficients: ArrayLike, x: ArrayLike) -> np.ndarray:
    r"""Evaluate :math:`c_0 + c_1 x + \dots + c_d x^d` as
    :math:`c_0 + x(c_1 + x(\dots + x c_d))`: one multiply and one add per
    degree.

    Each step rounds in the dtype of ``x`` (float32 stays float32; float16 is
    computed in float32 and rounded once), so the result is what a kernel of
    that precision computes, the same on every CPU.

    Args:
        coefficients: :math:`c_0, \dots, c_d`, lowest power first, at least
            one.
        x: the points, any shape.

    Returns:
        An array of the shape and float dtype of ``x``.

    Raises:
        TypeError: either argument is not real-valued.
        ValueError: ``coefficients`` is empty or not one-dimensional.

    Example:
        >>> horner([1.0, 2.0, 3.0], [0.0, 1.0, 2.0])  # 1 + 2x + 3x^2
        array([ 1.,  6., 17.])
    """
    c = as_float_array(coefficients, "coefficients")
    if c.ndim != 1 or c.size == 0:
        raise ValueError(
            "coefficients must be a 1-D array of at least one number, got "
            f"shape {c.shape}"
        )
    arr = as_float_array(x)
    dtype = working_dtype(arr.dtype)
    t = arr.astype(dtype, copy=False)
    c = c.astype(dtype)
    acc = np.full(t.shape, c[-1], dtype=dtype)
    for coefficient in c[-2::-1]:
        acc = acc * t + coefficient
    return acc.astype(arr.dtype, copy=False)


def exp2_poly(x: ArrayLike, degree: int = 3) -> np.ndarray:
    r""":math:`2^x` by range reduction and a polynomial of the given degree.

    :math:`n = \lfloor x \rfloor`, :math:`f = x - n \in [0, 1)` (exact in
    floating point), :math:`2^x \approx \operatorname{ldexp}(p(f), n)` with
    :math:`p` from :func:`exp2_coefficients` evaluated by :func:`horner`.

    Args:
        x: exponents, any shape.
        degree: the polynomial's degree, 1 to :data:`MAX_DEGREE` (default 3).

    Returns:
        An array of the shape and float dtype of ``x``. Its relative error is
        that of the polynomial on :math:`[0, 1)` plus the rounding of the
        dtype, except where the result is subnormal or overflows. ``-inf``
        gives 0, ``+inf`` gives ``inf``, NaN gives NaN.

    Raises:
        TypeError: ``x`` is not real-valued or ``degree`` not an integer.
        ValueError: ``degree`` is out of range.

    Example:
        >>> exp2_poly([0.5, 10.0, -np.inf, np.inf], degree=5).round(4)
        array([   1.4142, 1023.9999,    0.    ,       inf])
    """
    d = _check_degree(degree)
    arr = as_float_array(x)
    dtype = working_dtype(arr.dtype)
    t = arr.astype(dtype, copy=False)
    finite = np.isfinite(t)
    safe = np.where(finite, t, 0).astype(dtype, copy=False)
    n = np.floor(safe)
    f = (safe - n).astype(dtype, copy=False)  # exact: Sterbenz-like split
    p = horner(exp2_coefficients(d), f)
    # Clip n so that the conversion to int cannot overflow; beyond +-2200 the
    # result is inf or 0 in every float format anyway.
    n_int = np.clip(n, -2200, 2200).astype(np.int64)
    with np.errstate(over="ignore", under="ignore"):
        out = np.ldexp(p, n_int).astype(dtype, copy=False)
    out = np.where(finite, out, np.where(t > 0, np.inf, 0.0))
    out = np.where(np.isnan(t), np.nan, out)
    return out.astype(arr.dtype, copy=False)


def exp_poly(x: ArrayLike, degree: int = 3) -> np.ndarray:
    r""":math:`e^x = 2^{x \log_2 e}` by :func:`exp2_poly`.

    Attention kernels fold :math:`\log_2 e` into the score scale, so the
    multiplication costs nothing there; here it rounds once in the dtype of
    ``x``, which adds a relative error up to :math:`|x \log_2 e| \cdot u` for
    large :math:`|x|` (:math:`u` the unit roundoff).

    Args:
        x: exponents, any shape.
        degree: the polynomial's degree, 1 to :data:`MAX_DEGREE`.

    Returns:
        An array of the shape and float dtype of ``x``.

    Raises:
        TypeError, ValueError: as :func:`exp2_poly`.

    Example:
        >>> float(exp_poly(1.0, degree=5).round(5))
        2.71828
    """
    arr = as_float_array(x)
    dtype = working_dtype(arr.dtype)
    t = arr.astype(dtype, copy=False) * dtype.type(math.log2(math.e))
    return exp2_poly(t, degree).astype(arr.dtype, copy=False)
