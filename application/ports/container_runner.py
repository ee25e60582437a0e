"""Port: running containers (predict, train, exec, serve, and build-time helpers).

Published ports are published where this process can reach them: on 127.0.0.1 of an engine on
this machine, on the host of a remote engine (:attr:`ContainerRunner.published_host` says
which host that is), unless a spec names the host address to bind (``exec -p HOST:PORT``).

A container runs in the background (:meth:`ContainerRunner.start`, ``run``) or in the
foreground, attached to this process's streams (:meth:`ContainerRunner.attach`, ``exec``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, TracebackType
from typing import ClassVar, Protocol, Self

from domain.digest import Digest
from domain.errors import InvalidInputError
from domain.reference import ParsedRef

_NO_STRINGS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class VolumeMount:
    """A host directory mounted into the container."""

    host_path: str
    container_path: str
    read_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuRequest:
    """GPUs for a container, in the forms of Docker's ``--gpus``.

    Attributes:
        count: how many GPUs; ``-1`` for all of them, ``0`` for none.
        device_ids: these GPUs (``device=0,1``); when given, ``count`` is not used.
    """

    count: int = -1
    device_ids: tuple[str, ...] = ()

    ALL: ClassVar[GpuRequest]
    NONE: ClassVar[GpuRequest]

    @property
    def wants_gpus(self) -> bool:
        """Whether any GPU is asked for."""
        return bool(self.device_ids) or self.count != 0

    @classmethod
    def parse(cls, text: str) -> GpuRequest:
        """Docker's ``--gpus`` text: ``all``, a count, ``device=ID[,ID…]`` or ``count=N``.

        ``none`` (and ``0``) ask for no GPU. Surrounding quotes are removed, as Docker does.

        >>> GpuRequest.parse("device=0,1"), GpuRequest.parse("2").count, GpuRequest.parse("all")
        (GpuRequest(count=-1, device_ids=('0', '1')), 2, GpuRequest(count=-1, device_ids=()))

        Raises:
            InvalidInputError: none of these forms.
        """
        value = text.strip().strip("\"'").strip()
        lowered = value.lower()
        if lowered in ("all", "-1"):
            return cls.ALL
        if lowered == "none":
            return cls.NONE
        key, eq, rest = value.partition("=")
        if not eq and _go_int(value):
            return cls(count=int(value))
        if eq and key == "count" and (rest == "all" or _go_int(rest)):
            return cls(count=-1 if rest == "all" else int(rest))
        devices = tuple(d.strip() for d in rest.split(","))
        if eq and key == "device" and all(devices):
            return cls(device_ids=devices)
        raise InvalidInputError(
            f"invalid --gpus value {text!r}: expected all, none, a count, or device=ID[,ID...]",
            reason="bad --gpus value",
        )


def _go_int(text: str) -> bool:
    """``text`` is digits whose value Docker's ``strconv.Atoi`` takes (at most 2**63 - 1);
    judged by length first, so 5,000 digits never reach ``int()``."""
    return (
        re.fullmatch(r"[0-9]+", text) is not None
        and len(text.lstrip("0")) <= _INT64_DIGITS
        and int(text) <= _INT64_MAX
    )


_INT64_MAX = 2**63 - 1
_INT64_DIGITS = len(str(_INT64_MAX))

GpuRequest.ALL = GpuRequest(count=-1)
GpuRequest.NONE = GpuRequest(count=0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContainerSpec:
    """What to run.

    Attributes:
        image: the image, by name or id.
        command: the command (``None`` = the image's CMD).
        env: environment variables.
        ports: container ports to publish where this process can reach them (see the module
            docstring); the value is the host port, or ``None`` for an ephemeral one.
        port_hosts: for some of ``ports``, the host address to bind them on instead (Docker's
            ``-p HOST:PORT:PORT``; ``0.0.0.0`` for every interface).
        volumes: host directories to mount.
        workdir: working directory inside the container (``None`` = the image's).
        gpus: the GPUs to give the container (``None``: none).
        init: run an init process as PID 1 that forwards signals and reaps zombies (Docker's
            ``--init``). Turn it off for images whose entrypoint already is one: Cog images
            run tini and say so with the ``run.cog.has_init`` label.
    """

    image: ParsedRef | Digest
    command: tuple[str, ...] | None = None
    env: Mapping[str, str] = field(default_factory=lambda: _NO_STRINGS)
    ports: Mapping[int, int | None] = field(default_factory=lambda: MappingProxyType({}))
    port_hosts: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    volumes: tuple[VolumeMount, ...] = ()
    workdir: str | None = None
    gpus: GpuRequest | None = None
    init: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Stdio:
    """The streams of this process a foreground container is attached to.

    Attributes:
        stdin: the file descriptor the container's stdin reads from (to its end of file), or
            ``None`` for no stdin (the container reads end of file at once).
        stdout: the file descriptor the container's stdout (and, with a terminal, everything)
            is written to.
        stderr: the file descriptor the container's stderr is written to.
        tty: give the container a terminal (its output then comes as one stream, and the
            caller puts its own terminal in raw mode).
    """

    stdin: int | None
    stdout: int
    stderr: int
    tty: bool = False


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
        """The port of :attr:`ContainerRunner.published_host` that ``container_port`` is on.

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


class AttachedContainer(Protocol):
    """A container started in the foreground. Leaving the ``with`` block removes it."""

    @property
    def id(self) -> str:
        """The engine's container id."""
        ...

    def signal(self, signum: int) -> None:
        """Ask for signal ``signum`` to be sent to the container's main process.

        Only records the request (so it is safe in a signal handler); :meth:`wait` sends it.
        """
        ...

    def resize(self, rows: int, columns: int) -> None:
        """Ask for the container's terminal to get this size (recorded; :meth:`wait` sends it)."""
        ...

    def wait(self) -> int:
        """Copy the streams until the container exits, sending the signals and sizes asked
        for meanwhile; return its exit code (128 + N when signal N stopped it).

        Raises:
            BackendUnavailableError: the engine cannot be reached.
            ContainerError: the container is gone.
        """
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

    @property
    def published_host(self) -> str:
        """The host (name or IP address) at which this process reaches published ports.

        ``127.0.0.1`` for an engine on this machine; the engine's host for a remote one.
        """
        ...

    @property
    def is_local(self) -> bool:
        """Whether the engine runs on this machine (its published ports are this machine's)."""
        ...

    def start(self, spec: ContainerSpec) -> RunningContainer:
        """Start ``spec`` in the background and return a handle.

        Raises:
            ImageNotFoundError: the image is not in the engine (location LOCAL).
            ContainerError: the container could not be created or started (an engine without
                a GPU runtime refuses a spec that asks for GPUs this way).
            BackendUnavailableError: the engine cannot be reached.
        """
        ...

    def attach(self, spec: ContainerSpec, stdio: Stdio) -> AttachedContainer:
        """Start ``spec`` in the foreground, attached to ``stdio`` (nothing is copied until
        :meth:`AttachedContainer.wait`).

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
