"""What the engine is asked for when a container is created: its ``HostConfig``.

Init as PID 1 unless the image has its own, ports bound on the address the engine publishes
on (:meth:`~adapters.docker.client.DockerEngine.publication`), mounts, and GPUs as ``docker run
--gpus`` asks for them: a device request for the ``gpu`` capability, with a count or device ids
and no driver named.
"""

from __future__ import annotations

from typing import Any

import docker
import docker.types

from application.ports.container_runner import ContainerSpec, GpuRequest


def host_config(api: docker.APIClient, spec: ContainerSpec, bind: str) -> dict[str, Any]:
    """The ``HostConfig`` of a container for ``spec``, its ports bound on ``bind`` (or on the
    host address the spec names for a port)."""
    config: dict[str, Any] = api.create_host_config(
        # docker-init as PID 1 passes SIGTERM on, so `sh -c …` stops promptly; images with an
        # init of their own (Cog's tini) ask for none, or tini warns it is not PID 1.
        init=spec.init,
        port_bindings={
            port: (spec.port_hosts.get(port, bind), host) for port, host in spec.ports.items()
        },
        binds={
            mount.host_path: {
                "bind": mount.container_path,
                "mode": "ro" if mount.read_only else "rw",
            }
            for mount in spec.volumes
        },
        device_requests=_device_requests(spec.gpus),
    )
    return config


def _device_requests(gpus: GpuRequest | None) -> list[docker.types.DeviceRequest] | None:
    """What ``docker run --gpus`` sends: the ``gpu`` capability, a count or device ids."""
    if gpus is None or not gpus.wants_gpus:
        return None
    if gpus.device_ids:
        request = docker.types.DeviceRequest(
            device_ids=list(gpus.device_ids), capabilities=[["gpu"]]
        )
    else:
        request = docker.types.DeviceRequest(count=gpus.count, capabilities=[["gpu"]])
    return [request]
