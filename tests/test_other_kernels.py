"""tools/other_kernels.py really switches the libraries to other kernels.

`make test` runs every notebook a second time under these variables; that pass
proves something only if each library then runs another kernel than the
machine's best, and if that changes results.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "other_kernels.py"

# What each library says it runs, and the bits of a few results that depend on
# the kernel.
PROBE = r"""
import hashlib, json
import numpy as np
import torch
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
from threadpoolctl import threadpool_info

rng = np.random.default_rng(0)
x64 = rng.normal(scale=20.0, size=200_000)
a, b = rng.normal(size=(300, 300)), rng.normal(size=(300, 300))
t = torch.from_numpy(
    rng.normal(scale=5.0, size=(512, 1000)).astype(np.float32)
)
def digest(arr):
    data = np.ascontiguousarray(arr).tobytes()
    return hashlib.sha256(data).hexdigest()[:16]
print(json.dumps({
    "numpy": [n for n in __cpu_dispatch__ if __cpu_features__.get(n)],
    "torch": torch.backends.cpu.get_cpu_capability().lower(),
    "openblas": [i.get("architecture") for i in threadpool_info()
                 if i["internal_api"] == "openblas"],
    "results": {
        "np.exp float64": digest(np.exp(x64)),
        "np.exp float32": digest(np.exp(x64.astype(np.float32))),
        "np.log float64": digest(np.log(np.abs(x64) + 1.0)),
        "OpenBLAS a @ b": digest(a @ b),
        "torch.softmax float32": digest(torch.softmax(t, dim=-1).numpy()),
        "torch.exp float32": digest(torch.exp(t).numpy()),
    },
}))
"""


def probe(*tool_args, env=None):
    command = [
        sys.executable,
        str(TOOL),
        *tool_args,
        "--",
        sys.executable,
        "-c",
        PROBE,
    ]
    out = subprocess.run(
        command, capture_output=True, text=True, check=True, env=env
    ).stdout
    header, _, result = out.rpartition("\n{")
    return header, json.loads("{" + result)


def chosen(header):
    """{variable: value} from the lines the tool prints before running the
    command."""
    return dict(re.findall(r"^\s+(\w+)='([^']*)'", header, re.M))


@pytest.fixture(scope="module")
def native():
    return probe("--native")


@pytest.fixture(scope="module", params=["one level down", "lowest"])
def switched(request):
    return probe(*(["--lowest"] if request.param == "lowest" else []))


def test_each_library_reports_the_kernel_it_was_told_to_run(switched):
    header, state = switched
    variables = chosen(header)
    if not variables:
        pytest.skip("this CPU has nothing below its libraries' lowest kernels")
    if "ATEN_CPU_CAPABILITY" in variables:
        assert state["torch"] == variables["ATEN_CPU_CAPABILITY"]
    if "NPY_DISABLE_CPU_FEATURES" in variables:
        assert not set(variables["NPY_DISABLE_CPU_FEATURES"].split()) & set(
            state["numpy"]
        )
    if "OPENBLAS_CORETYPE" in variables:
        wanted = variables["OPENBLAS_CORETYPE"].lower()
        assert [arch.lower() for arch in state["openblas"]] == [wanted]


def test_other_kernels_change_some_result_and_native_runs_change_none(
    native, switched
):
    _, first = native
    _, again = probe("--native")
    assert again["results"] == first["results"], (
        "a library is not deterministic run to run"
    )
    header, state = switched
    if not chosen(header):
        pytest.skip("this CPU has nothing below its libraries' lowest kernels")
    changed = [
        name
        for name, bits in first["results"].items()
        if state["results"][name] != bits
    ]
    assert changed, (
        "no result changed: the second pass of `make test` would prove nothing"
    )


def test_a_variable_the_environment_sets_is_left_alone():
    env = dict(
        os.environ, OPENBLAS_CORETYPE="Haswell", ATEN_CPU_CAPABILITY="default"
    )
    header, state = probe("--lowest", env=env)
    assert "OPENBLAS_CORETYPE" not in chosen(
        header
    ) and "ATEN_CPU_CAPABILITY" not in chosen(header)
    assert state["torch"] == "default"
