"""Import time of ``domain`` and ``domain.reference`` beyond interpreter start.

Run: ``.venv/bin/python tests/benchmarks/bench_import_time.py [--runs N]``

Two measurements, each the median of ``--runs`` fresh interpreters:

* ``-X importtime``: the cumulative microseconds Python itself reports for the top-level import
  (everything that import pulls in and the interpreter had not loaded yet);
* wall clock: ``python -c "import X"`` minus ``python -c "pass"``, run as back-to-back pairs.

Byte code is cached first (one run with writing allowed), as it is for an installed package;
``PYTHONDONTWRITEBYTECODE`` in the environment would otherwise make every run recompile.
The goal is under 50 ms, with pydantic absent from the ``parse_ref`` path.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {
    "domain": "import domain",
    "domain.reference": "import domain.reference",
    "parse_ref('nginx')": "from domain.reference import parse_ref; parse_ref('nginx')",
}


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT)
    return env


def run(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=environment(),
        cwd=ROOT,
    )


def elapsed_ms(code: str) -> float:
    start = time.perf_counter()
    run(code)
    return (time.perf_counter() - start) * 1000


def wall_ms(code: str, runs: int) -> float:
    """Median over ``runs`` pairs of (``code`` minus ``pass``), each pair run back to back so
    that the load of a shared machine affects both halves alike."""
    return statistics.median(elapsed_ms(code) - elapsed_ms("pass") for _ in range(runs))


def importtime_ms(module: str, runs: int) -> float:
    """Median cumulative time -X importtime reports for ``module`` (a top-level import)."""
    pattern = re.compile(rf"^import time:\s+\d+ \|\s+(\d+) \| {re.escape(module)}$", re.M)
    values = []
    for _ in range(runs):
        match = pattern.search(run(f"import {module}", "-X", "importtime").stderr)
        assert match, f"no importtime line for {module}"
        values.append(int(match.group(1)) / 1000)
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    run("import domain.reference, domain.digest, domain.platform")  # cache byte code
    loaded = run("import domain.reference, sys; print('pydantic' in sys.modules)").stdout.strip()
    print(f"pydantic imported by domain.reference: {loaded}")

    print(f"-X importtime, cumulative, median of {args.runs}:")
    for module in ("domain", "domain.reference"):
        print(f"  {module:20} {importtime_ms(module, args.runs):7.1f} ms")

    print(f"wall clock beyond interpreter start, median of {args.runs} back-to-back pairs:")
    for label, code in TARGETS.items():
        print(f"  {label:20} {wall_ms(code, args.runs):7.1f} ms")


if __name__ == "__main__":
    main()
