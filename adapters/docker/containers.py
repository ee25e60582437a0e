"""DockerContainerRunner: containers on a Docker Engine, never left behind.

Every container gets a fresh name (``cogmodel-<random>``) *before* it is created, so that if
creating or starting it fails, or the caller is interrupted (``KeyboardInterrupt``) half-way,
it can be removed by that name even when its id never came back. A started container is a
:class:`DockerRunningContainer`: leaving its ``with`` block, calling ``stop()`` or the end of
:meth:`DockerContainerRunner.run` stops it (SIGTERM, then SIGKILL after the grace period) and
removes it with its anonymous volumes, whatever exception is on its way out.

Every container carries labels naming its owner process (``owner.py``), and the runner's first
``start``/``attach`` removes the containers whose owner on this host is gone: a cogmodel killed
outright (SIGKILL) leaves its container only until the next run.

Containers run with Docker's init (``--init``) as PID 1 unless the spec says the image has its
own (``ContainerSpec.init``): a shell or server that installs no SIGTERM handler then stops at
once instead of after the whole grace period. Ports are published where this process can
reach them (:meth:`DockerEngine.publication`: 127.0.0.1 of a local engine, every interface of
a remote engine's host, reached at its host name); ``None`` asks the engine for an ephemeral
port, which :meth:`DockerRunningContainer.host_port` reports.
:meth:`DockerRunningContainer.wait_for_http` (``readiness.py``) is the readiness helper: an
HTTP answer, not an open port. GPUs are asked for as ``docker run --gpus`` asks (a device
request for the ``gpu`` capability, no driver named); an engine without a GPU runtime refuses
to start such a container, which is a ``ContainerError`` (an engine that drops the request
instead, as Podman does, is refused the same way).

Failures: a missing image is ``ImageNotFoundError`` (404 on create); any other failure to
create or start is ``ContainerError``; an unreachable engine is ``BackendUnavailableError``.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import Any, Final, Self

import docker
import docker.errors
import docker.types
import requests

from adapters.docker.client import DockerEngine
from adapters.docker.errors import engine_errors
from adapters.docker.host_config import host_config
from adapters.docker.names import daemon_name
from adapters.docker.owner import owner_labels, sweep_orphans
from adapters.docker.readiness import wait_for_http
from application.ports.container_runner import (
    AttachedContainer,
    ContainerRunner,
    ContainerSpec,
    RunningContainer,
    RunResult,
    Stdio,
)
from domain.errors import (
    BackendUnavailableError,
    CogModelError,
    ContainerError,
    ImageNotFoundError,
    InvalidInputError,
)
from domain.reference import ParsedRef

_log = logging.getLogger(__name__)
_RUN_GRACE: Final = 2.0


class DockerContainerRunner:
    """:class:`~application.ports.container_runner.ContainerRunner` on a Docker Engine.

    Args:
        engine: the engine to run on. Default: a :class:`DockerEngine` from the environment.
    """

    def __init__(self, *, engine: DockerEngine | None = None) -> None:
        self._engine = engine if engine is not None else DockerEngine()
        self._swept = False

    @property
    def published_host(self) -> str:
        """See :attr:`application.ports.container_runner.ContainerRunner.published_host`."""
        return self._engine.publication().reach

    @property
    def is_local(self) -> bool:
        """See :attr:`application.ports.container_runner.ContainerRunner.is_local`."""
        return self._engine.publication().local

    def start(self, spec: ContainerSpec) -> DockerRunningContainer:
        """See :meth:`application.ports.container_runner.ContainerRunner.start`."""
        self._sweep_once()
        api = self._engine.api
        name = f"cogmodel-{uuid.uuid4().hex[:16]}"
        image = daemon_name(spec.image) if isinstance(spec.image, ParsedRef) else str(spec.image)
        try:
            with container_errors(self._engine, subject=str(spec.image)):
                created = api.create_container(
                    image,
                    command=list(spec.command) if spec.command is not None else None,
                    environment=dict(spec.env),
                    ports=list(spec.ports),
                    working_dir=spec.workdir,
                    name=name,
                    labels=owner_labels(),
                    detach=True,
                    host_config=host_config(api, spec, self._engine.publication().bind),
                )
                if spec.gpus is not None and spec.gpus.wants_gpus:
                    require_device_requests(api, created["Id"])
                api.start(created["Id"])
        except BaseException:
            remove_container(self._engine, name, quietly=True)
            raise
        return DockerRunningContainer(self._engine, str(created["Id"]))

    def attach(self, spec: ContainerSpec, stdio: Stdio) -> AttachedContainer:
        """See :meth:`application.ports.container_runner.ContainerRunner.attach`
        (``attached.py``)."""
        from adapters.docker.attached import attach  # noqa: PLC0415 - it builds on this module

        self._sweep_once()
        return attach(self._engine, spec, stdio)

    def run(self, spec: ContainerSpec, *, timeout: float | None = None) -> RunResult:
        """See :meth:`application.ports.container_runner.ContainerRunner.run`."""
        container = self.start(spec)
        try:
            exit_code = container.wait(timeout)
            stdout, stderr = container.output()
        finally:
            container.stop(_RUN_GRACE)  # short: an interrupted caller should not wait long
        return RunResult(exit_code=exit_code, stdout=stdout, stderr=stderr)

    def close(self) -> None:
        """Close the engine connection (a later call reopens it)."""
        self._engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _sweep_once(self) -> None:
        """Before the first container: remove those a killed cogmodel left (``owner.py``)."""
        if not self._swept:
            self._swept = True
            sweep_orphans(self._engine)


def require_device_requests(api: docker.APIClient, container_id: str) -> None:
    """Refuse a container whose GPU request the engine dropped instead of refusing it.

    Docker Engine refuses to create or start a container asking for GPUs it cannot give.
    Podman's Docker-compatible API accepts the request, drops it (the created container's
    ``HostConfig.DeviceRequests`` is empty) and would run the model without a GPU and without
    a word; reading the request back makes both engines answer the same way.
    """
    kept = (api.inspect_container(container_id).get("HostConfig") or {}).get("DeviceRequests")
    if not kept:
        raise ContainerError("the engine cannot give containers GPUs (it dropped the request)")


class DockerRunningContainer:
    """A started container (see the module docstring). Use it as a context manager."""

    def __init__(self, engine: DockerEngine, container_id: str) -> None:
        self._engine = engine
        self._id = container_id
        self._removed = False

    @property
    def id(self) -> str:
        """The engine's container id."""
        return self._id

    def host_port(self, container_port: int) -> int:
        """The port ``container_port`` (tcp) is published on, at the engine's published host.

        Raises:
            InvalidInputError: that port was not published.
            ContainerError: the container is no longer running (its exit code attached), or
                has been removed.
            BackendUnavailableError: the engine cannot be reached.
        """
        answer = self._inspect_existing()
        if not answer["State"]["Running"]:
            raise ContainerError(
                f"container {self._id[:12]} is not running, so it publishes no ports",
                exit_code=answer["State"].get("ExitCode"),
            )
        bindings = answer["NetworkSettings"]["Ports"] or {}
        bound = self._engine.publication().bind
        for binding in bindings.get(f"{container_port}/tcp") or ():
            if binding.get("HostIp") in (bound, "") and binding.get("HostPort"):
                return int(binding["HostPort"])
        raise InvalidInputError(
            f"container port {container_port} is not published", reason="port not published"
        )

    def is_running(self) -> bool:
        """Whether the container is running (``False`` once removed)."""
        answer = None if self._removed else self._inspect()
        return answer is not None and bool(answer["State"]["Running"])

    def logs(self) -> str:
        """Everything written so far, stdout and stderr interleaved."""
        api = self._engine.api
        with self._about_this_container():
            data = api.logs(self._id, stdout=True, stderr=True)
        return data.decode("utf-8", "replace")

    def output(self) -> tuple[str, str]:
        """Everything written so far, as ``(stdout, stderr)``."""
        api = self._engine.api
        with self._about_this_container():
            out = api.logs(self._id, stdout=True, stderr=False)
            err = api.logs(self._id, stdout=False, stderr=True)
        return out.decode("utf-8", "replace"), err.decode("utf-8", "replace")

    def follow_logs(self) -> Iterator[str]:
        """Output lines (stdout and stderr) as they come, until the container stops."""
        api = self._engine.api
        pending = b""
        with self._about_this_container():
            for chunk in api.logs(self._id, stream=True, follow=True):
                *lines, pending = (pending + chunk).split(b"\n")
                yield from (line.decode("utf-8", "replace") for line in lines)
        if pending:
            yield pending.decode("utf-8", "replace")

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the container to exit; return its exit code.

        Raises:
            BackendUnavailableError: ``timeout`` seconds passed first, or the engine is gone.
        """
        api = self._engine.api
        try:
            with self._about_this_container():
                answer = api.wait(
                    self._id, timeout=math.ceil(timeout) if timeout is not None else None
                )
        except BackendUnavailableError as exc:
            if isinstance(exc.__cause__, requests.Timeout):
                raise BackendUnavailableError(
                    "docker", f"container {self._id[:12]} did not exit within {timeout}s"
                ) from exc.__cause__
            raise
        return int(answer["StatusCode"])

    def wait_for_http(
        self,
        container_port: int,
        path: str = "/",
        *,
        timeout: float = 30.0,
        ready: Callable[[int], bool] = lambda status: status < 500,
    ) -> int:
        """Wait until ``GET path`` on ``container_port`` is ready (``readiness.wait_for_http``).

        Raises:
            ContainerError: the container exited first, or ``timeout`` seconds passed.
        """
        host = self._engine.publication().reach
        return wait_for_http(self, container_port, path, host=host, timeout=timeout, ready=ready)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop (SIGTERM, then SIGKILL after ``timeout`` seconds) and remove. Idempotent."""
        if self._removed:
            return
        api = self._engine.api
        try:
            # A container already gone is stopped: its 404 is suppressed before errors.py
            # would turn it into an image miss.
            with container_errors(self._engine), suppress(docker.errors.NotFound):
                api.stop(self._id, timeout=max(0, math.ceil(timeout)))
        finally:
            remove_container(self._engine, self._id, quietly=False)
            self._removed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _inspect(self) -> dict[str, Any] | None:
        """The engine's view of the container, or ``None`` once it is gone (a 404)."""
        api = self._engine.api
        try:
            with container_errors(self._engine, subject=self._id):
                answer: dict[str, Any] = api.inspect_container(self._id)
        except ImageNotFoundError:  # errors.py's name for any 404; here the container's
            return None
        return answer

    @contextmanager
    def _about_this_container(self) -> Iterator[None]:
        # The engine's 404 here is about this container, not an image: it has been removed.
        try:
            with container_errors(self._engine):
                yield
        except ImageNotFoundError as exc:
            raise ContainerError(f"container {self._id[:12]} no longer exists") from exc

    def _inspect_existing(self) -> dict[str, Any]:
        answer = self._inspect()
        if answer is None:
            raise ContainerError(f"container {self._id[:12]} no longer exists")
        return answer


