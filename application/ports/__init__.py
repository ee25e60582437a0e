"""The ports: what the application needs from the outside world, as typing.Protocols."""

from application.ports.container_runner import (
    ContainerRunner,
    ContainerSpec,
    GpuRequest,
    RunningContainer,
    RunResult,
    VolumeMount,
)
from application.ports.image_builder import BuildRequest, ImageBuilder
from application.ports.input_files import InputFiles
from application.ports.local_images import LocalImages
from application.ports.model_api import Address, ModelApi
from application.ports.model_factory import ModelFactory
from application.ports.remote_images import RemoteImages

__all__ = [
    "Address",
    "BuildRequest",
    "ContainerRunner",
    "ContainerSpec",
    "GpuRequest",
    "ImageBuilder",
    "InputFiles",
    "LocalImages",
    "ModelApi",
    "ModelFactory",
    "RemoteImages",
    "RunResult",
    "RunningContainer",
    "VolumeMount",
]
