"""A real Docker Engine for the tests, started if none is running.

Fixtures (session-scoped):

``docker_engine``
    An :class:`EngineUnderTest`: ``host`` is the engine address (``$DOCKER_HOST``, else
    ``unix:///var/run/docker.sock``) and ``started_here`` says whether this session started it.
    The engine at that address is used when it answers. When it does not, the address is the
    default socket, we are root and ``dockerd`` is installed (Debian's ``docker.io``), the fixture
    starts ``dockerd --host=unix:///var/run/docker.sock`` and, at the end of the session, stops
    that process (by its PID) and nothing else. Otherwise the tests call
    :func:`tests.infra.unavailable` (skip locally, fail in CI).
``docker_client``
    A docker-py ``DockerClient`` for that engine, for test set-up and checks.
``docker_engine_client``
    cogmodel's :class:`adapters.docker.DockerEngine` for that engine, to give the adapters.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import docker
import docker.errors
import pytest
import requests

from adapters.docker.client import DockerEngine
from tests.infra import unavailable

DEFAULT_HOST: Final = "unix:///var/run/docker.sock"
_START_TIMEOUT: Final = 60.0


@dataclass(frozen=True, slots=True)
class EngineUnderTest:
    """The engine the tests use."""

    host: str
    started_here: bool


def engine_answers(host: str, timeout: float = 5.0) -> bool:
    """Whether a Docker Engine answers ``/_ping`` at ``host``."""
    try:
        client = docker.APIClient(base_url=host, version="auto", timeout=int(timeout))
    except (docker.errors.DockerException, requests.RequestException, OSError):
        return False
    try:
        return bool(client.ping())
    except (docker.errors.DockerException, requests.RequestException, OSError):
        return False
    finally:
        client.close()


def start_dockerd(log: Path, host: str = DEFAULT_HOST) -> subprocess.Popen[bytes]:
    """Start ``dockerd`` serving ``host`` and wait until it answers (else ``unavailable``).

    Only ever for the machine's own engine: a second dockerd on one host shares (and may
    reconfigure) the ``docker0`` bridge and iptables chains of the first.
    """
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["dockerd", f"--host={host}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in pytest must not kill it before we stop it
        )
    deadline = time.monotonic() + _START_TIMEOUT
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if engine_answers(host, timeout=2):
                return process
            time.sleep(0.5)
    except BaseException:
        # Ctrl-C while waiting: it runs in its own session, so nothing else would stop it.
        stop_dockerd(process)
        raise
    stop_dockerd(process)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
    unavailable(f"dockerd did not come up within {_START_TIMEOUT:.0f}s; its log ends:\n{tail}")


def stop_dockerd(process: subprocess.Popen[bytes]) -> None:
    """Stop the dockerd this session started (by its PID, nothing else)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[EngineUnderTest]:
    """The engine at DOCKER_HOST (or the default socket), started here if needed and allowed."""
    host = os.environ.get("DOCKER_HOST") or DEFAULT_HOST
    if engine_answers(host):
        yield EngineUnderTest(host=host, started_here=False)
        return
    if host != DEFAULT_HOST:
        unavailable(f"no Docker Engine answers at DOCKER_HOST={host}")
    if os.geteuid() != 0 or shutil.which("dockerd") is None:
        unavailable(
            f"no Docker Engine answers at {host}, and dockerd cannot be started here "
            "(needs root and Debian's docker.io: .ci/setup.sh installs and starts it)"
        )
    with tempfile.TemporaryDirectory(prefix="cogmodel-dockerd-") as scratch:
        process = start_dockerd(Path(scratch) / "dockerd.log")
        try:
            yield EngineUnderTest(host=DEFAULT_HOST, started_here=True)
        finally:
            stop_dockerd(process)


@pytest.fixture(scope="session")
def docker_client(docker_engine: EngineUnderTest) -> Iterator[docker.DockerClient]:
    """A docker-py client for the engine under test (for set-up and checks).

    With ``COGMODEL_CLEAN_DANGLING=1`` (set by ``tests/run.sh``, the CI and README test command)
    it removes, at the end of the session, the dangling images that appeared during it
    (rebuilds under a name that already existed untag the previous image, as ``docker build``
    does), so repeated runs on one machine do not pile up hundreds of megabytes per run. The
    build cache is kept, since it is what makes the next run fast. It is opt-in because on an
    engine shared with other work, "appeared during this session" cannot tell our images from
    theirs.
    """
    client = docker.DockerClient(base_url=docker_engine.host, version="auto", timeout=120)
    with contextlib.closing(client):
        before = {str(image["Id"]) for image in client.api.images(all=True)}
        yield client
        if os.environ.get("COGMODEL_CLEAN_DANGLING") == "1":
            _remove_new_dangling_images(client, before)


def _remove_new_dangling_images(client: docker.DockerClient, before: set[str]) -> None:
    dangling = client.api.images(filters={"dangling": True})
    for image in dangling:
        image_id = str(image["Id"])
        if image_id in before:
            continue
        with contextlib.suppress(docker.errors.APIError):  # in use, or already gone: keep going
            client.api.remove_image(image_id)


@pytest.fixture(scope="session")
def docker_engine_client(docker_engine: EngineUnderTest) -> Iterator[DockerEngine]:
    """cogmodel's DockerEngine for the engine under test (what the adapters are given)."""
    with DockerEngine(host=docker_engine.host) as engine:
        yield engine
