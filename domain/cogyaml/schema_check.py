"""cog.yaml's JSON schema, and the way Cog validates against it and reports one error.

The schema is Cog's ``config_schema_v1.0.json`` at 0447eb11 plus what HEAD added that users write
today (``build.sdk_version``, top-level ``model``, ``run`` and ``weights``), written as Python
data for :mod:`domain.cogyaml.json_schema`, which reports errors as gojsonschema (Cog's
validator) does.
Cog then shows the *most specific* error (most path segments; on a tie an ``invalid_type`` error
wins; after an ``anyOf``/``oneOf`` error the next error's description is used) and rewrites type
errors as ``<field> must be a <type>`` (``object`` is a mapping, ``array`` a list).

One deliberate difference: Go walks object properties in random (map) order, so Cog's choice
among equally specific errors in different properties is not stable; here it is document order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from domain.cogyaml.json_schema import Schema, SchemaViolation, violations
from domain.errors import ConfigError

_ENV_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*=[^\s]+$"
_WEIGHT_NAME_PATTERN = r"^[a-z0-9]+([._-][a-z0-9]+)*$"


def _t(*types: str, **rules: Any) -> dict[str, Any]:
    return {"type": types, **rules}


def _list_of(item: Schema) -> dict[str, Any]:
    return _t("array", "null", items=item)


def _strict(properties: dict[str, Any], *required: str) -> dict[str, Any]:
    return _t("object", properties=properties, required=required, additional=False)


def _pattern(source: str) -> tuple[re.Pattern[str], str]:
    # Go's RE2: \s is ASCII whitespace and $ is the end of the text (no newline allowance).
    return re.compile(source.replace(r"\s", r"\t\n\f\r ").removesuffix("$") + r"\Z"), source


_STRING_ITEMS = _list_of({"any_of": (_t("string"),)})
_MOUNT = _strict(
    {"type": _t("string", enum=("secret",)), "id": _t("string"), "target": _t("string")},
    "type",
    "id",
    "target",
)
_RUN_ITEM = {
    "any_of": (
        _t("string"),
        _t(
            "object",
            properties={"command": _t("string"), "mounts": _t("array", items=_MOUNT)},
            required=("command",),
        ),
    )
}
_GLOBS = _t("array", items=_t("string"))
_WEIGHT_SOURCE = _strict({"uri": _t("string"), "include": _GLOBS, "exclude": _GLOBS}, "uri")
_WEIGHT = _strict(
    {
        "name": _t("string", pattern=_pattern(_WEIGHT_NAME_PATTERN)),
        "target": _t("string"),
        "source": {"one_of": (_WEIGHT_SOURCE, _t("array", items=_WEIGHT_SOURCE, min_items=1))},
    },
    "name",
    "target",
    "source",
)
_BUILD = _strict(
    {
        "cuda": _t("string"),
        "cudnn": _t("string"),
        "gpu": _t("boolean"),
        "python_version": _t("string", "number"),
        "python_packages": _STRING_ITEMS,
        "pre_install": _STRING_ITEMS,
        "python_requirements": _t("string"),
        "system_packages": _STRING_ITEMS,
        "run": _list_of(_RUN_ITEM),
        "fast": _t("boolean"),
        "cog_runtime": _t("boolean"),
        "python_overrides": _t("string"),
        "sdk_version": _t("string"),
    }
)
COG_YAML_SCHEMA: Schema = _strict(
    {
        "build": _BUILD,
        "image": _t("string"),
        "model": _t("string"),
        "run": _t("string"),
        "predict": _t("string"),
        "train": _t("string"),
        "concurrency": _strict({"max": _t("integer"), "default_target": _t("integer")}, "max"),
        "tests": _list_of(_t("object")),
        "environment": _list_of(_t("string", pattern=_pattern(_ENV_PATTERN))),
        "weights": _list_of(_WEIGHT),
    }
)


def check_schema(document: object, schema: Schema = COG_YAML_SCHEMA) -> None:
    """Validate a JSON-like ``document`` and raise Cog's most specific error, if any.

    Raises:
        ConfigError: ``field`` is the offending dotted path (``""`` for the whole file),
            ``reason`` says what is wrong, ``problems`` holds Cog's description.
    """
    errors = violations(document, schema)
    if not errors:
        return
    winner, text = most_specific(errors)
    where = "" if winner.field == "(root)" else winner.field
    text = text.replace("(root) ", "cog.yaml ", 1) if text.startswith("(root) ") else text
    reason = text.removeprefix(f"{where} ") if where else text
    raise ConfigError(where, reason, problems=(text,))


def most_specific(errors: Sequence[SchemaViolation]) -> tuple[SchemaViolation, str]:
    """Cog's choice of the error to show, and its description."""
    best = 0
    for i, error in enumerate(errors):
        depth, best_depth = _depth(error), _depth(errors[best])
        if depth > best_depth or (
            depth == best_depth and error.kind == "invalid_type" != errors[best].kind
        ):
            best = i
    winner = errors[best]
    if winner.kind == "invalid_type":
        return winner, f"{winner.field} must be a {_human_type(winner.expected)}"
    if winner.kind in ("any_of", "one_of") and best + 1 < len(errors):
        follower = errors[best + 1]
        return winner, follower.description
    return winner, winner.description


def _depth(error: SchemaViolation) -> int:
    return len(error.field.split("."))


def _human_type(expected: str) -> str:
    names = [
        {"object": "mapping", "array": "list"}.get(t, t) for t in expected.strip("[]").split(",")
    ]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
