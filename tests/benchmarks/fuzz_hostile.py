"""Fuzz the four parsers of outside input: every failure typed, every input within bounds.

Run: ``.venv/bin/python tests/benchmarks/fuzz_hostile.py [--count N] [--jobs J] [--seed S]
[--memory traced|rss] [--parser NAME ...]``

For each parser (references, cog.yaml, predictor sources, labels) it runs ``--count`` inputs
(default 100,000) from the generators in ``tests/property/hostile.py`` through what a caller
does with them (see ``PARSERS`` there), and prints:

* how many inputs parsed, how many failed with a documented error type (``ALLOWED``), and how
  many failed with anything else, by type, with the seed and index that reproduce each (this
  must be 0);
* the slowest inputs by CPU time (``time.process_time``: the machine's other load does not
  count) with their wall time, and the largest by peak traced memory (``tracemalloc``: Python
  allocations; libyaml's own C buffers are not traced, and are bounded by cog.yaml's 1 MiB).
  Every input runs under ``tracemalloc``, which slows allocation-heavy code several times, so
  an input that takes more than 50 ms that way is run again untraced for its time;
* whether any input passed the bounds of issue 15: 2 s and 500 MB per input.

``--memory rss`` trades the per-input memory figure for speed (tracing is most of a run's
cost): no input is traced except one in ``SAMPLE`` (for the "largest" list), and the memory
bound is checked on each worker's peak resident set size (``ru_maxrss``), which is at least
what any one input used on top of the worker, C allocations included. A worker whose peak
stays under 500 MB proves every input it ran stayed under it; one that passes it fails the
run (rerun that parser traced to find the input).

Work is split across ``--jobs`` processes (default 2). Inputs are reproducible: input ``i`` of
a parser comes from ``random.Random(f"{seed}:{parser}:{i}")``.
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.property.hostile import ALLOWED, PARSERS

TIME_BOUND = 2.0  # seconds of CPU per input
MEMORY_BOUND = 500 * 2**20  # bytes of peak traced memory per input
TOP = 5
_RETIME = 0.05  # seconds: inputs slower than this under tracing are timed again without it
SAMPLE = 50  # with --memory rss, one input in SAMPLE is traced for the "largest" list


@dataclass
class Stats:
    """What one worker saw of one parser."""

    count: int = 0
    parsed: int = 0
    allowed: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    slowest: list[tuple[float, float, int, int]] = field(default_factory=list)  # cpu, wall, i, size
    largest: list[tuple[int, int, int]] = field(default_factory=list)  # peak, i, size
    over_bounds: list[str] = field(default_factory=list)
    peak_rss: int = 0  # with --memory rss: the highest worker peak resident set, bytes

    def merge(self, other: Stats) -> None:
        self.count += other.count
        self.parsed += other.parsed
        self.allowed.update(other.allowed)
        self.unexpected.update(other.unexpected)
        for key, value in other.examples.items():
            self.examples.setdefault(key, value)
        self.slowest = heapq.nlargest(TOP, self.slowest + other.slowest)
        self.largest = heapq.nlargest(TOP, self.largest + other.largest)
        self.over_bounds += other.over_bounds
        self.peak_rss = max(self.peak_rss, other.peak_rss)


def _size(value: object) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, tuple):
        return sum(_size(v) for v in value)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values())
    return 0


def _untraced_time(parse: Callable[[object], None], value: object) -> tuple[float, float]:
    tracemalloc.stop()
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.suppress(Exception):
        parse(value)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    tracemalloc.start()
    return cpu, wall


def run_chunk(name: str, seed: int, start: int, stop: int, memory: str = "traced") -> Stats:
    """Inputs ``start`` to ``stop`` of parser ``name``, measured one by one."""
    if memory == "rss":
        return _run_chunk_rss(name, seed, start, stop)
    generate, parse = PARSERS[name]
    allowed = ALLOWED[name]
    stats = Stats()
    sys.setrecursionlimit(1000)  # the interpreter's default: no hidden head room
    tracemalloc.start()
    for i in range(start, stop):
        value = generate(random.Random(f"{seed}:{name}:{i}"))
        size = _size(value)
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            parse(value)
            stats.parsed += 1
        except allowed as exc:
            stats.allowed[type(exc).__name__] += 1
        except Exception as exc:
            key = type(exc).__name__
            stats.unexpected[key] += 1
            stats.examples.setdefault(key, f"input {i}: {exc!r:.300}")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        peak = tracemalloc.get_traced_memory()[1] - base
        if cpu > _RETIME:  # tracing slows allocation-heavy code several times: time it again
            cpu, wall = _untraced_time(parse, value)
        stats.count += 1
        stats.slowest = heapq.nlargest(TOP, [*stats.slowest, (cpu, wall, i, size)])
        stats.largest = heapq.nlargest(TOP, [*stats.largest, (peak, i, size)])
        if cpu > TIME_BOUND or peak > MEMORY_BOUND:
            stats.over_bounds.append(f"input {i}: {cpu:.2f} s CPU, {peak / 2**20:.0f} MB")
    tracemalloc.stop()
    return stats


def _run_chunk_rss(name: str, seed: int, start: int, stop: int) -> Stats:
    generate, parse = PARSERS[name]
    allowed = ALLOWED[name]
    stats = Stats()
    sys.setrecursionlimit(1000)
    for i in range(start, stop):
        value = generate(random.Random(f"{seed}:{name}:{i}"))
        size = _size(value)
        traced = i % SAMPLE == 0
        if traced:
            tracemalloc.start()
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            parse(value)
            stats.parsed += 1
        except allowed as exc:
            stats.allowed[type(exc).__name__] += 1
        except Exception as exc:
            key = type(exc).__name__
            stats.unexpected[key] += 1
            stats.examples.setdefault(key, f"input {i}: {exc!r:.300}")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if traced:
            stats.largest = heapq.nlargest(
                TOP, [*stats.largest, (tracemalloc.get_traced_memory()[1], i, size)]
            )
            tracemalloc.stop()
            if cpu > _RETIME:
                cpu, wall = _untraced_time(parse, value)
                tracemalloc.stop()
        stats.count += 1
        stats.slowest = heapq.nlargest(TOP, [*stats.slowest, (cpu, wall, i, size)])
        if cpu > TIME_BOUND:
            stats.over_bounds.append(f"input {i}: {cpu:.2f} s CPU")
    stats.peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    if stats.peak_rss > MEMORY_BOUND:
        stats.over_bounds.append(
            f"inputs {start}-{stop - 1}: a worker's peak RSS {stats.peak_rss / 2**20:.0f} MB"
        )
    return stats


def fuzz(name: str, count: int, jobs: int, seed: int, memory: str = "traced") -> Stats:
    chunk = max(1, min(2_000, count // (jobs * 4) or 1))
    bounds = [(start, min(count, start + chunk)) for start in range(0, count, chunk)]
    total = Stats()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_chunk, name, seed, a, b, memory) for a, b in bounds]
        for future in futures:
            total.merge(future.result())
    return total


def report(name: str, stats: Stats, elapsed: float) -> bool:
    print(f"\n== {name}: {stats.count:,} inputs in {elapsed:.0f} s")
    allowed = ", ".join(f"{k} {v:,}" for k, v in stats.allowed.most_common())
    print(
        f"   parsed {stats.parsed:,}; documented errors {sum(stats.allowed.values()):,} ({allowed})"
    )
    unexpected = sum(stats.unexpected.values())
    print(f"   errors outside the documented types: {unexpected}")
    for key, value in stats.unexpected.most_common():
        print(f"     {key} x{value}: {stats.examples[key]}")
    print("   slowest (CPU s / wall s / input / chars):")
    for cpu, wall, i, size in stats.slowest:
        print(f"     {cpu:7.3f} {wall:7.3f}  #{i:<7} {size:,}")
    print("   largest (peak MB / input / chars):")
    for peak, i, size in stats.largest:
        print(f"     {peak / 2**20:7.1f}  #{i:<7} {size:,}")
    if stats.peak_rss:
        print(
            f"   workers' peak resident set: {stats.peak_rss / 2**20:.0f} MB (bounds every input)"
        )
    worst_cpu = stats.slowest[0][0] if stats.slowest else 0.0
    worst_mb = stats.largest[0][0] / 2**20 if stats.largest else 0.0
    within = not stats.over_bounds
    verdict = "within" if within else "PASSED: " + "; ".join(stats.over_bounds[:5])
    print(
        f"   bounds: worst {worst_cpu:.3f} s CPU of {TIME_BOUND:.0f} s, worst {worst_mb:.1f} MB of "
        f"{MEMORY_BOUND // 2**20} MB: {verdict}"
    )
    return unexpected == 0 and within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--parser", action="append", choices=sorted(PARSERS))
    parser.add_argument("--memory", choices=["traced", "rss"], default="traced")
    args = parser.parse_args()
    ok = True
    for name in args.parser or list(PARSERS):
        start = time.perf_counter()
        stats = fuzz(name, args.count, args.jobs, args.seed, args.memory)
        ok = report(name, stats, time.perf_counter() - start) and ok
    print("\nall clean" if ok else "\nFOUND PROBLEMS")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
