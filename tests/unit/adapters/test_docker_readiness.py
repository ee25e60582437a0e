"""wait_for_http when the container stops between "is it running?" and "which port?"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.docker.readiness import wait_for_http
from domain.errors import ContainerError


class _DiesBetweenQuestions:
    """Says it runs, then has stopped by the time its port is asked for (the engine's race)."""

    id = "0123456789abcdef"

    def __init__(self) -> None:
        self._running_answers = iter([True])

    def is_running(self) -> bool:
        return next(self._running_answers, False)

    def host_port(self, container_port: int) -> int:
        raise ContainerError("not running, so it publishes no ports", exit_code=5)

    def wait(self, timeout: float | None = None) -> int:
        return 5

    def logs(self) -> str:
        return "starting\ndying\n"

    def follow_logs(self) -> Iterator[str]:
        yield from ()


def test_a_container_that_stops_before_its_port_is_read_is_reported_as_exited() -> None:
    with pytest.raises(ContainerError) as info:
        wait_for_http(_DiesBetweenQuestions(), 8080, timeout=5)  # type: ignore[arg-type]
    assert info.value.exit_code == 5
    assert info.value.log_tail == ("starting", "dying")
