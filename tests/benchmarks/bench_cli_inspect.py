"""`cogmodel inspect` against `skopeo inspect --config`, whole processes, same registry (issue 14).

Run: ``.venv/bin/python tests/benchmarks/bench_cli_inspect.py [--runs N] [--tags M]
[--batches B] [--before DIR]``

Starts a real CNCF Distribution registry on 127.0.0.1 (tests/infra/registry.py) and pushes a
real labelled image: a busybox image built by the local Docker Engine with the labels Cog
writes for ``examples/thumbnail`` (its completed config label, its OpenAPI schema) and pushed
with ``docker push``; without an engine, an image with the same labels pushed through the
registry API. Then, interleaved, so that load from elsewhere on the machine hits all alike:

1. **One image**: ``cogmodel inspect --remote --json REF`` (the installed console script) and
   ``skopeo inspect --config --tls-verify=false docker://REF`` (Debian's skopeo; both read one
   manifest and one config blob), ``--runs`` times each: medians, minimum, 90th percentile, and
   the ratio of medians (goal <= 3, stretch <= 2), with floors to read it by: ``python -c
   pass`` (the interpreter), ``import ssl, http.client`` (what the registry adapter's HTTP
   needs), ``ssl.create_default_context()`` (loading the system CA store, which the first
   HTTPS attempt pays), for what left the path in decision 0045, ``import requests`` and
   ``import dependency_injector.containers``, and the least any Python program does for the
   same answer (floor_inspect.py: the two GETs on a raw socket, no checks; bare, and with
   ``ssl`` and ``http.client`` imported), with what the goal leaves above it. Both tools must
   say the same (labels, platform, image id, manifest digest; the floor, labels and image id)
   and both must fail on a missing tag and an unreachable registry.
2. **Many images**: ``--tags`` distinct tags (distinct images) inspected by ONE
   ``cogmodel inspect --remote --json REF…`` process vs ``--tags`` sequential skopeo processes,
   ``--batches`` times each: medians and the speed-up (goal >= 5).
   Then one more run of each with its CPU time: its own processes' and the registry's.
3. **Phases** of one ``inspect --remote --json`` in a fresh interpreter, ``--runs`` times
   (medians, ms): the interpreter's start (``python -c pass``), imports (CLI, command, registry
   adapter), composition, the first request (the TLS probe of decision 0047, which finds that
   the registry speaks plain HTTP, so no TLS context is built; the fall back to HTTP; the
   manifest), the config blob, the output.
4. ``python -X importtime`` of the one-image command: its largest top-level imports.

``--before DIR`` adds another cogmodel to compare with, e.g. an export of an older commit
(``git archive COMMIT | tar -x -C DIR``), run as ``python -c 'from adapters.cli.main import
main; …'`` with ``PYTHONPATH=DIR`` (in part 2 it inspects the tags with one process per tag
when it has no batch form). Byte code is cached first, as for an installed package
(``PYTHONDONTWRITEBYTECODE`` is dropped from the environment).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.infra.registry import DistributionRegistry, registry_binary  # noqa: E402

PYTHON = sys.executable
COGMODEL = str(Path(PYTHON).with_name("cogmodel"))
SKOPEO = shutil.which("skopeo") or "/usr/bin/skopeo"
LAUNCH = "import sys; from adapters.cli.main import main; sys.exit(main())"
EXAMPLE = ROOT / "examples" / "thumbnail"
FLOOR = Path(__file__).with_name("floor_inspect.py")
NOT_COPIED = (".git", ".venv", "__pycache__", "build", "*.egg-info", ".*_cache", ".hypothesis")


def thumbnail_labels() -> dict[str, str]:
    """The labels Cog writes for examples/thumbnail (config label, schema, version)."""
    from adapters.filesystem import load_source
    from domain.cogyaml.label import config_to_label
    from domain.cogyaml.validation import validate_and_complete
    from domain.labels import LABEL_CONFIG, LABEL_OPENAPI_SCHEMA, LABEL_VERSION
    from domain.openapi import encode, openapi_schema

    source = load_source("cog.yaml", EXAMPLE)
    assert source.config is not None
    config = validate_and_complete(source.config, ())
    schema = openapi_schema((EXAMPLE / "predict.py").read_text(), "Predictor", file="predict.py")
    return {
        LABEL_CONFIG: config_to_label(config),
        LABEL_OPENAPI_SCHEMA: encode(schema).decode(),
        LABEL_VERSION: "0.23.1",
    }


def push_real_image(registry: DistributionRegistry, labels: Mapping[str, str]) -> tuple[str, str]:
    """Build and push a labelled busybox image with the engine; (reference, how it was made)."""
    name = f"{registry.host}/bench/thumbnail:1"
    try:
        import docker

        from tests.infra.images import busybox_recipe, cached_image, labelled_image

        client = docker.from_env(timeout=120)
        base = cached_image(client, busybox_recipe())
        labelled_image(client, base, name, labels)
        try:
            for line in client.api.push(name, stream=True, decode=True):
                if "error" in line:
                    raise RuntimeError(line["error"])
        finally:
            client.images.remove(name, noprune=False)
        return name, "built by the Docker Engine, pushed with docker push"
    except Exception as exc:  # no engine here: the registry API, same labels
        pushed = registry.push_image(labels, repository="bench/thumbnail", tag="1")
        return str(pushed.ref), f"pushed through the registry API ({type(exc).__name__})"


@dataclass(frozen=True)
class Installed:
    """This tree installed as users install it, in a venv of another interpreter."""

    bin: Path
    label: str


def install_wheel(python: str, home: Path) -> Installed:
    """A fresh venv of ``python`` with a copy of this tree ``pip install``-ed into it (built as
    a wheel, not editable; its dependencies from the package index pip is configured with)."""
    source = home / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_COPIED))
    venv = home / "wheel-venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(source)],
        check=True,
        env=env,
        stderr=subprocess.DEVNULL,  # the index's warnings; a failure still fails (check=True)
    )
    version = subprocess.check_output(
        [str(venv / "bin" / "python"), "-c", "import platform; print(platform.python_version())"],
        text=True,
    ).strip()
    return Installed(bin=venv / "bin", label=f"{python} {version}")


def environment(home: Path) -> dict[str, str]:
    (home / "docker").mkdir()
    env = {
        **os.environ,
        "DOCKER_CONFIG": str(home / "docker"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed packages have their byte code
    return env


def run(argv: list[str], env: Mapping[str, str], *, ok: bool = True) -> float:
    """Milliseconds one whole process took (it must succeed unless ``ok`` is False).

    Run in ``$DOCKER_CONFIG`` (an empty directory): ``python -c`` puts the working directory
    first on ``sys.path``, which must not hold another cogmodel than the one measured.
    """
    start = time.perf_counter()
    done = subprocess.run(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=env["DOCKER_CONFIG"],
        check=False,
    )
    elapsed = (time.perf_counter() - start) * 1000
    if ok and done.returncode != 0:
        sys.exit(f"{argv[:4]} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def summary(name: str, values: list[float], unit: str = "ms") -> float:
    ordered = sorted(values)
    p90 = ordered[max(int(len(ordered) * 0.9) - 1, 0)]
    median = statistics.median(ordered)
    digits = 2 if unit == "s" else 1  # a batch of 0.45 s and one of 0.54 s are not both 0.5
    print(f"  {name:<52}{median:>9.{digits}f}{ordered[0]:>9.{digits}f}{p90:>9.{digits}f}  {unit}")
    return median


def interleaved(cases: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    for action in cases.values():  # warm the page cache and the byte code
        action()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, action in cases.items():
            times[name].append(action())
    return times


def ours(args: list[str], before: Path | None = None) -> tuple[list[str], dict[str, str]]:
    """A cogmodel command: the console script, or the one in ``before`` (PYTHONPATH)."""
    if before is None:
        return [COGMODEL, *args], {}
    return [PYTHON, "-c", LAUNCH, *args], {"PYTHONPATH": str(before)}


def skopeo(ref: str, *extra: str) -> list[str]:
    return [SKOPEO, "inspect", *extra, "--tls-verify=false", f"docker://{ref}"]


def check_same_answers(ref: str, missing: str, env: Mapping[str, str]) -> None:
    """Both tools say the same about the image, and both fail where there is none."""
    mine = json.loads(
        subprocess.check_output([COGMODEL, "inspect", "--remote", "--json", ref], env=env)
    )
    config = json.loads(subprocess.check_output(skopeo(ref, "--config"), env=env))
    raw_manifest = subprocess.check_output(skopeo(ref, "--raw"), env=env)
    manifest = json.loads(raw_manifest)
    floor = json.loads(subprocess.check_output([PYTHON, str(FLOOR), ref], env=env))
    same = {
        "labels": mine["labels"] == config["config"]["Labels"] == floor["labels"],
        "platform": (mine["platform"]["os"], mine["platform"]["architecture"])
        == (config["os"], config["architecture"]),
        "image id": mine["digest"] == manifest["config"]["digest"] == floor["digest"],
        "manifest digest": mine["manifest_digest"]
        == "sha256:" + hashlib.sha256(raw_manifest).hexdigest(),
    }
    print("  same answers:", ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in same.items()))
    for what, target in (("missing tag", missing), ("no registry", "127.0.0.1:1/a/b:0")):
        codes = []
        for argv in (
            [COGMODEL, "inspect", "--remote", "--json", target],
            skopeo(target, "--config"),
        ):
            done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
            codes.append(f"exit {done.returncode}: …{done.stderr.strip().splitlines()[-1][-100:]}")
        print(f"  {what}: cogmodel {codes[0]}\n  {' ' * len(what)}  skopeo   {codes[1]}")


def one_image(
    ref: str, env: dict[str, str], runs: int, before: Path | None, wheel: Installed | None
) -> None:
    args = ["inspect", "--remote", "--json", ref]
    cases: dict[str, Callable[[], float]] = {}
    argv, extra = ours(args)
    cases["cogmodel inspect --remote --json"] = lambda: run(argv, env | extra)
    if before is not None:
        old_argv, old_extra = ours(args, before)
        cases[f"cogmodel ({before.name}) inspect --remote --json"] = lambda: run(
            old_argv, env | old_extra
        )
    if wheel is not None:
        wheel_argv = [str(wheel.bin / "cogmodel"), *args]
        cases[f"cogmodel, wheel on {wheel.label}"] = lambda: run(wheel_argv, env)
    cases["skopeo inspect --config"] = lambda: run(skopeo(ref, "--config"), env)
    # Floors, to read the ratio by: the interpreter, what the path keeps (HTTP, the CA store),
    # and the libraries decision 0045 took off it.
    for code in (
        "pass",
        "import ssl, http.client",
        "import ssl; ssl.create_default_context()",
        "import requests",
        "import dependency_injector.containers",
    ):
        cases[f"python -c '{code}'"] = lambda code=code: run([PYTHON, "-c", code], env)
    # The least any Python program does for the same answer (tests/benchmarks/floor_inspect.py:
    # two GETs on a raw socket, no checks), bare and with the standard library an HTTPS
    # registry client cannot do without.
    pythons = [("", PYTHON)]
    if wheel is not None:
        wheel_python = str(wheel.bin / "python")
        cases[f"{wheel.label}: python -c 'pass'"] = lambda: run([wheel_python, "-c", "pass"], env)
        pythons.append((f" on {wheel.label}", wheel_python))
    for on, python in pythons:
        for name, extra_args in (
            ("socket, json, hashlib", []),
            ("+ ssl, http.client", ["--import", "ssl,http.client"]),
        ):
            floor_argv = [python, str(FLOOR), *extra_args, ref]
            cases[f"floor_inspect.py ({name}){on}"] = lambda argv=floor_argv: run(argv, env)
    times = interleaved(cases, runs)
    print(f"== one image, whole process, {runs} interleaved runs each")
    print(f"  {'command':<52}{'median':>9}{'min':>9}{'p90':>9}")
    medians = {name: summary(name, values) for name, values in times.items()}
    theirs = medians["skopeo inspect --config"]
    for name, median in medians.items():
        if name.startswith("cogmodel"):
            print(f"  ratio {name} / skopeo: {median / theirs:.2f} (goal <= 3, stretch <= 2)")
    for name, median in medians.items():
        if name.startswith("floor_inspect.py"):
            print(
                f"  ratio {name} / skopeo: {median / theirs:.2f}; the goal (3x) leaves "
                f"{3 * theirs - median:.1f} ms above it for everything else"
            )


def many_images(
    registry: DistributionRegistry,
    labels: Mapping[str, str],
    env: dict[str, str],
    *,
    tags: int,
    batches: int,
    before: Path | None,
    wheel: Installed | None,
) -> None:
    repository = "bench/many"
    refs = [
        str(
            registry.push_image({**labels, "n": str(i)}, repository=repository, tag=f"t{i:03d}").ref
        )
        for i in range(tags)
    ]
    argv = [COGMODEL, "inspect", "--remote", "--json", *refs]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["labels"]["n"] for line in lines] == [str(i) for i in range(tags)]

    def one_process() -> float:
        return run(argv, env) / 1000

    def skopeo_each() -> float:
        return sum(run(skopeo(ref, "--config"), env) for ref in refs) / 1000

    cases: dict[str, Callable[[], float]] = {
        f"cogmodel inspect, {tags} tags in one process": one_process,
        f"skopeo inspect --config, {tags} sequential processes": skopeo_each,
    }
    if before is not None:
        old_argv, old_extra = ours(["inspect", "--remote", "--json"], before)
        if _batch_form(before):
            cases[f"cogmodel ({before.name}), {tags} tags in one process"] = lambda: (
                run([*old_argv, *refs], env | old_extra) / 1000
            )
        else:  # older than the batch form (decision 0031): one process per tag
            cases[f"cogmodel ({before.name}), {tags} sequential processes"] = lambda: (
                sum(run([*old_argv, ref], env | old_extra) for ref in refs) / 1000
            )
    if wheel is not None:
        wheel_argv = [str(wheel.bin / "cogmodel"), "inspect", "--remote", "--json", *refs]
        cases[f"cogmodel, wheel on {wheel.label}"] = lambda: run(wheel_argv, env) / 1000
    times = interleaved(cases, batches)
    print(f"== {tags} distinct tags, {batches} interleaved batches each")
    print(f"  {'command':<52}{'median':>9}{'min':>9}{'p90':>9}")
    medians = {name: summary(name, values, "s") for name, values in times.items()}
    names = list(medians)
    theirs = medians[names[1]]
    print(
        f"  speed-up, skopeo processes / one cogmodel process: "
        f"{theirs / medians[names[0]]:.1f}x (goal >= 5)"
    )
    cpu_accounts(registry, {names[0]: one_process, names[1]: skopeo_each})
    for name in names[2:]:
        line = f"  speed-up, skopeo processes / {name}: {theirs / medians[name]:.1f}x"
        if before is not None and name.startswith(f"cogmodel ({before.name})"):
            line += f"; this tree over it: {medians[name] / medians[names[0]]:.1f}x"
        print(line)


def cpu_accounts(registry: DistributionRegistry, cases: Mapping[str, Callable[[], float]]) -> None:
    """CPU seconds each case costs its own processes and the registry (one more run of each):
    on a machine whose cores are busy, wall time follows the sum of the two."""

    def children() -> float:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    def registry_cpu() -> float:
        process = registry._process  # the server's CPU time is the question
        assert process is not None
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    for name, action in cases.items():
        client, server = children(), registry_cpu()
        wall = action()
        print(
            f"  cpu of one more run, {name}: its processes {children() - client:.2f} s, "
            f"the registry {registry_cpu() - server:.2f} s (wall {wall:.2f} s)"
        )


def _batch_form(tree: Path) -> bool:
    """Whether the cogmodel in ``tree`` inspects several references in one call (0031)."""
    command = tree / "adapters" / "cli" / "commands" / "inspect.py"
    return command.exists() and "inspect_many" in command.read_text()


PHASES = """
import sys, time
start = time.perf_counter()
marks = []
def mark(what):
    marks.append((what, time.perf_counter()))
