"""Input checks shared by every public function: validate once, at the boundary."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

#: Float dtypes whose precision is kept. Everything else numeric becomes float64.
_KEPT_FLOAT_DTYPES = (np.float16, np.float32, np.float64)


def as_float_array(x: Any, name: str = "x") -> np.ndarray:
    """Return ``x`` as a floating-point ndarray, or raise a ``TypeError`` naming ``name``.

    float16/32/64 keep their dtype; booleans and integers become float64.
    Complex, string, object and other non-numeric input is rejected.
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists, for example
        raise TypeError(
            f"{name} must be an array of real numbers; could not convert it: {err}"
        ) from None
    if arr.dtype.type in _KEPT_FLOAT_DTYPES:
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind == "c":
        raise TypeError(
            f"{name} must be real; got complex dtype {arr.dtype}. Pass x.real or np.abs(x) if that is what you mean."
        )
    if arr.dtype.kind == "f":  # longdouble and other extended floats
        raise TypeError(
            f"{name} has dtype {arr.dtype}; use float16, float32 or float64"
        )
    raise TypeError(
        f"{name} must be an array of real numbers; got dtype {arr.dtype}"
    )


def check_axis(axis: Any, ndim: int, name: str = "axis") -> int:
    """Return ``axis`` as a non-negative index into an array of ``ndim`` dimensions."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(
        axis, numbers.Integral
    ):
        raise TypeError(f"{name} must be an integer, got {axis!r}")
    if ndim == 0:
        raise ValueError(
            "x is a scalar (0 dimensions); softmax needs at least one axis. Wrap it: [x]"
        )
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{name}={axis} is out of range for an array with {ndim} dimension(s); valid values are {-ndim}..{ndim - 1}"
        )
    return int(axis) % ndim


def check_class_axis(arr: np.ndarray, name: str) -> None:
    """Raise unless ``arr`` has a last axis (the classes) of length at least 1."""
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
            f"x has length 0 along axis {axis} (shape {x.shape}); softmax needs at least one logit per row"
        )


def check_temperature(temperature: Any) -> float:
    """Return ``temperature`` as a float, or raise unless it is a finite positive real number."""
    if isinstance(temperature, (bool, np.bool_)) or not isinstance(
        temperature, numbers.Real
    ):
        raise TypeError(
            f"temperature must be a real number, got {temperature!r}"
        )
    if not 0 < temperature < np.inf:  # also False for NaN
        raise ValueError(
            f"temperature must be a positive, finite number, got {temperature!r}"
        )
    return float(temperature)


def check_probability_rows(p: np.ndarray, name: str, axis: int = -1) -> None:
    """Raise ``ValueError`` unless every row of ``p`` along ``axis`` is a probability distribution.

    Entries must be finite and non-negative and each row must sum to 1 within
    ``sqrt(eps)`` of the dtype (about 1.5e-8 for float64, 3.5e-4 for float32).
    """
    if not np.all(np.isfinite(p)):
        raise ValueError(
            f"{name} must be finite probabilities; it contains NaN or inf"
        )
    if np.any(p < 0):
        raise ValueError(
            f"{name} must be probabilities, but it has a negative entry ({p.min()!r})"
        )
    sums = np.sum(p, axis=axis, dtype=np.float64)
    tolerance = np.sqrt(np.finfo(p.dtype).eps)
    bad = np.abs(sums - 1.0) > tolerance
    if np.any(bad):
        first = np.argwhere(bad)[0]
        raise ValueError(
            f"each row of {name} must sum to 1 (a probability distribution), but row {tuple(int(i) for i in first)} "
            f"sums to {float(sums[tuple(first)]):.6g}. Did you pass logits where probabilities are expected?"
        )


def working_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype to compute in: float16 is computed in float32 and rounded once at the end."""
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def check_accurate(accurate: Any) -> bool:
    """Return ``accurate`` as a bool, or raise ``TypeError`` unless it is one (``True`` or ``False``)."""
    if not isinstance(accurate, (bool, np.bool_)):
        raise TypeError(f"accurate must be True or False, got {accurate!r}")
    return bool(accurate)


def check_count(
    value: Any, name: str, minimum: int = 1, hint: str = ""
) -> int:
    """Return ``value`` as an int, or raise unless it is an integer of at least ``minimum``.

    ``hint`` (for example ``"60 is the default"``) is added to the message in parentheses.
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
