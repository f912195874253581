r"""Sampling the next token: truncation filters, penalties, speculative steps.

A language model's next token is drawn from
:math:`\operatorname{softmax}(\mathbf z / T)` of its logits, usually after
some of the logits have been removed. Every filter here follows one
convention, that of Hugging Face transformers' ``LogitsProcessor`` classes:

* **Logits in, logits out.** A filter takes logits along ``axis`` and returns
  an array of the same shape and dtype (float16, float32 and float64 are
  kept; integers become float64) in which every removed entry is ``-inf``
  and every kept entry is exactly its input. ``sl.softmax`` of the result is
  the truncated, renormalised distribution, and filters compose.
* **Ties are kept together.** Where the rule draws its line between tokens
  of equal logit, all of them are kept (transformers' top-k and typical
  filters do this too, since they compare values; its top-p filter, and
  vLLM's top-k/top-p, break ties by the sort order instead). The result
  therefore never depends on the order of the tokens, and a filter may keep
  more tokens than its parameter names.
* **At least one token survives.** Every filter but :func:`typical` keeps
  the largest logit.
* **Special values.** ``-inf`` entries (already removed) stay ``-inf`` and
  take no part in the rule; a row with a NaN or a ``+inf``, or with no
  finite logit, raises ``ValueError``.

The filters:

* :func:`top_k`: the :math:`k` largest logits (Fan et al., 2018);
* :func:`top_p`: the nucleus, the fewest most probable tokens whose total
  probability reaches :math:`p` (Holtzman et al., 2020);
* :func:`min_p`: the tokens with :math:`p_i \ge p_{\min} \max_j p_j`
  (Nguyen et al., 2025);
* :func:`typical`: the tokens whose surprisal :math:`-\log p_i` is closest
  to the entropy, up to total probability ``mass`` (Meister et al., 2023);
* :func:`top_n_sigma`: the logits within :math:`n` standard deviations of
  the largest (Tang et al., 2024);
* :func:`apply_steps`: temperature and filters in an order the caller
  spells out, since libraries differ in it.

Penalties on the tokens already seen (:func:`token_counts` counts them;
which ids to count is the caller's choice, and libraries differ:
transformers and vLLM's repetition penalty count the prompt too, vLLM's
presence and frequency penalties only the generated tokens, llama.cpp the
last 64 tokens by default): :func:`repetition_penalty` (CTRL's,
multiplicative, as transformers applies it) and
:func:`presence_frequency_penalty` (additive, OpenAI's).

Speculative sampling (Leviathan et al., 2023; Chen et al., 2023): a draft
distribution :math:`\mathbf q` proposes a token, the target
:math:`\mathbf p` accepts it with probability :math:`\min(1, p_x / q_x)`,
and a rejection is replaced by a draw from the residual
:math:`\operatorname{norm}(\max(0, \mathbf p - \mathbf q))`.
:func:`speculative_output_distribution` computes the exact distribution of
the result (it equals :math:`\mathbf p`), :func:`speculative_acceptance_rate`
the probability of acceptance, :func:`speculative_sample` draws.

Example:
    >>> z = np.array([2.0, 1.0, 0.5, -1.0])
    >>> top_k(z, 2)
    array([ 2.,  1., -inf, -inf])
    >>> apply_steps(z, [("temperature", 0.5), ("min_p", 0.1)])
    array([ 4.,  2., -inf, -inf])
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_axis,
    check_count,
    check_not_empty,
    check_probability_rows,
    check_temperature,
)

__all__ = [
    "apply_steps",
    "min_p",
    "presence_frequency_penalty",
    "repetition_penalty",
    "speculative_acceptance",
    "speculative_acceptance_rate",
    "speculative_output_distribution",
    "speculative_residual",
    "speculative_sample",
    "token_counts",
    "top_k",
    "top_n_sigma",
    "top_p",
    "typical",
]


# --- validation --------------------------------------------------------------


def _rows(logits: ArrayLike, axis: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """Check the logits; return (input array, float64 rows (n, K), axis)."""
    arr = as_float_array(logits, "logits")
    ax = check_axis(axis, arr.ndim)
    check_not_empty(arr, ax)
    rows = np.moveaxis(arr, ax, -1).reshape(-1, arr.shape[ax])
    rows = rows.astype(np.float64)
    if np.isnan(rows).any():
        raise ValueError(
            "logits contain NaN; a filter cannot rank a NaN. Remove it, or "
            "set it to -inf to exclude the token"
        )
    if np.isposinf(rows).any():
        raise ValueError(
            "logits contain +inf; such a token takes all the probability. "
            "Use finite logits (or -inf to exclude a token)"
        )
    if np.isneginf(rows).all(axis=1).any():
        raise ValueError(
            "a row of logits is all -inf: no token is left to keep"
        )
    return arr, rows, ax


def _masked(arr: np.ndarray, keep: np.ndarray, ax: int) -> np.ndarray:
    """``arr`` with ``-inf`` where the row mask ``keep`` (n, K) is False."""
    moved_shape = np.moveaxis(arr, ax, -1).shape
    mask = np.moveaxis(keep.reshape(moved_shape), -1, ax)
    return np.where(mask, arr, np.array(-np.inf, dtype=arr.dtype))


def _fraction(
    value: Any, name: str, *, low_open: bool, low: float = 0.0
) -> float:
    """``value`` as a float in (low, 1] (``low_open``) or [low, 1]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Real
    ):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    inside = (low < v <= 1.0) if low_open else (low <= v <= 1.0)
    if not inside:
        interval = f"({low:g}, 1]" if low_open else f"[{low:g}, 1]"
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return v


