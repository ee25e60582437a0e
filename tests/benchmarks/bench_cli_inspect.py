"""`cogmodel inspect --remote --json` vs `skopeo inspect --config`, whole process, same image.

Run: ``.venv/bin/python tests/benchmarks/bench_cli_inspect.py [--runs N]``

Starts a real CNCF Distribution registry on 127.0.0.1 (tests/infra/registry.py), pushes a
synthetic Cog model image (config labels with a schema, one layer), then starts, interleaved,
``--runs`` times each:

- ``cogmodel inspect --remote --json REF`` (the installed console script);
- ``skopeo inspect --config --tls-verify=false docker://REF`` (reads the same manifest and
  config blob).

Both are whole processes doing the same network work (one manifest, one config blob). Medians,
minimum and 90th percentile in ms, and the ratio of medians (goal <= 3, stretch <= 1). Then
``python -X importtime`` of the cogmodel run: the start-up that is not network.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.builders import SCHEMA, cog_labels
from tests.infra.registry import DistributionRegistry, registry_binary

PYTHON = sys.executable
COGMODEL = str(Path(PYTHON).with_name("cogmodel"))


def _once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, env=env)
    return (time.perf_counter() - start) * 1000


def _summary(name: str, values: list[float]) -> float:
    values = sorted(values)
    median = statistics.median(values)
    p90 = values[max(int(len(values) * 0.9) - 1, 0)]
    print(f"{name:<58}{median:>8.1f}{values[0]:>8.1f}{p90:>8.1f}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    if shutil.which("skopeo") is None:
        sys.exit("skopeo is not installed (apt-get install skopeo)")
    home = Path(tempfile.mkdtemp(prefix="cogmodel-bench-"))
    env = {**os.environ, "DOCKER_CONFIG": str(home), "XDG_CACHE_HOME": str(home / "cache")}
    (home / "registry").mkdir()
    with DistributionRegistry(home / "registry", binary=registry_binary()) as registry:
        pushed = registry.push_image(cog_labels(schema=SCHEMA))
        ref = str(pushed.ref)
        cases = {
            "cogmodel inspect --remote --json": [COGMODEL, "inspect", "--remote", "--json", ref],
            "skopeo inspect --config --tls-verify=false": [
                "skopeo",
                "inspect",
                "--config",
                "--tls-verify=false",
                f"docker://{ref}",
            ],
        }
        for argv in cases.values():
            _once(argv, env)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(runs):
            for name, argv in cases.items():
                times[name].append(_once(argv, env))
        print(
            f"whole-process wall time against {registry.host}, {runs} runs each, interleaved (ms)"
        )
        print(f"{'command':<58}{'median':>8}{'min':>8}{'p90':>8}")
        ours = _summary(
            "cogmodel inspect --remote --json", times["cogmodel inspect --remote --json"]
        )
        theirs = _summary(
            "skopeo inspect --config", times["skopeo inspect --config --tls-verify=false"]
        )
        print(f"ratio of medians cogmodel/skopeo: {ours / theirs:.2f} (goal <= 3, stretch <= 1)")
        trace = subprocess.run(
            [PYTHON, "-X", "importtime", COGMODEL, "inspect", "--remote", "--json", ref],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stderr
    rows = []
    for line in trace.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            _self, cumulative, name = line.removeprefix("import time:").split("|")
            if not name.startswith("  "):  # top-level imports only
                rows.append((int(cumulative), name.strip()))
    total = sum(cumulative for cumulative, _ in rows)
    print(f"\nimports of that run (top level, python -X importtime): {total / 1000:.0f} ms in all")
    for cumulative, name in sorted(rows, reverse=True)[:12]:
        print(f"  {cumulative / 1000:>7.1f} ms  {name}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
