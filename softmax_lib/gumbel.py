r"""Sampling from softmax with Gumbel noise, and its relaxation.

* ``gumbel_max``: :math:`\arg\max_i (z_i + G_i)`, :math:`G_i` i.i.d.
  standard Gumbel, is a sample from :math:`\operatorname{softmax}(\mathbf
  z)`.
* ``gumbel_top_k``: the indices of the :math:`k` largest :math:`z_i + G_i`
  are :math:`k` samples **without replacement** (Kool, van Hoof & Welling,
  2019).
* ``gumbel_softmax``: :math:`\operatorname{softmax}((\mathbf z + \mathbf
  G)/\tau)`, the Gumbel-softmax or Concrete relaxation (Jang et al., 2017;
  Maddison et al., 2017); ``hard=True`` returns the one-hot arg-max, whose
  straight-through gradient is that of the soft sample:
  ``gumbel_softmax_grad``.

Logits are validated as in :mod:`softmax_lib.core`. A ``-inf`` logit is a
masked entry (never sampled); NaN or ``+inf`` logits, or a row with no entry
above ``-inf``, raise ``ValueError``: there is no distribution to sample.
``rng`` is a ``numpy.random.Generator``, or a seed for
``numpy.random.default_rng``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_axis,
    check_bool,
    check_count,
    check_not_empty,
    check_temperature,
)
from softmax_lib.core import softmax

__all__ = [
    "gumbel_max",
    "gumbel_softmax",
    "gumbel_softmax_grad",
    "gumbel_top_k",
]

Seed = np.random.Generator | int | None


def _generator(rng: Any) -> np.random.Generator:
    """``rng`` as a Generator; raise ``TypeError`` for anything else."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (
        isinstance(rng, numbers.Integral)
        and not isinstance(rng, (bool, np.bool_))
    ):
        return np.random.default_rng(None if rng is None else int(rng))
    raise TypeError(
        f"rng must be a numpy.random.Generator, an integer seed or None, "
        f"got {rng!r}"
    )


def _logits(x: ArrayLike, axis: Any) -> tuple[np.ndarray, int]:
    """Validate logits for sampling; return them with ``axis`` moved last."""
    arr = as_float_array(x, "logits")
    ax = check_axis(axis, arr.ndim)
    check_not_empty(arr, ax)
    if np.isnan(arr).any() or np.isposinf(arr).any():
        raise ValueError(
            "logits contain NaN or +inf: there is no distribution to sample "
            "from (-inf masks an entry)"
        )
    if np.all(np.isneginf(arr), axis=ax).any():
        raise ValueError(
            "a row of logits is all -inf: every entry is masked, nothing can "
            "be sampled"
        )
    return np.moveaxis(arr, ax, -1), ax


def gumbel_max(
    logits: ArrayLike,
    *,
    num_samples: int | None = None,
    axis: int = -1,
    rng: Seed = None,
) -> np.ndarray:
    r"""Sample class indices from :math:`\operatorname{softmax}(\mathbf z)`
    by the Gumbel-max trick: :math:`\arg\max_i (z_i + G_i)`.

    Needs no normalisation, no exponential and no cumulative sum: only noise
    and an arg-max, which is why it works on unnormalised log-weights.

    Args:
        logits: any shape; each slice along ``axis`` is one distribution.
        num_samples: ``None`` (default) for one sample per row, or a count
            :math:`n \ge 1` of independent samples, stacked on a new first
            axis.
        axis: the axis that holds the classes (default: the last one).
        rng: a ``numpy.random.Generator`` or an integer seed.

    Returns:
        Integer indices (``intp``) of shape ``logits.shape`` without
        ``axis``, or ``(num_samples, *that)``.

    Raises:
        TypeError: non-real logits; a bad ``axis``, ``num_samples`` or
            ``rng`` type.
        ValueError: NaN or ``+inf`` logits, an all ``-inf`` row, an empty
            axis, ``num_samples < 1``.

    Example:
        >>> z = np.log([0.7, 0.2, 0.1])
        >>> draws = gumbel_max(z, num_samples=100_000, rng=0)
        >>> np.bincount(draws).round(-3) / 100_000
        array([0.7, 0.2, 0.1])
    """
    z, _ = _logits(logits, axis)
    gen = _generator(rng)
    shape = z.shape
    if num_samples is not None:
        shape = (check_count(num_samples, "num_samples"), *shape)
    noise = gen.gumbel(size=shape).astype(z.dtype)
    return np.argmax(z + noise, axis=-1)


def gumbel_top_k(
    logits: ArrayLike, k: int, *, axis: int = -1, rng: Seed = None
) -> np.ndarray:
    r"""Sample ``k`` distinct classes without replacement: the indices of the
    ``k`` largest :math:`z_i + G_i`, largest first.

    The first index is a sample from :math:`\operatorname{softmax}(\mathbf
    z)`, the second a sample from the softmax of the rest, and so on: the
    order of drawing one class at a time, renormalising each time (Kool, van
    Hoof & Welling, 2019), for the cost of one perturbation and one partial
    sort.

    Args:
        logits: any shape; each slice along ``axis`` is one distribution.
        k: how many classes to draw, :math:`1 \le k \le` the number of
            entries above ``-inf`` in every row.
        axis: the axis that holds the classes (default: the last one).
        rng: a ``numpy.random.Generator`` or an integer seed.

    Returns:
        Integer indices of shape ``logits.shape`` without ``axis``, plus a
        last axis of length ``k``: the draws in order.

    Raises:
        TypeError: non-real logits; ``k`` not an integer; a bad ``rng``.
        ValueError: NaN or ``+inf`` logits; ``k < 1``; a row with fewer than
            ``k`` entries above ``-inf``.

    Example:
        >>> gumbel_top_k([0.0, 0.0, -np.inf, 0.0], 3, rng=0).tolist()
        [3, 1, 0]
    """
    z, _ = _logits(logits, axis)
    count = check_count(k, "k")
    available = int(np.min(np.sum(~np.isneginf(z), axis=-1)))
    if count > available:
        raise ValueError(
            f"k={count} draws without replacement need {count} entries above "
            f"-inf in every row; a row has only {available}"
        )
    gen = _generator(rng)
    keys = z + gen.gumbel(size=z.shape).astype(z.dtype)
    top = np.argpartition(-keys, count - 1, axis=-1)[..., :count]
    order = np.argsort(-np.take_along_axis(keys, top, axis=-1), axis=-1)
    return np.take_along_axis(top, order, axis=-1)


