"""Podman's Docker-compatible API for the tests: the second engine the contract kit certifies.

Fixtures (session-scoped unless said otherwise):

``podman_engine``
    An :class:`~tests.infra.engine.EngineUnderTest` for ``$COGMODEL_PODMAN_HOST`` (default
    :data:`DEFAULT_PODMAN_HOST`, where ``.ci/setup.sh`` starts ``podman system service``). When
    nothing answers there, we are root and ``podman`` is installed, the fixture starts
    ``podman system service --time=0 <host>`` itself and stops that process (by its PID) at the
    end of the session. Podman must also reach the tests' plain-HTTP loopback registries, which
    Docker allows by default and Podman only by configuration (``.ci/setup.sh`` writes
    :data:`LOOPBACK_REGISTRIES_CONF`); without it the tests call :func:`tests.infra.unavailable`.
``podman_client`` / ``podman_engine_client``
    A docker-py client (set-up and checks) and cogmodel's :class:`DockerEngine` for Podman.
``podman_busybox_image`` / ``podman_python_slim_image``
    The base images of :mod:`tests.infra.images`, in Podman's store. They are copied over from
    the machine's Docker Engine when it has them (``docker save | podman load``), else made.
``podman_local_names`` (function-scoped)
    :class:`~tests.infra.images.LocalNames` for Podman.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import docker
import pytest

from adapters.docker.client import DockerEngine
from domain.reference import ParsedRef
from tests.infra import unavailable
from tests.infra.engine import DEFAULT_HOST, EngineUnderTest, engine_answers
from tests.infra.images import (
    LocalNames,
    busybox_recipe,
    cached_image,
    python_slim,
)

DEFAULT_PODMAN_HOST: Final = "unix:///run/cogmodel-podman/podman.sock"
LOOPBACK_REGISTRIES_CONF: Final = Path(
    "/etc/containers/registries.conf.d/50-cogmodel-loopback.conf"
)
_START_TIMEOUT: Final = 60.0


def podman_host() -> str:
    """Where the tests (and the main job on Podman) find Podman's API."""
    return os.environ.get("COGMODEL_PODMAN_HOST") or DEFAULT_PODMAN_HOST


def start_podman_service(host: str, log: Path) -> subprocess.Popen[bytes]:
    """Start ``podman system service --time=0 host`` and wait until it answers."""
    if host.startswith("unix://"):
        Path(host.removeprefix("unix://")).parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["podman", "system", "service", "--time=0", host],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        if engine_answers(host, timeout=2):
            return process
        time.sleep(0.3)
    _stop(process)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
    unavailable(f"podman system service did not come up at {host}; its log ends:\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def podman_engine() -> Iterator[EngineUnderTest]:
    """Podman's API at COGMODEL_PODMAN_HOST (or the default socket), started here if needed."""
    if not LOOPBACK_REGISTRIES_CONF.is_file():
        unavailable(
            f"{LOOPBACK_REGISTRIES_CONF} is missing: Podman would refuse the tests' plain-HTTP "
            "loopback registries (.ci/setup.sh writes it)"
        )
    host = podman_host()
    if engine_answers(host):
        yield EngineUnderTest(host=host, started_here=False)
        return
    if os.geteuid() != 0 or shutil.which("podman") is None:
        unavailable(
            f"no Podman API answers at {host}, and it cannot be started here (needs root and "
            "Debian's podman: .ci/setup.sh installs and starts it)"
        )
    with tempfile.TemporaryDirectory(prefix="cogmodel-podman-") as scratch:
        process = start_podman_service(host, Path(scratch) / "podman.log")
        try:
            yield EngineUnderTest(host=host, started_here=True)
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def podman_client(podman_engine: EngineUnderTest) -> Iterator[docker.DockerClient]:
    """A docker-py client for Podman (set-up and checks)."""
    client = docker.DockerClient(base_url=podman_engine.host, version="auto", timeout=300)
    with contextlib.closing(client):
        yield client


@pytest.fixture(scope="session")
def podman_engine_client(podman_engine: EngineUnderTest) -> Iterator[DockerEngine]:
    """cogmodel's DockerEngine for Podman (what the adapters are given)."""
    with DockerEngine(host=podman_engine.host) as engine:
        yield engine


def _docker_donor() -> docker.DockerClient | None:
    """The machine's Docker Engine, to copy images from, if it answers."""
    if not engine_answers(DEFAULT_HOST, timeout=2):
        return None
    return docker.DockerClient(base_url=DEFAULT_HOST, version="auto", timeout=300)


@pytest.fixture(scope="session")
def podman_busybox_image(podman_client: docker.DockerClient) -> ParsedRef:
    """The busybox base image in Podman's store."""
    donor = _docker_donor()
    try:
        return cached_image(podman_client, busybox_recipe(), donor=donor)
    finally:
        if donor is not None:
            donor.close()


@pytest.fixture(scope="session")
def podman_python_slim_image(podman_client: docker.DockerClient) -> ParsedRef:
    """``python:3.11-slim`` (the stand-in unless a real one is there) in Podman's store."""
    donor = _docker_donor()
    try:
        return python_slim(podman_client, "3.11", donor=donor)
    finally:
        if donor is not None:
            donor.close()


@pytest.fixture
def podman_local_names(podman_client: docker.DockerClient) -> Iterator[LocalNames]:
    """Fresh local image names in Podman, removed when the test ends."""
    names = LocalNames(podman_client)
    try:
        yield names
    finally:
        names.remove_all()
