r"""Softmax as a policy: Boltzmann exploration, the score function, soft
values, the KL-regularised optimum, DPO's loss and the KL estimators of RL.

A softmax policy over :math:`K` actions with preferences (logits)
:math:`\mathbf z` is :math:`\pi = \operatorname{softmax}(\mathbf z / T)`.
Every function works on the last axis (the actions) of an array of any shape
and keeps float32 as float32; integers and booleans become float64.

**Special values.** ``-inf`` preferences (forbidden actions) get probability
0, as in :func:`softmax_lib.core.softmax`; a NaN anywhere in a row makes the
row's result NaN. Non-numeric input raises ``TypeError``; a bad temperature,
``alpha`` or ``beta`` raises ``ValueError``.

Example:
    >>> import numpy as np
    >>> pi = boltzmann_policy([1.0, 2.0, 3.0])
    >>> bool(np.allclose(score_function([1.0, 2.0, 3.0], 2), [0, 0, 1] - pi))
    True
"""

from __future__ import annotations

import numbers
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_class_axis,
    check_probability_rows,
    check_temperature,
)
from softmax_lib.core import logsumexp, softmax

__all__ = [
    "boltzmann_policy",
    "dpo_loss",
    "kl_estimator",
    "kl_regularised_policy",
    "sample_actions",
    "score_function",
    "soft_value",
]

KLKind = Literal["k1", "k2", "k3"]


