"""Input checks shared by every public function: validate once, at the
boundary."""

from __future__ import annotations

import numbers
import os
from typing import Any, cast

import numpy as np

#: Float dtypes whose precision is kept. Everything else numeric becomes
#: float64.
_KEPT_FLOAT_DTYPES = (np.float16, np.float32, np.float64)


def as_float_array(x: Any, name: str = "x") -> np.ndarray:
    """Return ``x`` as a floating-point ndarray, or raise a ``TypeError``
    naming ``name``.

    float16/32/64 keep their dtype; booleans and integers become float64.
    Complex, string, object and other non-numeric input is rejected.
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists, for example
        raise TypeError(
            f"{name} must be an array of real numbers; could not convert it: "
            f"{err}"
        ) from None
    if arr.dtype.type in _KEPT_FLOAT_DTYPES:
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind == "c":
        raise TypeError(
            f"{name} must be real; got complex dtype {arr.dtype}. Pass "
            "x.real or np.abs(x) if that is what you mean."
        )
    if arr.dtype.kind == "f":  # longdouble and other extended floats
        raise TypeError(
            f"{name} has dtype {arr.dtype}; use float16, float32 or float64"
        )
    raise TypeError(
        f"{name} must be an array of real numbers; got dtype {arr.dtype}"
    )


#: Complex dtypes that :func:`~softmax_lib.logsumexp` keeps.
_KEPT_COMPLEX_DTYPES = (np.complex64, np.complex128)


def as_numeric_array(x: Any, name: str = "x") -> np.ndarray:
    """Return ``x`` as an ndarray of a real or complex dtype, or raise.

    As :func:`as_float_array`, but complex64 and complex128 are kept
    (booleans and integers are left as they are, for dtype promotion).
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:
        raise TypeError(
            f"{name} must be an array of numbers; could not convert it: {err}"
        ) from None
    if arr.dtype.type in _KEPT_COMPLEX_DTYPES or arr.dtype.kind in "biu":
        return arr
    if arr.dtype.kind == "c":
        raise TypeError(
            f"{name} has dtype {arr.dtype}; use complex64 or complex128"
        )
    return as_float_array(arr, name)


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as a bool, or raise ``TypeError`` unless it is
    one."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_axis(axis: Any, ndim: int, name: str = "axis") -> int:
    """Return ``axis`` as a non-negative index into an array of ``ndim``
    dimensions."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(
        axis, numbers.Integral
    ):
        raise TypeError(f"{name} must be an integer, got {axis!r}")
    if ndim == 0:
        raise ValueError(
            "x is a scalar (0 dimensions); softmax needs at least one axis. "
            "Wrap it: [x]"
        )
    if not -ndim <= cast(int, axis) < ndim:
        raise ValueError(
            f"{name}={axis} is out of range for an array with {ndim} "
            f"dimension(s); valid values are {-ndim}..{ndim - 1}"
        )
    return int(axis) % ndim


def check_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """Return ``axis`` (SciPy's meaning) as a sorted tuple of non-negative
    axes.

    An integer names one axis; ``None`` names every axis (a 0-d ``x`` is then
    one row of one element, and the result is ``()``); a tuple of integers
    names the union of its axes, each at most once.
    """
    if axis is None:
        return tuple(range(ndim))
    if not isinstance(axis, tuple):
        if isinstance(axis, (bool, np.bool_)) or not isinstance(
            axis, numbers.Integral
        ):
            raise TypeError(
                f"axis must be an integer, a tuple of integers or None; "
                f"got {axis!r}"
            )
        return (check_axis(axis, ndim),)
    if not axis:
        raise ValueError(
            "axis=() names no axis; give an integer, a tuple of integers "
            "or None (every axis)"
        )
    for a in axis:
        if isinstance(a, (bool, np.bool_)) or not isinstance(
            a, numbers.Integral
        ):
            raise TypeError(
                f"axis must be an integer, a tuple of integers or None; "
                f"got {axis!r}"
            )
    axes = tuple(check_axis(a, ndim) for a in axis)
    if len(set(axes)) != len(axes):
        raise ValueError(f"axis={axis!r} names the same axis more than once")
    return tuple(sorted(axes))


def check_where(where: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Return the mask ``where`` broadcast to ``shape``, or raise.

    ``where`` must be a boolean array (or nested lists of bools) that
    broadcasts to the shape of ``x`` without changing it.
    """
    mask = np.asarray(where)
    if mask.dtype != np.bool_:
        raise TypeError(
            f"where must be a boolean array (True: take part), got dtype "
            f"{mask.dtype}"
        )
    try:
        return np.broadcast_to(mask, shape)
    except ValueError:
        raise ValueError(
            f"where has shape {mask.shape}, which does not broadcast to the "
            f"shape of x, {shape}"
        ) from None


def check_workers(workers: Any) -> int:
    """Return the number of threads ``workers`` asks for (``scipy.fft``'s
    rule).

    ``None`` is 1; a positive integer is itself; a negative one counts back
    from the number of CPUs (``-1``: all of them). ``0`` is an error.
    """
    if workers is None:
        return 1
    if isinstance(workers, (bool, np.bool_)) or not isinstance(
        workers, numbers.Integral
    ):
        raise TypeError(f"workers must be an integer or None, got {workers!r}")
    n = int(workers)
    if n == 0:
        raise ValueError(
            "workers=0 asks for no thread; give a positive count, or -1 "
            "for every CPU"
        )
    if n < 0:
        cpus = os.cpu_count() or 1
        if -n > cpus:
            raise ValueError(
                f"workers={n} asks for more than the {cpus} CPU(s) there "
                f"are (-1 is all of them)"
            )
        n = cpus + 1 + n
    return n


def check_class_axis(arr: np.ndarray, name: str) -> None:
    """Raise unless ``arr`` has a last axis (the classes) of length >= 1."""
    if arr.ndim == 0:
        raise ValueError(
            f"{name} must have a class axis (the last one); got a scalar"
        )
    if arr.shape[-1] == 0:
        raise ValueError(f"{name} have no classes (shape {arr.shape})")


def check_not_empty(x: np.ndarray, axis: int) -> None:
    """Raise if there is nothing to normalise along ``axis``."""
    if x.shape[axis] == 0:
        raise ValueError(
            f"x has length 0 along axis {axis} (shape {x.shape}); softmax "
            "needs at least one logit per row"
        )


def check_temperature(temperature: Any) -> float:
    """Return ``temperature`` as a float, or raise unless it is a finite
    positive real number."""
    if isinstance(temperature, (bool, np.bool_)) or not isinstance(
        temperature, numbers.Real
    ):
        raise TypeError(
            f"temperature must be a real number, got {temperature!r}"
        )
    if not 0 < cast(float, temperature) < np.inf:  # also False for NaN
        raise ValueError(
            "temperature must be a positive, finite number, got "
            f"{temperature!r}"
        )
    return float(temperature)


def check_probability_rows(p: np.ndarray, name: str, axis: int = -1) -> None:
    """Raise ``ValueError`` unless every row of ``p`` along ``axis`` is a
    probability distribution.

    Entries must be finite and non-negative and each row must sum to 1 within
    ``sqrt(eps)`` of the dtype (about 1.5e-8 for float64, 3.5e-4 for float32).
    """
    if not np.all(np.isfinite(p)):
        raise ValueError(
            f"{name} must be finite probabilities; it contains NaN or inf"
        )
    if np.any(p < 0):
        raise ValueError(
            f"{name} must be probabilities, but it has a negative entry "
            f"({p.min()!r})"
        )
    sums = np.sum(p, axis=axis, dtype=np.float64)
    tolerance = np.sqrt(np.finfo(p.dtype).eps)
    bad = np.abs(sums - 1.0) > tolerance
    if np.any(bad):
        first = np.argwhere(bad)[0]
        total = float(cast(np.ndarray, sums)[tuple(first)])
        which = (
            "the row"
            if first.size == 0
            else f"row {tuple(int(i) for i in first)}"
        )
        raise ValueError(
            f"each row of {name} must sum to 1 (a probability distribution), "
            f"but {which} sums to {total:.6g} (off by {total - 1.0:.3g}, "
            f"tolerance {float(tolerance):.3g} for {p.dtype}). Did you pass "
            "logits where probabilities are expected?"
        )


def working_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype to compute in: float16 is computed in float32 and rounded once
    at the end."""
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def check_accurate(accurate: Any) -> bool:
    """Return ``accurate`` as a bool, or raise ``TypeError`` unless it is one
    (``True`` or ``False``)."""
    if not isinstance(accurate, (bool, np.bool_)):
        raise TypeError(f"accurate must be True or False, got {accurate!r}")
    return bool(accurate)


def check_count(
    value: Any, name: str, minimum: int = 1, hint: str = ""
) -> int:
    """Return ``value`` as an int, or raise unless it is an integer of at least
    ``minimum``.

    ``hint`` (for example ``"60 is the default"``) is added to the message in
    parentheses.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Integral
    ):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        note = f" ({hint})" if hint else ""
        raise ValueError(
            f"{name} must be at least {minimum}{note}, got {value!r}"
        )
    return int(value)
