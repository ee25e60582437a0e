"""Local inspect: DockerLocalImages.inspect in-process vs `docker image inspect` as a process.

Same engine, same image, same run. Prints the median, mean and p90 of each, and their ratio.
The in-process number excludes the one-off connection (docker-py negotiates the API version on
first use); that first call is printed separately.

    .venv/bin/python -m tests.benchmarks.bench_docker_inspect [ROUNDS]    (from the repo root)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import docker

from adapters.docker import DockerEngine, DockerLocalImages
from domain.reference import ParsedRef
from tests.infra.images import busybox_recipe, cached_image

CLIS = [os.environ.get("COGMODEL_DOCKER_CLI", "/usr/bin/docker"), "/usr/local/bin/docker"]


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def report(label: str, samples: list[float]) -> float:
    median = statistics.median(samples)
    p90 = sorted(samples)[int(len(samples) * 0.9) - 1]
    print(
        f"{label:<44} median {median * 1000:8.2f} ms   mean "
        f"{statistics.mean(samples) * 1000:8.2f} ms   p90 {p90 * 1000:8.2f} ms"
    )
    return median


def main(rounds: int) -> None:
    client = docker.DockerClient(version="auto")
    image: ParsedRef = cached_image(client, busybox_recipe())
    name = f"{image.repository}:{image.tag}"
    print(f"image {name}, {rounds} rounds each, engine {DockerEngine().host}")

    with DockerLocalImages() as images:
        start = time.perf_counter()
        images.inspect(image)
        first = (time.perf_counter() - start) * 1000
        print(f"{'first in-process inspect (connects)':<44} {first:8.2f} ms")
        in_process = report(
            "DockerLocalImages.inspect (in-process)", timed(lambda: images.inspect(image), rounds)
        )

    for cli in CLIS:
        if not os.path.exists(cli):
            continue
        argv = [cli, "image", "inspect", name]
        samples = timed(
            lambda argv=argv: subprocess.run(argv, capture_output=True, check=True), rounds
        )
        median = report(f"{cli} image inspect (process)", samples)
        print(f"{'':<44} ratio process / in-process: {median / in_process:6.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
