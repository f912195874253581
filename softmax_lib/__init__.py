"""softmax_lib: the reference implementation of softmax used throughout The
Softmax Book.

Modules by concern:

* :mod:`softmax_lib.core`: ``softmax``, ``log_softmax``, ``logsumexp``,
  ``softmax_naive``, ``sigmoid``;
* :mod:`softmax_lib.losses`: ``cross_entropy``;
* :mod:`softmax_lib.derivatives`: ``softmax_jacobian``;
* :mod:`softmax_lib.normalisers`: ``sparsemax``, ``entmax``,
  ``sparsemax_loss``, ``entmax_loss``, ``stablemax``, ``log_stablemax``,
  ``softmax_with_sink``, ``softpick``;
* :mod:`softmax_lib.gumbel`: ``gumbel_max``, ``gumbel_top_k``,
  ``gumbel_softmax``, ``gumbel_softmax_grad``;
* :mod:`softmax_lib.policy`: softmax as a policy (``boltzmann_policy``,
  ``score_function``, ``sample_actions``, ``soft_value``,
  ``kl_regularised_policy``, ``dpo_loss``, ``kl_estimator``);
* :mod:`softmax_lib.contrastive`: ``info_nce``, ``clip_loss``,
  ``clip_logit_scale``, ``in_batch_softmax_loss``;
* :mod:`softmax_lib.routing`: mixture-of-experts routers
  (``softmax_then_top_k``, ``top_k_then_softmax``, ``sigmoid_top_k``,
  ``load_balancing_loss``, ``router_z_loss``); import these three modules
  explicitly, as ``from softmax_lib import policy``;
* :mod:`softmax_lib.chunked`: ``chunked_cross_entropy``,
  ``vocab_parallel_cross_entropy`` (the loss over a large vocabulary without
  all the logits);
* :mod:`softmax_lib.fast_exp`: ``exp2_poly``, ``exp_poly`` (the exponential by
  range reduction and a polynomial);
* :mod:`softmax_lib.sampling`: ``top_k``, ``top_p``, ``min_p``, ``typical``,
  ``top_n_sigma``, ``apply_steps``, the repetition, presence and frequency
  penalties, and speculative sampling (import it explicitly:
  ``from softmax_lib import sampling``);
* :mod:`softmax_lib.stabilisers`: ``z_loss``, ``z_loss_gradient``,
  ``soft_cap``, ``qk_norm``, ``scalable_softmax``, ``mixture_of_softmaxes``,
  ``entropy``;
* :mod:`softmax_lib.plotting`: figures that more than one chapter draws
  (import it explicitly: ``from softmax_lib import plotting``).
"""

from softmax_lib.chunked import (
    chunked_cross_entropy,
    vocab_parallel_cross_entropy,
)
from softmax_lib.core import (
    log_softmax,
    logsumexp,
    sigmoid,
    softmax,
    softmax_naive,
)
from softmax_lib.derivatives import softmax_jacobian
from softmax_lib.fast_exp import exp2_poly, exp_poly
from softmax_lib.gumbel import (
    gumbel_max,
    gumbel_softmax,
    gumbel_softmax_grad,
    gumbel_top_k,
)
from softmax_lib.losses import cross_entropy
from softmax_lib.normalisers import (
    entmax,
    entmax_loss,
    log_stablemax,
    softmax_with_sink,
    softpick,
    sparsemax,
    sparsemax_loss,
    stablemax,
)
from softmax_lib.stabilisers import (
    entropy,
    mixture_of_softmaxes,
    qk_norm,
    scalable_softmax,
    soft_cap,
    z_loss,
    z_loss_gradient,
)

__all__ = [
    "chunked_cross_entropy",
    "cross_entropy",
    "entmax",
    "entmax_loss",
    "entropy",
    "exp2_poly",
    "exp_poly",
    "gumbel_max",
    "gumbel_softmax",
    "gumbel_softmax_grad",
    "gumbel_top_k",
    "log_softmax",
    "log_stablemax",
    "logsumexp",
    "mixture_of_softmaxes",
    "qk_norm",
    "scalable_softmax",
    "sigmoid",
    "soft_cap",
    "softmax",
    "softmax_jacobian",
    "softmax_naive",
    "softmax_with_sink",
    "softpick",
    "sparsemax",
    "sparsemax_loss",
    "stablemax",
    "vocab_parallel_cross_entropy",
    "z_loss",
    "z_loss_gradient",
]
__version__ = "1.0.0"
