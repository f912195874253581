"""softmax_lib: the reference implementation of softmax used throughout The
Softmax Book.

Modules by concern:

* :mod:`softmax_lib.core`: ``softmax``, ``log_softmax``, ``logsumexp``,
  ``softmax_naive``, ``sigmoid``;
* :mod:`softmax_lib.losses`: ``cross_entropy``;
* :mod:`softmax_lib.derivatives`: ``softmax_jacobian``;
* :mod:`softmax_lib.sampling`: ``top_k``, ``top_p``, ``min_p``, ``typical``,
  ``top_n_sigma``, ``apply_steps``, the repetition, presence and frequency
  penalties, and speculative sampling (import it explicitly:
  ``from softmax_lib import sampling``);
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

__all__ = [
    "cross_entropy",
    "log_softmax",
    "logsumexp",
    "sigmoid",
    "softmax",
    "softmax_jacobian",
    "softmax_naive",
]
__version__ = "1.0.0"
