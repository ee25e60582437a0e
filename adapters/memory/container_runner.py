"""A container runner whose containers are programs you supply. Passes ContainerRunnerContract.

A *program* is a function from the :class:`ContainerSpec` to a :class:`RunResult`: it stands in
for what the image would do. The runner checks the image exists in the attached
:class:`InMemoryLocalImages`, hands out published ports (on ``127.0.0.1``, as a local engine
does), and tracks running containers so a test can see that none is left behind (``running``).
An engine without a GPU runtime (``gpus_available = False``) refuses containers that ask for
GPUs, with the ``ContainerError`` a real engine gives; ``exit(id)`` makes a container exit, as
a crashing program does.

Attached containers (``attach``, what ``exec`` runs) play an *interactive program*: a function
of the spec and everything on stdin, to a :class:`RunResult` (default: the program, ignoring
stdin); its output is written to the attached file descriptors. A signal asked for before
``wait`` ends the container as that signal would (exit code 128 + N); ``attached`` lists them,
and ``removed`` says their ``with`` block has ended.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Self

from adapters.memory.local_images import InMemoryLocalImages
from application.ports.container_runner import (
    AttachedContainer,
    ContainerRunner,
    ContainerSpec,
    RunningContainer,
    RunResult,
    Stdio,
)
from domain.digest import Digest, ImageId
from domain.errors import BackendUnavailableError, ContainerError, InvalidInputError

Program = Callable[[ContainerSpec], RunResult]
InteractiveProgram = Callable[[ContainerSpec, bytes], RunResult]


def _idle(spec: ContainerSpec) -> RunResult:
    return RunResult(exit_code=0, stdout="", stderr="")


class InMemoryContainer:
    """A "running" container of the in-memory runner."""

    def __init__(
        self, runner: InMemoryContainerRunner, spec: ContainerSpec, ports: dict[int, int]
    ) -> None:
        self._runner = runner
        self._spec = spec
        self._ports = ports
        self._id = f"memory-{next(runner._ids)}"
        self._result: RunResult | None = None

    @property
    def id(self) -> str:
        """See :attr:`application.ports.container_runner.RunningContainer.id`."""
        return self._id

    @property
    def spec(self) -> ContainerSpec:
        """What this container was started with."""
        return self._spec

    @property
    def ports(self) -> dict[int, int]:
        """The published ports: container port to host port."""
        return dict(self._ports)

    def host_port(self, container_port: int) -> int:
        """See :meth:`application.ports.container_runner.RunningContainer.host_port`."""
        if not self.is_running():  # as an engine: a stopped container publishes nothing
            raise ContainerError(f"{self._id} is not running, so it publishes no ports")
        try:
            return self._ports[container_port]
        except KeyError:
            raise InvalidInputError(
                f"port {container_port} is not published by {self._id}",
                reason="port not published",
            ) from None

    def is_running(self) -> bool:
        """See :meth:`application.ports.container_runner.RunningContainer.is_running`."""
        return self._id in self._runner.running

    def logs(self) -> str:
        """See :meth:`application.ports.container_runner.RunningContainer.logs`."""
        result = self._finish()
        return result.stdout + result.stderr

    def follow_logs(self) -> Iterator[str]:
        """See :meth:`application.ports.container_runner.RunningContainer.follow_logs`."""
        yield from self.logs().splitlines()

    def wait(self, timeout: float | None = None) -> int:
        """See :meth:`application.ports.container_runner.RunningContainer.wait`."""
        result = self._finish()
        self._runner.running.pop(self._id, None)
        return result.exit_code

    def stop(self, timeout: float = 5.0) -> None:
        """See :meth:`application.ports.container_runner.RunningContainer.stop`."""
        self._runner.running.pop(self._id, None)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _finish(self) -> RunResult:
        if self._result is None:
            self._result = self._runner.program(self._spec)
        return self._result


class InMemoryAttachedContainer:
    """A foreground container of the in-memory runner: its program runs in :meth:`wait`."""

    def __init__(self, runner: InMemoryContainerRunner, spec: ContainerSpec, stdio: Stdio) -> None:
        self._runner = runner
        self._spec = spec
        self._stdio = stdio
        self._id = f"memory-{next(runner._ids)}"
        self.signals: list[int] = []
        self.sizes: list[tuple[int, int]] = []
        self.removed = False

    @property
    def id(self) -> str:
        """See :attr:`application.ports.container_runner.AttachedContainer.id`."""
        return self._id

    @property
    def spec(self) -> ContainerSpec:
        """What this container was started with."""
        return self._spec

    def signal(self, signum: int) -> None:
        """See :meth:`application.ports.container_runner.AttachedContainer.signal`."""
        self.signals.append(signum)

    def resize(self, rows: int, columns: int) -> None:
        """See :meth:`application.ports.container_runner.AttachedContainer.resize`."""
        self.sizes.append((rows, columns))

    def wait(self) -> int:
        """See :meth:`application.ports.container_runner.AttachedContainer.wait`."""
        if self.signals:
            return 128 + self.signals[0]
        stdin = b""
        if self._stdio.stdin is not None:
            while chunk := os.read(self._stdio.stdin, 65536):
                stdin += chunk
        result = self._runner.interactive(self._spec, stdin)
        _write(self._stdio.stdout, result.stdout)
        _write(self._stdio.stdout if self._stdio.tty else self._stdio.stderr, result.stderr)
        return result.exit_code

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.removed = True


def _write(fd: int, text: str) -> None:
    data = memoryview(text.encode())
    while data:
        data = data[os.write(fd, data) :]


class InMemoryContainerRunner:
    """Runs :data:`Program` functions as containers of images in an in-memory store."""

    def __init__(self, local: InMemoryLocalImages, program: Program = _idle) -> None:
        """Run images of ``local``; ``program`` plays the part of every container."""
        self._local = local
        self.program = program
        self.interactive: InteractiveProgram = lambda spec, stdin: self.program(spec)
        self.running: dict[str, InMemoryContainer] = {}
        self.started: list[InMemoryContainer] = []
        self.attached: list[InMemoryAttachedContainer] = []
        self.unavailable = False
        self.gpus_available = True
        self._ids = itertools.count(1)
        self._ports = itertools.count(49152)

    @property
    def published_host(self) -> str:
        """See :attr:`application.ports.container_runner.ContainerRunner.published_host`."""
        return "127.0.0.1"

    @property
    def is_local(self) -> bool:
        """See :attr:`application.ports.container_runner.ContainerRunner.is_local`."""
        return True

    def start(self, spec: ContainerSpec) -> RunningContainer:
        """See :meth:`application.ports.container_runner.ContainerRunner.start`."""
        self._check(spec)
        ports = {c: (h if h is not None else next(self._ports)) for c, h in spec.ports.items()}
        container = InMemoryContainer(self, spec, ports)
        self.running[container.id] = container
        self.started.append(container)
        return container

    def attach(self, spec: ContainerSpec, stdio: Stdio) -> AttachedContainer:
        """See :meth:`application.ports.container_runner.ContainerRunner.attach`."""
        self._check(spec)
        container = InMemoryAttachedContainer(self, spec, stdio)
        self.attached.append(container)
        return container

    def exit(self, container_id: str) -> None:
        """Make a running container exit (its program has ended, or crashed)."""
        self.running.pop(container_id, None)

    def run(self, spec: ContainerSpec, *, timeout: float | None = None) -> RunResult:
        """See :meth:`application.ports.container_runner.ContainerRunner.run`."""
        self._check(spec)
        return self.program(spec)

    def _check(self, spec: ContainerSpec) -> None:
        if self.unavailable:
            raise BackendUnavailableError("memory", "the in-memory engine is marked unavailable")
        if spec.gpus is not None and spec.gpus.wants_gpus and not self.gpus_available:
            raise ContainerError(
                'could not select device driver "" with capabilities: [[gpu]]', backend="memory"
            )
        if isinstance(spec.image, Digest):
            self._local.inspect_id(ImageId(spec.image))
        else:
            self._local.inspect(spec.image)


_: type[ContainerRunner] = InMemoryContainerRunner
