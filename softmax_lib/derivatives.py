r"""Derivatives of softmax."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from softmax_lib._validation import (
    as_float_array,
    check_class_axis,
    check_probability_rows,
)


def softmax_jacobian(p: ArrayLike) -> np.ndarray:
    r"""The Jacobian of softmax, written in terms of its output: :math:`J =
    \operatorname{diag}(\mathbf p) - \mathbf p \mathbf p^\top`.

    Entry :math:`J_{ij} = \partial p_i / \partial z_j = p_i(\delta_{ij} -
    p_j)`. It is symmetric, its rows and columns sum to 0 (adding a constant to
    every logit changes nothing), and so it is singular.

    Args:
        p: probabilities, shape ``(..., K)``: the **output** of softmax, not
            the logits.

    Returns:
        Shape ``(..., K, K)``, one Jacobian per row of ``p``, in the float
        dtype of ``p``.

    Raises:
        TypeError: ``p`` is not real-valued.
        ValueError: ``p`` is a scalar, or a row is not a probability
            distribution (negative, non-finite, or not summing to 1): usually
            logits passed by mistake.

    Example:
        >>> softmax_jacobian([0.5, 0.5])
        array([[ 0.25, -0.25],
               [-0.25,  0.25]])
    """
    probs = as_float_array(p, "p")
    check_class_axis(probs, "p")
    check_probability_rows(probs, "p")
    diag = probs[..., :, None] * np.eye(probs.shape[-1], dtype=probs.dtype)
    return diag - probs[..., :, None] * probs[..., None, :]
