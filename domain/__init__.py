"""cogmodel's pure domain: what a Cog model image *is*, with no I/O, infrastructure or framework.

Four packages, each readable on its own:

- **the core** (this folder's modules): the values every port speaks. Read in this order:

  1. ``reference.py`` — an image reference parsed by go-containerregistry's rules (``parse_ref``);
     ``registry_host.py`` and ``digest.py`` are the pieces it checks with.
  2. ``platform.py``, ``index.py`` — ``linux/amd64`` and choosing an image from an index.
  3. ``labels.py`` — Cog's label keys (``run.cog.config``, ``run.cog.openapi_schema``, …).
  4. ``image.py`` — ``Image``: what a backend saw (name, id, labels, platform, source).
  5. ``model.py`` — ``Model``: an image proven to carry Cog's labels. *Start here for "what is
     a Cog model".*
  6. ``refs.py``, ``source.py``, ``options.py`` — what the Resolver is asked for: a tag, a local
     or remote name, or a project to build, and how to build it.
  7. ``errors.py`` — the one exception tree; ``progress.py`` — build output as events.
  8. Outside input (``docs/limits.md``): ``limits.py`` — every limit on it;
     ``json_text.py`` — the one bounded reader of JSON labels and schema files;
     ``document_shape.py`` — an OpenAPI document's field types, checked once;
     ``safe_text.py`` — credentials redacted and terminal controls escaped before text is shown.

  The core imports neither of the packages below when it is loaded: ``Model.from_image``
  checks the config label with ``cogyaml/label_fields.py`` (no pydantic), and the cog.yaml
  models are built only when ``Image.parsed_config`` or ``Model.config`` is asked for.

- ``cogyaml/`` — cog.yaml as Cog reads, checks and completes it, and the ``run.cog.config``
  label's bytes (see its ``__init__`` for its reading order).
- ``openapi/`` — the OpenAPI schema Cog generates statically from ``predict.py``.
- ``prediction/`` — a prediction's inputs checked against a model's schema before anything
  starts, Cog's health statuses and responses, and files as data URLs.

``gojson.py`` (Go's ``encoding/json`` bytes) serves both packages.

Import-linter (``pyproject.toml``) holds these boundaries. Public names are re-exported here
lazily, so ``import domain`` (or ``from domain import parse_ref``) stays cheap: a module is
imported only when one of its names is first used.
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
    "CogConfig": "domain.cogyaml.models",
    "CogModelError": "domain.errors",
    "ConfigError": "domain.errors",
    "ConfigNotFoundError": "domain.errors",
    "ContainerError": "domain.errors",
    "Digest": "domain.digest",
    "Image": "domain.image",
    "ImageId": "domain.digest",
    "ImageNotFoundError": "domain.errors",
    "ImageSource": "domain.image_source",
    "InputValidationError": "domain.errors",
    "IntegrityError": "domain.errors",
    "InvalidDigestError": "domain.errors",
    "InvalidInputError": "domain.errors",
    "InvalidJsonError": "domain.errors",
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
    "HostFileError": "domain.errors",
    "TagRef": "domain.refs",
    "cog_base_image_tag": "domain.cogyaml.cog_base",
    "config_from_label": "domain.cogyaml.label",
    "config_to_label": "domain.cogyaml.label",
    "cuda_base_image_tag": "domain.cogyaml.cuda",
    "docker_image_name": "domain.options",
    "escape_controls": "domain.safe_text",
    "from_build": "domain.refs",
    "from_local": "domain.refs",
    "from_remote": "domain.refs",
    "from_tag": "domain.refs",
    "parse_config": "domain.cogyaml.parse",
    "parse_environment": "domain.cogyaml.environment",
    "parse_platform": "domain.platform",
    "parse_ref": "domain.reference",
    "parse_requirements_text": "domain.cogyaml.requirements",
    "python_requirements_for_arch": "domain.cogyaml.requirements",
    "read_json": "domain.json_text",
    "redact": "domain.safe_text",
    "validate_and_complete": "domain.cogyaml.validation",
    "validate_python_version": "domain.cogyaml.validation",
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
    "HostFileError",
    "Image",
    "ImageId",
    "ImageNotFoundError",
    "ImageSource",
    "InputValidationError",
    "IntegrityError",
    "InvalidDigestError",
    "InvalidInputError",
    "InvalidJsonError",
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
    "escape_controls",
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
    "read_json",
    "redact",
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
    from domain.cogyaml.cog_base import cog_base_image_tag
    from domain.cogyaml.cuda import cuda_base_image_tag
    from domain.cogyaml.environment import parse_environment
    from domain.cogyaml.label import config_from_label, config_to_label
    from domain.cogyaml.models import CogConfig
    from domain.cogyaml.parse import parse_config
    from domain.cogyaml.requirements import parse_requirements_text, python_requirements_for_arch
    from domain.cogyaml.validation import validate_and_complete, validate_python_version
    from domain.digest import Digest, ImageId
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
        HostFileError,
        ImageNotFoundError,
        InputValidationError,
        IntegrityError,
        InvalidDigestError,
        InvalidInputError,
        InvalidJsonError,
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
    from domain.json_text import read_json
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
    from domain.safe_text import escape_controls, redact
    from domain.source import Source