import adapters.cli.main
mark("import the CLI")
import adapters.cli.commands.inspect
mark("import the inspect command")
import adapters.registry.remote_images
mark("import the registry adapter")
from adapters.composition import configuration, registry_resolver
from application.resolver import Preference
from domain.reference import parse_ref
resolver = registry_resolver(configuration({}))
mark("composition")
import adapters.registry.session as session
import adapters.registry.transport as transport
import adapters.registry.trust as trust
real_get, real_tls = transport.RegistryClient.get, trust.tls_context
real_probe = session.BoundedSession.probe_tls
def timed_probe(self, url, **kwargs):
    mark("first request: before the TLS probe")
    try:
        real_probe(self, url, **kwargs)  # raises when the server does not speak TLS
    finally:
        mark("first request: the TLS probe (no CA)")
session.BoundedSession.probe_tls = timed_probe
def timed_tls(sources):
    mark("first request: before the TLS context")
    context = real_tls(sources)
    mark("first request: the TLS context (CA store)")
    return context
def timed_get(self, path, **kwargs):
    answer = real_get(self, path, **kwargs)
    mark("config blob" if "/blobs/" in path else "first request: HTTPS attempt, HTTP, manifest")
    return answer
transport.RegistryClient.get, trust.tls_context = timed_get, timed_tls
model = resolver.inspect(parse_ref(sys.argv[1]), prefer=Preference.REMOTE_ONLY)
mark("model from the labels")
from adapters.cli.output import json_text, model_document
json_text(model_document(model), indent=2)
mark("output")
previous = start
for what, when in marks:
    print(f"{what}\t{(when - previous) * 1000:.3f}")
    previous = when
