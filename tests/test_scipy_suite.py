"""SciPy's own tests of softmax, log_softmax and logsumexp, run on softmax_lib.

The tests are SciPy's, imported from the installed package
(``scipy/special/tests/test_logsumexp.py``, pinned in requirements.txt) and
collected here: every test function and class of that module. While a test
runs, the module's ``softmax``, ``log_softmax`` and ``logsumexp`` are
softmax_lib's, once in each mode (``accurate=False`` and ``True``).

The one adaptation is the default axis: SciPy's is ``None`` (every element),
softmax_lib's is ``-1`` (the last axis). The stand-ins pass ``axis=None``
when a test gives no axis, as SciPy's functions would. The tests that need
it (they fail with softmax_lib's own default) are listed in
``NEEDS_SCIPY_DEFAULT_AXIS``, and a test below checks that the list is
exactly right.

SciPy's module also tests ``logsumexp``'s weights ``b=``, ``return_sign=``
and complex input, which softmax_lib's ``logsumexp`` has too; every test
runs, none is expected to fail. Only a private helper of SciPy's
(``_wrap_radians``) is not collected.
"""

from __future__ import annotations

import functools
import inspect
import warnings

import numpy as np
import pytest

import softmax_lib as sl

# Imported, never skipped: the pinned SciPy wheel ships its tests. Their
# marks for array-API backends (xfail_xp_backends, ...) are registered by
# SciPy's own conftest, which is not loaded here: softmax_lib is NumPy only.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    import scipy.special.tests.test_logsumexp as scipy_tests

#: Tests that pass only with SciPy's default axis (None): they call a function
#: on a 2-D array, or on a scalar, without an axis.
NEEDS_SCIPY_DEFAULT_AXIS = {
    "TestLogSumExp::test_logsumexp",
    "TestLogSumExp::test_xp_invalid_input[1]",
    "TestLogSumExp::test_logsumexp_b",
    "TestLogSumExp::test_device[1.0]",
    "TestLogSumExp::test_device[1j]",
    "TestSoftmax::test_softmax_fixtures",
    "TestSoftmax::test_softmax_scalar",
    "TestLogSoftmax::test_log_softmax_scalar",
    "TestLogSoftmax::test_log_softmax_noneaxis",
}

# SciPy's helper that is not one of the three functions: not collected.
_NOT_OURS = {"test_wrap_radians"}


def _materialise_parameters(cls) -> None:
    """Make every ``parametrize`` list of ``cls`` a tuple, once.

    SciPy passes an ``itertools.product`` (an iterator, deprecated by pytest
    and used up by one pass over it); a tuple of its values is the same grid.
    """
    for method in vars(cls).values():
        marks = getattr(method, "pytestmark", [])
        for i, mark in enumerate(marks):
            if mark.name == "parametrize" and not isinstance(
                mark.args[1], (list, tuple)
            ):
                args = (mark.args[0], tuple(mark.args[1]), *mark.args[2:])
                # Mark is a frozen dataclass whose constructor is private.
                object.__setattr__(mark, "args", args)


for _cls in (
    scipy_tests.TestLogSumExp,
    scipy_tests.TestSoftmax,
    scipy_tests.TestLogSoftmax,
):
    _materialise_parameters(_cls)

# Collect SciPy's test classes here; their methods look the three functions
# up in SciPy's module, where the fixture below puts softmax_lib's.
TestLogSumExp = scipy_tests.TestLogSumExp
TestSoftmax = scipy_tests.TestSoftmax
TestLogSoftmax = scipy_tests.TestLogSoftmax
_SCIPY_TESTS = {
    name
    for name, obj in vars(scipy_tests).items()
    if name.startswith("test_") and inspect.isfunction(obj)
}
assert _SCIPY_TESTS == _NOT_OURS, f"new test functions: {_SCIPY_TESTS}"


def _stand_in(fn, accurate: bool, scipy_default: bool):
    """``fn`` in one mode, with ``axis=None`` as default if asked."""

    @functools.wraps(fn)
    def call(x, *args, **kwargs):
        if scipy_default and not args and "axis" not in kwargs:
            kwargs["axis"] = None
        return fn(x, *args, accurate=accurate, **kwargs)

    return call


def _patch(monkeypatch, accurate: bool, scipy_default: bool = True) -> None:
    for name in ("softmax", "log_softmax", "logsumexp"):
        monkeypatch.setattr(
            scipy_tests,
            name,
            _stand_in(getattr(sl, name), accurate, scipy_default),
        )


@pytest.fixture(params=[False, True], ids=["default", "accurate"])
def accurate(request):
    return request.param


@pytest.fixture(autouse=True)
def softmax_lib_in_place_of_scipy(monkeypatch, accurate):
    """SciPy's test module calls softmax_lib's functions, in one mode."""
    _patch(monkeypatch, accurate)


@pytest.fixture
def xp():
    """SciPy's array namespace fixture, for NumPy only (softmax_lib's)."""
    return np


@pytest.fixture
def devices():
    return [None]


def _run_with_our_default(cls, name, params, accurate, monkeypatch) -> bool:
    """Run a SciPy test with softmax_lib's default axis; True if it passes."""
    _patch(monkeypatch, accurate, scipy_default=False)
    method = getattr(cls(), name)
    fixtures = {"xp": np, "devices": [None]}
    kwargs = {
        k: fixtures[k] if k in fixtures else params[k]
        for k in inspect.signature(method).parameters
    }
    try:
        with warnings.catch_warnings():
            # as SciPy's class marks do: its references divide by zero
            warnings.simplefilter("ignore", RuntimeWarning)
            method(**kwargs)
    except (AssertionError, ValueError):
        return False
    return True


def _supported_cases():
    """``(class, method name, params, id)`` of every supported SciPy test."""
    for cls in (TestLogSumExp, TestSoftmax, TestLogSoftmax):
        for name, method in vars(cls).items():
            if not name.startswith("test_"):
                continue
            marks = getattr(method, "pytestmark", [])
            grids = [m.args for m in marks if m.name == "parametrize"]
            cases = [({}, "")]
            for argnames, values in grids:
                names = [a.strip() for a in argnames.split(",")]
                cases = [
                    (
                        {
                            **p,
                            **dict(zip(names, v if len(names) > 1 else [v])),
                        },
                        i,
                    )
                    for p, i in cases
                    for v in values
                ]
            for params, _ in cases:
                yield cls, name, params


def test_the_list_of_tests_that_need_scipys_default_axis_is_exact(
    monkeypatch, accurate
):
    """With axis=-1 as default, exactly the listed tests fail."""
    failing = set()
    for cls, name, params in _supported_cases():
        if not _run_with_our_default(cls, name, params, accurate, monkeypatch):
            label = f"{cls.__name__}::{name}"
            if params:
                label += "[" + "-".join(str(v) for v in params.values()) + "]"
            failing.add(label)
    assert failing == NEEDS_SCIPY_DEFAULT_AXIS
