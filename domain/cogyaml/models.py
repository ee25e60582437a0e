"""The cog.yaml document as frozen pydantic models.

Field names are cog.yaml's keys. Defaults are Cog's ``DefaultConfig()`` at 0447eb11: a CPU
build on Python 3.13. The models are lenient (unknown keys ignored) because they also read the
``run.cog.config`` label written by other Cog versions; cog.yaml itself is checked against the
schema before it gets here (:func:`domain.cogyaml.parse.parse_config`).

HEAD's top-level ``run`` is the new name of ``predict`` and is stored as :attr:`CogConfig.predict`
(the label keeps the key ``predict``, as Cog HEAD does).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_PYTHON_VERSION = "3.13"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class RunMount(_Frozen):
    """A ``--mount`` of a ``build.run`` item (only ``type: secret`` passes the schema)."""

    type: str = ""
    id: str = ""
    target: str = ""


class RunItem(_Frozen):
    """One ``build.run`` item: a command and its mounts. A bare string is a command."""

    command: str = ""
    mounts: tuple[RunMount, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"command": data} if isinstance(data, str) else data


class Concurrency(_Frozen):
    """``concurrency``: how many predictions run at once."""

    max: int = 0


class BuildConfig(_Frozen):
    """The ``build`` section of cog.yaml."""

    gpu: bool = False
    python_version: str = DEFAULT_PYTHON_VERSION
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


class WeightSourceConfig(_Frozen):
    """Where a managed weight comes from (HEAD): a URI and include/exclude globs."""

    uri: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


class WeightSource(_Frozen):
    """One ``weights`` entry (HEAD): a name, a target directory and one or more sources."""

    name: str = ""
    target: str = ""
    source: tuple[WeightSourceConfig, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _single_source(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("source"), dict):
            return {**data, "source": (data["source"],)}
        return data


class CogConfig(_Frozen):
    """A whole cog.yaml (or the ``run.cog.config`` label).

    ``warnings`` is not part of cog.yaml: it carries the deprecation and compatibility warnings
    found by :func:`domain.cogyaml.validation.validate_and_complete` (Cog prints them), and is
    never written to the label.
    """

    build: BuildConfig = Field(default_factory=BuildConfig)
    image: str = ""
    model: str = ""
    predict: str = ""
    train: str = ""
    concurrency: Concurrency | None = None
    environment: tuple[str, ...] = ()
    weights: tuple[WeightSource, ...] = ()
    warnings: tuple[str, ...] = Field(default=(), exclude=True)

    @property
    def parsed_environment(self) -> dict[str, str]:
        """``environment`` as a name → value mapping.

        See :func:`domain.cogyaml.environment.parse_environment`.


        Raises:
            ConfigError: an item breaks the environment rules.
        """
        from domain.cogyaml.environment import parse_environment  # noqa: PLC0415 - keeps imports acyclic

        return parse_environment(self.environment)
