"""Start-up of the `cogmodel` command: `--help` and `ref REF`, whole process, vs bare Python.

Run: ``.venv/bin/python tests/benchmarks/bench_cli_startup.py [--runs N]``

Each command is started ``--runs`` times as a new process (the installed console script, as a
user runs it), interleaved with ``python -c pass`` and ``python -c 'import domain.reference'``
baselines; medians, minimum and 90th percentile in milliseconds. Goal: under 150 ms for
``--help`` and ``ref``. Then the ten most expensive imports of ``ref`` (``python -X importtime``)
and the heavy modules it must not import.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
COGMODEL = str(Path(PYTHON).with_name("cogmodel"))
HEAVY = ("pydantic", "docker", "oras", "requests", "dependency_injector", "urllib3", "yaml")
CASES = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "python -c 'import domain.reference'": [PYTHON, "-c", "import domain.reference"],
    "cogmodel --help": [COGMODEL, "--help"],
    "cogmodel ref r8.im/acme/resnet:v1": [COGMODEL, "ref", "r8.im/acme/resnet:v1"],
    "cogmodel ref nginx --json": [COGMODEL, "ref", "nginx", "--json"],
}


def _once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    for argv in CASES.values():  # warm the page cache and .pyc files
        _once(argv)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(runs):
        for name, argv in CASES.items():
            times[name].append(_once(argv))
    print(f"whole-process wall time, {runs} runs each, interleaved (ms)")
    print(f"{'command':<40}{'median':>8}{'min':>8}{'p90':>8}")
    for name, values in times.items():
        values.sort()
        p90 = values[int(len(values) * 0.9) - 1]
        print(f"{name:<40}{statistics.median(values):>8.1f}{values[0]:>8.1f}{p90:>8.1f}")

    trace = subprocess.run(
        [PYTHON, "-X", "importtime", COGMODEL, "ref", "r8.im/acme/resnet:v1"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    rows = []
    for line in trace.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _self_us, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative), name.strip()))
    print("\nlargest cumulative imports of `cogmodel ref` (python -X importtime, µs)")
    for cumulative, name in sorted(rows, reverse=True)[:10]:
        print(f"  {cumulative:>8}  {name}")
    imported = {name.strip().split(".")[0] for _, name in rows}
    print("heavy modules imported by `cogmodel ref`:", sorted(imported & set(HEAVY)) or "none")


if __name__ == "__main__":
    main()
