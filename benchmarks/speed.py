"""Speed study: softmax_lib against scipy.special and torch on large arrays.

Arrays (seeded), each 128 MiB: ``(1024, 32768)`` float32 and ``(16384, 1000)``
float64, in three variants that take the accurate float64 softmax down its
three paths:

* ``typical``: logits ``3 * N(0, 1)``; every row maximum is positive, so
  ``accurate=True`` skips the shift (``exp(z)`` directly);
* ``negative max``: the same minus 30; every row maximum is negative (Fast2Sum
  shift);
* ``mixed max``: the same minus the median row maximum; maxima of both signs in
  a block (full TwoSum shift, the slowest).

Each method runs ``--repeats`` times, *interleaved* (scipy, torch, ours, ours
accurate, then again), and the best time is kept: the machine may be shared, so
the minimum is the least disturbed measurement. Both wall-clock and CPU time
(``time.process_time``, which waiting for a busy core does not inflate) are
recorded; the median/best ratio of the wall-clock times is printed as a measure
of the noise. Peak extra memory is measured separately with ``tracemalloc``
(NumPy reports its allocations to it; torch does not) and given as a multiple
of the input's size (the output's size, for softmax), the output itself not
counted.

Targets (softmax, issue): scipy / ours >= 1.5; ours / torch <= 1.1;
accurate / default <= 2; peak extra memory <= 1.

Then a scaling table, measured in the same run, on the ``typical`` arrays:
softmax_lib with ``workers=1, 2`` (and 4, 8, ... where the machine has the
cores), in both modes, against SciPy (one thread: NumPy's loops) and torch at
one thread and at its default thread count. The target: softmax_lib with 2
workers at least as fast as torch at its default thread count, with the same
bits for every number of workers (checked here, on every array timed).

Run from the repository root::

    python benchmarks/speed.py                   # softmax only (a few minutes)
    python benchmarks/speed.py --all-functions   # also log_softmax and
    logsumexp python benchmarks/speed.py --write           # also write
    book/data/benchmark_speed.csv python benchmarks/speed.py --repeats 15
    # more repeats on a busy machine python benchmarks/speed.py --scaling-only
    # only the scaling table
"""

from __future__ import annotations

import argparse
import csv
import functools
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import scipy.special
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import softmax_lib as sl  # noqa: E402

# 128 MiB each
ARRAYS = [
    ((1024, 32768), np.float32),
    ((16384, 1000), np.float64),
]


# --- machine facts (also used by accuracy.py) --------------------------------


def cpu_model() -> str:
    """The ``model name`` line of /proc/cpuinfo, or the platform's processor
    string elsewhere."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_facts() -> dict:
    """CPU model, core count and library versions: no host name, user name or
    path."""
    import mpmath

    return {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "torch": torch.__version__,
        "mpmath": mpmath.__version__,
    }


def write_machine_facts(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(machine_facts(), indent=2) + "\n")


# --- what is timed -----------------------------------------------------------


def methods(fn: str, x: np.ndarray) -> dict:
    """The four contenders for ``fn`` on ``x``, as argument-free callables."""
    t = torch.from_numpy(x)
    torch_fn = {
        "softmax": torch.softmax,
        "log_softmax": torch.log_softmax,
        "logsumexp": torch.logsumexp,
    }[fn]
    scipy_fn = getattr(scipy.special, fn)
    ours = getattr(sl, fn)
    return {
        "scipy": lambda: scipy_fn(x, axis=-1),
        "torch": lambda: torch_fn(t, dim=-1),
        "softmax_lib": lambda: ours(x),
        "softmax_lib_accurate": lambda: ours(x, accurate=True),
    }


def time_interleaved(calls: dict, repeats: int) -> tuple[dict, dict]:
    """``({name: [wall seconds]}, {name: [cpu seconds]})``, each callable once
    per round, round after round."""
    wall = {name: [] for name in calls}
    cpu = {name: [] for name in calls}
    for f in calls.values():  # warm up: first-touch costs, lazy imports
        f()
    for _ in range(repeats):
        for name, f in calls.items():
            gc.collect()
            start_cpu, start = time.process_time(), time.perf_counter()
            f()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return wall, cpu


def peak_extra_memory(f, unit_bytes: int) -> float:
    """Peak memory traced during ``f()`` beyond its result, as a multiple of
    ``unit_bytes``."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = f()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return (peak - np.asarray(result).nbytes) / unit_bytes


