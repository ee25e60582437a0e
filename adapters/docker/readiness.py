"""Waiting until a started container serves HTTP on a published port.

Readiness is an HTTP answer, not an open port: with Docker's userland proxy a published port
accepts connections before anything listens inside the container. Only the
:class:`~application.ports.container_runner.RunningContainer` port is used, so this works for any
runner; ``host`` is where its published ports are reached (127.0.0.1 for a local engine).
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable
from typing import Final

from application.ports.container_runner import RunningContainer
from domain.errors import ContainerError

_LOOPBACK: Final = "127.0.0.1"
_TAIL: Final = 30


def wait_for_http(
    container: RunningContainer,
    container_port: int,
    path: str = "/",
    *,
    host: str = _LOOPBACK,
    timeout: float = 30.0,
    ready: Callable[[int], bool] = lambda status: status < 500,
) -> int:
    """Poll ``GET path`` on the published ``container_port`` until ``ready(status)``.

    Returns the status that was ready. Default ``ready``: any status below 500.

    Raises:
        ContainerError: the container exited first (with its exit code and last output lines),
            or ``timeout`` seconds passed.
    """
    deadline = time.monotonic() + timeout
    port: int | None = None
    while True:
        running = container.is_running()
        if running and port is None:
            try:
                port = container.host_port(container_port)
            except ContainerError:  # it stopped between the two questions: report it as exited
                running = False
        status = _http_status(host, port, path) if port is not None else None
        if status is not None and ready(status):
            return status
        if not running:
            raise ContainerError(
                f"container {container.id[:12]} exited before port {container_port} was ready",
                exit_code=container.wait(5),
                log_tail=container.logs().splitlines()[-_TAIL:],
            )
        if time.monotonic() > deadline:
            raise ContainerError(
                f"container {container.id[:12]} port {container_port} not ready in {timeout}s",
                log_tail=container.logs().splitlines()[-_TAIL:],
            )
        time.sleep(0.1)


def _http_status(host: str, port: int, path: str) -> int | None:
    connection = http.client.HTTPConnection(host, port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()
