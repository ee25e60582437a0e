"""What a killed or failed `cogmodel` leaves behind, and who removes it (issue 15).

- SIGKILL during `run`: the container it started keeps running (nothing in the killed process
  can stop it); it carries labels naming its owner, and the next `run` removes it.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from adapters.docker.owner import OWNER_HOST, OWNER_PID, OWNER_STARTED
from domain.reference import ParsedRef
from tests.builders import cog_labels
from tests.e2e.cli_support import Cogmodel
from tests.infra.images import LocalNames

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.timeout(180)]


@pytest.fixture
def cogmodel(tmp_path: Path) -> Cogmodel:
    return Cogmodel.isolated(tmp_path)


@pytest.fixture
def sleeper(
    docker_client: docker.DockerClient, busybox_image: ParsedRef, local_names: LocalNames
) -> str:
    """A Cog-labelled image whose server never answers: `run` waits in setup until killed."""
    name = local_names.add(f"cogmodel-e2e-cli/sleeper-{uuid.uuid4().hex[:8]}:t")
    dockerfile = io.BytesIO(f'FROM {busybox_image}\nCMD ["sleep", "600"]\n'.encode())
    for message in docker_client.api.build(
        fileobj=dockerfile, tag=name, labels=cog_labels(), rm=True, decode=True
    ):
        assert "error" not in message, message
    return name


@pytest.fixture
def containers_of(docker_client: docker.DockerClient) -> Iterator[list[str]]:
    """Ids of containers a test wants gone at its end, whatever the test did."""
    ids: list[str] = []
    yield ids
    for container_id in ids:
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.api.remove_container(container_id, force=True)


def _owned_by(client: docker.DockerClient, pid: int) -> list[dict[str, object]]:
    listed: list[dict[str, object]] = client.api.containers(
        all=True, filters={"label": f"{OWNER_PID}={pid}"}
    )
    return listed


def _exists(client: docker.DockerClient, container_id: str) -> bool:
    try:
        client.api.inspect_container(container_id)
    except docker.errors.NotFound:
        return False
    return True


def test_a_container_left_by_a_killed_run_is_removed_by_the_next_run(
    cogmodel: Cogmodel,
    docker_client: docker.DockerClient,
    sleeper: str,
    containers_of: list[str],
) -> None:
    killed = cogmodel.popen("run", sleeper, "--setup-timeout", "120")
    try:
        deadline = time.monotonic() + 60
        while not (owned := _owned_by(docker_client, killed.pid)):
            assert killed.poll() is None, killed.communicate()
            assert time.monotonic() < deadline, "no container appeared"
            time.sleep(0.2)
    finally:
        os.kill(killed.pid, signal.SIGKILL)
        killed.communicate()
    container_id = str(owned[0]["Id"])
    containers_of.append(container_id)
    labels = docker_client.api.inspect_container(container_id)["Config"]["Labels"]
    assert labels[OWNER_PID] == str(killed.pid)
    assert labels[OWNER_HOST] == os.uname().nodename
    assert labels[OWNER_STARTED]  # /proc is there: the start time tells a reused pid apart
    time.sleep(1)
    state = docker_client.api.inspect_container(container_id)["State"]
    assert state["Running"], "the killed run's container is expected to be left running"

    # The next run (here one that gives up on setup at once) removes it before it starts.
    result = cogmodel("run", sleeper, "--setup-timeout", "1", timeout=120)
    assert result.code != 0
    assert not _exists(docker_client, container_id), result.err


def test_a_running_owners_container_is_left_alone(
    cogmodel: Cogmodel,
    docker_client: docker.DockerClient,
    sleeper: str,
    containers_of: list[str],
) -> None:
    alive = cogmodel.popen("run", sleeper, "--setup-timeout", "120")
    try:
        deadline = time.monotonic() + 60
        while not (owned := _owned_by(docker_client, alive.pid)):
            assert alive.poll() is None, alive.communicate()
            assert time.monotonic() < deadline, "no container appeared"
            time.sleep(0.2)
        containers_of.append(str(owned[0]["Id"]))
        result = cogmodel("run", sleeper, "--setup-timeout", "1", timeout=120)
        assert result.code != 0
        assert _exists(docker_client, str(owned[0]["Id"]))  # its owner still runs
    finally:
        alive.send_signal(signal.SIGTERM)
        alive.communicate(timeout=60)
    assert not _exists(docker_client, str(owned[0]["Id"]))  # and removed it on SIGTERM


def test_a_reused_pid_is_not_taken_for_the_owner() -> None:
    from adapters.docker.owner import owner_is_gone, owner_labels

    mine = owner_labels()
    assert not owner_is_gone(mine)
    assert owner_is_gone({**mine, OWNER_STARTED: mine[OWNER_STARTED] + "0"})  # pid reused
    assert not owner_is_gone({**mine, OWNER_HOST: "another-host"})
    child = subprocess.Popen(["true"])
    child.wait()
    assert owner_is_gone(owner_labels(child.pid) | {OWNER_PID: str(child.pid)})
