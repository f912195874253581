"""Environment variables that run the book's libraries on other kernels.

A reader's computer may have another instruction set than the machine that
recorded the stored outputs: AVX2 instead of AVX-512, or none of them on Apple
silicon. NumPy, PyTorch, oneDNN, OpenBLAS, MKL and XLA each pick their kernels
at run time from what the CPU offers, and each can be told to pick a lower
level. `make test` re-runs every notebook with the variables this script prints
(and one thread), so that a digit which depends on the kernel fails the test
here.

The levels are chosen from what this CPU has, so the pass changes something on
an AVX-512 machine, an AVX2 one and an ARM one alike: one step below its best,
or the lowest level of every library (PyTorch's portable kernels, NumPy's
baseline loops: the level closest to what an ARM machine such as Apple silicon
runs; `make test` uses this one):

    python tools/other_kernels.py                     # the variables and what
    each switches python tools/other_kernels.py -- pytest book ...  # runs the
    command with them python tools/other_kernels.py --lowest ...        # the
    lowest level of every library

A variable that the environment already sets is left as it is
(OPENBLAS_CORETYPE, for example, is set on some machines because older OpenBLAS
builds crash on their CPU).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys

# Every variable this script may set.
VARIABLES = (
    "NPY_DISABLE_CPU_FEATURES",
    "ATEN_CPU_CAPABILITY",
    "ONEDNN_MAX_CPU_ISA",
    "MKL_ENABLE_INSTRUCTIONS",
    "OPENBLAS_CORETYPE",
    "XLA_FLAGS",
)
# PyTorch's ATEN_CPU_CAPABILITY levels, best first (x86); on arm64 there is
# only SVE or default.
TORCH_LEVELS = ["avx512", "avx2", "default"]
# oneDNN's ONEDNN_MAX_CPU_ISA, MKL's MKL_ENABLE_INSTRUCTIONS, OpenBLAS's
# OPENBLAS_CORETYPE and XLA's --xla_cpu_max_isa for the x86 levels AVX-512,
# AVX2 and below.
X86_LEVELS = {
    "avx512": {
        "onednn": "AVX512_CORE",
        "mkl": "AVX512",
        "openblas": "SkylakeX",
        "xla": "AVX512",
    },
    "avx2": {
        "onednn": "AVX2",
        "mkl": "AVX2",
        "openblas": "Haswell",
        "xla": "AVX2",
    },
    "default": {
        "onednn": "SSE41",
        "mkl": "SSE4_2",
        "openblas": "Nehalem",
        "xla": "SSE4_2",
    },
}


def numpy_dispatch_targets() -> list[str]:
    """NumPy's run-time SIMD targets that this CPU supports, lowest first."""
    from numpy._core._multiarray_umath import (
        __cpu_dispatch__,
        __cpu_features__,
    )

    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def torch_level() -> str:
    """PyTorch's kernel level on this CPU, lower case ("avx512", "avx2",
    "default", "sve256")."""
    import torch

    return torch.backends.cpu.get_cpu_capability().lower()


def other_kernels(lowest: bool = False) -> dict[str, tuple[str, str]]:
    """{variable: (value, what it switches)} one level below this CPU's best
    (or the lowest)."""
    chosen: dict[str, tuple[str, str]] = {}
    found, level = numpy_dispatch_targets(), torch_level()

    if platform.machine().lower() in ("x86_64", "amd64"):
        rank = (
            TORCH_LEVELS.index(level)
            if level in TORCH_LEVELS
            else len(TORCH_LEVELS) - 1
        )
        below = (
            TORCH_LEVELS[-1]
            if lowest
            else TORCH_LEVELS[min(rank + 1, len(TORCH_LEVELS) - 1)]
        )
        if below != level:
            chosen["ATEN_CPU_CAPABILITY"] = (
                below,
                f"PyTorch's kernels: {level} -> {below}",
            )
        x86 = X86_LEVELS[below]
        for key, value, library in [
            (
                "ONEDNN_MAX_CPU_ISA",
                x86["onednn"],
                "oneDNN (PyTorch, TensorFlow)",
            ),
            (
                "MKL_ENABLE_INSTRUCTIONS",
                x86["mkl"],
                "MKL (PyTorch's matrix products)",
            ),
            ("OPENBLAS_CORETYPE", x86["openblas"], "OpenBLAS (NumPy, SciPy)"),
            (
                "XLA_FLAGS",
                f"--xla_cpu_max_isa={x86['xla']}",
                "XLA (TensorFlow's compiled code)",
            ),
        ]:
            chosen[key] = (
                value,
                f"{library}: {value.split('=')[-1]} kernels at most",
            )
        # NumPy: no AVX-512 target at the AVX2 level, nothing above its
        # baseline below that.
        drop = [
            t
            for t in found
            if below == "default" or t == "X86_V4" or t.startswith("AVX512")
        ]
    # arm64 (Apple silicon, ARM servers) and the rest: one SIMD level fewer
    # everywhere
    else:
        if level != "default":
            chosen["ATEN_CPU_CAPABILITY"] = (
                "default",
                f"PyTorch's kernels: {level} -> default",
            )
        chosen["OPENBLAS_CORETYPE"] = (
            "ARMV8",
            "OpenBLAS (NumPy, SciPy): generic ARMv8 kernels",
        )
        drop = found if lowest else found[-1:]

    if drop:
        left = [t for t in found if t not in drop]
        chosen["NPY_DISABLE_CPU_FEATURES"] = (
            " ".join(drop),
            f"NumPy's loops: {found[-1]} -> "
            f"{left[-1] if left else 'baseline'}",
        )

    # Never override what the machine's environment already decided.
    return {k: v for k, v in chosen.items() if k not in os.environ}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    level = parser.add_mutually_exclusive_group()
    level.add_argument(
        "--one-level-down",
        action="store_true",
        help="one level below this CPU's best (the default)",
    )
    level.add_argument(
        "--lowest",
        action="store_true",
        help="the lowest level of every library",
    )
    level.add_argument(
        "--native",
        action="store_true",
        help="change nothing (for comparisons)",
    )
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        help="-- and a command to run with them",
    )
    args = parser.parse_args(argv)
    chosen = {} if args.native else other_kernels(lowest=args.lowest)
    kept = [k for k in VARIABLES if k in os.environ]
    print(
        f"Other kernels on this {platform.machine()} CPU"
        f" (kept as the environment sets them: {', '.join(kept) or 'none'}):"
    )
    for key, (value, why) in chosen.items():
        print(f"  {key + '=' + repr(value):<46} {why}")
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        return 0
    sys.stdout.flush()
    os.environ.update({key: value for key, (value, _) in chosen.items()})
    os.execvp(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