def gumbel_softmax(
    logits: ArrayLike,
    temperature: float = 1.0,
    *,
    hard: bool = False,
    axis: int = -1,
    rng: Seed = None,
) -> np.ndarray:
    r"""A Gumbel-softmax (Concrete) sample: :math:`\mathbf y =
    \operatorname{softmax}((\mathbf z + \mathbf G)/\tau)`.

    A point inside the simplex that approaches the one-hot Gumbel-max sample
    as :math:`\tau \to 0` and is differentiable in :math:`\mathbf z` (Jang,
    Gu & Poole, 2017; Maddison, Mnih & Teh, 2017). With ``hard=True`` the
    result is the one-hot vector of :math:`\arg\max_i y_i` (the Gumbel-max
    sample); a framework's straight-through estimator passes the gradient of
    the soft :math:`\mathbf y` through it (:func:`gumbel_softmax_grad`), as
    ``torch.nn.functional.gumbel_softmax(hard=True)`` does.

    Args:
        logits: any shape; each slice along ``axis`` is one distribution.
        temperature: :math:`\tau > 0`, finite.
        hard: ``False`` (default): the soft sample; ``True``: its one-hot
            arg-max.
        axis: the axis that holds the classes (default: the last one).
        rng: a ``numpy.random.Generator`` or an integer seed.

    Returns:
        An array of ``logits``' shape and float dtype; each row sums to 1.

    Raises:
        TypeError: non-real logits; ``temperature`` not a real number;
            ``hard`` not a bool; a bad ``axis`` or ``rng``.
        ValueError: NaN or ``+inf`` logits, an all ``-inf`` row;
            ``temperature`` not positive and finite.

    Example:
        >>> y = gumbel_softmax([1.0, 2.0, 3.0], 0.5, rng=0)
        >>> bool(np.isclose(y.sum(), 1)), int(y.argmax())
        (True, 2)
        >>> gumbel_softmax([1.0, 2.0, 3.0], 0.5, hard=True, rng=0)
        array([0., 0., 1.])
    """
    z, ax = _logits(logits, axis)
    t = check_temperature(temperature)
    hard = check_bool(hard, "hard")
    gen = _generator(rng)
    noise = gen.gumbel(size=z.shape).astype(z.dtype)
    y = np.asarray(softmax(z + noise, axis=-1, temperature=t))
    if hard:
        y = (
            np.arange(z.shape[-1]) == np.argmax(y, axis=-1)[..., None]
        ).astype(y.dtype)
    return np.moveaxis(y, -1, ax)


def gumbel_softmax_grad(
    y_soft: ArrayLike,
    grad_output: ArrayLike,
    temperature: float = 1.0,
    *,
    axis: int = -1,
) -> np.ndarray:
    r"""The gradient with respect to the logits of a loss through a
    Gumbel-softmax sample, from the soft sample :math:`\mathbf y`.

    With :math:`\mathbf g = \partial L / \partial \mathbf y`, the chain rule
    through :math:`\operatorname{softmax}((\mathbf z + \mathbf G)/\tau)`
    gives :math:`\partial L/\partial z_i = y_i (g_i - \langle \mathbf g,
    \mathbf y\rangle)/\tau` (the noise is a constant). This is also the
    straight-through gradient of the **hard** sample: the forward pass uses
    the one-hot vector, the backward pass this formula with the soft
    :math:`\mathbf y` it came from.

    Args:
        y_soft: soft samples, any shape: rows on the simplex, as
            :func:`gumbel_softmax` returns them (not checked; any finite
            rows give the product with the softmax Jacobian at ``y_soft``).
        grad_output: :math:`\mathbf g`, the same shape.
        temperature: the :math:`\tau` the sample was drawn with.
        axis: the axis that holds the classes (default: the last one).

    Returns:
        :math:`\partial L / \partial \mathbf z`, of ``y_soft``'s shape.

    Raises:
        TypeError: non-real input; bad ``temperature`` or ``axis`` type.
        ValueError: shapes differ; a NaN or infinite entry; ``temperature``
            not positive and finite; ``axis`` out of range.

    Example:
        >>> gumbel_softmax_grad([0.5, 0.5], [1.0, 0.0])
        array([ 0.25, -0.25])
    """
    y = as_float_array(y_soft, "y_soft")
    g = as_float_array(grad_output, "grad_output")
    if y.shape != g.shape:
        raise ValueError(
            f"y_soft has shape {y.shape} but grad_output has shape {g.shape}"
        )
    ax = check_axis(axis, y.ndim)
    t = check_temperature(temperature)
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(g))):
        raise ValueError("y_soft and grad_output must be finite (no NaN, inf)")
    inner = np.sum(g * y, axis=ax, keepdims=True)
    return np.asarray(y * (g - inner) / t, dtype=np.result_type(y, g))
