"""ContainerRunnerContract: behaviour every ContainerRunner backend must show.

Subclass it in a ``Test*`` class and override ``runner`` and ``shell_image`` (an image whose
``sh -c`` understands ``echo``, ``exit N``, ``$VAR``, ``cat`` and ``>&2``). ``serves_network``
says whether started containers really listen on their published ports (an engine) or not (a
fake); ``gpu_runtime`` whether the engine can give containers GPUs (if not, it must refuse a
container that asks).
"""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

import pytest

from application.ports.container_runner import (
    ContainerRunner,
    ContainerSpec,
    GpuRequest,
    RunningContainer,
    Stdio,
)
from domain.digest import Digest
from domain.errors import ContainerError, ImageNotFoundError, InvalidInputError
from domain.image_source import ImageSource
from domain.reference import ParsedRef, parse_ref


class ContainerRunnerContract:
    """Behaviour every ContainerRunner backend must show."""

    serves_network: ClassVar[bool] = True
    gpu_runtime: ClassVar[bool] = False

    @pytest.fixture
    def runner(self) -> ContainerRunner:
        """The runner under test."""
        raise NotImplementedError("override the 'runner' fixture to return your ContainerRunner")

    @pytest.fixture
    def shell_image(self) -> ParsedRef | Digest:
        """An image with ``sh -c`` (echo, exit, $VAR)."""
        raise NotImplementedError("override 'shell_image' with an image that has sh")

    def _sh(self, image: ParsedRef | Digest, script: str, **kwargs: object) -> ContainerSpec:
        return ContainerSpec(image=image, command=("sh", "-c", script), **kwargs)  # type: ignore[arg-type]

    def test_run_returns_the_output(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        result = runner.run(self._sh(shell_image, "echo hello"), timeout=60)
        assert result.exit_code == 0
        assert result.stdout == "hello\n"

    def test_run_returns_the_exit_code(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        assert runner.run(self._sh(shell_image, "exit 3"), timeout=60).exit_code == 3

    def test_environment_reaches_the_command(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        spec = self._sh(shell_image, "echo $GREETING", env={"GREETING": "bonjour"})
        assert runner.run(spec, timeout=60).stdout == "bonjour\n"

    def test_missing_image_raises_image_not_found_locally(self, runner: ContainerRunner) -> None:
        missing = parse_ref("cogmodel-contract/no-such-image:missing")
        with pytest.raises(ImageNotFoundError) as info:
            runner.run(self._sh(missing, "true"), timeout=60)
        assert info.value.location is ImageSource.LOCAL

    def test_asking_for_a_port_that_was_not_published_is_invalid_input(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        spec = self._sh(shell_image, "sleep 60", ports={8080: None})
        with runner.start(spec) as container, pytest.raises(InvalidInputError):
            container.host_port(9090)

    def test_started_container_stops_when_its_block_ends(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        with runner.start(self._sh(shell_image, "sleep 60")) as container:
            assert container.is_running()
        assert not container.is_running()

    def test_started_container_stops_when_an_exception_escapes(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        started: list[RunningContainer] = []
        with pytest.raises(KeyboardInterrupt):  # noqa: PT012, SIM117 - the escape is the point
            with runner.start(self._sh(shell_image, "sleep 60")) as container:
                started.append(container)
                raise KeyboardInterrupt
        assert started
        assert not started[0].is_running()

    def test_wait_returns_the_exit_code_of_a_started_container(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        with runner.start(self._sh(shell_image, "exit 7")) as container:
            assert container.wait(timeout=60) == 7

    def test_published_port_is_reachable_at_the_published_host(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        spec = self._sh(
            shell_image,
            "mkdir -p /www && echo ok > /www/index.html && httpd -f -p 8080 -h /www",
            ports={8080: None},
        )
        with runner.start(spec) as container:
            port = container.host_port(8080)
            assert 0 < port < 65536
            if not self.serves_network:
                return
            assert _answers_http(runner.published_host, port), container.logs()

    def test_a_container_that_has_exited_publishes_no_port(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        with runner.start(self._sh(shell_image, "exit 0", ports={8080: None})) as container:
            container.wait(timeout=60)
            with pytest.raises(ContainerError):
                container.host_port(8080)

    def test_a_gpu_request_without_a_gpu_runtime_is_a_container_error(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        if self.gpu_runtime:
            pytest.skip("the engine has a GPU runtime")
        spec = self._sh(shell_image, "true", gpus=GpuRequest.ALL)
        with pytest.raises(ContainerError):
            runner.start(spec)

    def test_asking_for_no_gpu_starts_like_asking_for_nothing(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        result = runner.run(self._sh(shell_image, "echo cpu", gpus=GpuRequest.NONE), timeout=60)
        assert result.stdout == "cpu\n"

    # ------------------------------------------------------------------ attached (exec)

    def test_attached_stdin_reaches_the_command_and_its_exit_code_comes_back(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        with _pipes(b"hello\n") as pipes:
            with runner.attach(self._sh(shell_image, "cat; exit 5"), pipes.stdio()) as container:
                code = container.wait()
            out, err = pipes.output()
        assert (code, out, err) == (5, b"hello\n", b"")

    def test_attached_stdout_and_stderr_stay_apart_without_a_terminal(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        with _pipes(None) as pipes:
            spec = self._sh(shell_image, "echo out; echo err >&2")
            with runner.attach(spec, pipes.stdio()) as container:
                code = container.wait()
            out, err = pipes.output()
        assert (code, out, err) == (0, b"out\n", b"err\n")

    def test_attached_without_stdin_the_command_reads_end_of_file(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        with _pipes(None) as pipes:
            spec = self._sh(shell_image, "cat; echo done")
            with runner.attach(spec, pipes.stdio()) as container:
                code = container.wait()
            out, _ = pipes.output()
        assert (code, out) == (0, b"done\n")

    def test_a_signal_asked_for_stops_the_attached_container(
        self, runner: ContainerRunner, shell_image: ParsedRef | Digest
    ) -> None:
        with _pipes(None) as pipes:
            spec = self._sh(shell_image, "sleep 60")
            with runner.attach(spec, pipes.stdio()) as container:
                container.signal(signal.SIGTERM)
                started = time.monotonic()
                code = container.wait()
            pipes.output()
        assert code == 128 + signal.SIGTERM
        assert time.monotonic() - started < 30

    def test_attaching_to_a_missing_image_is_image_not_found_locally(
        self, runner: ContainerRunner
    ) -> None:
        missing = parse_ref("cogmodel-contract/no-such-image:missing")
        with _pipes(None) as pipes, pytest.raises(ImageNotFoundError) as info:
            runner.attach(self._sh(missing, "true"), pipes.stdio())
        assert info.value.location is ImageSource.LOCAL


class _Pipes:
    """Pipes standing in for this process's stdin, stdout and stderr."""

    def __init__(self, stdin: bytes | None) -> None:
        self._fds: list[int] = []
        self.stdin: int | None = None
        if stdin is not None:
            self.stdin, writer = self._pipe()
            os.write(writer, stdin)
            os.close(writer)
            self._fds.remove(writer)
        self._out_read, self.stdout = self._pipe()
        self._err_read, self.stderr = self._pipe()

    def _pipe(self) -> tuple[int, int]:
        read, write = os.pipe()
        self._fds += [read, write]
        return read, write

    def stdio(self) -> Stdio:
        return Stdio(stdin=self.stdin, stdout=self.stdout, stderr=self.stderr)

    def output(self) -> tuple[bytes, bytes]:
        """What was written to stdout and stderr (call after the container has exited)."""
        for fd in (self.stdout, self.stderr):
            os.close(fd)
            self._fds.remove(fd)
        return _drain(self._out_read), _drain(self._err_read)

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()


def _drain(fd: int) -> bytes:
    data = b""
    while chunk := os.read(fd, 65536):
        data += chunk
    return data


@contextmanager
def _pipes(stdin: bytes | None) -> Iterator[_Pipes]:
    pipes = _Pipes(stdin)
    try:
        yield pipes
    finally:
        pipes.close()


def _answers_http(host: str, port: int, deadline: float = 20.0) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with socket.create_connection((host, port), timeout=2) as conn:
                conn.sendall(b"GET /index.html HTTP/1.0\r\n\r\n")
                if conn.recv(64).startswith(b"HTTP/"):
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False
