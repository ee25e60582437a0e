"""Foreground containers: stdin, stdout and stderr of this process wired to a container's.

What ``docker run -i [-t]`` does, on the engine API: the container is created with its stdin
open (``OpenStdin``/``StdinOnce``, when there is a stdin) and, when asked, a terminal; this
process attaches to it BEFORE starting it, so no output is lost, then starts it. While it runs
(:meth:`DockerAttachedContainer.wait`) two threads copy bytes: stdin to the attach socket (its
end of file half-closes the socket, which the container reads as end of file) and the socket to
stdout/stderr. Without a terminal the engine multiplexes stdout and stderr in frames (an 8-byte
header: stream, three zero bytes, the big-endian length); with one, everything is one raw
stream. The main thread meanwhile sends the signals and terminal sizes asked for
(:meth:`~DockerAttachedContainer.signal`, :meth:`~DockerAttachedContainer.resize`; recorded by
signal handlers, sent from here, so no engine request runs inside a handler). When the output
ends the container has exited; its exit code is the engine's.

Like every container of this package, it is named before it is created and removed (with its
anonymous volumes) when its ``with`` block ends, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import queue
import socket
import struct
import threading
import uuid
from types import TracebackType
from typing import Any, Final, Self

from adapters.docker.client import DockerEngine
from adapters.docker.containers import (
    container_errors,
    remove_container,
    require_device_requests,
)
from adapters.docker.host_config import host_config
from adapters.docker.names import daemon_name
from adapters.docker.owner import owner_labels
from application.ports.container_runner import AttachedContainer, ContainerSpec, Stdio
from domain.reference import ParsedRef

_CHUNK: Final = 32 * 1024
_POLL: Final = 0.05  # seconds between looks at the signal and size requests
_HEADER: Final = struct.Struct(">BxxxL")


class DockerAttachedContainer:
    """A container running in the foreground (see the module docstring)."""

    def __init__(self, engine: DockerEngine, container_id: str, stream: Any, stdio: Stdio) -> None:
        self._engine = engine
        self._id = container_id
        self._stream = stream  # docker-py's attach socket (kept: it owns the response)
        self._socket = _raw_socket(stream)
        self._stdio = stdio
        self._requests: queue.SimpleQueue[tuple[str, tuple[int, ...]]] = queue.SimpleQueue()
        self._output_done = threading.Event()
        self._output_error: BaseException | None = None
        self._removed = False

    @property
    def id(self) -> str:
        """The engine's container id."""
        return self._id

    def signal(self, signum: int) -> None:
        """See :meth:`application.ports.container_runner.AttachedContainer.signal`."""
        self._requests.put(("signal", (signum,)))

    def resize(self, rows: int, columns: int) -> None:
        """See :meth:`application.ports.container_runner.AttachedContainer.resize`."""
        if rows > 0 and columns > 0:
            self._requests.put(("resize", (rows, columns)))

    def wait(self) -> int:
        """See :meth:`application.ports.container_runner.AttachedContainer.wait`."""
        output = threading.Thread(target=self._copy_output, name="exec-output", daemon=True)
        output.start()
        if self._stdio.stdin is not None:
            threading.Thread(target=self._copy_input, name="exec-input", daemon=True).start()
        api = self._engine.api
        with container_errors(self._engine, subject=self._id):
            while not self._output_done.wait(_POLL):
                self._send_requests(api)
            self._send_requests(api)
            answer = api.wait(self._id)
        return int(answer["StatusCode"])

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._removed:
            return
        self._removed = True
        with contextlib.suppress(OSError):
            self._socket.close()
        remove_container(self._engine, self._id, quietly=exc is not None)

    # ------------------------------------------------------------------ copying

    def _send_requests(self, api: Any) -> None:
        while True:
            try:
                kind, values = self._requests.get_nowait()
            except queue.Empty:
                return
            if kind == "signal":
                api.kill(self._id, signal=values[0])
            else:
                api.resize(self._id, height=values[0], width=values[1])

    def _copy_output(self) -> None:
        try:
            if self._stdio.tty:
                while data := self._socket.recv(_CHUNK):
                    _write_all(self._stdio.stdout, data)
            else:
                self._copy_frames()
        except OSError as exc:  # the socket closed under us: the container is being removed
            self._output_error = exc
        finally:
            self._output_done.set()

    def _copy_frames(self) -> None:
        targets = {1: self._stdio.stdout, 2: self._stdio.stderr}
        while header := _read_exactly(self._socket, _HEADER.size):
            stream, size = _HEADER.unpack(header)
            payload = _read_exactly(self._socket, size)
            _write_all(targets.get(stream, self._stdio.stdout), payload)
            if len(payload) < size:
                return

    def _copy_input(self) -> None:
        stdin = self._stdio.stdin
        assert stdin is not None
        try:
            while data := os.read(stdin, _CHUNK):
                self._socket.sendall(data)
        except OSError:
            return  # the container has gone, or our stdin has: nothing more to give
        try:
            if hasattr(self._socket, "shutdown_write"):  # paramiko's channel (ssh://)
                self._socket.shutdown_write()
            else:
                self._socket.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def attach(engine: DockerEngine, spec: ContainerSpec, stdio: Stdio) -> DockerAttachedContainer:
    """Create ``spec`` with its stdin open (and a terminal if asked), attach, then start it.

    Raises:
        ImageNotFoundError: the image is not in the engine.
        ContainerError: the container could not be created or started.
        BackendUnavailableError: the engine cannot be reached.
    """
    api = engine.api
    name = f"cogmodel-{uuid.uuid4().hex[:16]}"
    image = daemon_name(spec.image) if isinstance(spec.image, ParsedRef) else str(spec.image)
    with_stdin = stdio.stdin is not None
    try:
        with container_errors(engine, subject=str(spec.image)):
            created = api.create_container(
                image,
                command=list(spec.command) if spec.command is not None else None,
                environment=dict(spec.env),
                ports=list(spec.ports),
                working_dir=spec.workdir,
                name=name,
                labels=owner_labels(),
                stdin_open=with_stdin,
                tty=stdio.tty,
                host_config=host_config(api, spec, engine.publication().bind),
            )
            container_id = str(created["Id"])
            if spec.gpus is not None and spec.gpus.wants_gpus:
                require_device_requests(api, container_id)  # Podman drops what it cannot give
            params = {"stdin": int(with_stdin), "stdout": 1, "stderr": 1, "stream": 1}
            stream = api.attach_socket(container_id, params=params)
            _raw_socket(stream).settimeout(None)  # an idle session is not a dead engine
            api.start(container_id)
    except BaseException:
        remove_container(engine, name, quietly=True)
        raise
    return DockerAttachedContainer(engine, container_id, stream, stdio)


def _raw_socket(stream: Any) -> Any:
    """The socket under docker-py's attach answer (a ``SocketIO`` wraps it for plain HTTP)."""
    return getattr(stream, "_sock", stream)


def _read_exactly(sock: Any, size: int) -> bytes:
    """``size`` bytes, or fewer at the end of the stream."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


_: type[AttachedContainer] = DockerAttachedContainer
