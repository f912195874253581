"""Shared test settings: hypothesis profiles and small strategies."""

import os

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Derandomised so that a test run is repeatable; `HYPOTHESIS_PROFILE=explore` searches further.
settings.register_profile("ci", max_examples=150, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def logit_rows(dtype=np.float64, min_value=-1e3, max_value=1e3, max_rows=6, max_classes=12):
    """2-D arrays of finite logits, shape (rows, classes), rows >= 1 and classes >= 1."""
    return hnp.arrays(
        dtype,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=max(max_rows, max_classes)).filter(
            lambda s: s[0] <= max_rows and s[1] <= max_classes
        ),
        elements=st.floats(min_value, max_value, allow_nan=False, allow_infinity=False, width=np.dtype(dtype).itemsize * 8),
    )
