"""The ``run.cog.config`` label: a config as the bytes Cog writes, and back.

The label is the completed config as Go's ``encoding/json`` writes Cog's struct: compact, keys
in struct order, empty values omitted (``build`` always present), HTML-escaped. Reading a label
is lenient: unknown keys are ignored, so labels of any Cog version parse.

>>> from domain.cogyaml.models import BuildConfig
>>> build = BuildConfig(python_version="3.10")
>>> config_to_label(CogConfig(build=build, predict="predict.py:Predictor"))
'{"build":{"python_version":"3.10"},"predict":"predict.py:Predictor"}'
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from domain.cogyaml.models import CogConfig, WeightSource
from domain.errors import InvalidJsonError, InvalidLabelError
from domain.gojson import dumps as go_json
from domain.json_text import check_limits
from domain.labels import LABEL_CONFIG


def config_from_label(raw: str, *, ref: str = "") -> CogConfig:
    """Read a ``run.cog.config`` label written by any Cog version (unknown keys ignored).

    The label is outside data: its size and nesting are checked against the JSON limits
    (:func:`~domain.json_text.check_limits`) before pydantic reads it.

    Raises:
        InvalidLabelError: the value is too large or deep, not JSON, or not a config object.
    """
    try:
        raw = check_limits(raw, what=LABEL_CONFIG)
    except InvalidJsonError as exc:
        raise InvalidLabelError(LABEL_CONFIG, exc.reason, ref=ref) from exc
    try:
        return CogConfig.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidLabelError(LABEL_CONFIG, _first_error(exc), ref=ref) from exc


def config_to_label(config: CogConfig) -> str:
    """The exact ``run.cog.config`` label text Cog writes for ``config``.

    >>> from domain.cogyaml.models import BuildConfig
    >>> config_to_label(CogConfig(build=BuildConfig(gpu=True, cuda="11.8", cudnn="8")))
    '{"build":{"gpu":true,"python_version":"3.13","cuda":"11.8","cudnn":"8"}}'
    """
    return go_json(config_document(config))


def config_document(config: CogConfig) -> dict[str, Any]:
    """``config`` as the JSON object Go marshals from Cog's struct (order and omissions)."""
    build = config.build
    document: dict[str, Any] = {
        "build": _present(
            gpu=build.gpu,
            python_version=build.python_version,
            python_requirements=build.python_requirements,
            python_packages=list(build.python_packages),
            run=[
                _present(command=r.command, mounts=[_present(**m.model_dump()) for m in r.mounts])
                for r in build.run
            ],
            system_packages=list(build.system_packages),
            pre_install=list(build.pre_install),
            cuda=build.cuda,
            cudnn=build.cudnn,
            fast=build.fast,
            cog_runtime=build.cog_runtime,  # a pointer in Go: false is written, absent is not
            python_overrides=build.python_overrides,
            sdk_version=build.sdk_version,
        ),
    }
    concurrency = None if config.concurrency is None else _present(max=config.concurrency.max)
    document |= _present(
        image=config.image,
        model=config.model,
        predict=config.predict,
        train=config.train,
        concurrency=concurrency,
        environment=list(config.environment),
        weights=[_weight(weight) for weight in config.weights],
    )
    return document


def _weight(weight: WeightSource) -> dict[str, Any]:
    sources = [_present(**source.model_dump()) for source in weight.source]
    # Cog HEAD writes a single source as an object and several as a list (none: null).
    return {
        "name": weight.name,
        "target": weight.target,
        "source": sources[0] if len(sources) == 1 else (sources or None),
    }


def _present(**fields: Any) -> dict[str, Any]:
    """Go's ``omitempty``: drop false, zero, empty and absent values (``None``), keep the rest."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in fields.items()
        if _non_empty(value) or (key == "cog_runtime" and value is False)
    }


def _non_empty(value: Any) -> bool:
    return value is not None and value is not False and value != 0 and value not in ("", [], ())


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else str(err["msg"])