def measure(fn: str, label: str, x: np.ndarray, repeats: int) -> dict:
    calls = methods(fn, x)
    wall, cpu = time_interleaved(calls, repeats)
    row = {"function": fn, "array": label, "repeats": repeats}
    for k in calls:
        row[f"{k}_ms"] = 1000 * min(wall[k])
        row[f"{k}_cpu_ms"] = 1000 * min(cpu[k])
        row[f"{k}_noise"] = statistics.median(wall[k]) / min(wall[k])
    for suffix in ("", "_cpu"):
        best = {k: row[f"{k}{suffix}_ms"] for k in calls}
        row[f"scipy_over_ours{suffix}"] = best["scipy"] / best["softmax_lib"]
        row[f"ours_over_torch{suffix}"] = best["softmax_lib"] / best["torch"]
        row[f"accurate_over_default{suffix}"] = (
            best["softmax_lib_accurate"] / best["softmax_lib"]
        )
    for k in ("scipy", "softmax_lib", "softmax_lib_accurate"):
        row[f"{k}_peak_extra"] = peak_extra_memory(calls[k], x.nbytes)
    return row


COLUMNS = [
    ("function", "function", "{}"),
    ("array", "array", "{}"),
    ("scipy_ms", "scipy ms", "{:.1f}"),
    ("torch_ms", "torch ms", "{:.1f}"),
    ("softmax_lib_ms", "ours ms", "{:.1f}"),
    ("softmax_lib_accurate_ms", "accurate ms", "{:.1f}"),
    ("scipy_over_ours", "scipy/ours", "{:.2f}"),
    ("ours_over_torch", "ours/torch", "{:.2f}"),
    ("accurate_over_default", "acc/ours", "{:.2f}"),
    ("scipy_over_ours_cpu", "cpu: scipy/ours", "{:.2f}"),
    ("ours_over_torch_cpu", "ours/torch", "{:.2f}"),
    ("accurate_over_default_cpu", "acc/ours", "{:.2f}"),
    ("scipy_peak_extra", "mem scipy", "{:.2f}"),
    ("softmax_lib_peak_extra", "mem ours", "{:.2f}"),
    ("softmax_lib_accurate_peak_extra", "mem acc", "{:.2f}"),
]


def print_table(rows):
    widths = [
        max(len(h), *(len(fmt.format(r[k])) for r in rows))
        for k, h, fmt in COLUMNS
    ]
    print("  ".join(h.rjust(w) for (_, h, _), w in zip(COLUMNS, widths)))
    for r in rows:
        print(
            "  ".join(
                fmt.format(r[k]).rjust(w)
                for (k, _, fmt), w in zip(COLUMNS, widths)
            )
        )
    print(
        "\nms: best wall-clock time of the interleaved repeats; ratios from "
        "those, then (cpu:) from CPU times."
    )
    print(
        "mem: peak extra memory traced during the call, in units of the "
        "input's size (output not counted)."
    )
    noise = [
        r[f"{m}_noise"]
        for r in rows
        for m in ("scipy", "torch", "softmax_lib", "softmax_lib_accurate")
    ]
    print(
        "noise: median/best wall-clock time per method ranged from "
        f"{min(noise):.2f} to {max(noise):.2f} "
        f"(median {statistics.median(noise):.2f})."
    )


# --- scaling with the number of workers --------------------------------------


def worker_counts() -> list[int]:
    """1, 2, then powers of two up to the number of logical cores."""
    cores = os.cpu_count() or 1
    counts = [1, 2]
    while counts[-1] * 2 <= cores:
        counts.append(counts[-1] * 2)
    return counts


def with_threads(n: int, f):
    """``f`` run with torch at ``n`` threads (set before each call)."""

    def call():
        torch.set_num_threads(n)
        return f()

    return call


def scaling_row(
    fn: str, label: str, x: np.ndarray, repeats: int, torch_threads: int
) -> dict:
    """Best wall-clock ms of every contender, and the bit-identity check."""
    t = torch.from_numpy(x)
    torch_fn = getattr(torch, fn)
    ours = getattr(sl, fn)
    calls = {
        "scipy": lambda: getattr(scipy.special, fn)(x, axis=-1),
        "torch 1": with_threads(1, lambda: torch_fn(t, dim=-1)),
        f"torch {torch_threads}": with_threads(
            torch_threads, lambda: torch_fn(t, dim=-1)
        ),
    }
    for accurate in (False, True):
        for w in worker_counts():
            name = f"{'acc' if accurate else 'ours'} w={w}"
            calls[name] = functools.partial(
                ours, x, accurate=accurate, workers=w
            )
    same_bits = all(
        np.array_equal(
            ours(x, accurate=accurate),
            ours(x, accurate=accurate, workers=w),
            equal_nan=True,
        )
        for accurate in (False, True)
        for w in worker_counts()[1:]
    )
    wall, _ = time_interleaved(calls, repeats)
    torch.set_num_threads(1)
    row = {"function": fn, "array": label, "same bits": same_bits}
    row.update({name: 1000 * min(times) for name, times in wall.items()})
    return row


