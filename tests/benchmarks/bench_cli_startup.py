"""Start-up of the `cogmodel` command: `--help`, `ref REF` and an argument error, whole process,
against bare Python (issue 14: each within 50 ms of `python -c pass`).

Run: ``.venv/bin/python tests/benchmarks/bench_cli_startup.py [--runs N] [--before DIR]``

Each command is started ``--runs`` times as a new process (the installed console script, as a
user runs it), interleaved with ``python -c pass``; medians, minimum and 90th percentile in
milliseconds, and each median minus the median of ``python -c pass`` (goal: under 50 ms).
``--before DIR`` adds the same commands run from another cogmodel tree (``git archive COMMIT |
tar -x -C DIR``; started as ``python -c 'from adapters.cli.main import main; …'`` with
``PYTHONPATH=DIR``). Byte code is cached first, as for an installed package. Then the largest
imports of ``ref`` (``python -X importtime``) and the heavy modules it must not import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
COGMODEL = str(Path(PYTHON).with_name("cogmodel"))
LAUNCH = "import sys; from adapters.cli.main import main; sys.exit(main())"
HEAVY = ("pydantic", "docker", "oras", "requests", "dependency_injector", "urllib3", "yaml")
COMMANDS = {
    "--help": (["--help"], 0),
    "ref r8.im/acme/resnet:v1": (["ref", "r8.im/acme/resnet:v1"], 0),
    "ref nginx --json": (["ref", "nginx", "--json"], 0),
    "ref (argument error: no REF)": (["ref"], 2),
    "ref Acme/Resnet (invalid reference)": (["ref", "Acme/Resnet"], 2),
}


def _once(argv: list[str], env: dict[str, str], code: int, cwd: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, cwd=cwd, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != code:
        sys.exit(f"{argv} exited {done.returncode}, not {code}: {done.stderr.decode()[-300:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--before", type=Path, help="another cogmodel tree to compare with")
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed packages have their byte code
    cases: dict[str, tuple[list[str], dict[str, str], int]] = {
        "python -c pass": ([PYTHON, "-c", "pass"], env, 0)
    }
    for name, (argv, code) in COMMANDS.items():
        cases[f"cogmodel {name}"] = ([COGMODEL, *argv], env, code)
    if args.before is not None:
        before = args.before.resolve()
        for name, (argv, code) in COMMANDS.items():
            old_env = {**env, "PYTHONPATH": str(before)}
            cases[f"{before.name}: cogmodel {name}"] = (
                [PYTHON, "-c", LAUNCH, *argv],
                old_env,
                code,
            )
    with tempfile.TemporaryDirectory() as cwd:  # `python -c` puts the cwd on sys.path
        for argv, case_env, code in cases.values():  # warm the page cache and byte code
            _once(argv, case_env, code, cwd)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (argv, case_env, code) in cases.items():
                times[name].append(_once(argv, case_env, code, cwd))
    floor = statistics.median(times["python -c pass"])
    print(
        f"whole-process wall time, {args.runs} runs each, interleaved (ms); load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    print(f"{'command':<52}{'median':>8}{'min':>8}{'p90':>8}{'- pass':>8}")
    for name, values in times.items():
        values.sort()
        p90 = values[max(int(len(values) * 0.9) - 1, 0)]
        median = statistics.median(values)
        above = "" if name == "python -c pass" else f"{median - floor:>8.1f}"
        print(f"{name:<52}{median:>8.1f}{values[0]:>8.1f}{p90:>8.1f}{above}")
    print("goal: each cogmodel command under 50 ms above python -c pass")

    trace = subprocess.run(
        [PYTHON, "-X", "importtime", COGMODEL, "ref", "r8.im/acme/resnet:v1"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
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