@contextmanager
def container_errors(engine: DockerEngine, *, subject: str = "") -> Iterator[None]:
    """``errors.py``'s table, except that failures other than a miss or an outage are
    ``ContainerError``: the port's promise for containers that cannot be created or started.
    """
    try:
        with engine_errors(engine.host, subject=subject):
            yield
    except (ImageNotFoundError, BackendUnavailableError):
        raise
    except CogModelError as exc:
        raise ContainerError(str(exc)) from exc


def remove_container(engine: DockerEngine, name_or_id: str, *, quietly: bool) -> None:
    """Force-remove a container and its anonymous volumes; a missing one is fine.

    ``quietly`` logs failures instead of raising them (cleanup while another error is on its way).
    """
    try:
        # The 404 of a container that never was created (or is gone) is suppressed as what it
        # is; translated first, it would read as "image (unnamed) not found locally".
        with engine_errors(engine.host), suppress(docker.errors.NotFound):
            engine.api.remove_container(name_or_id, force=True, v=True)
    except CogModelError as exc:
        # 409: a removal is already under way, which is what we want.
        if isinstance(exc.__cause__, docker.errors.APIError) and exc.__cause__.status_code == 409:
            return
        if not quietly:
            raise
        _log.warning("could not remove container %s: %s", name_or_id, exc)


_: type[ContainerRunner] = DockerContainerRunner
_running: type[RunningContainer] = DockerRunningContainer
