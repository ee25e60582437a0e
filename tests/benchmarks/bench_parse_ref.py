"""parse_ref's throughput against docker-py's parse_repository_tag, interleaved in one run.

Run: ``.venv/bin/python tests/benchmarks/bench_parse_ref.py [--count N] [--rounds R] [--wall]
[--profile]``

The inputs are distinct, valid references generated from a fixed seed: Docker Hub short names,
``org/name``, registries with and without ports, tags, digests and tag+digest. docker-py's
``parse_repository_tag`` only splits the text (it validates nothing); ``parse_ref`` checks every
part with go-containerregistry's rules and builds a ParsedRef. Each round takes ``--count`` inputs
no earlier round has seen, and times one pass over them of:

* docker-py ``parse_repository_tag``;
* ``parse_ref`` cold: every input parsed for the first time (nothing to find in the memo);
* ``parse_ref`` memoised: the same inputs again, a memo-full at a time (parse_ref keeps up to
  ``MEMO_SIZE`` recent answers): each block is parsed twice untimed, then timed (the memo
  empties itself when full, so one pass may lose the block's first answers);
* ``parse_ref`` rules only: an option that changes no result (``default_tag="latest"``) but
  bypasses the memo and the fast path, i.e. ``domain.reference``'s rules as written.

The order of the passes rotates from round to round (cold always before memoised, which needs
it). Every figure is the median over the rounds; each ratio is the median of the per-round
ratios, parse_ref's rate over docker-py's rate in the same round (1.0 would be as fast as
docker-py). The garbage collector stays on, as in real use.

Time is this process's CPU time (``time.process_time``) unless ``--wall`` is given: the machine
is shared, and wall time also counts the moments another process holds the core.
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


def seconds(
    func: Callable[[str], object], inputs: list[str], clock: Callable[[], float] = time.process_time
) -> float:
    """The ``clock`` time of one pass of ``func`` over ``inputs``."""
    start = clock()
    for text in inputs:
        func(text)
    return clock() - start


def main() -> None:
    from docker.utils import parse_repository_tag

    from domain._reference_fast import MEMO_SIZE
    from domain.reference import parse_ref

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=4000, help="inputs per round")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--wall", action="store_true", help="time by wall clock, not CPU time")
    parser.add_argument("--profile", action="store_true", help="cProfile one more cold pass")
    args = parser.parse_args()
    if args.count < 1 or args.rounds < 1:
        parser.error("--count and --rounds must be positive")

    clock = time.perf_counter if args.wall else time.process_time
    every = make_inputs(args.count * (args.rounds + 1))
    rounds = [every[i * args.count : (i + 1) * args.count] for i in range(args.rounds + 1)]

    names = ("docker", "cold", "memoised", "rules")
    times: dict[str, list[float]] = {name: [] for name in names}

    def rules_only(text: str) -> object:
        return parse_ref(text, default_tag="latest")

    def docker_pass(inputs: list[str]) -> None:
        times["docker"].append(seconds(parse_repository_tag, inputs, clock))

    def parse_ref_passes(inputs: list[str]) -> None:
        times["cold"].append(seconds(parse_ref, inputs, clock))
        memoised = 0.0
        for start in range(0, len(inputs), MEMO_SIZE):
            block = inputs[start : start + MEMO_SIZE]
            seconds(parse_ref, block)  # untimed, twice: puts the whole block in the memo
            seconds(parse_ref, block)
            memoised += seconds(parse_ref, block, clock)
        times["memoised"].append(memoised)

    def rules_pass(inputs: list[str]) -> None:
        times["rules"].append(seconds(rules_only, inputs, clock))

    units = [docker_pass, parse_ref_passes, rules_pass]
    for number, inputs in enumerate(rounds[: args.rounds]):
        shift = number % len(units)
        for unit in units[shift:] + units[:shift]:
            unit(inputs)

    # Checked after timing, so that no cold input was parsed before its cold pass: every path
    # gives the same answer, and docker-py accepts every input (the comparison is fair).
    for text in every[: args.count * args.rounds]:
        assert parse_ref(text) == rules_only(text)
        assert parse_repository_tag(text)[0]

    per_parse = {name: [t / args.count for t in values] for name, values in times.items()}
    print(
        f"{args.count} distinct valid references per round, {args.rounds} rounds, "
        f"interleaved; medians over the rounds of {'wall' if args.wall else 'CPU'} time"
    )
    labels = {
        "docker": "docker-py parse_repository_tag",
        "cold": "parse_ref cold (all distinct)",
        "memoised": "parse_ref memoised",
        "rules": "parse_ref rules only",
    }
    for name in names:
        median = statistics.median(per_parse[name])
        line = f"  {labels[name]:31} {median * 1e9:8,.0f} ns/parse {1 / median:12,.0f} parses/s"
        if name != "docker":
            ratios = [d / t for d, t in zip(times["docker"], times[name], strict=True)]
            line += f"   ratio to docker-py {statistics.median(ratios):.3f}"
        print(line)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for text in rounds[-1]:
            parse_ref(text)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
