"""GpuRequest.parse: Docker's --gpus forms."""

from __future__ import annotations

import pytest

from application.ports.container_runner import GpuRequest
from domain.errors import InvalidInputError


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("all", GpuRequest(count=-1)),
        ("ALL", GpuRequest(count=-1)),
        ("2", GpuRequest(count=2)),
        ("0", GpuRequest(count=0)),
        ("none", GpuRequest(count=0)),
        ("device=0", GpuRequest(device_ids=("0",))),
        ("device=0,1", GpuRequest(device_ids=("0", "1"))),
        ('"device=0,1"', GpuRequest(device_ids=("0", "1"))),
        ("device=GPU-3a23c669", GpuRequest(device_ids=("GPU-3a23c669",))),
        ("count=3", GpuRequest(count=3)),
    ],
)
def test_dockers_forms_parse(text: str, request_: GpuRequest) -> None:
    assert GpuRequest.parse(text) == request_


@pytest.mark.parametrize("text", ["some", "device=", "device=0,,1", "-2", "count=x", "gpus=1"])
def test_anything_else_is_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInputError):
        GpuRequest.parse(text)


def test_only_a_count_of_zero_asks_for_no_gpu() -> None:
    assert not GpuRequest.NONE.wants_gpus
    assert GpuRequest.ALL.wants_gpus
    assert GpuRequest(device_ids=("0",)).wants_gpus
