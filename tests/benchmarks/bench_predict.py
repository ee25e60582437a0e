"""`cogmodel run`: time to the error line for a misspelled input, and a prediction's cost.

Run: ``.venv/bin/python tests/benchmarks/bench_predict.py [--runs N] [--baseline DIR]``

``--baseline DIR`` compares with another cogmodel source tree (for example the commit before
the prediction service: ``git archive 4a945ee | tar -x -C DIR``). Both trees run in this venv:
the baseline through ``PYTHONPATH=DIR python -m adapters.cli.main``, this tree the same way
with its own directory, interleaved, so both see the same machine at the same time.

Three measurements, per tree:

1. **misspelled input** (real engine, the real example model ``examples/thumbnail`` built once
   with ``--hermetic`` and a unique label, so its image id is ours alone): whole-process wall
   time of ``predict IMG -i image=@photo.png -i siz=64`` until it exits, its exit code, and how
   many containers of that image the engine created meanwhile (``docker events``). Goal: under
   1 s, exit 2, no container. For scale, ``inspect --local IMG`` (start-up, the engine's
   answer, the labels parsed: what any command on a local image costs) is timed alongside.
2. **real prediction**: wall time of ``predict IMG -i image=@photo.png -i size=64 -o out.png``
   (container start, setup, prediction, stop): the engine dominates.
3. **in-process overhead** (no engine): one prediction through ``main()`` on the in-memory
   backend and the fake Cog server of ``tests/unit/cli/fake_cog.py`` (a real HTTP server on
   loopback), ``--inner`` times in one process; the median is what cogmodel itself costs per
   prediction (parsing, validation, readiness polling, HTTP, output). Goal: no slower.

The image is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path

import docker

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# Runs in a subprocess with one tree on PYTHONPATH: N predictions through main(), in memory.
_INNER = r"""
import base64, io, statistics, sys, time
from pathlib import Path
from dependency_injector import providers
from adapters.cli.context import Context
from adapters.cli.main import main
from adapters.container import create_container
from tests.unit.cli.conftest import model_labels
from tests.unit.cli.fake_cog import CogServingRunner
from tests.builders import cog_image

runs, cwd = int(sys.argv[1]), Path(sys.argv[2])
container = create_container({"backend": "memory"})
container.local_images().add(cog_image("bench/hello:1", model_labels()))
runner = CogServingRunner(container.local_images())
runner.model.logs = []
runner.model.health = ["READY"]
container.container_runner.override(providers.Object(runner))
if hasattr(container, "model_api"):  # since the prediction service: its HTTP adapter, for real
    from adapters.cog_http import CogHttpModelApi
    container.model_api.override(providers.Object(CogHttpModelApi()))
times = []
for _ in range(runs):
    out = io.StringIO()
    ctx = Context(env={}, stdout=out, stderr=io.StringIO(), cwd=cwd, container=container)
    start = time.perf_counter()
    code = main(["run", "bench/hello:1", "-i", "text=hi", "-i", "times=3"], context=ctx)
    times.append((time.perf_counter() - start) * 1000)
    assert code == 0, code
