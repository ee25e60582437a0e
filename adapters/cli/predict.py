"""Running a model container and talking to Cog's HTTP API in it.

:func:`serving` starts the container with port 5000 published on an ephemeral 127.0.0.1 port,
streams its output to stderr, and waits until ``GET /health-check`` says ``READY`` (Cog's
statuses: ``STARTING`` keeps waiting, ``SETUP_FAILED`` and ``DEFUNCT`` are failures). Leaving
the ``with`` block stops and removes the container whatever happened: an error, Ctrl-C, or
SIGTERM (which :mod:`adapters.cli.main` turns into ``KeyboardInterrupt``).

Only the standard library's ``http.client`` is used: a model runs on loopback, and importing
requests would slow every prediction's start for nothing.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from adapters.cli.context import Context
from adapters.cli.interrupts import held_interrupts, raise_held
from application.ports.container_runner import ContainerRunner, ContainerSpec, RunningContainer
from domain.errors import (
    BackendUnavailableError,
    CogModelError,
    ContainerError,
    InvalidInputError,
    ProtocolError,
)

COG_PORT = 5000
_POLL = 0.1
_LOG_TAIL = 20
_EXITED = "the model container exited before it was ready"


@dataclass(frozen=True, slots=True)
class ModelApi:
    """Cog's HTTP API of one running model, on ``127.0.0.1:port``."""

    port: int
    host: str = "127.0.0.1"

    def health(self, timeout: float = 1.0) -> str | None:
        """The ``status`` of ``GET /health-check``, or None while nothing answers."""
        try:
            status, body = self._request("GET", "/health-check", None, timeout)
        except OSError:  # refused, reset, timed out: the server is not up yet
            return None
        if status != 200:
            return None
        try:
            document = json.loads(body)
        except ValueError:
            return None
        value = document.get("status") if isinstance(document, dict) else None
        return value if isinstance(value, str) else None

    def schema(self) -> Mapping[str, Any] | None:
        """``GET /openapi.json``, or None when the server serves none."""
        try:
            status, body = self._request("GET", "/openapi.json", None, 10.0)
            document = json.loads(body) if status == 200 else None
        except (OSError, ValueError):
            return None
        return document if isinstance(document, dict) else None

    def run(self, endpoint: str, inputs: Mapping[str, object]) -> dict[str, Any]:
        """POST ``inputs`` to ``/predictions`` or ``/trainings`` and return the response.

        Raises:
            InvalidInputError: the model rejected the inputs (HTTP 422), naming each one.
            BackendUnavailableError: the connection failed.
            ProtocolError: any other status, or a body that is not a JSON object.
        """
        body = json.dumps({"input": dict(inputs)}).encode()
        try:
            status, answer = self._request("POST", f"/{endpoint}", body, None)
        except OSError as exc:
            raise BackendUnavailableError("model", f"POST /{endpoint} failed: {exc}") from exc
        if status == 422:
            raise InvalidInputError(_validation_message(answer), reason="inputs rejected")
        if status != 200:
            raise ProtocolError("model", f"POST /{endpoint} returned HTTP {status}")
        try:
            document = json.loads(answer)
        except ValueError as exc:
            raise ProtocolError("model", f"POST /{endpoint} returned invalid JSON") from exc
        if not isinstance(document, dict):
            raise ProtocolError("model", f"POST /{endpoint} did not return a JSON object")
        return document

    def _request(
        self, method: str, path: str, body: bytes | None, timeout: float | None
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


@contextlib.contextmanager
def serving(
    ctx: Context,
    runner: ContainerRunner,
    spec: ContainerSpec,
    *,
    setup_timeout: float,
) -> Iterator[ModelApi]:
    """Start ``spec``, wait until the model is ready, yield its API; always stop the container.

    Raises:
        ContainerError: the container exited, setup failed, or it was not ready in time.
        ImageNotFoundError, BackendUnavailableError: from the runner.
    """
    with start_container(runner, spec) as container:
        follower = _follow_logs(ctx, container)
        try:
            try:
                api = ModelApi(port=container.host_port(COG_PORT))
            except ContainerError as exc:  # it exited already: say why, with its last output
                raise _failure(container, _EXITED) from exc
            wait_until_ready(api, container, timeout=setup_timeout)
            yield api
        finally:
            container.stop()
            follower.join(timeout=2.0)


@contextlib.contextmanager
def start_container(runner: ContainerRunner, spec: ContainerSpec) -> Iterator[RunningContainer]:
    """Start ``spec``; the container is stopped and removed when the block is left.

    Ctrl-C (or SIGTERM) while the engine creates and starts the container is held until the
    container is ours to remove: an interrupt between "created" and "handle returned" (or
    before the handle's ``with`` is entered) would otherwise leave a container behind that
    nobody knows the id of.

    Raises:
        as :meth:`ContainerRunner.start`; KeyboardInterrupt (or Terminated) for a held signal.
    """
    with contextlib.ExitStack() as stack:
        with held_interrupts() as held:
            container = stack.enter_context(runner.start(spec))
        raise_held(held)
        yield container


def wait_until_ready(api: ModelApi, container: RunningContainer, *, timeout: float) -> None:
    """Poll ``/health-check`` until ``READY`` (or ``BUSY``).

    Raises:
        ContainerError: the container exited, setup failed, or ``timeout`` seconds passed.
    """
    deadline = time.monotonic() + timeout
    while True:
        status = api.health()
        if status in ("READY", "BUSY"):
            return
        if status in ("SETUP_FAILED", "DEFUNCT"):
            raise _failure(container, f"model setup failed (health-check status {status})")
        if status is None and not container.is_running():
            raise _failure(container, _EXITED)
        if time.monotonic() > deadline:
            raise _failure(container, f"the model was not ready within {timeout:g} s")
        time.sleep(_POLL)


def _failure(container: RunningContainer, detail: str) -> ContainerError:
    try:
        tail = container.logs().splitlines()[-_LOG_TAIL:]
    except CogModelError:  # the engine lost the container or went away: report without logs
        tail = []
    last = next((line.strip() for line in reversed(tail) if line.strip()), "")
    message = f"{detail}; its last output: {last}" if last else detail
    return ContainerError(message, log_tail=tail)


def _follow_logs(ctx: Context, container: RunningContainer) -> threading.Thread:
    """Copy the container's output to stderr as it comes (a daemon thread)."""

    def copy() -> None:
        # The container or the engine going away ends the stream; so does a closed stderr.
        with contextlib.suppress(CogModelError, OSError, ValueError):
            for line in container.follow_logs():
                ctx.note(line.rstrip("\n"))

    thread = threading.Thread(target=copy, name="cogmodel-logs", daemon=True)
    thread.start()
    return thread


def _validation_message(body: bytes) -> str:
    """Cog's wording for a 422: each rejected input and why."""
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        detail = None
    problems = []
    if isinstance(detail, list):
        for item in detail:
            if not isinstance(item, dict):
                continue
            location = item.get("loc") or []
            name = location[-1] if isinstance(location, list) and location else "input"
            problems.append(f"{name}: {item.get('msg', 'invalid')}")
    elif isinstance(detail, str):
        problems.append(detail)
    listed = "; ".join(problems) or "the model gave no details"
    return f"the inputs could not be validated: {listed} (give inputs with -i NAME=VALUE)"
