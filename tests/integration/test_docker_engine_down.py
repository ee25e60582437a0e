"""Every Docker adapter with DOCKER_HOST at a dead engine: BackendUnavailableError, clearly worded.

No engine is needed for these (nothing answers on purpose), except the BuildKit case, which runs
the real docker CLI against the dead address.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.docker import (
    BuildKitImageBuilder,
    DockerContainerRunner,
    DockerEngine,
    DockerImageBuilder,
    DockerLocalImages,
)
from application.ports.container_runner import ContainerSpec
from application.ports.image_builder import BuildRequest
from domain.digest import ImageId
from domain.errors import BackendUnavailableError, CogModelError
from domain.reference import parse_ref
from tests.infra import unavailable

DOCKER_CLI = os.environ.get("COGMODEL_DOCKER_CLI", "/usr/bin/docker")
REF = parse_ref("cogmodel-docker-test/anything:1")


def closed_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["socket", "tcp"])
def dead_engine(request: pytest.FixtureRequest, tmp_path: Path) -> DockerEngine:
    if request.param == "socket":
        host = f"unix://{tmp_path / 'docker.sock'}"
    else:
        host = f"tcp://127.0.0.1:{closed_tcp_port()}"
    return DockerEngine(host=host, timeout=5, config_dir=tmp_path, environ={})


OPERATIONS: dict[str, Callable[[DockerEngine, Path], object]] = {
    "inspect": lambda e, _: DockerLocalImages(engine=e).inspect(REF),
    "inspect_id": lambda e, _: DockerLocalImages(engine=e).inspect_id(ImageId("abc123")),
    "pull": lambda e, _: DockerLocalImages(engine=e).pull(REF),
    "push": lambda e, _: DockerLocalImages(engine=e).push(REF),
    "remove": lambda e, _: DockerLocalImages(engine=e).remove(REF),
    "classic build": lambda e, ctx: DockerImageBuilder(engine=e).build(
        BuildRequest(context_dir=ctx, dockerfile="FROM scratch\n")
    ),
    "run": lambda e, _: DockerContainerRunner(engine=e).run(ContainerSpec(image=REF)),
    "start": lambda e, _: DockerContainerRunner(engine=e).start(ContainerSpec(image=REF)),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_reports_the_engine_unavailable(
    operation: str, dead_engine: DockerEngine, tmp_path: Path
) -> None:
    with pytest.raises(BackendUnavailableError) as info:
        OPERATIONS[operation](dead_engine, tmp_path)
    assert info.value.backend == "docker"
    # What the user reads: which engine, and what to check.
    assert dead_engine.host in str(info.value)
    assert "DOCKER_HOST" in str(info.value)


def test_a_buildkit_build_reports_the_engine_unavailable_not_a_build_error(
    dead_engine: DockerEngine, tmp_path: Path
) -> None:
    if shutil.which(DOCKER_CLI) is None:
        unavailable(f"{DOCKER_CLI} is not installed")  # CI installs it: a failure there
    builder = BuildKitImageBuilder(cli=DOCKER_CLI, engine=dead_engine)
    with pytest.raises(BackendUnavailableError) as info:
        builder.build(BuildRequest(context_dir=tmp_path, dockerfile="FROM scratch\n"))
    assert dead_engine.host in str(info.value)


@pytest.mark.parametrize(
    "host", ["tcp://alice:{pw}@127.0.0.1:{port}", "tcp://{pw}@127.0.0.1:{port}"]
)
def test_a_password_in_the_engine_address_never_reaches_an_error(host: str) -> None:
    """Library users get the redaction too, not only the command line (issue 15)."""
    password = "hunter2-pa55"
    address = host.format(pw=password, port=closed_tcp_port())
    with pytest.raises(CogModelError) as info:  # user:password@ is refused when constructed
        DockerLocalImages(engine=DockerEngine(host=address)).inspect(REF)
    assert password not in str(info.value)
    assert "127.0.0.1" in str(info.value)


def test_an_engines_repr_masks_the_token_of_its_address() -> None:
    # docker-py refuses user:password@ (so does the engine, when constructed); a token alone
    # in the userinfo it takes.
    engine = DockerEngine(host="tcp://hunter2-pa55@127.0.0.1:1")
    assert "hunter2-pa55" not in repr(engine)
    assert "tcp://***@127.0.0.1:1" in repr(engine)
