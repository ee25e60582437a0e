"""Containers whose owner process is gone are removed by the runner's next start, on Docker
Engine and on Podman (issue 15, decision 0043).

The leftover is made as a killed cogmodel leaves it: a running container labelled with the
owner labels of a process that has exited (the e2e test kills a real `cogmodel run`).
"""

from __future__ import annotations

import subprocess
import uuid

import docker
import pytest

from adapters.docker import DockerContainerRunner, DockerEngine
from adapters.docker.owner import OWNER_HOST, OWNER_PID, owner_labels
from application.ports.container_runner import ContainerSpec
from domain.reference import ParsedRef

pytestmark = pytest.mark.timeout(120)


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _leftover(client: docker.DockerClient, image: ParsedRef, labels: dict[str, str]) -> str:
    created = client.api.create_container(
        str(image),
        command=["sleep", "300"],
        name=f"cogmodel-test-leftover-{uuid.uuid4().hex[:8]}",
        labels=labels,
    )
    client.api.start(created["Id"])
    return str(created["Id"])


def _exists(client: docker.DockerClient, container_id: str) -> bool:
    try:
        client.api.inspect_container(container_id)
    except docker.errors.NotFound:
        return False
    return True


def _check_sweep(client: docker.DockerClient, engine: DockerEngine, image: ParsedRef) -> None:
    dead = _dead_pid()
    orphan = _leftover(client, image, owner_labels(dead) | {OWNER_PID: str(dead)})
    elsewhere = _leftover(client, image, {**owner_labels(dead), OWNER_HOST: "another-machine"})
    mine = _leftover(client, image, owner_labels())
    try:
        runner = DockerContainerRunner(engine=engine)
        with runner.start(ContainerSpec(image=image, command=("true",))):
            pass
        assert not _exists(client, orphan)  # its owner is gone
        assert _exists(client, elsewhere)  # another host's owner cannot be judged from here
        assert _exists(client, mine)  # this process is alive
    finally:
        for container_id in (orphan, elsewhere, mine):
            if _exists(client, container_id):
                client.api.remove_container(container_id, force=True)


@pytest.mark.docker
def test_docker_the_next_start_removes_containers_of_gone_owners(
    docker_client: docker.DockerClient, docker_engine_client: DockerEngine, busybox_image: ParsedRef
) -> None:
    _check_sweep(docker_client, docker_engine_client, busybox_image)


@pytest.mark.podman
def test_podman_the_next_start_removes_containers_of_gone_owners(
    podman_client: docker.DockerClient,
    podman_engine_client: DockerEngine,
    podman_busybox_image: ParsedRef,
) -> None:
    _check_sweep(podman_client, podman_engine_client, podman_busybox_image)
