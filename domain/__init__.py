"""cogmodel's pure domain core: references, labels, cog.yaml, images and models.

Standard library and pydantic only; no I/O. Public names are re-exported here lazily, so
``import domain`` (or ``from domain.reference import parse_ref``) stays cheap: pydantic is only
imported by the modules that need it (config, image, model, …).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "AmbiguousImageIdError": "domain.errors",
    "AuthenticationError": "domain.errors",
    "BackendError": "domain.errors",
    "BackendUnavailableError": "domain.errors",
    "BuildBaseOptions": "domain.options",
    "BuildError": "domain.errors",
    "BuildOptions": "domain.options",
    "BuildRef": "domain.refs",
    "BuildSecret": "domain.options",
    "CogConfig": "domain.config",
    "CogModelError": "domain.errors",
    "ConfigError": "domain.errors",
    "ConfigNotFoundError": "domain.errors",
    "ContainerError": "domain.errors",
    "Digest": "domain.digest",
    "Image": "domain.image",
    "ImageId": "domain.digest",
    "ImageNotFoundError": "domain.errors",
    "ImageSource": "domain.image_source",
    "IntegrityError": "domain.errors",
    "InvalidDigestError": "domain.errors",
    "InvalidInputError": "domain.errors",
    "InvalidLabelError": "domain.errors",
    "InvalidPlatformError": "domain.errors",
    "InvalidReferenceError": "domain.errors",
    "LocalRef": "domain.refs",
    "Model": "domain.model",
    "ModelRef": "domain.refs",
    "NotCogModelError": "domain.errors",
    "ParsedRef": "domain.reference",
    "Platform": "domain.platform",
    "PlatformNotFoundError": "domain.errors",
    "Progress": "domain.options",
    "ProgressEvent": "domain.progress",
    "ProgressSink": "domain.progress",
    "ProtocolError": "domain.errors",
    "RemoteRef": "domain.refs",
    "SchemaError": "domain.errors",
    "Source": "domain.source",
    "SourceError": "domain.errors",
    "TagRef": "domain.refs",
    "cog_base_image_tag": "domain.cog_base",
    "config_from_label": "domain.config",
    "config_to_label": "domain.config",
    "cuda_base_image_tag": "domain.cuda",
    "docker_image_name": "domain.options",
    "from_build": "domain.refs",
    "from_local": "domain.refs",
    "from_remote": "domain.refs",
    "from_tag": "domain.refs",
    "parse_config": "domain.config",
    "parse_environment": "domain.environment",
    "parse_platform": "domain.platform",
    "parse_ref": "domain.reference",
    "parse_requirements_text": "domain.requirements",
    "python_requirements_for_arch": "domain.requirements",
    "validate_and_complete": "domain.config_validation",
    "validate_python_version": "domain.config_validation",
    "with_defaults": "domain.options",
}

__all__ = [
    "AmbiguousImageIdError",
    "AuthenticationError",
    "BackendError",
    "BackendUnavailableError",
    "BuildBaseOptions",
    "BuildError",
    "BuildOptions",
    "BuildRef",
    "BuildSecret",
    "CogConfig",
    "CogModelError",
    "ConfigError",
    "ConfigNotFoundError",
    "ContainerError",
    "Digest",
    "Image",
    "ImageId",
    "ImageNotFoundError",
    "ImageSource",
    "IntegrityError",
    "InvalidDigestError",
    "InvalidInputError",
    "InvalidLabelError",
    "InvalidPlatformError",
    "InvalidReferenceError",
    "LocalRef",
    "Model",
    "ModelRef",
    "NotCogModelError",
    "ParsedRef",
    "Platform",
    "PlatformNotFoundError",
    "Progress",
    "ProgressEvent",
    "ProgressSink",
    "ProtocolError",
    "RemoteRef",
    "SchemaError",
    "Source",
    "SourceError",
    "TagRef",
    "cog_base_image_tag",
    "config_from_label",
    "config_to_label",
    "cuda_base_image_tag",
    "docker_image_name",
    "from_build",
    "from_local",
    "from_remote",
    "from_tag",
    "parse_config",
    "parse_environment",
    "parse_platform",
    "parse_ref",
    "parse_requirements_text",
    "python_requirements_for_arch",
    "validate_and_complete",
    "validate_python_version",
    "with_defaults",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'domain' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from domain.cog_base import cog_base_image_tag
    from domain.config import CogConfig, config_from_label, config_to_label, parse_config
    from domain.config_validation import validate_and_complete, validate_python_version
    from domain.cuda import cuda_base_image_tag
    from domain.digest import Digest, ImageId
    from domain.environment import parse_environment
    from domain.errors import (
        AmbiguousImageIdError,
        AuthenticationError,
        BackendError,
        BackendUnavailableError,
        BuildError,
        CogModelError,
        ConfigError,
        ConfigNotFoundError,
        ContainerError,
        ImageNotFoundError,
        IntegrityError,
        InvalidDigestError,
        InvalidInputError,
        InvalidLabelError,
        InvalidPlatformError,
        InvalidReferenceError,
        NotCogModelError,
        PlatformNotFoundError,
        ProtocolError,
        SchemaError,
        SourceError,
    )
    from domain.image import Image
    from domain.image_source import ImageSource
    from domain.model import Model
    from domain.options import (
        BuildBaseOptions,
        BuildOptions,
        BuildSecret,
        Progress,
        docker_image_name,
        with_defaults,
    )
    from domain.platform import Platform, parse_platform
    from domain.progress import ProgressEvent, ProgressSink
    from domain.reference import ParsedRef, parse_ref
    from domain.refs import (
        BuildRef,
        LocalRef,
        ModelRef,
        RemoteRef,
        TagRef,
        from_build,
        from_local,
        from_remote,
        from_tag,
    )
    from domain.requirements import parse_requirements_text, python_requirements_for_arch
    from domain.source import Source
