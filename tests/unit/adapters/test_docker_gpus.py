"""What DockerContainerRunner asks the engine for: GPUs as `docker run --gpus`, ports where
this machine reaches them. Built with docker-py's own host-config builder (no engine needed)."""

from __future__ import annotations

import docker
import pytest

from adapters.docker.host_config import host_config
from application.ports.container_runner import ContainerSpec, GpuRequest
from domain.reference import parse_ref

API = docker.APIClient(base_url="unix:///nonexistent/cogmodel-test.sock", version="1.41")
IMAGE = parse_ref("acme/model:1")


@pytest.mark.parametrize(
    ("gpus", "request_"),
    [
        (GpuRequest.ALL, {"Count": -1, "Capabilities": [["gpu"]]}),
        (GpuRequest(count=2), {"Count": 2, "Capabilities": [["gpu"]]}),
        (GpuRequest(device_ids=("0", "1")), {"DeviceIDs": ["0", "1"], "Capabilities": [["gpu"]]}),
    ],
)
def test_gpus_are_a_device_request_for_the_gpu_capability(
    gpus: GpuRequest, request_: dict[str, object]
) -> None:
    config = host_config(API, ContainerSpec(image=IMAGE, gpus=gpus), "127.0.0.1")
    (sent,) = config["DeviceRequests"]
    assert {key: value for key, value in sent.items() if value} == request_  # no driver named


@pytest.mark.parametrize("gpus", [None, GpuRequest.NONE])
def test_no_gpu_is_no_device_request(gpus: GpuRequest | None) -> None:
    config = host_config(API, ContainerSpec(image=IMAGE, gpus=gpus), "127.0.0.1")
    assert "DeviceRequests" not in config


def test_ports_are_bound_on_the_address_the_engine_publishes_on() -> None:
    spec = ContainerSpec(image=IMAGE, ports={5000: None, 8080: 9000})
    config = host_config(API, spec, "0.0.0.0")
    assert config["PortBindings"] == {
        "5000/tcp": [{"HostIp": "0.0.0.0", "HostPort": ""}],
        "8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "9000"}],
    }
