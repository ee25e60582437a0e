"""The ports: what the application needs from the outside world, as typing.Protocols.

One port per module. Names are re-exported here lazily (a module is imported when one of its
names is first used), so an adapter that names one port does not load the others and the
domain modules they speak (build options, sources) with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "Address": "application.ports.model_api",
    "BuildRequest": "application.ports.image_builder",
    "ContainerRunner": "application.ports.container_runner",
    "ContainerSpec": "application.ports.container_runner",
    "GpuRequest": "application.ports.container_runner",
    "ImageBuilder": "application.ports.image_builder",
    "InputFiles": "application.ports.input_files",
    "LocalImages": "application.ports.local_images",
    "ModelApi": "application.ports.model_api",
    "ModelFactory": "application.ports.model_factory",
    "RemoteImages": "application.ports.remote_images",
    "RunResult": "application.ports.container_runner",
    "RunningContainer": "application.ports.container_runner",
    "VolumeMount": "application.ports.container_runner",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'application.ports' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
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
