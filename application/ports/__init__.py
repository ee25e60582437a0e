"""The ports: what the application needs from the outside world, as typing.Protocols."""

from application.ports.container_runner import (
    ContainerRunner,
    ContainerSpec,
    RunningContainer,
    RunResult,
    VolumeMount,
)
from application.ports.image_builder import BuildRequest, ImageBuilder
from application.ports.local_images import LocalImages
from application.ports.model_factory import ModelFactory
from application.ports.remote_images import RemoteImages

__all__ = [
    "BuildRequest",
    "ContainerRunner",
    "ContainerSpec",
    "ImageBuilder",
    "LocalImages",
    "ModelFactory",
    "RemoteImages",
    "RunResult",
    "RunningContainer",
    "VolumeMount",
]
