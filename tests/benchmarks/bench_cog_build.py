"""Cog builds through DockerfileFactory vs ``docker build`` of the same Dockerfile, same run.

Run: ``.venv/bin/python tests/benchmarks/bench_cog_build.py [--example thumbnail] [--runs 5]``
(needs the engine and ``python:3.11-slim``; the stand-in is made if missing, ~70 s once).

For each builder (BuildKit through ``/usr/bin/docker``, classic through docker-py) it prints:

* engine builds and container runs per ``build``: cold, unchanged rebuild, source change;
* a cold build (``no_cache``, empty wheel cache) of the example, and ``docker build --no-cache``
  of the generated Dockerfile and staged context;
* an unchanged rebuild (median of ``--runs``), and ``docker build`` of the same Dockerfile and
  context with a warm cache: the ratio is the factory's whole overhead (schema, wheel cache,
  context staging, labels, inspect) over the engine's own no-op build. Goal: <= 1.3;
* schema generation and context staging on their own.
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
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from adapters.docker import (  # noqa: E402
    BuildKitImageBuilder,
    DockerContainerRunner,
    DockerEngine,
    DockerImageBuilder,
    DockerLocalImages,
)
from adapters.dockerfile import DockerfileFactory, HostPip  # noqa: E402
from adapters.dockerfile.context import stage_context  # noqa: E402
from application.ports.image_builder import BuildRequest, ImageBuilder  # noqa: E402
from domain.digest import Digest  # noqa: E402
from domain.options import BuildOptions  # noqa: E402
from domain.reference import parse_ref  # noqa: E402
from tests.e2e.cog_build_support import copy_example, load_source  # noqa: E402

CLI = "/usr/bin/docker"


class Capturing:
    """An ImageBuilder that keeps a copy of the last context and Dockerfile it built."""

    def __init__(self, inner: ImageBuilder, keep: Path) -> None:
        self.inner, self.keep = inner, keep
        self.capture = True  # only while set (copying is not the factory's cost)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def supports_mounts(self) -> bool:
        return self.inner.supports_mounts

    def build(self, request: BuildRequest) -> Digest:
        if self.capture:
            shutil.rmtree(self.keep, ignore_errors=True)
            shutil.copytree(request.context_dir, self.keep / "context", symlinks=True)
            (self.keep / "Dockerfile").write_text(request.dockerfile)
        return self.inner.build(request)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def docker_build(keep: Path, made: set[str], *, buildkit: bool, no_cache: bool = False) -> float:
    """Time ``docker build`` of the kept Dockerfile and context; add the image id to ``made``."""
    env = {**os.environ, "DOCKER_BUILDKIT": "1" if buildkit else "0"}
    argv = [CLI, "build", "-q", "-f", str(keep / "Dockerfile"), str(keep / "context")]
    argv += ["--no-cache"] if no_cache else []
    result: list[subprocess.CompletedProcess[str]] = []
    elapsed = timed(
        lambda: result.append(
            subprocess.run(argv, env=env, check=True, capture_output=True, text=True)
        )
    )
    made.add(result[0].stdout.strip())
    return elapsed


def remove_images(made: set[str]) -> None:
    """Remove the untagged images this benchmark left (ids still named elsewhere stay)."""
    for image_id in made:
        subprocess.run([CLI, "rmi", image_id], capture_output=True, check=False)


def ensure_python_slim() -> None:
    argv = [CLI, "image", "inspect", "python:3.11-slim"]
    probe = subprocess.run(argv, capture_output=True, check=False)
    if probe.returncode == 0:
        return
    import docker

    from tests.infra.images import cached_image, python_slim_recipe

    client = docker.from_env()
    stand_in = cached_image(client, python_slim_recipe())
    client.api.tag(client.api.inspect_image(str(stand_in))["Id"], "python", "3.11-slim")


def bench_builder(example: str, *, buildkit: bool, runs: int, work: Path) -> None:
    engine = DockerEngine()
    inner: ImageBuilder = (
        BuildKitImageBuilder(engine=engine) if buildkit else DockerImageBuilder(engine=engine)
    )
    keep = work / f"kept-{inner.name}"
    builder = Capturing(inner, keep)
    local = DockerLocalImages(engine=engine)
    project = copy_example(example, work / inner.name)
    source = load_source(project)
    name = f"cogmodel-bench/{example}-{inner.name}:latest"
    wheel_cache = work / f"wheels-{inner.name}"

    def factory() -> DockerfileFactory:
        return DockerfileFactory(
            builder=builder,
            local=local,
            runner=DockerContainerRunner(engine=engine),
            host_pip=HostPip(cache_dir=wheel_cache),
            environ={},
        )

    options = BuildOptions(image_name=name, hermetic=True, use_cog_base_image=False)
    print(f"\n== {inner.name} builder, examples/{example}")
    download = timed(lambda: factory().build(source, options))  # also captures the context
    print(f"first build, empty wheel cache: {download:6.2f} s (host wheel download included)")
    builder.capture = False
    local.remove(parse_ref(name), force=True)
    made: set[str] = set()  # image ids to remove at the end (docker build tags none)
    docker_cold = docker_build(keep, made, buildkit=buildkit, no_cache=True)
    cold = factory()
    cold_time = timed(lambda: cold.build(source, replace(options, no_cache=True)))
    print(
        f"cold build:        {cold_time:7.2f} s  ({cold.settler.builds} builds, "
        f"{cold.settler.runs} runs)   docker build --no-cache: {docker_cold:6.2f} s  "
        f"ratio {cold_time / docker_cold:.2f}"
    )
    freeze = statistics.median(
        timed(lambda: cold.settler.pip_freeze(Digest(local.inspect(parse_ref(name)).image_id)))
        for _ in range(3)
    )
    print(f"  of which the pip freeze run: {freeze:.2f} s (median of 3)")
    settle = factory()
    settle_time = timed(lambda: settle.build(source, options))
    print(
        f"first rebuild:     {settle_time:7.3f} s  ({settle.settler.builds} builds, "
        f"{settle.settler.runs} runs)"
    )
    warm_times, docker_times, counts = [], [], set()
    for _ in range(runs):
        warm = factory()
        warm_times.append(timed(lambda w=warm: w.build(source, options)))  # type: ignore[misc]
        counts.add((warm.settler.builds, warm.settler.runs))
        docker_times.append(docker_build(keep, made, buildkit=buildkit))
    w, d = statistics.median(warm_times), statistics.median(docker_times)
    print(
        f"unchanged rebuild: {w:7.3f} s  {sorted(counts)} (builds, runs)   "
        f"docker build: {d:6.3f} s  ratio {w / d:.2f}  (median of {runs})"
    )
    print(
        "  runs:",
        " ".join(f"{t:.3f}" for t in warm_times),
        "| docker:",
        " ".join(f"{t:.3f}" for t in docker_times),
    )
    (project / "NOTES.md").write_text(f"changed {time.time()}\n")
    made.add(str(local.inspect(parse_ref(name)).image_id))  # untagged by the next build
    edit = factory()
    edit_time = timed(lambda: edit.build(source, options))
    print(
        f"source change:     {edit_time:7.3f} s  ({edit.settler.builds} builds, "
        f"{edit.settler.runs} runs)"
    )
    local.remove(parse_ref(name), force=True)
    remove_images(made)


def bench_parts(example: str, work: Path) -> None:
    from adapters.dockerfile import planning

    source = load_source(copy_example(example, work / "parts"))
    times = [timed(lambda: planning.static_schema(source, version="0.23.1")) for _ in range(20)]
    print(f"\nschema generation: {statistics.median(times) * 1000:6.2f} ms (median of 20)")
    times = []
    for _ in range(20):
        start = time.perf_counter()
        with stage_context(Path(source.project_dir), {"cog/x": b"x"}, include_source=True):
            times.append(time.perf_counter() - start)
    print(f"context staging:   {statistics.median(times) * 1000:6.2f} ms (median of 20)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="thumbnail")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--builder", choices=["buildkit", "classic", "both"], default="both")
    args = parser.parse_args()
    ensure_python_slim()
    with tempfile.TemporaryDirectory(prefix="cogmodel-bench-") as scratch:
        work = Path(scratch)
        bench_parts(args.example, work)
        for buildkit in (True, False):
            if args.builder in ("both", "buildkit" if buildkit else "classic"):
                bench_builder(args.example, buildkit=buildkit, runs=args.runs, work=work)


if __name__ == "__main__":
    main()
