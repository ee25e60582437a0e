"""DockerContainerRunner against the real engine: the contract kit, and no container left behind."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from adapters.contract.container_runner import ContainerRunnerContract
from adapters.docker import DockerContainerRunner, DockerEngine
from application.ports.container_runner import ContainerSpec, VolumeMount
from domain.errors import BackendUnavailableError, ContainerError, ImageNotFoundError
from domain.reference import ParsedRef, parse_ref
from tests.infra.images import LocalNames, labelled_image

pytestmark = pytest.mark.docker


@pytest.fixture
def runner(docker_engine_client: DockerEngine) -> DockerContainerRunner:
    return DockerContainerRunner(engine=docker_engine_client)


@pytest.fixture
def own_image(
    docker_client: docker.DockerClient, busybox_image: ParsedRef, local_names: LocalNames
) -> ParsedRef:
    """An image only this test runs, so its containers can be counted."""
    labels = {"cogmodel.test": uuid.uuid4().hex}
    return labelled_image(docker_client, busybox_image, local_names.fresh("runner"), labels)


@pytest.fixture
def leftovers(docker_client: docker.DockerClient, own_image: ParsedRef) -> Callable[[], list[str]]:
    """Ids of the containers of ``own_image`` that exist right now."""

    def containers() -> list[str]:
        name = f"{own_image.repository}:{own_image.tag}"
        found = docker_client.api.containers(all=True, filters={"ancestor": name})
        return [str(c["Id"]) for c in found]

    return containers


def sh(image: ParsedRef, script: str, **kwargs: object) -> ContainerSpec:
    return ContainerSpec(image=image, command=("sh", "-c", script), **kwargs)  # type: ignore[arg-type]


class TestDockerContainerRunner(ContainerRunnerContract):
    @pytest.fixture
    def runner(self, docker_engine_client: DockerEngine) -> DockerContainerRunner:
        return DockerContainerRunner(engine=docker_engine_client)

    @pytest.fixture
    def shell_image(self, busybox_image: ParsedRef) -> ParsedRef:
        return busybox_image


# --------------------------------------------------------------------------- running


def test_stdout_and_stderr_come_back_apart(
    runner: DockerContainerRunner, own_image: ParsedRef
) -> None:
    result = runner.run(sh(own_image, "echo out; echo err >&2; exit 4"), timeout=60)
    assert (result.exit_code, result.stdout, result.stderr) == (4, "out\n", "err\n")


def test_volumes_and_workdir_reach_the_container(
    runner: DockerContainerRunner, own_image: ParsedRef, tmp_path: Path
) -> None:
    (tmp_path / "input.txt").write_text("from the host\n")
    spec = sh(
        own_image,
        "cat input.txt; touch input.txt 2>/dev/null && echo writable || echo read-only",
        volumes=(VolumeMount(host_path=str(tmp_path), container_path="/data", read_only=True),),
        workdir="/data",
    )
    assert runner.run(spec, timeout=60).stdout == "from the host\nread-only\n"


def test_ports_are_published_on_loopback_only(
    runner: DockerContainerRunner, docker_client: docker.DockerClient, own_image: ParsedRef
) -> None:
    with runner.start(sh(own_image, "sleep 30", ports={8080: None})) as container:
        bindings = docker_client.api.inspect_container(container.id)["HostConfig"]["PortBindings"]
        assert [b["HostIp"] for b in bindings["8080/tcp"]] == ["127.0.0.1"]
        assert container.host_port(8080) > 0


@pytest.mark.parametrize("init", [True, False])
def test_an_init_process_runs_only_when_the_spec_asks_for_one(
    runner: DockerContainerRunner,
    docker_client: docker.DockerClient,
    own_image: ParsedRef,
    init: bool,
) -> None:
    with runner.start(sh(own_image, "sleep 30", init=init)) as container:
        assert docker_client.api.inspect_container(container.id)["HostConfig"]["Init"] is init


def test_wait_for_http_returns_once_the_server_answers(
    runner: DockerContainerRunner, own_image: ParsedRef
) -> None:
    script = "sleep 1; mkdir -p /www && echo ok > /www/index.html && httpd -f -p 8080 -h /www"
    with runner.start(sh(own_image, script, ports={8080: None})) as container:
        assert container.wait_for_http(8080, "/index.html", timeout=30) == 200


def test_wait_for_http_on_a_container_that_exits_is_a_container_error(
    runner: DockerContainerRunner, own_image: ParsedRef
) -> None:
    with runner.start(sh(own_image, "echo dying; exit 5", ports={8080: None})) as container:
        with pytest.raises(ContainerError) as info:
            container.wait_for_http(8080, timeout=30)
        assert info.value.exit_code == 5
        assert "dying" in info.value.log_tail


def test_asking_a_removed_container_for_its_output_is_a_container_error(
    runner: DockerContainerRunner, own_image: ParsedRef
) -> None:
    container = runner.start(sh(own_image, "sleep 30"))
    container.stop()
    assert not container.is_running()
    with pytest.raises(ContainerError):
        container.logs()
    with pytest.raises(ContainerError):
        container.wait(timeout=5)


def test_follow_logs_yields_lines_until_the_container_stops(
    runner: DockerContainerRunner, own_image: ParsedRef
) -> None:
    with runner.start(sh(own_image, "for i in 1 2 3; do echo line $i; done")) as container:
        assert list(container.follow_logs()) == ["line 1", "line 2", "line 3"]


def test_run_past_its_timeout_is_unavailable_and_leaves_nothing(
    runner: DockerContainerRunner, own_image: ParsedRef, leftovers: Callable[[], list[str]]
) -> None:
    with pytest.raises(BackendUnavailableError):
        runner.run(sh(own_image, "sleep 60"), timeout=1)
    assert leftovers() == []


# --------------------------------------------------------------------------- nothing left behind


def test_an_exception_in_the_block_removes_the_container(
    runner: DockerContainerRunner, own_image: ParsedRef, leftovers: Callable[[], list[str]]
) -> None:
    with pytest.raises(RuntimeError), runner.start(sh(own_image, "sleep 60")):  # noqa: PT012
        assert len(leftovers()) == 1
        raise RuntimeError("caller failed")
    assert leftovers() == []


def test_keyboard_interrupt_during_run_removes_the_container(
    runner: DockerContainerRunner, own_image: ParsedRef, leftovers: Callable[[], list[str]]
) -> None:
    # A real SIGINT, as Ctrl-C sends it, arriving while run() waits for the container.
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            runner.run(sh(own_image, "sleep 60"))
    finally:
        timer.cancel()
    assert leftovers() == []


def test_a_container_that_cannot_start_is_removed(
    runner: DockerContainerRunner, own_image: ParsedRef, leftovers: Callable[[], list[str]]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ContainerError):
            runner.start(sh(own_image, "sleep 60", ports={80: port}))
    assert leftovers() == []


def test_stop_is_idempotent(runner: DockerContainerRunner, own_image: ParsedRef) -> None:
    container = runner.start(sh(own_image, "sleep 60"))
    container.stop(timeout=0)
    container.stop(timeout=0)
    assert not container.is_running()


def test_a_failed_create_leaves_nothing_and_warns_of_nothing(
    runner: DockerContainerRunner,
    local_names: LocalNames,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The clean-up after a failed create once warned "could not remove container cogmodel-…:
    # image (unnamed) not found locally" about a container that was never made.
    missing = parse_ref(local_names.fresh("never-built"))
    with (
        caplog.at_level(logging.WARNING, logger="adapters.docker.containers"),
        pytest.raises(ImageNotFoundError),
    ):
        runner.start(sh(missing, "true"))
    assert [r for r in caplog.records if r.name == "adapters.docker.containers"] == []
