"""What a build needs from the domain: requirements, base image names, config label, schema.

These are domain rules (cog-spec §1.5, §3.2, §3.8, §4, §5.2) implemented in ``domain``; this
module is the one place the Dockerfile backend calls them, so the factory reads as a sequence
of steps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from adapters.project_sources import read_project_source
from domain.cogyaml.cog_base import check_cog_base_image
from domain.cogyaml.cuda import cuda_base_image
from domain.cogyaml.label import config_to_label
from domain.cogyaml.models import CogConfig
from domain.cogyaml.requirements import (
    effective_requirements,
    package_version,
    python_requirements_for_arch,
)
from domain.errors import SchemaError
from domain.openapi import (
    PredictorInfo,
    SchemaErrorKind,
    check_sdk_version,
    generate_for_config,
    parse_predict_ref,
    project_source_path,
)
from domain.openapi import predictor_info as read_interface
from domain.source import Source

_INCLUDED: Final = ("torch", "torchvision", "torchaudio", "tensorflow")


def requirements_text(source: Source) -> str:
    """The ``requirements.txt`` Cog writes into the build context (for linux/amd64).

    The frameworks present (torch, torchvision, torchaudio, tensorflow) are passed as Cog's
    include packages, so their matrix rewrite (index URLs, ``+cpu`` builds) applies.
    """
    config = _config(source)
    lines = effective_requirements(config, source.requirements)
    include = []
    for name in _INCLUDED:
        version = package_version(lines, name)
        if version is not None:
            include.append(f"{name}=={version}")
    return python_requirements_for_arch(
        config, lines, goos="linux", goarch="amd64", include=include
    )


def cuda_image(config: CogConfig) -> str:
    """``nvidia/cuda:<tag>`` for a GPU config.

    Raises:
        ConfigError: no CUDA base image matches the config's CUDA and cuDNN.
    """
    return cuda_base_image(config.build.cuda, config.build.cudnn)


def cog_base_tag(source: Source) -> str:
    """The ``cog-base`` tag for the project (``python3.12``, ``cuda12.1-python3.10-torch2.1.2``).

    Raises:
        ConfigError: the combination is not one Cog publishes base images for.
    """
    config = _config(source)
    torch = package_version(effective_requirements(config, source.requirements), "torch")
    return check_cog_base_image(config.build.cuda, config.build.python_version, torch or "")


def config_json(config: CogConfig) -> str:
    """The ``run.cog.config`` label value, byte-compatible with Cog's."""
    return config_to_label(config)


def static_schema(source: Source, *, version: str, wheel: str | None = None) -> bytes | None:
    """The OpenAPI schema bytes Cog writes for the project; ``None`` without predict/train.

    ``version`` becomes ``info.version`` (Cog HEAD writes its own version there); ``wheel``
    (``$COG_SDK_WHEEL``) and ``build.sdk_version`` feed the schema's SDK gate.

    Raises:
        SchemaError: the predictor cannot be turned into a schema (names the file and line),
            or the build pins an SDK older than static schemas describe.
    """
    config = _config(source)
    if not config.predict and not config.train:
        return None
    return generate_for_config(
        config.predict or None,
        config.train or None,
        _reader(source),
        version=version,
        sdk_version=config.build.sdk_version or None,
        sdk_wheel=wheel,
    )


def check_schema_sdk(source: Source, *, wheel: str | None) -> None:
    """The static schema's SDK gate, for a project with predict or train.

    Raises:
        SchemaError: SDK_TOO_OLD.
    """
    config = _config(source)
    if config.predict or config.train:
        check_sdk_version(config.build.sdk_version or None, wheel)


def predictor_info(source: Source) -> PredictorInfo | None:
    """The interface of the ``predict`` target, else the ``train`` one; ``None`` without either.

    Raises:
        SchemaError: the target cannot be read.
    """
    config = _config(source)
    mode, ref = ("predict", config.predict) if config.predict else ("train", config.train)
    if not ref:
        return None
    file, name = parse_predict_ref(ref)
    path = project_source_path(file)
    read = _reader(source)
    text = read(path)
    if text is None:
        raise SchemaError(
            f"failed to read predictor source {path}",
            file=path,
            kind=SchemaErrorKind.SOURCE_NOT_FOUND,
        )
    return read_interface(text, name, mode=mode, file=path, resolve_import=read)


def _reader(source: Source) -> Callable[[str], str | None]:
    project = Path(source.project_dir)
    return lambda path: read_project_source(project, path)


def _config(source: Source) -> CogConfig:
    return source.config if source.config is not None else CogConfig()