def print_scaling_table(rows: list[dict], torch_threads: int) -> None:
    names = [k for k in rows[0] if k not in ("function", "array")]
    extra = ["w=2 speed-up", f"torch {torch_threads}/ours w=2"]
    header = ["function", "array", *names, *extra]
    lines = []
    for r in rows:
        cells = [r["function"], r["array"]]
        for k in names:
            v = r[k]
            cells.append(str(v) if isinstance(v, bool) else f"{v:.1f}")
        cells.append(f"{r['ours w=1'] / r['ours w=2']:.2f}")
        cells.append(f"{r[f'torch {torch_threads}'] / r['ours w=2']:.2f}")
        lines.append(cells)
    widths = [
        max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(header)
    ]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for cells in lines:
        print("  ".join(c.rjust(w) for c, w in zip(cells, widths)))
    print(
        "\nms: best wall-clock time of the interleaved repeats. ours/acc "
        "w=N: softmax_lib\n(accurate=False/True) with workers=N; torch N: "
        "torch at N threads; scipy:\none thread. same bits: every workers= "
        "gave the result of workers=1."
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the table as CSV under book/data/",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=9,
        help="interleaved repeats per method (default 9)",
    )
    parser.add_argument(
        "--all-functions",
        action="store_true",
        help="also time log_softmax and logsumexp",
    )
    parser.add_argument(
        "--scaling-only",
        action="store_true",
        help="only the table of workers= against torch's threads",
    )
    args = parser.parse_args(argv)
    torch_threads = torch.get_num_threads()  # torch's default
    torch.set_num_threads(1)
    facts = machine_facts()
    print(
        f"{facts['cpu_model']}, {facts['logical_cores']} logical cores; "
        f"numpy {facts['numpy']}, "
        f"scipy {facts['scipy']}, torch {facts['torch']} (1 thread)\n"
    )
    rng = np.random.default_rng(0)
    functions = (
        ["softmax", "log_softmax", "logsumexp"]
        if args.all_functions
        else ["softmax"]
    )
    rows = []
    for shape, dtype in [] if args.scaling_only else ARRAYS:
        x = (3 * rng.normal(size=shape)).astype(dtype)
        median_max = np.median(x.max(axis=1))
        for variant, shift in (
            ("typical", 0.0),
            ("negative max", 30.0),
            ("mixed max", median_max),
        ):
            data = x - dtype(shift)
            label = f"{shape[0]}x{shape[1]} {np.dtype(dtype).name} {variant}"
            for fn in functions:
                rows.append(measure(fn, label, data, args.repeats))
                print(f"  measured {fn} on {label}", file=sys.stderr)
            del data
    if rows:
        print_table(rows)
    scaling = []
    for shape, dtype in ARRAYS:
        x = (3 * rng.normal(size=shape)).astype(dtype)
        label = f"{shape[0]}x{shape[1]} {np.dtype(dtype).name}"
        for fn in functions:
            scaling.append(
                scaling_row(fn, label, x, args.repeats, torch_threads)
            )
            print(f"  scaling of {fn} on {label}", file=sys.stderr)
    print(
        f"\nScaling with workers= ({os.cpu_count()} logical cores; torch's "
        f"default: {torch_threads} threads)\n"
    )
    print_scaling_table(scaling, torch_threads)
    if args.write and rows:
        data_dir = ROOT / "book" / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        fields = list(rows[0])
        with open(data_dir / "benchmark_speed.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow(
                    {
                        k: (f"{v:.4g}" if isinstance(v, float) else v)
                        for k, v in r.items()
                    }
                )
        write_machine_facts(data_dir / "benchmark_machine.json")
        print(
            f"\nwrote {data_dir / 'benchmark_speed.csv'} and "
            "benchmark_machine.json"
        )


if __name__ == "__main__":
    main()
