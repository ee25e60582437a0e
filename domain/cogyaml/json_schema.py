"""A small JSON-schema validator that reports what gojsonschema reports.

Cog validates cog.yaml with gojsonschema (draft-07) and then picks one error to show, so the
errors themselves matter: which are produced, in which order, with which field path (``(root)``,
``build.run.0.mounts.0.type``) and description, and the "score" gojsonschema uses to explain an
``anyOf``/``oneOf`` failure by its closest branch. This module reproduces that for the keywords
cog.yaml's schema uses: ``type``, ``properties``, ``required``, ``additionalProperties: false``,
``items``, ``minItems``, ``enum``, ``pattern``, ``anyOf`` and ``oneOf``, written in the schema as
``type`` (a tuple), ``properties``, ``required``, ``additional``, ``items``, ``min_items``,
``enum``, ``pattern`` (a compiled pattern and its source), ``any_of`` and ``one_of``.

Go visits object properties in random (map) order; here they are visited in document order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Schema = Mapping[str, Any]


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


def violations(document: object, schema: Schema) -> list[SchemaViolation]:
    """Every error gojsonschema reports for ``document``, in its order."""
    result = _Result()
    _validate(schema, document, result, ())
    return result.errors


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
