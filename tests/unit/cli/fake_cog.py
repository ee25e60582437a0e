"""A container runner whose containers serve Cog's HTTP API from a thread in this process.

It stands in for the engine in the CLI's unit tests of predict/train/serve: the image must exist
in the in-memory engine (as with the real runner), and each started container is a real HTTP
server on 127.0.0.1 that answers ``/health-check``, ``/openapi.json`` and ``POST
/predictions|/trainings`` the way Cog's runtime does. ``running`` shows what is left running.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from adapters.memory import InMemoryContainerRunner, InMemoryLocalImages
from application.ports.container_runner import ContainerSpec, RunningContainer
from domain.errors import ContainerError

Respond = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]


def echo(endpoint: str, inputs: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A model that says what it got."""
    return 200, {"status": "succeeded", "output": f"{endpoint}: {json.dumps(inputs)}"}


@dataclass
class FakeModel:
    """How the served model behaves."""

    respond: Respond = echo
    health: list[str | None] = field(default_factory=lambda: ["STARTING", "READY"])
    schema: Mapping[str, Any] | None = None
    logs: list[str] = field(default_factory=lambda: ["setup: loading weights", "setup: done"])
    exits_at_start: bool = False
    logs_error: BaseException | None = None  # what ``logs()`` raises instead of answering
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class ServedContainer:
    """A started container: an HTTP server thread plus the in-memory container record."""

    def __init__(self, inner: RunningContainer, model: FakeModel) -> None:
        self._inner = inner
        self._model = model
        self._health = list(model.health)
        self.stopped = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a request still in a handler must not hold stop()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def id(self) -> str:
        return self._inner.id

    def host_port(self, container_port: int) -> int:
        if self._model.exits_at_start:  # as the engine: an exited container publishes nothing
            raise ContainerError("the container is not running, so it publishes no ports")
        if container_port == 5000:
            return int(self._server.server_address[1])
        return self._inner.host_port(container_port)

    def is_running(self) -> bool:
        return not self._model.exits_at_start and self._inner.is_running()

    def logs(self) -> str:
        if self._model.logs_error is not None:
            raise self._model.logs_error
        return "".join(line + "\n" for line in self._model.logs)

    def follow_logs(self) -> Iterator[str]:
        yield from self._model.logs

    def wait(self, timeout: float | None = None) -> int:
        return self._inner.wait(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        if not self.stopped.is_set():
            self.stopped.set()
            self._server.shutdown()
            self._server.server_close()
        self._inner.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def next_health(self) -> str | None:
        if self._model.exits_at_start:
            return None
        return self._health.pop(0) if len(self._health) > 1 else self._health[0]


class CogServingRunner(InMemoryContainerRunner):
    """Runs images of an in-memory engine as fake Cog servers."""

    def __init__(self, local: InMemoryLocalImages, model: FakeModel | None = None) -> None:
        super().__init__(local)
        self.model = model or FakeModel()
        self.specs: list[ContainerSpec] = []
        self.served: list[ServedContainer] = []

    def start(self, spec: ContainerSpec) -> RunningContainer:
        inner = super().start(spec)
        self.specs.append(spec)
        served = ServedContainer(inner, self.model)
        self.served.append(served)
        return served


def _handler(container: ServedContainer) -> type[BaseHTTPRequestHandler]:
    model = container._model

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            if self.path == "/health-check":
                status = container.next_health()
                if status is None:
                    self._send(503, {"detail": "not up"})
                else:
                    self._send(200, {"status": status})
            elif self.path == "/openapi.json" and model.schema is not None:
                self._send(200, dict(model.schema))
            else:
                self._send(404, {"detail": "Not Found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            endpoint = self.path.strip("/")
            model.received.append((endpoint, body.get("input", {})))
            status, answer = model.respond(endpoint, body.get("input", {}))
            self._send(status, answer)

        def _send(self, status: int, document: Mapping[str, Any]) -> None:
            data = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
                self.wfile.write(data)

    return Handler
