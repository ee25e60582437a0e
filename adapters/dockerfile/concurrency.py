"""The concurrency a model image runs with: cog.yaml's ``concurrency.max``, else the decorator's.

Cog HEAD (``configWithDecoratorConcurrency`` and ``validateEffectiveConcurrency`` in
``pkg/image/build.go``) reads ``@cog.concurrent(max=N)`` from the predictor (``train`` when
there is no ``predict``) and:

* refuses ``concurrency.max > 1`` in cog.yaml for a synchronous ``run``/``predict``;
* uses cog.yaml's ``concurrency`` when it is set, else the decorator's N, which then goes into
  ``run.cog.config`` and ``COG_MAX_CONCURRENCY`` exactly as if cog.yaml had said it;
* refuses an effective concurrency above 1 below Python 3.11.

Messages are Cog's.
"""

from __future__ import annotations

from typing import Final

from domain.cogyaml.models import CogConfig, Concurrency
from domain.errors import ConfigError
from domain.openapi import PredictorInfo

_ASYNC_REQUIRED: Final = "concurrency.max > 1 requires an async run() or predict() method"
_DECORATOR_ASYNC_REQUIRED: Final = (
    "@cog.concurrent(max > 1) requires an async run() or predict() method"
)
_MINIMUM_PYTHON: Final = (3, 11)


def effective_config(config: CogConfig, info: PredictorInfo | None) -> CogConfig:
    """``config`` with the decorator's concurrency folded in, after Cog's checks.

    ``info`` is the predictor's parsed interface, or ``None`` when it was not read (no
    predictor, or a schema given by file).

    Raises:
        ConfigError: a concurrency above 1 for a synchronous predictor, or below Python 3.11.
    """
    configured = config.concurrency
    if configured is not None and configured.max > 1 and info is not None and not info.is_async:
        raise ConfigError("concurrency.max", _ASYNC_REQUIRED)
    if configured is not None or info is None or info.concurrency_max is None:
        _check(config, info)
        return config
    if info.concurrency_max > 1 and not info.is_async:
        raise ConfigError("", _DECORATOR_ASYNC_REQUIRED)
    effective = config.model_copy(update={"concurrency": Concurrency(max=info.concurrency_max)})
    _check(effective, info)
    return effective


def max_concurrency(config: CogConfig) -> int | None:
    """``COG_MAX_CONCURRENCY`` for ``config``: its ``concurrency.max`` when above 0."""
    concurrency = config.concurrency
    return concurrency.max if concurrency is not None and concurrency.max > 0 else None


def _check(config: CogConfig, info: PredictorInfo | None) -> None:
    concurrency = config.concurrency
    if concurrency is None or concurrency.max <= 1:
        return
    if info is not None and not info.is_async:
        raise ConfigError("concurrency.max", _ASYNC_REQUIRED)
    parts = config.build.python_version.split(".")
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        return
    major, minor = int(parts[0]), int(parts[1])
    if major == _MINIMUM_PYTHON[0] and minor < _MINIMUM_PYTHON[1]:
        raise ConfigError(
            "concurrency.max",
            f"concurrency requires Python {_MINIMUM_PYTHON[0]}.{_MINIMUM_PYTHON[1]} or higher",
        )
