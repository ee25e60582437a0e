"""Builder overhead: an unchanged rebuild through each builder vs `docker build`, same run.

One context (a few files) and one Dockerfile (FROM the busybox test image, COPY, RUN, LABEL),
built once to warm the cache, then rebuilt ROUNDS times by each contestant in turn (interleaved,
so drift in the engine hits all alike):

- ``DockerImageBuilder`` (docker-py, classic)  vs  ``DOCKER_BUILDKIT=0 docker build``
- ``BuildKitImageBuilder`` (docker CLI)         vs  ``DOCKER_BUILDKIT=1 docker build``

The CLI builds read the same Dockerfile from a file in the context; the adapters get its text.
Prints medians and the ratio adapter / CLI per builder (goal: <= 1.1), and checks that every
rebuild returned the warm image id (a cache miss would make the comparison meaningless).

    .venv/bin/python -m tests.benchmarks.bench_docker_rebuild [ROUNDS]    (from the repo root)
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docker
import docker.errors

from adapters.docker import BuildKitImageBuilder, DockerEngine, DockerImageBuilder
from application.ports.image_builder import BuildRequest, ImageBuilder
from tests.infra.images import busybox_recipe, cached_image

CLI = os.environ.get("COGMODEL_DOCKER_CLI", "/usr/bin/docker")


def make_context(root: Path, base: str) -> str:
    for index in range(20):
        (root / f"file{index}.txt").write_text(f"content {index}\n" * 100)
    (root / "pkg").mkdir()
    (root / "pkg" / "module.py").write_text("print('hello')\n")
    dockerfile = f"FROM {base}\nCOPY . /src\nRUN ls /src > /listing\nLABEL bench=rebuild\n"
    (root / "Dockerfile").write_text(dockerfile)
    return dockerfile


def cli_build(context: Path, buildkit: bool) -> str:
    iidfile = context.parent / "cli-iid"
    env = {**os.environ, "DOCKER_BUILDKIT": "1" if buildkit else "0"}
    subprocess.run(
        [CLI, "build", "-q", f"--iidfile={iidfile}", str(context)],
        env=env,
        capture_output=True,
        check=True,
    )
    return iidfile.read_text().strip()


def timed_builds(build: Callable[[], str], expected: str, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        got = build()
        samples.append(time.perf_counter() - start)
        if got != expected:
            raise SystemExit(f"cache miss: rebuilt {got}, expected {expected}")
    return samples


def compare(
    name: str, adapter: ImageBuilder, request: BuildRequest, buildkit: bool, rounds: int
) -> list[str]:
    context = request.context_dir
    ours_warm = adapter.build(request)
    cli_warm = cli_build(context, buildkit)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):  # interleaved
        ours += timed_builds(lambda: adapter.build(request), ours_warm, 1)
        theirs += timed_builds(lambda: cli_build(context, buildkit), cli_warm, 1)
    print(f"{name}:")
    ours_median = line("adapter", ours)
    theirs_median = line("docker CLI", theirs)
    print(f"  ratio adapter / CLI (medians): {ours_median / theirs_median:.2f}")
    return [ours_warm, cli_warm]


def line(label: str, samples: list[float]) -> float:
    median, mean = statistics.median(samples) * 1000, statistics.mean(samples) * 1000
    print(f"  {label:<10} median {median:8.1f} ms   mean {mean:8.1f} ms")
    return median


def main(rounds: int) -> None:
    client = docker.DockerClient(version="auto")
    base = cached_image(client, busybox_recipe())
    print(f"{rounds} interleaved unchanged rebuilds each; CLI {CLI}; base {base}")
    with tempfile.TemporaryDirectory(prefix="cogmodel-bench-") as scratch:
        context = Path(scratch) / "context"
        context.mkdir()
        dockerfile = make_context(context, str(base))
        request = BuildRequest(context_dir=context, dockerfile=dockerfile)
        built: list[str] = []
        with DockerEngine() as engine:
            built += compare(
                "classic: DockerImageBuilder vs DOCKER_BUILDKIT=0 docker build",
                DockerImageBuilder(engine=engine),
                request,
                False,
                rounds,
            )
            buildkit = BuildKitImageBuilder(cli=CLI, engine=engine)
            start = time.perf_counter()
            buildkit.check()
            check_ms = (time.perf_counter() - start) * 1000
            print(f"(BuildKit capability check, once per builder: {check_ms:.1f} ms)")
            built += compare(
                "buildkit: BuildKitImageBuilder vs DOCKER_BUILDKIT=1 docker build",
                buildkit,
                request,
                True,
                rounds,
            )
        for image_id in built:  # the images this run made (the base stays cached)
            with contextlib.suppress(docker.errors.APIError):
                client.api.remove_image(image_id, force=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
