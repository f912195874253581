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
* :mod:`softmax_lib.stabilisers`: ``z_loss``, ``z_loss_gradient``,
  ``soft_cap``, ``qk_norm``, ``scalable_softmax``, ``mixture_of_softmaxes``,
  ``entropy``;
* :mod:`softmax_lib.plotting`: figures that more than one chapter draws
  (import it explicitly: ``from softmax_lib import plotting``).
"""

from softmax_lib.core import (
    log_softmax,
    logsumexp,
    sigmoid,
    softmax,
    softmax_naive,
)
from softmax_lib.derivatives import softmax_jacobian
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
    "cross_entropy",
    "entmax",
    "entmax_loss",
    "entropy",
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
    "z_loss",
    "z_loss_gradient",
]
__version__ = "1.0.0"
