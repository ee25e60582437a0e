"""The ``run.cog.config`` label read without pydantic, for paths that only show a model.

Building :class:`~domain.cogyaml.models.CogConfig`'s pydantic models costs more than all the
rest of a remote ``inspect``, so :func:`label_fields` reads the label with the ``json`` module and
checks each known field's JSON type against a table of the models' fields. It is conservative:

- it answers only for a document it is certain ``CogConfig.model_validate_json`` accepts, and
  then with exactly the values that model holds: ``CogConfig.model_dump()`` with ``warnings``
  added (nested models as dicts, tuples as tuples, defaults filled in);
- for anything else it answers ``None``: text that is not JSON, a value of a JSON type pydantic
  would coerce (``"true"`` or ``1`` for a bool, ``2.0`` for an int) or refuse, a lone surrogate
  anywhere (pydantic's parser refuses those, ``json`` does not), nesting deeper than
  :data:`~domain.json_text.PYDANTIC_PLAIN_DEPTH` (:func:`~domain.json_text.is_plain_json`).
  The caller then asks ``CogConfig`` itself, which accepts or raises its own error, so the
  answer and every error message stay pydantic's.

Unknown keys are ignored at every level, as the models ignore them. A test compares this reader
with the models on every label the Cog config cases produce and on generated documents, and
checks that the table names every field the models have.

>>> label_fields('{"build":{"gpu":true},"predict":"predict.py:Predictor"}')["build"]["gpu"]
True
>>> label_fields('{"build":{"gpu":"yes"}}') is None  # pydantic's to judge
True
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from domain.json_text import is_plain_json

# CogConfig's default python_version (domain.cogyaml.models.DEFAULT_PYTHON_VERSION, which this
# module does not import: that would build the pydantic models). A test keeps them equal.
DEFAULT_PYTHON_VERSION: Final = "3.13"

Reader = Callable[[Any], Any]


class _UnsureError(Exception):
    """The document is not one this reader can vouch for; pydantic must judge it."""


def label_fields(raw: str) -> dict[str, Any] | None:
    """The label's values as ``CogConfig.model_dump()`` (plus ``warnings``), or ``None``.

    ``None`` means "not certain": parse ``raw`` with ``CogConfig`` to get the model or its error.
    """
    try:
        document = json.loads(raw)
        if not is_plain_json(document):
            return None
        fields: dict[str, Any] = _cog_config(document)
    except (_UnsureError, ValueError, RecursionError):
        return None
    return fields


# ---------------------------------------------------------------- readers of one JSON value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise _UnsureError
    return value


def _bool(value: Any) -> bool:
    if value is not True and value is not False:
        raise _UnsureError
    return bool(value)


def _int(value: Any) -> int:
    if type(value) is not int:  # a bool is an int to Python, not to JSON
        raise _UnsureError
    return value


def _strs(value: Any) -> tuple[str, ...]:
    if type(value) is not list:
        raise _UnsureError
    return tuple(_str(item) for item in value)


def _optional(read: Reader) -> Reader:
    return lambda value: None if value is None else read(value)


def _items(read: Reader) -> Reader:
    def items(value: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise _UnsureError
        return tuple(read(item) for item in value)

    return items


class _Model:
    """A reader of one model: ``fields`` maps each field name to (reader, default factory)."""

    def __init__(
        self,
        fields: dict[str, tuple[Reader, Callable[[], Any]]],
        before: Callable[[Any], Any] | None = None,
    ) -> None:
        self.fields = fields
        self._before = before

    def __call__(self, value: Any) -> dict[str, Any]:
        if self._before is not None:
            value = self._before(value)
        if type(value) is not dict:
            raise _UnsureError
        return {
            name: read(value[name]) if name in value else default()
            for name, (read, default) in self.fields.items()
        }


def _const(value: Any) -> Callable[[], Any]:
    return lambda: value


# ---------------------------------------------------------------- the models, as a table
# Each entry mirrors one field of domain.cogyaml.models (name, type, default); a test checks
# that the table names exactly the fields the models have.


def _run_item_from_string(value: Any) -> Any:  # RunItem._from_string
    return {"command": value} if isinstance(value, str) else value


def _single_weight_source(value: Any) -> Any:  # WeightSource._single_source
    if isinstance(value, dict) and isinstance(value.get("source"), dict):
        return {**value, "source": [value["source"]]}
    return value


_EMPTY: Final = _const("")
_NONE: Final = _const(())

_run_mount = _Model({"type": (_str, _EMPTY), "id": (_str, _EMPTY), "target": (_str, _EMPTY)})
_run_item = _Model(
    {"command": (_str, _EMPTY), "mounts": (_items(_run_mount), _NONE)},
    before=_run_item_from_string,
)
_concurrency = _Model({"max": (_int, _const(0))})
_build = _Model(
    {
        "gpu": (_bool, _const(False)),
        "python_version": (_str, _const(DEFAULT_PYTHON_VERSION)),
        "python_requirements": (_str, _EMPTY),
        "python_packages": (_strs, _NONE),
        "run": (_items(_run_item), _NONE),
        "system_packages": (_strs, _NONE),
        "pre_install": (_strs, _NONE),
        "cuda": (_str, _EMPTY),
        "cudnn": (_str, _EMPTY),
        "fast": (_bool, _const(False)),
        "cog_runtime": (_optional(_bool), _const(None)),
        "python_overrides": (_str, _EMPTY),
        "sdk_version": (_str, _EMPTY),
    }
)
_weight_source_config = _Model(
    {"uri": (_str, _EMPTY), "include": (_strs, _NONE), "exclude": (_strs, _NONE)}
)
_weight_source = _Model(
    {
        "name": (_str, _EMPTY),
        "target": (_str, _EMPTY),
        "source": (_items(_weight_source_config), _NONE),
    },
    before=_single_weight_source,
)
_cog_config = _Model(
    {
        "build": (_build, lambda: _build({})),
        "image": (_str, _EMPTY),
        "model": (_str, _EMPTY),
        "predict": (_str, _EMPTY),
        "train": (_str, _EMPTY),
        "concurrency": (_optional(_concurrency), _const(None)),
        "environment": (_strs, _NONE),
        "weights": (_items(_weight_source), _NONE),
        "warnings": (_strs, _NONE),
    }
)

MODELS: Final = {
    "CogConfig": _cog_config,
    "BuildConfig": _build,
    "RunItem": _run_item,
    "RunMount": _run_mount,
    "Concurrency": _concurrency,
    "WeightSource": _weight_source,
    "WeightSourceConfig": _weight_source_config,
}
"""Each model's reader by the pydantic model's name (for the test that compares them)."""