"""


def phases(ref: str, env: dict[str, str], runs: int) -> None:
    """Where one inspect's milliseconds go, in a fresh interpreter each run."""
    found: dict[str, list[float]] = {"interpreter start (python -c pass)": []}
    for _ in range(runs):
        found["interpreter start (python -c pass)"].append(run([PYTHON, "-c", "pass"], env))
        out = subprocess.run(
            [PYTHON, "-c", PHASES, ref],
            capture_output=True,
            text=True,
            check=True,
            env=env | {"PYTHONPATH": str(ROOT)},
            cwd=env["DOCKER_CONFIG"],
        ).stdout
        for line in out.splitlines():
            what, _, ms = line.partition("\t")
            found.setdefault(what, []).append(float(ms))
    print(f"== phases of one inspect --remote --json, {runs} runs, medians")
    total = 0.0
    for what, values in found.items():
        median = statistics.median(values)
        total += median
        print(f"  {what:<52}{median:>9.1f} ms")
    print(f"  {'sum of medians':<52}{total:>9.1f} ms")


def import_profile(ref: str, env: dict[str, str]) -> None:
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
    print(f"== imports of one inspect (top level, python -X importtime): {total / 1000:.0f} ms")
    for cumulative, name in sorted(rows, reverse=True)[:12]:
        print(f"  {cumulative / 1000:>7.1f} ms  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--tags", type=int, default=100)
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another cogmodel tree to compare with")
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="also measure this tree installed as a wheel in a venv of this interpreter "
        "(e.g. /usr/bin/python3, the distribution's build)",
    )
    args = parser.parse_args()
    if not os.path.exists(SKOPEO):
        sys.exit("skopeo is not installed (apt-get install skopeo)")
    before = args.before.resolve() if args.before else None
    home = Path(tempfile.mkdtemp(prefix="cogmodel-bench-"))
    env = environment(home)
    (home / "registry").mkdir()
    try:
        wheel = install_wheel(args.python, home) if args.python else None
        with DistributionRegistry(home / "registry", binary=registry_binary()) as registry:
            labels = thumbnail_labels()
            ref, how = push_real_image(registry, labels)
            print(f"registry {registry.host}; image {ref}, {how}")
            print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
            check_same_answers(ref, f"{registry.host}/bench/thumbnail:missing", env)
            one_image(ref, env, args.runs, before, wheel)
            many_images(
                registry,
                labels,
                env,
                tags=args.tags,
                batches=args.batches,
                before=before,
                wheel=wheel,
            )
            phases(ref, env, args.runs)
            import_profile(ref, env)
            print(f"load average at end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
