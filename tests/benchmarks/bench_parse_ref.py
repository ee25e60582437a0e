"""Throughput of parse_ref against docker-py's parse_repository_tag, in the same run.

Run: ``.venv/bin/python tests/benchmarks/bench_parse_ref.py [--count N] [--runs R] [--profile]``

The inputs are a few thousand distinct, valid references generated from a fixed seed: Docker Hub
short names, ``org/name``, registries with and without ports, tags, digests and tag+digest.
docker-py only splits the text (it validates almost nothing); parse_ref validates every part with
go-containerregistry's rules and builds a ParsedRef. Three parse_ref numbers are printed:

* cold: every input distinct and parsed for the first time (the memo is emptied before each run);
* warm: the same inputs again, answered from the memo of default-option results;
* general path: options that bypass the memo and the fast path (``default_tag="latest"``, which
  does not change any result), i.e. the statement-for-statement transcription of Go.

Each figure is the best and the median of ``--runs`` passes over all inputs (the best is the
usual microbenchmark statistic: noise from other processes only ever adds time).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import time
from collections.abc import Callable

SEED = 20260821
HEX = "0123456789abcdef"


def make_inputs(count: int, seed: int = SEED) -> list[str]:
    """``count`` distinct valid references of mixed shapes, always the same for a seed."""
    rnd = random.Random(seed)
    registries = ["ghcr.io", "r8.im", "quay.io", "gcr.io", "localhost:5000", "10.0.0.7:5000"]
    seen: set[str] = set()
    out: list[str] = []
    i = 0
    while len(out) < count:
        i += 1
        name = f"{rnd.choice(['app', 'model', 'svc', 'img'])}{i}"
        tag = f"v{rnd.randint(0, 20)}.{rnd.randint(0, 99)}"
        digest = "sha256:" + "".join(rnd.choice(HEX) for _ in range(64))
        shape = rnd.randrange(8)
        if shape == 0:
            text = name
        elif shape == 1:
            text = f"{name}:{tag}"
        elif shape == 2:
            text = f"org{i % 50}/{name}:{tag}"
        elif shape == 3:
            text = f"{rnd.choice(registries)}/org{i % 50}/{name}:{tag}"
        elif shape == 4:
            text = f"{rnd.choice(registries)}/{name}"
        elif shape == 5:
            text = f"{name}@{digest}"
        elif shape == 6:
            text = f"{rnd.choice(registries)}/org/{name}@{digest}"
        else:
            text = f"org/{name}:{tag}@{digest}"
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def time_pass(
    func: Callable[[str], object], inputs: list[str], before: Callable[[], None]
) -> float:
    """Seconds for one pass of ``func`` over ``inputs`` (``before`` runs untimed)."""
    before()
    start = time.perf_counter()
    for text in inputs:
        func(text)
    return time.perf_counter() - start


def rates(
    func: Callable[[str], object],
    inputs: list[str],
    runs: int,
    before: Callable[[], None] = lambda: None,
) -> tuple[float, float]:
    """Parses per second over ``runs`` passes: (best pass, median pass)."""
    times = [time_pass(func, inputs, before) for _ in range(runs)]
    return len(inputs) / min(times), len(inputs) / statistics.median(times)


def main() -> None:
    from docker.utils import parse_repository_tag

    from domain import reference
    from domain.reference import parse_ref

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="cProfile one cold pass")
    args = parser.parse_args()

    inputs = make_inputs(args.count)
    # Same results on every path, and docker-py accepts them all: the comparison is fair.
    for text in inputs:
        assert parse_ref(text) == parse_ref(text, default_tag="latest")
        parse_repository_tag(text)

    def cold() -> None:
        reference._CACHE.clear()

    def general(text: str) -> object:
        return parse_ref(text, default_tag="latest")

    docker = rates(parse_repository_tag, inputs, args.runs)
    cold_rates = rates(parse_ref, inputs, args.runs, before=cold)
    parse_ref_all = [parse_ref(text) for text in inputs]  # fill the memo
    warm_rates = rates(parse_ref, inputs, args.runs)
    general_rates = rates(general, inputs, args.runs)
    assert len(parse_ref_all) == len(inputs)

    print(f"{len(inputs)} distinct valid references, {args.runs} passes; parses/s best (median)")
    print(f"  {'docker-py parse_repository_tag':31}: {docker[0]:11,.0f} ({docker[1]:11,.0f})")
    for label, (best, median) in (
        ("parse_ref cold (first parse)", cold_rates),
        ("parse_ref warm (memoised)", warm_rates),
        ("parse_ref general path", general_rates),
    ):
        print(
            f"  {label:31}: {best:11,.0f} ({median:11,.0f})   ratio ours/docker-py "
            f"{best / docker[0]:.2f} ({median / docker[1]:.2f})"
        )

    if args.profile:
        cold()
        profiler = cProfile.Profile()
        profiler.enable()
        for text in inputs:
            parse_ref(text)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
