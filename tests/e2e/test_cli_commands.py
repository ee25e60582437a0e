"""Cog HEAD's command line through the real `cogmodel`: exec, init, login, debug, calm builds.

Real everything: the engine (BuildKit through the docker CLI by default), Distribution
registries (one with htpasswd auth), the Cog runtime in hermetic builds on the local
python:X.Y-slim stand-ins. Projects are copied to directories with a random suffix, so the
images (``cog-<directory>``) are this module's alone; they are removed at the end. BuildKit's
cache is shared with the other build tests, so a build here is mostly cached.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from domain.reference import ParsedRef
from tests.e2e.cli_support import EXAMPLES, Cogmodel
from tests.infra.registry import DistributionRegistry

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.registry]
BUILD_TIMEOUT = 900
MAX_CACHED_LINES = 5  # issue 16: a cached build or run, auto mode, not a terminal


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-commands")


@pytest.fixture(scope="module")
def cogmodel(workdir: Path) -> Cogmodel:
    return Cogmodel.isolated(workdir / "home")


@pytest.fixture(scope="module")
def made(docker_client: docker.DockerClient) -> Iterator[list[str]]:
    """Image names this module made: removed at the end."""
    names: list[str] = []
    yield names
    for name in reversed(names):
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            docker_client.images.remove(name, force=True)


def _copy(example: str, workdir: Path, made: list[str]) -> Path:
    path = workdir / f"{example}-{uuid.uuid4().hex[:8]}"
    shutil.copytree(EXAMPLES / example, path)
    made += [f"cog-{path.name}", f"cog-{path.name}-base"]
    return path


@pytest.fixture(scope="module")
def vocab(workdir: Path, made: list[str], python_slim_image: ParsedRef) -> Path:
    return _copy("vocab", workdir, made)


def _lines(text: str) -> list[str]:
    return text.splitlines()


# --------------------------------------------------------------------------- calm builds


def test_a_cached_build_prints_at_most_five_lines(
    cogmodel: Cogmodel, workdir: Path, made: list[str], python_slim_image: ParsedRef
) -> None:
    thumbnail = _copy("thumbnail", workdir, made)
    first = cogmodel("build", "--hermetic", cwd=thumbnail, timeout=BUILD_TIMEOUT)
    assert first.code == 0, first.err[-3000:]
    cached = cogmodel("build", "--hermetic", cwd=thumbnail, timeout=BUILD_TIMEOUT)
    assert cached.code == 0, cached.err
    shown = _lines(cached.err) + _lines(cached.out)
    print(f"cached build of examples/thumbnail: {len(shown)} lines")  # the measure (-s shows it)
    assert len(shown) <= MAX_CACHED_LINES, "\n".join(shown)
    assert _lines(cached.out) == [f"Image built as cog-{thumbnail.name}", _lines(cached.out)[1]]
    assert not any("LABEL" in line or "Step " in line for line in shown)


def test_a_cached_run_prints_at_most_five_lines_around_its_answer(
    cogmodel: Cogmodel, vocab: Path
) -> None:
    first = cogmodel("run", "--hermetic", "-i", "text=cog", cwd=vocab, timeout=BUILD_TIMEOUT)
    assert first.code == 0, first.err[-3000:]
    cached = cogmodel("run", "--hermetic", "-i", "text=cog", cwd=vocab, timeout=BUILD_TIMEOUT)
    assert cached.code == 0, cached.err
    assert json.loads(cached.out) == ["cog"]
    print(f"cached run in examples/vocab: {len(_lines(cached.err))} lines before the answer")
    assert len(_lines(cached.err)) <= MAX_CACHED_LINES, cached.err
    assert _lines(cached.err) == [
        f"Starting Docker image cog-{vocab.name} and running setup()...",
        "Running prediction...",
    ]


def test_a_rebuild_shows_the_steps_that_run_and_plain_shows_the_log(
    cogmodel: Cogmodel, vocab: Path
) -> None:
    (vocab / "predict.py").write_text((vocab / "predict.py").read_text() + f"# {uuid.uuid4()}\n")
    rebuilt = cogmodel("build", "--hermetic", cwd=vocab, timeout=BUILD_TIMEOUT)
    assert rebuilt.code == 0, rebuilt.err[-3000:]
    steps = [line for line in _lines(rebuilt.err) if re.match(r"\[\d+/\d+\] ", line)]
    assert any(line.endswith("COPY src /src") for line in steps), rebuilt.err
    assert re.search(r"^Built in \d+\.\ds \(\d+ of \d+ steps run", rebuilt.err, re.MULTILINE)
    plain = cogmodel("build", "--hermetic", "--progress", "plain", cwd=vocab)
    assert plain.code == 0, plain.err[-3000:]
    assert re.search(r"^#\d+ \[.*\] COPY src /src$", plain.err, re.MULTILINE)  # BuildKit's log
    assert "run.cog.openapi_schema=" not in plain.err  # label values are never shown
    quiet = cogmodel("build", "--hermetic", "--progress", "quiet", cwd=vocab)
    assert quiet.err == ""
    assert _lines(quiet.out)[0] == f"Image built as cog-{vocab.name}"


# --------------------------------------------------------------------------- exec


def test_exec_passes_stdin_and_the_exit_status(cogmodel: Cogmodel, vocab: Path) -> None:
    piped = cogmodel("exec", "--hermetic", "cat", cwd=vocab, stdin="hello\nworld\n")
    assert piped.code == 0, piped.err[-3000:]
    assert piped.out == "hello\nworld\n"
    failing = cogmodel(
        "exec", "--hermetic", "sh", "-c", "echo out; echo err >&2; exit 7", cwd=vocab
    )
    assert failing.code == 7
    assert failing.out == "out\n"
    assert _lines(failing.err)[-1] == "err"
    listing = cogmodel("exec", "--hermetic", "ls", cwd=vocab)
    assert {"cog.yaml", "predict.py", "train.py"} <= set(listing.out.split())


def test_exec_passes_signals_on_and_exits_as_the_command_did(
    cogmodel: Cogmodel, vocab: Path
) -> None:
    assert cogmodel("exec", "--hermetic", "true", cwd=vocab).code == 0  # the dev image, built
    process = cogmodel.popen(
        "exec",
        "--hermetic",
        "python",
        "-c",
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *_: (print('got TERM', flush=True), sys.exit(5)))\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n",
        cwd=vocab,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - started < 30
    assert out == "got TERM\n", err
    assert process.returncode == 5  # the command's own status, not cogmodel's 143


# --------------------------------------------------------------------------- init, debug


@pytest.fixture(scope="module")
def fresh_project(
    cogmodel: Cogmodel, workdir: Path, made: list[str], python313_slim_image: ParsedRef
) -> Path:
    project = workdir / f"fresh-{uuid.uuid4().hex[:8]}"
    project.mkdir()
    made += [f"cog-{project.name}", f"cog-{project.name}-base"]
    result = cogmodel("init", cwd=project)
    assert result.code == 0, result.err
    return project


def test_init_then_build_then_run_on_the_generated_project(
    cogmodel: Cogmodel, fresh_project: Path
) -> None:
    assert sorted(p.name for p in fresh_project.iterdir()) == [
        ".dockerignore",
        "cog.yaml",
        "requirements.txt",
        "run.py",
    ]
    built = cogmodel("build", "--hermetic", cwd=fresh_project, timeout=BUILD_TIMEOUT)
    assert built.code == 0, built.err[-3000:]
    ran = cogmodel(
        "run", "--hermetic", "-i", "text=hi", "-i", "repeat=3", cwd=fresh_project, timeout=300
    )
    assert ran.code == 0, ran.err[-3000:]
    assert ran.out == "hi hi hi\n"
    again = cogmodel("init", cwd=fresh_project)
    assert "Skipped existing cog.yaml" in again.err


def test_debug_prints_the_dockerfile_that_was_built(
    cogmodel: Cogmodel, fresh_project: Path, docker_client: docker.DockerClient
) -> None:
    built = cogmodel("build", "--hermetic", cwd=fresh_project, timeout=BUILD_TIMEOUT)
    assert built.code == 0, built.err[-3000:]
    debug = cogmodel("debug", "--hermetic", cwd=fresh_project)
    assert debug.code == 0, debug.err
    dockerfile = debug.out.splitlines()
    assert dockerfile[0] == "FROM python:3.13-slim"
    # What the engine built, step by step: the image's history, oldest first, after the base.
    # The engine records each instruction with its variables expanded and its flags (mounts)
    # and JSON punctuation dropped; every word of each instruction must be in its record.
    image = docker_client.images.get(f"cog-{fresh_project.name}")
    base = docker_client.images.get("python:3.13-slim")
    history = [h["CreatedBy"] for h in reversed(image.history())]
    ours = history[len(base.history()) :]
    instructions = [line for line in dockerfile[1:] if line.strip()]
    assert len(ours) == len(instructions), (ours, instructions)
    env = dict(item.split("=", 1) for item in base.attrs["Config"]["Env"] or [])
    for done, instruction in zip(ours, instructions, strict=True):
        keyword, _, rest = instruction.partition(" ")
        rest = _expand(rest, env)
        if keyword == "ENV":
            name, _, value = rest.partition("=")
            env[name] = value.strip('"')
        flags_dropped = " ".join(w for w in rest.split() if not w.startswith("--mount="))
        words = _normal(flags_dropped).split()
        assert all(word in _normal(done) for word in words), (instruction, done)


def _expand(text: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), text)


def _normal(text: str) -> str:
    return " ".join(re.sub(r'["\[\],]', " ", text).split())


# --------------------------------------------------------------------------- login, push


def test_login_then_push_to_a_registry_with_htpasswd(
    workdir: Path, fresh_project: Path, auth_registry: DistributionRegistry, made: list[str]
) -> None:
    assert auth_registry.username is not None
    assert auth_registry.password is not None
    user = Cogmodel.isolated(workdir / f"user-{uuid.uuid4().hex[:6]}")
    target = str(auth_registry.ref(auth_registry.new_repository(), "v1"))
    made.append(target)
    refused = user("push", target, "--hermetic", cwd=fresh_project, timeout=BUILD_TIMEOUT)
    assert refused.code == 5, refused.err[-2000:]  # no credentials yet
    login = user(
        "login",
        auth_registry.host,
        "-u",
        auth_registry.username,
        "--password-stdin",
        stdin=auth_registry.password + "\n",
    )
    assert login.code == 0, login.err
    assert login.out.startswith(f"Saved the credentials for {auth_registry.host} in ")
    pushed = user("push", target, "--hermetic", cwd=fresh_project, timeout=BUILD_TIMEOUT)
    assert pushed.code == 0, pushed.err[-3000:]
    assert f"Pushed {target}" in pushed.out
    remote = user("inspect", "--remote", "--json", target)
    assert remote.code == 0, remote.err
    assert "run.py:Runner" in remote.json()["config"].values()