def _check_positive(value: Any, name: str) -> float:
    """Return ``value`` as a float, or raise unless it is a positive, finite
    real number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Real
    ):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not 0 < cast(float, value) < np.inf:  # also False for NaN
        raise ValueError(
            f"{name} must be a positive, finite number, got {value!r}"
        )
    return float(value)


def _logits(x: ArrayLike, name: str) -> np.ndarray:
    """``x`` as a float array with a non-empty last axis (the actions)."""
    arr = as_float_array(x, name)
    check_class_axis(arr, name)
    return arr


def boltzmann_policy(
    preferences: ArrayLike, temperature: float = 1.0
) -> np.ndarray:
    r"""The Boltzmann (softmax) policy
    :math:`\pi(a) = e^{z_a / T} / \sum_b e^{z_b / T}` over the last axis.

    With action values :math:`Q` as preferences and :math:`T = \alpha` this
    is soft Q-learning's policy :math:`\pi \propto \exp(Q / \alpha)`.

    Args:
        preferences: logits or action values, shape ``(..., K)``.
        temperature: :math:`T > 0`; small is greedy, large is uniform.

    Returns:
        The probabilities, the shape of ``preferences``.

    Raises:
        TypeError: non-numeric ``preferences`` or ``temperature``.
        ValueError: no actions, or a temperature that is not positive and
            finite.

    Example:
        >>> boltzmann_policy([0.0, np.log(3.0)]).round(4)
        array([0.25, 0.75])
    """
    z = _logits(preferences, "preferences")
    t = check_temperature(temperature)
    return softmax(z, axis=-1, temperature=t)


def score_function(logits: ArrayLike, actions: ArrayLike) -> np.ndarray:
    r"""The score :math:`\nabla_{\mathbf z} \log \pi(a) = \mathbf e_a - \pi`
    of a softmax policy :math:`\pi = \operatorname{softmax}(\mathbf z)`.

    Row :math:`a` of the Jacobian of :math:`\log \operatorname{softmax}`:
    the one-hot vector of the action taken minus the policy.

    Args:
        logits: shape ``(..., K)``.
        actions: integer actions in ``0..K-1``, shape ``logits.shape[:-1]``.

    Returns:
        The gradients, shape ``(..., K)``; each row sums to 0.

    Raises:
        TypeError: non-numeric logits or non-integer actions.
        ValueError: shapes that do not match, an action out of range, or an
            action whose logit is ``-inf`` (it cannot be taken). A NaN in a
            row makes that row NaN.

    Example:
        >>> score_function([0.0, 0.0], 1)
        array([-0.5,  0.5])
    """
    z = _logits(logits, "logits")
    a = np.asarray(actions)
    if a.dtype.kind not in "iu":
        raise TypeError(f"actions must be integers, got dtype {a.dtype}")
    if a.shape != z.shape[:-1]:
        raise ValueError(
            f"actions has shape {a.shape}; it must be logits.shape[:-1] = "
            f"{z.shape[:-1]} (one action per row)"
        )
    k = z.shape[-1]
    if a.size and (a.min() < 0 or a.max() >= k):
        bad = a.min() if a.min() < 0 else a.max()
        raise ValueError(
            f"actions holds {bad}, but there are {k} actions (0..{k - 1})"
        )
    grad = -softmax(z, axis=-1)
    index = a[..., None].astype(np.intp)
    taken_logit = np.take_along_axis(z, index, axis=-1)
    if np.any(np.isneginf(taken_logit)):
        row = tuple(int(i) for i in np.argwhere(np.isneginf(taken_logit))[0])
        raise ValueError(
            f"actions takes a forbidden action (logit -inf, probability 0) "
            f"in row {row[:-1]}; its log-probability is -inf"
        )
    taken = np.take_along_axis(grad, index, axis=-1)
    np.put_along_axis(grad, index, taken + 1, axis=-1)
    return grad


def soft_value(q: ArrayLike, alpha: float = 1.0) -> Any:
    r"""The soft value :math:`V = \alpha \log \sum_a e^{Q(a)/\alpha}` over
    the last axis.

    A smooth maximum: :math:`\max Q \le V \le \max Q + \alpha \log K`, and
    :math:`V \to \max Q` as :math:`\alpha \to 0`. Its gradient is the
    Boltzmann policy :math:`\pi \propto e^{Q/\alpha}`.

    Args:
        q: action values, shape ``(..., K)``.
        alpha: the entropy weight (temperature) :math:`\alpha > 0`.

    Returns:
        The values, shape ``q.shape[:-1]`` (a scalar for one row).

    Raises:
        TypeError: non-numeric ``q`` or ``alpha``.
        ValueError: no actions, or ``alpha`` not positive and finite.

    Example:
        >>> float(soft_value([1.0, 1.0], alpha=0.5))  # 1 + 0.5 log 2
        1.3465735902799727
    """
    z = _logits(q, "q")
    a = _check_positive(alpha, "alpha")
    return a * logsumexp(z / a, axis=-1)


def kl_regularised_policy(
    reward: ArrayLike, reference: ArrayLike, beta: float
) -> np.ndarray:
    r"""The maximiser of
    :math:`\mathbb E_\pi[r] - \beta\,\mathrm{KL}(\pi \,\|\, \pi_{\mathrm{ref}})`
    over the simplex: :math:`\pi^* \propto \pi_{\mathrm{ref}}\, e^{r/\beta}`.

    Computed as :math:`\operatorname{softmax}(\log \pi_{\mathrm{ref}} +
    r / \beta)`; actions the reference never takes keep probability 0.

    Args:
        reward: rewards, shape ``(..., K)``.
        reference: the reference policy, rows of probabilities (summing to 1)
            that broadcast against ``reward``.
        beta: the KL weight :math:`\beta > 0`.

    Returns:
        The optimal policy, the broadcast shape.

    Raises:
        TypeError: non-numeric input.
        ValueError: ``reference`` rows that are not probabilities, or
            ``beta`` not positive and finite.

    Example:
        >>> kl_regularised_policy([0.0, np.log(3.0)], [0.5, 0.5], 1.0)
        array([0.25, 0.75])
    """
    r = _logits(reward, "reward")
    ref = _logits(reference, "reference")
    b = _check_positive(beta, "beta")
    if not np.all(np.isfinite(ref)) or np.any(ref < 0):
        raise ValueError(
            "reference must hold probabilities: finite and non-negative"
        )
    sums = ref.sum(axis=-1)
    if np.any(np.abs(sums - 1) > np.sqrt(np.finfo(ref.dtype).eps)):
        raise ValueError(
            "each row of reference must sum to 1 (a probability distribution)"
        )
    with np.errstate(divide="ignore"):
        log_ref = np.log(ref)
    return softmax(log_ref + r / b, axis=-1)


def dpo_loss(
    policy_chosen: ArrayLike,
    policy_rejected: ArrayLike,
    reference_chosen: ArrayLike,
    reference_rejected: ArrayLike,
    beta: float = 0.1,
) -> np.ndarray:
    r"""The DPO loss :math:`-\log \sigma(\hat r_w - \hat r_l)`, elementwise.

    The implicit reward of a response is
    :math:`\hat r = \beta \log(\pi(y) / \pi_{\mathrm{ref}}(y))`; the loss is
    the logistic (Bradley-Terry) loss of the chosen response :math:`y_w`
    beating the rejected one :math:`y_l`, computed stably as
    :math:`\operatorname{softplus}(-(\hat r_w - \hat r_l))`.

    Args:
        policy_chosen: :math:`\log \pi(y_w)`, any shape.
        policy_rejected: :math:`\log \pi(y_l)`, broadcasting with it.
        reference_chosen: :math:`\log \pi_{\mathrm{ref}}(y_w)`.
        reference_rejected: :math:`\log \pi_{\mathrm{ref}}(y_l)`.
        beta: :math:`\beta > 0`, the KL weight of the underlying objective.

    Returns:
        The loss of each pair, the broadcast shape (average it yourself). A
        NaN input gives NaN for its pair, without a warning.

    Raises:
        TypeError: non-numeric input.
        ValueError: ``beta`` not positive and finite.

    Example:
        >>> float(dpo_loss(-1.0, -1.0, -1.0, -1.0))  # no preference: log 2
        0.6931471805599453
    """
    b = _check_positive(beta, "beta")
    pw = as_float_array(policy_chosen, "policy_chosen")
    pl = as_float_array(policy_rejected, "policy_rejected")
    rw = as_float_array(reference_chosen, "reference_chosen")
    rl = as_float_array(reference_rejected, "reference_rejected")
    with np.errstate(invalid="ignore"):
        margin = b * ((pw - rw) - (pl - rl))
        return np.logaddexp(0, -margin)


def kl_estimator(log_ratio: ArrayLike, kind: KLKind = "k3") -> np.ndarray:
    r"""One-sample estimators of :math:`\mathrm{KL}(q \,\|\, p)` from
    :math:`x \sim q`, in terms of :math:`\log r = \log p(x) - \log q(x)`.

    * ``"k1"``: :math:`-\log r`, unbiased, negative for some samples;
    * ``"k2"``: :math:`\tfrac12 (\log r)^2`, biased, non-negative;
    * ``"k3"``: :math:`(r - 1) - \log r`, unbiased and non-negative.

    In RL for language models :math:`q` is the policy being trained and
    :math:`p` the reference model.

    Args:
        log_ratio: :math:`\log p(x) - \log q(x)` for samples from :math:`q`.
        kind: ``"k1"``, ``"k2"`` or ``"k3"``.

    Returns:
        The estimate for each sample (average them for the estimate of KL).

    Raises:
        TypeError: non-numeric ``log_ratio``.
        ValueError: an unknown ``kind``.

    Example:
        >>> kl_estimator([0.0, 1.0], "k2")
        array([0. , 0.5])
    """
    lr = as_float_array(log_ratio, "log_ratio")
    if kind == "k1":
        return -lr
    if kind == "k2":
        return 0.5 * lr * lr
    if kind == "k3":
        return np.expm1(lr) - lr
    raise ValueError(f"kind must be 'k1', 'k2' or 'k3', got {kind!r}")


def sample_actions(probs: ArrayLike, rng: np.random.Generator) -> np.ndarray:
    r"""One action per row of a policy, by inverting its cumulative sum.

    Row :math:`i` draws :math:`u_i \sim U(0, 1)` and returns the first
    :math:`a` with :math:`\sum_{b \le a} \pi_i(b) > u_i`: action :math:`a`
    with probability :math:`\pi_i(a)`. One uniform draw per row, so a seeded
    generator gives the same actions on every machine.

    Args:
        probs: probabilities, shape ``(..., K)``, each row summing to 1.
        rng: a NumPy ``Generator`` (``np.random.default_rng(seed)``).

    Returns:
        Integer actions, shape ``probs.shape[:-1]``.

    Raises:
        TypeError: non-numeric ``probs`` or ``rng`` not a ``Generator``.
        ValueError: rows that are not probability distributions.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> sample_actions([[0.0, 1.0], [1.0, 0.0]], rng).tolist()
        [1, 0]
    """
    p = _logits(probs, "probs")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy Generator (np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
    check_probability_rows(p, "probs")
    u = rng.random(p.shape[:-1] + (1,))
    below = np.cumsum(p, axis=-1, dtype=np.float64) <= u
    return np.minimum(below.sum(axis=-1), p.shape[-1] - 1)
