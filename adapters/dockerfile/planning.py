"""What a build needs from the domain: requirements, base image tags, config label, schema.

These are domain rules (cog-spec §1.5, §3.2, §4, §5) implemented in ``domain.config`` and
``domain.schema``; this module is the one place the Dockerfile backend calls them, so the
factory reads as a sequence of steps.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from domain import gojson
from domain.config import CogConfig
from domain.errors import ConfigError, SchemaError
from domain.source import Source


def _domain(module: str, name: str) -> Callable[..., Any] | None:
    # Interim while domain.config / domain.schema grow these functions in parallel work:
    # look them up at call time so this backend plugs in as soon as they land.
    return cast("Callable[..., Any] | None", getattr(importlib.import_module(module), name, None))


def requirements_text(source: Source) -> str:
    """The ``requirements.txt`` Cog writes into the build context (linux/amd64)."""
    config = _config(source)
    regenerate = _domain("domain.config", "python_requirements_for_arch")
    if regenerate is not None:
        return str(regenerate(config, source.requirements, "linux", "amd64"))
    return "\n".join(line for line in source.requirements if line.strip())


def cuda_base_image(config: CogConfig) -> str:
    """``nvidia/cuda:<tag>`` for a GPU config.

    Raises:
        ConfigError: no CUDA base image matches the config's CUDA and cuDNN.
    """
    tag = _domain("domain.config", "cuda_base_image_tag")
    if tag is None:
        raise ConfigError("build.cuda", "CUDA base images are not available in this build")
    return f"nvidia/cuda:{tag(config)}"


def cog_base_image_tag(config: CogConfig, source: Source) -> str:
    """The ``cog-base`` tag for a config (``python3.12``, ``cuda12.1-python3.10-torch2.1.2``).

    Raises:
        ConfigError: the combination is not one Cog publishes base images for.
    """
    tag = _domain("domain.config", "cog_base_image_tag")
    if tag is None:
        raise ConfigError("build", "no cog-base image rule available")
    return str(tag(config, source.requirements))


def config_json(config: CogConfig) -> str:
    """The ``run.cog.config`` label value, byte-compatible with Cog's."""
    to_label = _domain("domain.config", "config_to_label")
    if to_label is not None:
        return str(to_label(config))
    dumped = config.model_dump(mode="json", exclude_defaults=True)
    return gojson.dumps(dumped)


def static_schema(source: Source) -> Mapping[str, object] | None:
    """The OpenAPI schema of the project's predictor/trainer, statically; ``None`` if neither.

    Raises:
        SchemaError: the predictor cannot be turned into a schema (names the file and line).
    """
    config = _config(source)
    if not config.predict and not config.train:
        return None
    generate = _domain("domain.schema", "openapi_schema")
    if generate is None:
        raise SchemaError("static schema generation is not available in this build")
    documents = []
    for reference, mode in ((config.predict, "predict"), (config.train, "train")):
        if reference:
            text, name = _read_reference(Path(source.project_dir), reference)
            documents.append(cast("Mapping[str, object]", generate(text, name, mode=mode)))
    if len(documents) == 1:
        return documents[0]
    combine = _domain("domain.schema", "combined_schema")
    if combine is None:
        raise SchemaError("combining predict and train schemas is not available in this build")
    return cast("Mapping[str, object]", combine(*documents))


def _read_reference(project_dir: Path, reference: str) -> tuple[str, str]:
    path, _, name = reference.partition(":")
    try:
        return (project_dir / path).read_text(encoding="utf-8"), name
    except OSError as exc:
        raise SchemaError(f"cannot read {path}: {exc.strerror or exc}", file=path) from exc


def _config(source: Source) -> CogConfig:
    return source.config if source.config is not None else CogConfig()
