"""Port: running containers (predict, train, run, serve, and build-time helpers)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, TracebackType
from typing import Protocol, Self

from domain.digest import Digest
from domain.reference import ParsedRef

_NO_STRINGS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class VolumeMount:
    """A host directory mounted into the container."""

    host_path: str
    container_path: str
    read_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ContainerSpec:
    """What to run.

    Attributes:
        image: the image, by name or id.
        command: the command (``None`` = the image's CMD).
        env: environment variables.
        ports: container ports to publish on 127.0.0.1; the value is the host port, or ``None``
            for an ephemeral one.
        volumes: host directories to mount.
        workdir: working directory inside the container (``None`` = the image's).
        gpus: request all GPUs.
        init: run an init process as PID 1 that forwards signals and reaps zombies (Docker's
            ``--init``). Turn it off for images whose entrypoint already is one: Cog images
            run tini and say so with the ``run.cog.has_init`` label.
    """

    image: ParsedRef | Digest
    command: tuple[str, ...] | None = None
    env: Mapping[str, str] = field(default_factory=lambda: _NO_STRINGS)
    ports: Mapping[int, int | None] = field(default_factory=lambda: MappingProxyType({}))
    volumes: tuple[VolumeMount, ...] = ()
    workdir: str | None = None
    gpus: bool = False
    init: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """A finished container: its exit code and output."""

    exit_code: int
    stdout: str
    stderr: str


class RunningContainer(Protocol):
    """A started container. Leaving the ``with`` block stops and removes it, whatever happened."""

    @property
    def id(self) -> str:
        """The engine's container id."""
        ...

    def host_port(self, container_port: int) -> int:
        """The 127.0.0.1 port that ``container_port`` is published on.

        Raises:
            InvalidInputError: ``container_port`` was not published.
            ContainerError: the container has stopped or is gone.
        """
        ...

    def is_running(self) -> bool:
        """Whether the container is still running (``False`` once it is removed).

        Raises:
            BackendUnavailableError: the engine cannot be reached.
        """
        ...

    def logs(self) -> str:
        """Everything the container has written so far (stdout and stderr).

        Raises:
            ContainerError: the container is gone.
            BackendUnavailableError: the engine cannot be reached.
        """
        ...

    def follow_logs(self) -> Iterator[str]:
        """Output lines as they come, until the container stops.

        Raises:
            ContainerError: the container is gone.
            BackendUnavailableError: the engine cannot be reached.
        """
        ...

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the container to exit and return its exit code.

        Raises:
            BackendUnavailableError: the timeout passed first, or the engine cannot be reached.
            ContainerError: the container is gone.
        """
        ...

    def stop(self, timeout: float = 5.0) -> None:
        """Stop (then kill) the container and remove it. Idempotent."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class ContainerRunner(Protocol):
    """Runs containers on the engine."""

    def start(self, spec: ContainerSpec) -> RunningContainer:
        """Start ``spec`` in the background and return a handle.

        Raises:
            ImageNotFoundError: the image is not in the engine (location LOCAL).
            ContainerError: the container could not be created or started.
            BackendUnavailableError: the engine cannot be reached.
        """
        ...

    def run(self, spec: ContainerSpec, *, timeout: float | None = None) -> RunResult:
        """Run ``spec`` to completion and return its exit code and output; always removes it.

        A non-zero exit code is a result, not an error.

        Raises:
            ImageNotFoundError: the image is not in the engine (location LOCAL).
            ContainerError: the container could not be created or started.
            BackendUnavailableError: the engine cannot be reached or the timeout passed.
        """
        ...
