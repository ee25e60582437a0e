"""Registry inspect: requests per inspect, latency against skopeo, and 100 references at once.

Run: ``.venv/bin/python tests/benchmarks/bench_registry_inspect.py [--runs N] [--refs M]
[--batches B]``

Starts two real CNCF Distribution registries on 127.0.0.1 (tests/infra/registry.py: one plain,
one with htpasswd Basic auth), pushes synthetic images through the registry API, then prints:

1. requests per inspect, counted in the registry's own access log: a single image, an index, a
   repeated digest reference, a repeated tag, ``exists``; skopeo's count for the same image; and
   401 challenges for ``--refs`` inspects of a Basic-auth registry from one process;
2. latency of inspecting the same image: ``skopeo inspect --config --tls-verify=false
   docker://…`` as a whole process vs OrasRemoteImages in-process, both cold (a new adapter:
   new connection, empty cache) and warm (kept-alive connection, memory cache emptied first);
3. ``--refs`` different references inspected concurrently in one process (8 threads, a new
   adapter) vs the same references inspected by sequential skopeo processes (``--batches``
   interleaved batches of each).

Medians; all in the same run, against the same registry. The registries run with Debian's
packaged cache setting (``blobdescriptor: inmemory``).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from adapters.registry import DockerCredentials, OrasRemoteImages
from domain.platform import parse_platform
from domain.reference import ParsedRef
from tests.infra.registry import AMD64, DistributionRegistry, registry_binary

SKOPEO = shutil.which("skopeo") or "/usr/bin/skopeo"


def skopeo(ref: ParsedRef, *extra: str) -> None:
    """One whole ``skopeo inspect --config`` process."""
    subprocess.run(
        [SKOPEO, "inspect", "--config", "--tls-verify=false", *extra, f"docker://{ref}"],
        capture_output=True,
        check=True,
    )


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` took."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_ms(samples: list[float]) -> str:
    """``median (p10–p90) ms``."""
    qs = statistics.quantiles(samples, n=10) if len(samples) > 1 else samples * 9
    mid = statistics.median(samples) * 1000
    return f"{mid:8.2f} ms  (p10 {qs[0] * 1000:.2f}, p90 {qs[-1] * 1000:.2f})"


def count(registry: DistributionRegistry, action: Callable[[], object]) -> list[str]:
    """The requests ``action`` made, as ``METHOD status``."""
    mark = registry.log_mark()
    action()
    return [f"{e.method} {e.status}" for e in registry.requests_since(mark)]


def requests_per_inspect(
    registry: DistributionRegistry, auth: DistributionRegistry, root: Path, refs: int
) -> None:
    print("== requests per inspect (registry access log)")
    single = registry.push_image({"run.cog.config": "{}"})
    index = registry.push_index(
        [(parse_platform("linux/arm64/v8"), {"a": "arm"}), (AMD64, {"a": "amd"})]
    )
    with OrasRemoteImages(credentials=DockerCredentials(root / "none.json")) as remote:
        rows = [
            ("single image, by tag", lambda: remote.inspect(single.ref)),
            ("index, by tag", lambda: remote.inspect(index.ref)),
            ("single image, repeated by digest", lambda: remote.inspect(single.digest_ref)),
            ("index, repeated by digest", lambda: remote.inspect(index.digest_ref)),
            ("single image, repeated by tag", lambda: remote.inspect(single.ref)),
            ("exists", lambda: remote.exists(single.ref)),
        ]
        for label, action in rows:
            seen = count(registry, action)
            print(f"  {label:34s} {len(seen)}  {seen}")
    seen = count(registry, lambda: skopeo(single.ref))
    print(f"  {'skopeo inspect --config (same)':34s} {len(seen)}  {seen}")

    images = [auth.push_image({"n": str(i)}) for i in range(refs)]
    credentials = DockerCredentials(auth.write_docker_config(root / "docker"))
    with OrasRemoteImages(credentials=credentials) as remote:
        mark = auth.log_mark()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda p: remote.inspect(p.ref), images))
        statuses = [e.status for e in auth.requests_since(mark)]
    print(
        f"  Basic auth, {refs} refs concurrently: {statuses.count(401)} challenge(s) (401), "
        f"{statuses.count(200)} other requests"
    )


def latency(registry: DistributionRegistry, root: Path, runs: int) -> None:
    print(f"== latency, same image, median of {runs}")
    image = registry.push_image({"run.cog.config": '{"build":{"gpu":false}}'})
    skopeo(image.ref)  # warm the page cache for the binary
    credentials = DockerCredentials(root / "none.json")

    def cold() -> None:
        with OrasRemoteImages(credentials=credentials) as fresh:
            fresh.inspect(image.ref)

    skopeo_s: list[float] = []
    cold_s: list[float] = []
    warm_s: list[float] = []
    with OrasRemoteImages(credentials=credentials) as remote:
        remote.inspect(image.ref)
        for _ in range(runs):  # interleaved, so that outside load hits all three alike
            skopeo_s.append(timed(lambda: skopeo(image.ref)))
            cold_s.append(timed(cold))
            remote.cache.clear_memory()  # both requests again, over the kept-alive connection
            warm_s.append(timed(lambda: remote.inspect(image.ref)))
    print(f"  skopeo inspect --config (process)  {median_ms(skopeo_s)}")
    print(f"  OrasRemoteImages, cold adapter     {median_ms(cold_s)}")
    print(f"  OrasRemoteImages, warm connection  {median_ms(warm_s)}")
    base = statistics.median(skopeo_s)
    print(
        f"  skopeo / ours: cold {base / statistics.median(cold_s):.1f}x, "
        f"warm {base / statistics.median(warm_s):.1f}x"
    )


def many(registry: DistributionRegistry, root: Path, refs: int, batches: int) -> None:
    print(f"== {refs} different references, median of {batches} batches")
    images = [registry.push_image({"i": str(i)}) for i in range(refs)]
    credentials = DockerCredentials(root / "none.json")

    def concurrently() -> None:
        with (
            OrasRemoteImages(credentials=credentials) as remote,
            ThreadPoolExecutor(max_workers=8) as pool,
        ):
            list(pool.map(lambda p: remote.inspect(p.ref), images))

    def sequentially_ours() -> None:
        with OrasRemoteImages(credentials=credentials) as remote:
            for image in images:
                remote.inspect(image.ref)

    def sequentially_skopeo() -> None:
        for image in images:
            skopeo(image.ref)

    # Interleaved, so that load from elsewhere on the machine hits all three alike.
    ours, ours_seq, theirs = [], [], []
    ours_cpu, theirs_cpu = [], []
    for _ in range(batches):
        cpu = time.process_time()
        ours.append(timed(concurrently))
        ours_cpu.append(time.process_time() - cpu)
        ours_seq.append(timed(sequentially_ours))
        cpu = _children_cpu()
        theirs.append(timed(sequentially_skopeo))
        theirs_cpu.append(_children_cpu() - cpu)
    mid = statistics.median
    print(f"  OrasRemoteImages, 8 threads, one process   {mid(ours):7.3f} s  {_all(ours)}")
    print(f"  OrasRemoteImages, sequential, one process  {mid(ours_seq):7.3f} s  {_all(ours_seq)}")
    print(f"  skopeo, {refs} sequential processes        {mid(theirs):7.3f} s  {_all(theirs)}")
    print(f"  speed-up (skopeo / ours concurrent): {mid(theirs) / mid(ours):.1f}x")
    # CPU the client side spent (user + system): independent of other load on the machine.
    print(
        f"  client CPU: ours {mid(ours_cpu):.3f} s, skopeo {mid(theirs_cpu):.3f} s "
        f"({mid(theirs_cpu) / mid(ours_cpu):.1f}x)"
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _all(samples: list[float]) -> str:
    return "[" + ", ".join(f"{s:.3f}" for s in samples) + "]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--refs", type=int, default=100)
    parser.add_argument("--batches", type=int, default=3)
    args = parser.parse_args()
    binary = registry_binary()
    with tempfile.TemporaryDirectory(prefix="cogmodel-bench-") as tmp:
        root = Path(tmp)
        (root / "plain").mkdir()
        (root / "auth").mkdir()
        with (
            DistributionRegistry(root / "plain", binary=binary) as registry,
            DistributionRegistry(
                root / "auth", binary=binary, username="bench", password="bench-pw"
            ) as auth,
        ):
            requests_per_inspect(registry, auth, root, args.refs)
            latency(registry, root, args.runs)
            many(registry, root, args.refs, args.batches)


if __name__ == "__main__":
    main()