def _real(value: Any, name: str, *, minimum: float | None = None) -> float:
    """``value`` as a finite float, at least ``minimum`` when given."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Real
    ):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not np.isfinite(v) or (minimum is not None and v < minimum):
        bound = f" and at least {minimum:g}" if minimum is not None else ""
        raise ValueError(f"{name} must be finite{bound}, got {value!r}")
    return v


def _probabilities(rows: np.ndarray) -> np.ndarray:
    """softmax of float64 rows (n, K), -inf entries giving exactly 0."""
    shifted = rows - rows.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


# --- filters -----------------------------------------------------------------


def top_k(logits: ArrayLike, k: int, axis: int = -1) -> np.ndarray:
    r"""Keep the :math:`k` largest logits of each row; the rest become -inf.

    A token is kept when its logit is at least the :math:`k`-th largest, so
    ties with the :math:`k`-th are all kept (as in transformers'
    ``TopKLogitsWarper``). :math:`k \ge K` keeps every token. The kept set
    does not depend on the temperature.

    Args:
        logits: any shape; each slice along ``axis`` is one row.
        k: the number of tokens to keep, an integer of at least 1.
        axis: the axis of the tokens (default: the last one).

    Returns:
        The logits with the removed entries at ``-inf`` (same shape, dtype).

    Raises:
        TypeError: non-real logits; ``k`` not an integer.
        ValueError: ``k`` below 1; a row with a NaN, a ``+inf`` or only
            ``-inf``; a bad ``axis``; an empty row.

    Example:
        >>> top_k([1.0, 3.0, 2.0, 3.0], 2)
        array([-inf,   3., -inf,   3.])
        >>> top_k([1.0, 3.0, 2.0, 2.0], 2)
        array([-inf,   3.,   2.,   2.])
    """
    kk = check_count(k, "k")
    arr, rows, ax = _rows(logits, axis)
    size = rows.shape[1]
    if kk >= size:
        return _masked(arr, np.ones_like(rows, dtype=bool), ax)
    kth = np.partition(rows, size - kk, axis=1)[:, size - kk : size - kk + 1]
    return _masked(arr, rows >= kth, ax)


def _keep_prefix(
    rows: np.ndarray, key: np.ndarray, probs: np.ndarray, mass: float
) -> np.ndarray:
    """Sort each row by ``key`` (ascending); keep the shortest prefix whose
    probability reaches ``mass``, with every token tied with its last."""
    order = np.argsort(key, axis=1, kind="stable")
    sorted_probs = np.take_along_axis(probs, order, axis=1)
    before = np.cumsum(sorted_probs, axis=1) - sorted_probs
    # the number of tokens whose predecessors hold less than `mass`
    count = np.maximum((before < mass).sum(axis=1), 1)
    last = np.take_along_axis(order, (count - 1)[:, None], axis=1)
    threshold = np.take_along_axis(key, last, axis=1)
    return key <= threshold


def top_p(logits: ArrayLike, p: float, axis: int = -1) -> np.ndarray:
    r"""Nucleus (top-p) filter: keep the fewest most probable tokens whose
    probabilities add up to at least :math:`p`.

    With the probabilities sorted, :math:`p_{(1)} \ge p_{(2)} \ge \dots`,
    the nucleus is :math:`\{(1), \dots, (s)\}` for the smallest :math:`s`
    with :math:`p_{(1)} + \dots + p_{(s)} \ge p`: a token is kept when the
    tokens more probable than it hold less than :math:`p`, which is
    transformers' ``TopPLogitsWarper`` rule. Tokens tied with the last one
    kept are kept too. ``p = 1`` keeps every token.

    Args:
        logits: any shape; each slice along ``axis`` is one row.
        p: the probability mass to keep, in :math:`(0, 1]`.
        axis: the axis of the tokens (default: the last one).

    Returns:
        The logits with the removed entries at ``-inf`` (same shape, dtype).

    Raises:
        TypeError: non-real logits or ``p``.
        ValueError: ``p`` outside :math:`(0, 1]`; a row with a NaN, a
            ``+inf`` or only ``-inf``; a bad ``axis``; an empty row.

    Example:
        >>> z = np.log([0.5, 0.3, 0.15, 0.05])
        >>> np.exp(top_p(z, 0.75)).round(2)
        array([0.5, 0.3, 0. , 0. ])
        >>> np.exp(top_p(z, 0.85)).round(2)
        array([0.5 , 0.3 , 0.15, 0.  ])
    """
    pp = _fraction(p, "p", low_open=True)
    arr, rows, ax = _rows(logits, axis)
    if pp == 1.0:
        return _masked(arr, np.ones_like(rows, dtype=bool), ax)
    keep = _keep_prefix(rows, -rows, _probabilities(rows), pp)
    return _masked(arr, keep, ax)


def min_p(logits: ArrayLike, p_min: float, axis: int = -1) -> np.ndarray:
    r"""Min-p filter: keep the tokens with
    :math:`p_i \ge p_{\min} \max_j p_j`.

    In logits the rule reads :math:`z_i \ge \max_j z_j + \log p_{\min}`,
    and that is how it is computed (no probability is formed, so nothing
    underflows). The maximum is always kept; :math:`p_{\min} = 0` keeps
    every token, :math:`p_{\min} = 1` only the most probable ones.
    transformers' ``MinPLogitsWarper`` compares probabilities instead; the
    two agree except for rounding at the boundary.

    Args:
        logits: any shape; each slice along ``axis`` is one row.
        p_min: the fraction of the top probability a token needs, in
            :math:`[0, 1]`.
        axis: the axis of the tokens (default: the last one).

    Returns:
        The logits with the removed entries at ``-inf`` (same shape, dtype).

    Raises:
        TypeError: non-real logits or ``p_min``.
        ValueError: ``p_min`` outside :math:`[0, 1]`; a row with a NaN, a
            ``+inf`` or only ``-inf``; a bad ``axis``; an empty row.

    Example:
        >>> z = np.log([0.5, 0.3, 0.15, 0.05])
        >>> np.exp(min_p(z, 0.25)).round(2)
        array([0.5 , 0.3 , 0.15, 0.  ])
    """
    pm = _fraction(p_min, "p_min", low_open=False)
    arr, rows, ax = _rows(logits, axis)
    if pm == 0.0:
        return _masked(arr, np.ones_like(rows, dtype=bool), ax)
    top = rows.max(axis=1, keepdims=True)
    return _masked(arr, rows - top >= np.log(pm), ax)


def typical(logits: ArrayLike, mass: float, axis: int = -1) -> np.ndarray:
    r"""Locally typical filter (Meister et al., 2023).

    With :math:`H = -\sum_i p_i \log p_i` the entropy of
    :math:`\mathbf p = \operatorname{softmax}(\mathbf z)`, rank the tokens
    by :math:`\lvert -\log p_i - H \rvert`, how far their surprisal is from
    the expected one, and keep the fewest best-ranked tokens whose
    probabilities reach ``mass``, with every token tied with the last one
    kept (transformers' ``TypicalLogitsWarper`` rule). The most probable
    token can be removed; if none would be left, the best-ranked one is
    kept. ``mass = 1`` keeps every token.

    Args:
        logits: any shape; each slice along ``axis`` is one row.
        mass: the probability mass to keep, in :math:`(0, 1]`.
        axis: the axis of the tokens (default: the last one).

    Returns:
        The logits with the removed entries at ``-inf`` (same shape, dtype).

    Raises:
        TypeError: non-real logits or ``mass``.
        ValueError: ``mass`` outside :math:`(0, 1]`; a row with a NaN, a
            ``+inf`` or only ``-inf``; a bad ``axis``; an empty row.

    Example:
        The entropy is 1.47 nats; the two tokens of 0.2 (surprisal 1.61)
        are the most typical, the top one (0.92) is not:

        >>> z = np.log([0.4, 0.2, 0.2, 0.1, 0.1])
        >>> np.exp(typical(z, 0.3)).round(2)
        array([0. , 0.2, 0.2, 0. , 0. ])
    """
    mm = _fraction(mass, "mass", low_open=True)
    arr, rows, ax = _rows(logits, axis)
    if mm == 1.0:
        return _masked(arr, np.ones_like(rows, dtype=bool), ax)
    finite = np.isfinite(rows)
    shifted = rows - rows.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    probs = e / total
    log_p = np.where(finite, shifted - np.log(total), 0.0)
    entropy = -np.sum(probs * log_p, axis=1, keepdims=True)
    distance = np.where(finite, np.abs(-log_p - entropy), np.inf)
    keep = _keep_prefix(rows, distance, probs, mm) & finite
    return _masked(arr, keep, ax)


def top_n_sigma(logits: ArrayLike, n: float, axis: int = -1) -> np.ndarray:
    r"""Top-:math:`n\sigma` filter (Tang et al., 2024): keep
    :math:`z_i \ge \max_j z_j - n\sigma`.

    :math:`\sigma` is the standard deviation of the row's finite logits
    (the population form, divided by their count), as llama.cpp computes
    it. Because tokens already removed (``-inf``) do not count, the result
    depends on the filters run before this one: run it before other
    truncations, as llama.cpp does. Dividing the logits by a temperature
    divides the maximum and :math:`\sigma` alike, so the kept set does not
    depend on the temperature. :math:`n = 0` keeps only the largest logits. (llama.cpp
    reads :math:`n \le 0` as "filter off".)

    Args:
        logits: any shape; each slice along ``axis`` is one row.
        n: the number of standard deviations, a finite number
            :math:`\ge 0`.
        axis: the axis of the tokens (default: the last one).

    Returns:
        The logits with the removed entries at ``-inf`` (same shape, dtype).

    Raises:
        TypeError: non-real logits or ``n``.
        ValueError: ``n`` negative or not finite; a row with a NaN, a
            ``+inf`` or only ``-inf``; a bad ``axis``; an empty row.

    Example:
        >>> top_n_sigma([3.0, 2.0, 0.0, -1.0], 1.0)
        array([ 3.,  2., -inf, -inf])
    """
    nn = _real(n, "n", minimum=0.0)
    arr, rows, ax = _rows(logits, axis)
    finite = np.isfinite(rows)
    count = finite.sum(axis=1, keepdims=True)
    values = np.where(finite, rows, 0.0)
    mean = values.sum(axis=1, keepdims=True) / count
    spread = np.where(finite, rows - mean, 0.0)
    sigma = np.sqrt((spread**2).sum(axis=1, keepdims=True) / count)
    cut = rows.max(axis=1, keepdims=True) - nn * sigma
    return _masked(arr, rows >= cut, ax)


_STEPS = {
    "top_k": top_k,
    "top_p": top_p,
    "min_p": min_p,
    "typical": typical,
    "top_n_sigma": top_n_sigma,
}


def apply_steps(
    logits: ArrayLike,
    steps: Sequence[tuple[str, Any]],
    axis: int = -1,
) -> np.ndarray:
    r"""Apply a temperature and filters in the order given.

    Each step is a pair ``(name, parameter)``, a tuple or a list of two
    (as a JSON configuration gives it): ``("temperature", T)``
    divides the logits by :math:`T`; ``("top_k", k)``, ``("top_p", p)``,
    ``("min_p", p_min)``, ``("typical", mass)`` and ``("top_n_sigma", n)``
    apply the filter of that name. Libraries run these steps in different
    orders (transformers: temperature first; llama.cpp's default chain:
    temperature last), and top-p, min-p and typical give different results
    in different orders, so the order is spelled out here, never implied.
    ``sl.softmax`` of the result is the distribution to sample from.

    Args:
        logits: any shape; each slice along ``axis`` is one row.
        steps: the steps, applied left to right; may be empty.
        axis: the axis of the tokens (default: the last one).

    Returns:
        The processed logits, same shape and dtype, removed entries
        ``-inf``.

    Raises:
        TypeError: a step that is not a (name, parameter) pair; a parameter
            of the wrong type.
        ValueError: an unknown step name; a parameter out of range; bad
            logits, as for the filters.

    Example:
        >>> z = np.log([0.5, 0.3, 0.15, 0.05])
        >>> a = apply_steps(z, [("temperature", 3.0), ("min_p", 0.6)])
        >>> b = apply_steps(z, [("min_p", 0.6), ("temperature", 3.0)])
        >>> int(np.isfinite(a).sum()), int(np.isfinite(b).sum())
        (3, 1)
    """
    arr, _, ax = _rows(logits, axis)
    out = arr.copy()
    for step in steps:
        if (
            isinstance(step, (str, bytes))
            or not isinstance(step, Sequence)
            or len(step) != 2
            or not isinstance(step[0], str)
        ):
            raise TypeError(
                f"each step must be a (name, parameter) pair, got {step!r}"
            )
        name, parameter = step
        if name == "temperature":
            t = check_temperature(parameter)
            out = (out / np.array(t, dtype=out.dtype)).astype(out.dtype)
        elif name in _STEPS:
            out = _STEPS[name](out, parameter, axis=ax)
        else:
            known = ", ".join(["temperature", *_STEPS])
            raise ValueError(f"unknown step {name!r}; the steps are {known}")
    return out


# --- penalties ---------------------------------------------------------------


def token_counts(token_ids: ArrayLike, vocabulary_size: int) -> np.ndarray:
    """How often each token of the vocabulary occurs in ``token_ids``.

    Which ids to count is the caller's decision, and libraries decide
    differently: the prompt and the generated tokens (transformers' and
    vLLM's repetition penalty), the generated tokens only (vLLM's presence
    and frequency penalties), or the last 64 tokens (llama.cpp's default).

    Args:
        token_ids: the ids the caller decides to count (1-D integers, may
            be empty).
        vocabulary_size: the number of tokens :math:`K`.

    Returns:
        An int64 array of length :math:`K`.

    Raises:
        TypeError: non-integer ids or size.
        ValueError: ids outside ``0..K-1``; ids not 1-D; a size below 1.

    Example:
        >>> token_counts([2, 0, 2], 4)
        array([1, 0, 2, 0])
    """
    size = check_count(vocabulary_size, "vocabulary_size")
    ids = np.asarray(token_ids)
    if ids.size == 0:
        return np.zeros(size, dtype=np.int64)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"token_ids must be integers, got dtype {ids.dtype}")
    if ids.ndim != 1:
        raise ValueError(f"token_ids must be 1-D, got shape {ids.shape}")
    if ids.min() < 0 or ids.max() >= size:
        raise ValueError(f"token_ids must lie in 0..{size - 1}")
    return np.bincount(ids, minlength=size).astype(np.int64)


def _counts_for(counts: ArrayLike, shape: tuple[int, ...]) -> np.ndarray:
    c = np.asarray(counts)
    if c.size == 0 and c.ndim <= 1:
        # no history (np.asarray([]) is float64): nothing is penalised
        return np.zeros(shape, dtype=np.int64)
    if c.dtype.kind not in "iu":
        raise TypeError(f"counts must be integers, got dtype {c.dtype}")
    if c.size and c.min() < 0:
        raise ValueError("counts must be non-negative")
    try:
        return np.broadcast_to(c, shape)
    except ValueError:
        raise ValueError(
            f"counts has shape {c.shape}, which does not broadcast to the "
            f"logits' shape {shape}"
        ) from None


def repetition_penalty(
    logits: ArrayLike, counts: ArrayLike, penalty: float
) -> np.ndarray:
    r"""CTRL's repetition penalty, as transformers applies it.

    Every token that occurred (count above 0) has its logit divided by
    ``penalty`` if it is positive and multiplied by it if it is negative
    (``RepetitionPenaltyLogitsProcessor``): with ``penalty > 1`` the token
    becomes less likely whatever the sign. Keskar et al. (2019) divided
    every such logit by the penalty, which makes a negative logit *more*
    likely. Either way the penalty depends on where zero is, so it is **not
    shift-invariant**: adding a constant to all logits leaves the softmax
    unchanged but changes the penalised one.

    Special values pass through: ``-inf`` stays ``-inf`` (a removed token
    stays removed), ``+inf`` and NaN stay as they are.

    Args:
        logits: any shape, the tokens along the last axis.
        counts: non-negative integers broadcastable to ``logits`` (see
            :func:`token_counts`); only ``count > 0`` matters. An empty
            list means no history.
        penalty: a positive, finite number; 1 changes nothing.

    Returns:
        The penalised logits (same shape and dtype).

    Raises:
        TypeError: non-real logits or penalty; non-integer counts.
        ValueError: a penalty that is not positive and finite; negative
            counts or counts that do not broadcast.

    Example:
        >>> repetition_penalty([2.0, -2.0, 1.0], [1, 1, 0], 2.0)
        array([ 1., -4.,  1.])
    """
    z = as_float_array(logits, "logits")
    if isinstance(penalty, (bool, np.bool_)) or not isinstance(
        penalty, numbers.Real
    ):
        raise TypeError(f"penalty must be a real number, got {penalty!r}")
    if not 0 < float(penalty) < np.inf:
        raise ValueError(
            f"penalty must be positive and finite, got {penalty!r}"
        )
    seen = _counts_for(counts, z.shape) > 0
    theta = np.array(penalty, dtype=z.dtype)
    penalised = np.where(z < 0, z * theta, z / theta)
    return np.where(seen, penalised, z).astype(z.dtype)


def presence_frequency_penalty(
    logits: ArrayLike,
    counts: ArrayLike,
    presence: float = 0.0,
    frequency: float = 0.0,
) -> np.ndarray:
    r"""OpenAI's additive penalties:
    :math:`z_i - \alpha_{\mathrm{freq}}\, c_i - \alpha_{\mathrm{pres}}
    [c_i > 0]`.

    :math:`c_i` is how often token :math:`i` occurred. The penalty
    subtracts from each logit an amount that does not depend on the
    logits, so it commutes with adding a constant to all of them: the
    penalised distribution is shift-invariant, unlike
    :func:`repetition_penalty`'s. Negative values reward repetition.
    Special values pass through: ``-inf`` stays ``-inf``, ``+inf`` and NaN
    stay as they are. The subtraction is done in float64 and rounded once,
    so a penalised logit below the dtype's range (float16's is -65504)
    becomes ``-inf``: the token is removed.

    Args:
        logits: any shape, the tokens along the last axis.
        counts: non-negative integers broadcastable to ``logits``; an
            empty list means no history.
        presence: :math:`\alpha_{\mathrm{pres}}`, subtracted once from
            every token that occurred; finite.
        frequency: :math:`\alpha_{\mathrm{freq}}`, subtracted per
            occurrence; finite.

    Returns:
        The penalised logits (same shape and dtype).

    Raises:
        TypeError: non-real logits or penalties; non-integer counts.
        ValueError: a penalty that is not finite; negative counts or counts
            that do not broadcast.

    Example:
        >>> presence_frequency_penalty([2.0, 2.0, 2.0], [0, 1, 3], 0.5, 0.25)
        array([2.  , 1.25, 0.75])
    """
    z = as_float_array(logits, "logits")
    a_pres = _real(presence, "presence")
    a_freq = _real(frequency, "frequency")
    c = _counts_for(counts, z.shape)
    amount = a_freq * c + a_pres * (c > 0)
    # subtract in float64 and round once, so a large count gives a large
    # negative logit, not an overflow in the cast of the amount
    with np.errstate(over="ignore"):
        return (z.astype(np.float64) - amount).astype(z.dtype)


# --- speculative sampling ----------------------------------------------------


def _pair(p: ArrayLike, q: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Check ``p`` and ``q`` in their own dtype (a float32 softmax is held
    to float32's tolerance), then return them as float64."""
    pp = as_float_array(p, "p")
    qq = as_float_array(q, "q")
    if pp.shape != qq.shape:
        raise ValueError(
            f"p and q must have the same shape, got {pp.shape} and {qq.shape}"
        )
    if pp.ndim == 0 or pp.shape[-1] == 0:
        raise ValueError(
            f"p and q need a non-empty token axis (the last), got shape "
            f"{pp.shape}"
        )
    check_probability_rows(pp, "p")
    check_probability_rows(qq, "q")
    return pp.astype(np.float64), qq.astype(np.float64)


def speculative_acceptance(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    r"""The probability :math:`\min(1, p_x / q_x)` of accepting a draft
    token :math:`x`.

    ``p`` is the target model's distribution, ``q`` the draft model's, both
    along the last axis. Where :math:`q_x = 0` the draft never proposes
    :math:`x`; the value there is 1 by convention.

    Raises:
        TypeError: non-real input.
        ValueError: shapes that differ; rows that are not probability
            distributions.

    Example:
        >>> speculative_acceptance([0.5, 0.5, 0.0], [0.25, 0.5, 0.25])
        array([1., 1., 0.])
    """
    return _acceptance(*_pair(p, q))


# The private forms take rows already checked by _pair (float64), so that a
# float32 input checked at its own tolerance is not checked again at
# float64's.


def _acceptance(pp: np.ndarray, qq: np.ndarray) -> np.ndarray:
    # p / q is formed only where p < q, so it cannot overflow
    below = pp < qq
    return np.where(below, pp / np.where(below, qq, 1.0), 1.0)


def _acceptance_rate(pp: np.ndarray, qq: np.ndarray) -> np.ndarray:
    return np.minimum(pp, qq).sum(axis=-1)


def _residual(pp: np.ndarray, qq: np.ndarray) -> np.ndarray:
    excess = np.maximum(0.0, pp - qq)
    total = excess.sum(axis=-1, keepdims=True)
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, excess / safe, pp)


def speculative_acceptance_rate(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    r"""The probability that a draft token is accepted:
    :math:`\beta = \sum_x \min(p_x, q_x) = 1 - \mathrm{TV}(\mathbf p,
    \mathbf q)`.

    :math:`\sum_x q_x \min(1, p_x/q_x) = \sum_x \min(p_x, q_x)`, and
    :math:`\mathrm{TV} = \frac12 \sum_x \lvert p_x - q_x \rvert` is the
    total variation distance.

    Returns:
        One value per row (a 0-d array for 1-D input).

    Raises:
        As :func:`speculative_acceptance`.

    Example:
        >>> p, q = [0.5, 0.5, 0.0], [0.25, 0.5, 0.25]
        >>> float(speculative_acceptance_rate(p, q))
        0.75
    """
    return _acceptance_rate(*_pair(p, q))


def speculative_residual(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    r"""The distribution a rejection resamples from:
    :math:`\operatorname{norm}(\max(0, \mathbf p - \mathbf q))`.

    Where :math:`\mathbf p = \mathbf q` no draft is ever rejected and the
    residual is 0 everywhere; the function then returns ``p`` (any
    distribution would do, since it is never used).

    Raises:
        As :func:`speculative_acceptance`.

    Example:
        >>> speculative_residual([0.5, 0.5, 0.0], [0.25, 0.5, 0.25])
        array([1., 0., 0.])
    """
    return _residual(*_pair(p, q))


def speculative_output_distribution(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    r"""The exact distribution of the token one speculative step emits.

    A token :math:`x` comes out either as an accepted draft, with
    probability :math:`q_x \min(1, p_x / q_x) = \min(p_x, q_x)`, or as the
    replacement after a rejection, with probability
    :math:`(1 - \beta)\, r_x`, where :math:`\beta` is
    :func:`speculative_acceptance_rate` and :math:`\mathbf r`
    :func:`speculative_residual`. Since
    :math:`1 - \beta = \sum_x \max(0, p_x - q_x)`, the sum is
    :math:`\min(p_x, q_x) + \max(0, p_x - q_x) = p_x`: the target
    distribution, whatever the draft (Leviathan et al., 2023). This
    function adds the two terms as computed, so a test can compare the
    result with ``p``.

    Raises:
        As :func:`speculative_acceptance`.

    Example:
        >>> speculative_output_distribution([0.5, 0.5, 0.0], [0.25, 0.5, 0.25])
        array([0.5, 0.5, 0. ])
    """
    pp, qq = _pair(p, q)
    accepted = qq * _acceptance(pp, qq)
    rejected = 1.0 - _acceptance_rate(pp, qq)
    return accepted + rejected[..., None] * _residual(pp, qq)


def speculative_sample(
    p: ArrayLike,
    q: ArrayLike,
    size: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Run ``size`` independent speculative steps for one position.

    Each step draws :math:`x \sim \mathbf q`, accepts it with probability
    :math:`\min(1, p_x / q_x)`, and otherwise draws the output from
    :func:`speculative_residual`.

    Args:
        p: the target distribution, 1-D.
        q: the draft distribution, 1-D, same length.
        size: the number of steps, at least 1.
        rng: a NumPy ``Generator``.

    Returns:
        ``(tokens, accepted)``: the emitted token of each step (int64) and
        whether it was the accepted draft (bool).

    Raises:
        TypeError: non-real input; ``size`` not an integer; ``rng`` not a
            ``Generator``.
        ValueError: ``p`` or ``q`` not 1-D distributions of the same length;
            ``size`` below 1.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> tokens, accepted = speculative_sample(
        ...     [0.5, 0.5, 0.0], [0.25, 0.5, 0.25], 4, rng
        ... )
        >>> tokens.shape, accepted.dtype
        ((4,), dtype('bool'))
    """
    pp, qq = _pair(p, q)
    if pp.ndim != 1:
        raise ValueError(f"p and q must be 1-D, got shape {pp.shape}")
    n = check_count(size, "size")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}"
        )
    k = pp.size
    drafts = rng.choice(k, size=n, p=qq / qq.sum())
    accept = rng.random(n) < _acceptance(pp, qq)[drafts]
    residual = _residual(pp, qq)
    replacements = rng.choice(k, size=n, p=residual / residual.sum())
    tokens = np.where(accept, drafts, replacements).astype(np.int64)
    return tokens, accept
