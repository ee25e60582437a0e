"""cog.yaml's JSON schema, and the way Cog validates against it and reports one error.

The schema is Cog's ``config_schema_v1.0.json`` at 0447eb11 plus what HEAD added that users write
today (``build.sdk_version``, top-level ``model``, ``run`` and ``weights``), written as Python
data. The validator reproduces what matters of gojsonschema (the library Cog uses): which errors
are produced, their order, their field paths (``build.run.0.mounts.0.type``, ``(root)``), their
descriptions, and the "score" that picks the closest branch of ``anyOf``/``oneOf``. Cog then
reports the *most specific* error (most path segments; on a tie an ``invalid_type`` error wins;
after an ``anyOf``/``oneOf`` error the next error's description is used) and rewrites type errors
as ``<field> must be a <type>`` (``object`` is a mapping, ``array`` a list).

One deliberate difference: Go walks object properties in random (map) order, so Cog's choice
among equally specific errors in different properties is not stable; here it is document order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.errors import ConfigError

Schema = Mapping[str, Any]

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


@dataclass(frozen=True, slots=True)
class SchemaViolation:
    """One gojsonschema error: its kind, where (``(root)`` or a dotted path) and description."""

    kind: str
    field: str
    description: str
    expected: str = ""


@dataclass(slots=True)
class _Result:
    errors: list[SchemaViolation] = field(default_factory=list)
    score: int = 0

    def add(self, kind: str, path: Sequence[str], description: str, expected: str = "") -> None:
        self.errors.append(SchemaViolation(kind, ".".join(path) or "(root)", description, expected))
        self.score -= 2  # gojsonschema: a net -1 once the +1 of the enclosing check is added

    def merge(self, other: _Result) -> None:
        self.errors.extend(other.errors)
        self.score += other.score


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


def violations(document: object, schema: Schema = COG_YAML_SCHEMA) -> list[SchemaViolation]:
    """Every error gojsonschema reports for ``document``, in its order."""
    result = _Result()
    _validate(schema, document, result, ())
    return result.errors


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


def _kind_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _validate(schema: Schema, value: object, result: _Result, path: tuple[str, ...]) -> None:
    types: tuple[str, ...] = schema.get("type", ())
    kind = _kind_of(value)
    allowed = kind in types or (kind == "integer" and "number" in types)
    if types and not allowed:
        expected = types[0] if len(types) == 1 else f"[{','.join(types)}]"
        result.add(
            "invalid_type", path, f"Invalid type. Expected: {expected}, given: {kind}", expected
        )
        return
    _validate_combinators(schema, value, result, path)
    if isinstance(value, list):
        for i, item in enumerate(value):
            if "items" in schema:
                result.merge(_sub(schema["items"], item, (*path, str(i))))
        if len(value) < schema.get("min_items", 0):
            result.add(
                "array_min_items", path, f"Array must have at least {schema['min_items']} items"
            )
        result.score += 1
    elif isinstance(value, dict):
        _validate_object(schema, value, result, path)
    elif kind in ("integer", "number"):
        result.score += 1  # gojsonschema's number checks
    _validate_enum_and_pattern(schema, value, result, path)
    result.score += 1


def _validate_combinators(
    schema: Schema, value: object, result: _Result, path: tuple[str, ...]
) -> None:
    for key, kind, description in (
        ("any_of", "any_of", "Must validate at least one schema (anyOf)"),
        ("one_of", "one_of", "Must validate one and only one schema (oneOf)"),
    ):
        if key not in schema:
            continue
        branches = [_sub(branch, value, path) for branch in schema[key]]
        valid = sum(1 for branch in branches if not branch.errors)
        if (key == "any_of" and valid == 0) or (key == "one_of" and valid != 1):
            result.add(kind, path, description)
            if valid == 0:  # the closest branch (first of the best scores) explains the failure
                result.merge(max(branches, key=lambda branch: branch.score))
    result.score += 1


def _validate_object(
    schema: Schema, value: dict[str, Any], result: _Result, path: tuple[str, ...]
) -> None:
    properties: Mapping[str, Schema] = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name in value:
            result.score += 1
        else:
            result.add("required", path, f"{name} is required")
    if schema.get("additional") is False:
        for name in value:
            if name not in properties:
                result.add(
                    "additional_property_not_allowed",
                    path,
                    f"Additional property {name} is not allowed",
                )
    result.score += 1
    for name, item in value.items():
        if name in properties:
            _validate(properties[name], item, result, (*path, name))


def _validate_enum_and_pattern(
    schema: Schema, value: object, result: _Result, path: tuple[str, ...]
) -> None:
    where = ".".join(path) or "(root)"
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(json.dumps(option) for option in schema["enum"])
        result.add("enum", path, f"{where} must be one of the following: {allowed}")
    result.score += 1  # gojsonschema's common checks (enum, const)
    if isinstance(value, str):
        if "pattern" in schema and not schema["pattern"][0].match(value):
            result.add("pattern", path, f"Does not match pattern '{schema['pattern'][1]}'")
        result.score += 1  # gojsonschema's string checks


def _sub(schema: Schema, value: object, path: tuple[str, ...]) -> _Result:
    result = _Result()
    _validate(schema, value, result, path)
    return result
