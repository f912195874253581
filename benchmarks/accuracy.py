"""Accuracy study: worst error in ulp of the three functions, against mpmath.

For every hard case below (in float64 and float32), each method's result is
compared with the exact value (``softmax_lib.accuracy``, 60 digits, from the
exact binary input), and the worst error over the case is kept. The table
shows, per function and dtype, the worst error over all cases and the case
that produced it. Errors are in ulp of the result (softmax) or of
``max(|result|, 1)`` (log_softmax, logsumexp: ``log_domain=True``).

Methods: ``softmax_lib`` (default mode), ``softmax_lib accurate=True``,
``scipy.special``, ``torch`` (one thread) and the naive formula
(``exp(z) / sum(exp(z))`` and its logarithms, no shift).

Run from the repository root::

    python benchmarks/accuracy.py            # print the table (about a minute)
    python benchmarks/accuracy.py --write    # also write
    book/data/benchmark_accuracy*.csv python benchmarks/accuracy.py --cases
    # also print the worst error per case
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import scipy.special
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import softmax_lib as sl  # noqa: E402
from softmax_lib import accuracy  # noqa: E402

from speed import write_machine_facts  # noqa: E402

FUNCTIONS = ["softmax", "log_softmax", "logsumexp"]
DTYPES = [np.float64, np.float32]
METHODS = ["softmax_lib", "softmax_lib_accurate", "scipy", "torch", "naive"]


# --- the hard cases ----------------------------------------------------------


def _limits(dtype):
    """log of the smallest normal, of the smallest subnormal, and of the
    largest finite value."""
    info = np.finfo(dtype)
    return (
        float(np.log(info.tiny)),
        float(np.log(info.smallest_subnormal)),
        float(np.log(info.max)),
    )


def hard_cases(dtype, seed=0):
    """``{name: (description, 2-D array of dtype)}``: the cases of the study,
    each a few rows."""
    rng = np.random.default_rng(seed)
    log_tiny, log_sub, log_max = _limits(dtype)
    big = float(np.finfo(dtype).max)
    cases = {}

    def add(name, description, rows):
        cases[name] = (
            description,
            np.asarray(rows, dtype=np.float64).astype(dtype),
        )

    add(
        "normal",
        "64 rows of 100 standard-normal logits, times 3",
        3 * rng.normal(size=(64, 100)),
    )
    add(
        "wide",
        "32 rows of 100 normal logits with standard deviation 100",
        100 * rng.normal(size=(32, 100)),
    )
    # z - max rounds at the ulp of |z| when the maximum is small and the others
    # large and negative: exp then turns that absolute error into a relative
    # one up to |z - max| times larger.
    rows = -rng.uniform(1, -log_tiny, size=(32, 50))
    rows[:, 0] = rng.uniform(0, 1, size=32)
    add(
        "small max, far rest",
        "max in [0, 1), the rest spread down to log(tiny)",
        rows,
    )
    # The other way round: a large maximum and small others; z - max rounds at
    # the ulp of the maximum.
    rows = rng.uniform(-1e-3, 1e-3, size=(32, 50))
    rows[:, 0] = rng.uniform(0.6, 0.95, size=32) * -log_tiny
    add(
        "large max, small rest",
        "max in [0.6, 0.95] * |log(tiny)|, the rest in +-1e-3",
        rows,
    )
    rows = rng.uniform(0.5, 0.99, size=(32, 50)) * log_max
    rows[:, 0] = log_max * 0.999
    add("all large", "every logit in [0.5, 0.99] * log(largest)", rows)
    rows = rng.uniform(log_sub, log_tiny + 2, size=(32, 20))
    rows[:, 0] = rng.uniform(-0.5, 0.5, size=32)
    add(
        "subnormal outputs",
        "max near 0, the rest between log(smallest subnormal) and log(tiny) "
        "+ 2",
        rows,
    )
    rows = rng.uniform(log_sub - 5, log_tiny, size=(16, 20))
    rows[:, 0] = rng.uniform(-2, 2, size=16)
    rows = rows + rng.uniform(-300, 300, size=(16, 1)) * (dtype == np.float64)
    add(
        "underflow shifted",
        "subnormal outputs, the whole row shifted by up to +-300 (float64)",
        rows,
    )
    rows = np.array(
        [
            [big, -big, 0.0, 0.5 * big],
            [big, big * (1 - 2 * np.finfo(dtype).eps), -big, 1.0],
            [-big, -big, -0.75 * big, -big],
            [0.25 * big, -big, 0.5, -0.5 * big],
        ]
    )
    add(
        "spread near the largest",
        "values near +-largest, where max - min overflows",
        rows,
    )
    add(
        "equal",
        "rows of K equal values (exact result 1/K), K up to 20,000",
        np.full((1, 20000), -3.25),
    )
    add(
        "long rows",
        "4 rows of 20,000 logits uniform in [-30, 0] and [-100, 10]",
        np.concatenate(
            [
                rng.uniform(-30, 0, size=(2, 20000)),
                rng.uniform(-100, 10, size=(2, 20000)),
            ]
        ),
    )
    k = 20000
    rows = np.full((2, k), -np.log(k)) + rng.normal(scale=1e-3, size=(2, k))
    add(
        "cancelling logsumexp",
        "20,000 values near -log(20,000): logsumexp near 0",
        rows,
    )
    rows = np.zeros((16, 2))
    rows[:, 0] = -rng.uniform(0.1, 1, size=16) * np.log(2)
    rows[:, 1] = rows[:, 0] + rng.uniform(-1e-6, 1e-6, size=16)
    add("cancelling pairs", "pairs near -log 2: logsumexp near 0", rows)
    rows = -rng.uniform(15, 45, size=(16, 8))
    rows[:, 0] = 0.0
    add(
        "confident",
        "one logit 0, the rest in [-45, -15]: log_softmax of the top class "
        "near 0",
        rows,
    )
    rows = 3 * rng.normal(size=(8, 30))
    rows[rng.random(size=rows.shape) < 0.3] = -np.inf
    rows[:, 0] = 1.0
    add("masked", "normal logits with 30% of entries -inf", rows)
    return cases


# --- the methods -------------------------------------------------------------


def _naive(fn, z):
    with np.errstate(all="ignore"):
        e = np.exp(z)
        s = np.sum(e, axis=-1, keepdims=True)
        if fn == "softmax":
            return e / s
        if fn == "log_softmax":
            return z - np.log(s)
        return np.log(s)[..., 0]


def compute(method, fn, z):
    """``fn`` of the 2-D array ``z`` along its last axis by ``method``."""
    if method in ("softmax_lib", "softmax_lib_accurate"):
        return getattr(sl, fn)(z, accurate=method == "softmax_lib_accurate")
    if method == "scipy":
        with np.errstate(all="ignore"):
            return getattr(scipy.special, fn)(z, axis=-1)
    if method == "torch":
        t = torch.from_numpy(np.ascontiguousarray(z))
        return getattr(torch, fn)(t, dim=-1).numpy()
    return _naive(fn, z)


EXACT = {
    "softmax": accuracy.exact_softmax,
    "log_softmax": accuracy.exact_log_softmax,
    "logsumexp": accuracy.exact_logsumexp,
}


def study(cases_by_dtype):
    """Long-format results: one dict per (function, dtype, case, method) with
    the worst error in ulp."""
    records = []
    for dtype, cases in cases_by_dtype.items():
        for name, (_, z) in cases.items():
            for fn in FUNCTIONS:
                exact = EXACT[fn](z)
                for method in METHODS:
                    err = accuracy.ulp_error(
                        compute(method, fn, z),
                        exact,
                        log_domain=fn != "softmax",
                    )
                    records.append(
                        {
                            "function": fn,
                            "dtype": np.dtype(dtype).name,
                            "case": name,
                            "method": method,
                            "max_ulp": float(err.max()),
                        }
                    )
    return records


def summary(records):
    """Per (function, dtype): the worst error of each method over all cases,
    and the case where it occurred."""
    table = []
    for fn in FUNCTIONS:
        for dtype in DTYPES:
            row = {"function": fn, "dtype": np.dtype(dtype).name}
            for method in METHODS:
                mine = [
                    r
                    for r in records
                    if r["function"] == fn
                    and r["dtype"] == row["dtype"]
                    and r["method"] == method
                ]
                worst = max(mine, key=lambda r: r["max_ulp"])
                row[method] = worst["max_ulp"]
                row[method + "_case"] = worst["case"]
            table.append(row)
    return table


def _fmt(v):
    return (
        "inf"
        if not np.isfinite(v)
        else (f"{v:.3g}" if v < 1000 else f"{v:.3e}")
    )


def print_summary(table):
    print(
        "Worst error in ulp over all cases (softmax: ulp of the result; "
        "log_softmax, logsumexp: ulp of max(|result|, 1))"
    )
    head = f"{'function':<12} {'dtype':<8}" + "".join(
        f" {m:>21}" for m in METHODS
    )
    print(head)
    print("-" * len(head))
    for row in table:
        print(
            f"{row['function']:<12} {row['dtype']:<8}"
            + "".join(f" {_fmt(row[m]):>21}" for m in METHODS)
        )
    print()
    print("Case that gave each worst error:")
    for row in table:
        print(
            f"  {row['function']:<12} {row['dtype']:<8}"
            + "; ".join(f"{m}: {row[m + '_case']}" for m in METHODS)
        )


def print_cases(records):
    print()
    print("Worst error in ulp per case:")
    for fn in FUNCTIONS:
        for dtype in DTYPES:
            print(f"\n{fn}, {np.dtype(dtype).name}")
            print(f"  {'case':<26}" + "".join(f" {m:>21}" for m in METHODS))
            names = dict.fromkeys(r["case"] for r in records)
            for name in names:
                vals = {
                    r["method"]: r["max_ulp"]
                    for r in records
                    if r["function"] == fn
                    and r["dtype"] == np.dtype(dtype).name
                    and r["case"] == name
                }
                print(
                    f"  {name:<26}"
                    + "".join(f" {_fmt(vals[m]):>21}" for m in METHODS)
                )


def write_csv(path, rows, fields):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(
                {
                    k: (
                        f"{row[k]:.6g}"
                        if isinstance(row[k], float)
                        else row[k]
                    )
                    for k in fields
                }
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the tables as CSV under book/data/",
    )
    parser.add_argument(
        "--cases",
        action="store_true",
        help="also print the worst error of every case",
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    cases_by_dtype = {dtype: hard_cases(dtype) for dtype in DTYPES}
    records = study(cases_by_dtype)
    table = summary(records)
    print_summary(table)
    if args.cases:
        print_cases(records)
    if args.write:
        data = ROOT / "book" / "data"
        fields = (
            ["function", "dtype"] + METHODS + [m + "_case" for m in METHODS]
        )
        write_csv(data / "benchmark_accuracy.csv", table, fields)
        write_csv(
            data / "benchmark_accuracy_cases.csv",
            records,
            ["function", "dtype", "case", "method", "max_ulp"],
        )
        descriptions = [
            {"case": name, "description": desc}
            for name, (desc, _) in cases_by_dtype[np.float64].items()
        ]
        write_csv(
            data / "benchmark_accuracy_case_descriptions.csv",
            descriptions,
            ["case", "description"],
        )
        write_machine_facts(data / "benchmark_machine.json")
        print(
            f"\nwrote {data / 'benchmark_accuracy.csv'} and the per-case "
            "details next to it"
        )


if __name__ == "__main__":
    main()
