"""softmax_lib: the reference implementation of softmax used throughout The
Softmax Book.

Modules by concern:

* :mod:`softmax_lib.core`: ``softmax``, ``log_softmax``, ``logsumexp``,
  ``softmax_naive``, ``sigmoid``;
* :mod:`softmax_lib.losses`: ``cross_entropy``;
* :mod:`softmax_lib.derivatives`: ``softmax_jacobian``;
* :mod:`softmax_lib.chunked`: ``chunked_cross_entropy``,
  ``vocab_parallel_cross_entropy`` (the loss over a large vocabulary without
  all the logits);
* :mod:`softmax_lib.fast_exp`: ``exp2_poly``, ``exp_poly`` (the exponential by
  range reduction and a polynomial);
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
from softmax_lib.losses import cross_entropy

__all__ = [
    "chunked_cross_entropy",
    "cross_entropy",
    "exp2_poly",
    "exp_poly",
    "log_softmax",
    "logsumexp",
    "sigmoid",
    "softmax",
    "softmax_jacobian",
    "softmax_naive",
    "vocab_parallel_cross_entropy",
]
__version__ = "1.0.0"
