"""cog.yaml and the ``run.cog.config`` label, as frozen pydantic models.

NOTE: this is the foundation version (models + label reader/writer). ``parse_config`` — the
full cog.yaml pipeline with Cog's validation and CUDA completion — is being built on top of it.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.errors import ConfigError, InvalidLabelError
from domain.labels import LABEL_CONFIG


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class RunMount(_Frozen):
    """A ``--mount`` of a ``build.run`` item (only ``type: secret`` is emitted)."""

    type: str
    id: str
    target: str


class RunItem(_Frozen):
    """One ``build.run`` item: a command and its mounts."""

    command: str
    mounts: tuple[RunMount, ...] = ()


class Concurrency(_Frozen):
    """``concurrency``: how many predictions run at once."""

    max: int


class BuildConfig(_Frozen):
    """The ``build`` section of cog.yaml."""

    gpu: bool = False
    python_version: str = "3.13"
    python_requirements: str = ""
    python_packages: tuple[str, ...] = ()
    run: tuple[RunItem, ...] = ()
    system_packages: tuple[str, ...] = ()
    pre_install: tuple[str, ...] = ()
    cuda: str = ""
    cudnn: str = ""
    fast: bool = False
    cog_runtime: bool | None = None
    python_overrides: str = ""
    sdk_version: str = ""


class CogConfig(_Frozen):
    """A whole cog.yaml (or the ``run.cog.config`` label)."""

    build: BuildConfig = Field(default_factory=BuildConfig)
    image: str = ""
    predict: str = ""
    train: str = ""
    concurrency: Concurrency | None = None
    environment: tuple[str, ...] = ()


def config_from_label(raw: str, *, ref: str = "") -> CogConfig:
    """Read a ``run.cog.config`` label written by any Cog version (unknown keys ignored).

    Raises:
        InvalidLabelError: the value is not JSON, or not a config object.
    """
    try:
        return CogConfig.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidLabelError(LABEL_CONFIG, _first_error(exc), ref=ref) from exc


def parse_config(yaml_text: str) -> CogConfig:
    """Parse cog.yaml text. (Foundation version: JSON-compatible YAML only.)

    Raises:
        ConfigError: the text is not a valid config.
    """
    try:
        return CogConfig.model_validate(json.loads(yaml_text or "{}"))
    except (ValueError, ValidationError) as exc:
        raise ConfigError("", str(exc)) from exc


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else str(err["msg"])
