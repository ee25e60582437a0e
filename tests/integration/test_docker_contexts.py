"""Docker contexts resolved as the docker CLI resolves them, checked against the CLI itself.

Each case writes contexts with ``docker context create`` (and ``docker context use``) into a
fresh ``DOCKER_CONFIG``, asks the CLI which endpoint is current (``docker context inspect``),
and compares with :class:`DockerEngine`'s endpoint. The last case follows a context to a real
second engine (Podman) and asks it who it is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from adapters.docker import DockerEngine
from domain.errors import InvalidInputError
from tests.infra.engine import EngineUnderTest
from tests.infra.tls import make_ca

_CLIS = [path for path in dict.fromkeys(["/usr/bin/docker", shutil.which("docker")]) if path]


@pytest.fixture(params=_CLIS or [None], ids=str)
def cli(request: pytest.FixtureRequest) -> str:
    if request.param is None or not os.access(request.param, os.X_OK):
        pytest.skip("no docker CLI installed")
    return str(request.param)


class Cli:
    """A docker CLI with its own config directory and environment."""

    def __init__(self, binary: str, config: Path) -> None:
        self.binary = binary
        self.config = config
        self.env = {"PATH": os.environ.get("PATH", ""), "DOCKER_CONFIG": str(config)}

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.binary, *args],
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def create(self, name: str, docker: str) -> None:
        done = self.run("context", "create", name, "--docker", docker)
        assert done.returncode == 0, done.stderr

    def current(self, **extra: str) -> dict[str, Any]:
        done = self.run("context", "inspect", **extra)
        assert done.returncode == 0, done.stderr
        found: list[dict[str, Any]] = json.loads(done.stdout)
        return found[0]

    def engine(self, **extra: str) -> DockerEngine:
        return DockerEngine(environ={**self.env, **extra})


@pytest.fixture
def docker_cli(cli: str, tmp_path: Path) -> Cli:
    return Cli(cli, tmp_path / "docker-config")


@pytest.mark.parametrize(
    ("environ", "current"),
    [
        ({}, "ctx-a"),
        ({"DOCKER_CONTEXT": "ctx-b"}, "ctx-b"),
        ({"DOCKER_HOST": "tcp://127.0.0.1:2999", "DOCKER_CONTEXT": "ctx-b"}, "default"),
        ({"DOCKER_CONTEXT": "default"}, "default"),
    ],
)
def test_the_current_endpoint_is_the_clis(
    docker_cli: Cli, environ: dict[str, str], current: str
) -> None:
    docker_cli.create("ctx-a", "host=tcp://127.0.0.1:2001")
    docker_cli.create("ctx-b", "host=unix:///run/cogmodel-ctx-b.sock")
    assert docker_cli.run("context", "use", "ctx-a").returncode == 0
    theirs = docker_cli.current(**environ)
    ours = docker_cli.engine(**environ).endpoint
    assert ours.context == theirs["Name"] == current
    assert ours.host == theirs["Endpoints"]["docker"]["Host"]


def test_a_missing_context_fails_for_both(docker_cli: Cli) -> None:
    assert docker_cli.run("context", "inspect", DOCKER_CONTEXT="ctx-gone").returncode != 0
    with pytest.raises(InvalidInputError):
        docker_cli.engine(DOCKER_CONTEXT="ctx-gone")


def test_the_tls_material_is_the_one_the_cli_stored(docker_cli: Cli, tmp_path: Path) -> None:
    ca = make_ca(tmp_path / "ca")
    client = ca.issue("client", hosts=("127.0.0.1",), client=True)
    docker_cli.create(
        "ctx-tls",
        f"host=tcp://127.0.0.1:2376,ca={ca.cert},cert={client.cert},key={client.key}",
    )
    theirs = docker_cli.current(DOCKER_CONTEXT="ctx-tls")
    tls = docker_cli.engine(DOCKER_CONTEXT="ctx-tls").endpoint.tls
    assert tls is not None
    assert tls.verify
    assert tls.directory == Path(theirs["Storage"]["TLSPath"]) / "docker"
    assert tls.ca_cert is not None
    assert tls.client_cert is not None
    assert tls.client_key is not None
    assert tls.ca_cert.read_bytes() == ca.cert.read_bytes()
    assert tls.client_cert.read_bytes() == client.cert.read_bytes()
    assert tls.client_key.read_bytes() == client.key.read_bytes()


@pytest.mark.podman
def test_a_context_leads_to_the_engine_the_cli_reaches(
    docker_cli: Cli, podman_engine: EngineUnderTest
) -> None:
    docker_cli.create("ctx-podman", f"host={podman_engine.host}")
    assert docker_cli.run("context", "use", "ctx-podman").returncode == 0
    done = docker_cli.run("version", "--format", "{{.Server.Version}}")
    assert done.returncode == 0, done.stderr
    with docker_cli.engine() as engine:
        ours = engine.api.version()
    assert ours["Version"] == done.stdout.strip()
    assert any(c.get("Name") == "Podman Engine" for c in ours.get("Components", []))