print(f"{statistics.median(times):.3f} {min(times):.3f}")
"""


def _png(path: Path, width: int = 64, height: int = 48) -> Path:
    row = b"\x00" + b"\x10\x20\x30" * width
    data = zlib.compress(row * height)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    content = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + content)
    return path


def _build(home: Path, env: dict[str, str]) -> tuple[str, str]:
    project = home / "thumbnail"
    shutil.copytree(ROOT / "examples" / "thumbnail", project)
    name = f"cogmodel-bench-predict:{uuid.uuid4().hex[:8]}"
    built = subprocess.run(
        [
            PYTHON,
            "-m",
            "adapters.cli.main",
            "build",
            "-t",
            name,
            "--hermetic",
            "--annotation",
            f"org.cogmodel.bench={uuid.uuid4().hex}",
        ],
        cwd=project,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        sys.exit(f"build failed:\n{built.stderr[-3000:]}")
    image_id = built.stdout.splitlines()[1].removeprefix("Image ID: ")
    return name, image_id


def _timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    return (time.perf_counter() - start) * 1000, done.returncode, done.stderr


def _creates(client: docker.DockerClient, image_id: str, since: float, until: float) -> int:
    events = client.events(
        since=int(since),
        until=int(until) + 1,
        decode=True,
        filters={"type": "container", "event": "create"},
    )
    return sum(
        1
        for e in events
        if e.get("Actor", {}).get("Attributes", {}).get("image")
        in (image_id, image_id.removeprefix("sha256:"))
    )


def _row(name: str, values: list[float]) -> None:
    values = sorted(values)
    p90 = values[max(int(len(values) * 0.9) - 1, 0)]
    print(f"  {name:<44}{statistics.median(values):>9.1f}{values[0]:>9.1f}{p90:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="runs of each real-engine case")
    parser.add_argument("--inner", type=int, default=200, help="in-process predictions")
    parser.add_argument("--baseline", type=Path, help="another cogmodel source tree")
    options = parser.parse_args()
    trees = {"this tree": ROOT}
    if options.baseline:
        trees = {"baseline": options.baseline.resolve(), **trees}
    home = Path(tempfile.mkdtemp(prefix="cogmodel-bench-predict-"))
    env = {**os.environ, "DOCKER_CONFIG": str(home), "XDG_CACHE_HOME": str(home / "cache")}
    client = docker.from_env()
    name, image_id = _build(home, env)
    _png(home / "photo.png")
    try:
        wrong: dict[str, list[float]] = {t: [] for t in trees}
        real: dict[str, list[float]] = {t: [] for t in trees}
        looked: list[float] = []
        outcome: dict[str, tuple[int, int, str]] = {}
        for _ in range(options.runs):
            for tree, path in trees.items():
                tree_env = {**env, "PYTHONPATH": str(path)}
                if path == ROOT:
                    inspect = [PYTHON, "-m", "adapters.cli.main", "inspect", "--local", name]
                    looked.append(_timed(inspect, tree_env, home)[0])
                cli = [PYTHON, "-m", "adapters.cli.main", "run", name]
                since = time.time()
                ms, code, err = _timed(
                    [*cli, "-i", "image=@photo.png", "-i", "siz=64"], tree_env, home
                )
                created = _creates(client, image_id, since, time.time())
                wrong[tree].append(ms)
                last = err.strip().splitlines()[-1] if err.strip() else ""
                outcome[tree] = (code, created, last)
                ms, code, err = _timed(
                    [*cli, "-i", "image=@photo.png", "-i", "size=32", "-o", "out.png"],
                    tree_env,
                    home,
                )
                if code != 0:
                    sys.exit(f"{tree}: the prediction failed:\n{err[-2000:]}")
                real[tree].append(ms)
        print(f"real engine, examples/thumbnail, {options.runs} runs each, interleaved (ms)")
        print(f"  {'case':<44}{'median':>9}{'min':>9}{'p90':>9}")
        for tree in trees:
            code, created, last = outcome[tree]
            _row(f"{tree}: -i siz=64 (misspelled) until exit", wrong[tree])
            print(f"    exit {code}, containers created: {created}, last line: {last[:90]}")
        _row("this tree: inspect --local (for scale)", looked)
        for tree in trees:
            _row(f"{tree}: a real prediction", real[tree])
        print(f"in-process, memory backend + fake Cog server, {options.inner} predictions (ms)")
        for tree, path in trees.items():
            done = subprocess.run(
                [PYTHON, "-c", _INNER, str(options.inner), str(home)],
                env={**env, "PYTHONPATH": str(path)},
                capture_output=True,
                text=True,
                check=False,
                cwd=path,
            )
            if done.returncode != 0:
                print(f"  {tree}: failed: {done.stderr[-1500:]}")
                continue
            median, best = done.stdout.split()
            print(f"  {tree + ': one prediction':<44}{float(median):>9.2f}{float(best):>9.2f}")
    finally:
        client.images.remove(name, force=True)
        client.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
