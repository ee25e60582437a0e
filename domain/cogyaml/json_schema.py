"""Validating against a draft-07 JSON schema and reporting what gojsonschema reports.

Cog validates cog.yaml with gojsonschema and then picks one error to show, so the errors
themselves matter: which are produced, in which order, with which field path (``(root)``,
``build.run.0.mounts.0.type``) and description, and the "score" gojsonschema uses to explain an
``anyOf``/``oneOf`` failure by its closest branch. The ``jsonschema`` library answers "valid or
not" the same way (a test holds the two to it) but reports none of this, so this module walks
the schema as gojsonschema does (decision 0013), for the keywords cog.yaml's schema uses:
``type``, ``properties``, ``required``, ``additionalProperties: false``, ``items`` (one schema),
``minItems``, ``enum``, ``pattern`` (Go's RE2 semantics), ``anyOf``, ``oneOf`` and local
``$ref`` (``#/$defs/...``). Other keywords (``$id``, ``description``, ``additionalItems`` beside a
single ``items`` schema) do not affect validation, in gojsonschema either.

Go visits object properties in random (map) order; here they are visited in document order.
"""

from __future__ import annotations

import functools
import json
import re
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
    property: str = ""  # additional_property_not_allowed: the property, and the allowed ones
    allowed: tuple[str, ...] = ()


@dataclass(slots=True)
class _Result:
    errors: list[SchemaViolation] = field(default_factory=list)
    score: int = 0

    def add(
        self,
        kind: str,
        path: Sequence[str],
        description: str,
        expected: str = "",
        *,
        property: str = "",
        allowed: tuple[str, ...] = (),
    ) -> None:
        field = ".".join(path) or "(root)"
        self.errors.append(
            SchemaViolation(kind, field, description, expected, property=property, allowed=allowed)
        )
        self.score -= 2  # gojsonschema: a net -1 once the +1 of the enclosing check is added

    def merge(self, other: _Result) -> None:
        self.errors.extend(other.errors)
        self.score += other.score


def violations(document: object, schema: Schema) -> list[SchemaViolation]:
    """Every error gojsonschema reports for ``document`` against the root ``schema``, in its
    order."""
    result = _Result()
    _Walk(schema).validate(schema, document, result, ())
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


class _Walk:
    """One validation: the root schema, for ``$ref``."""

    def __init__(self, root: Schema) -> None:
        self.root = root

    def validate(
        self, schema: Schema, value: object, result: _Result, path: tuple[str, ...]
    ) -> None:
        if "$ref" in schema:  # gojsonschema validates the referenced schema in its place
            schema = self._resolve(schema["$ref"])
        types = _types(schema)
        kind = _kind_of(value)
        allowed = kind in types or (kind == "integer" and "number" in types)
        if types and not allowed:
            expected = types[0] if len(types) == 1 else f"[{','.join(types)}]"
            description = f"Invalid type. Expected: {expected}, given: {kind}"
            result.add("invalid_type", path, description, expected)
            return
        self._combinators(schema, value, result, path)
        if isinstance(value, list):
            for i, item in enumerate(value):
                if "items" in schema:
                    result.merge(self._sub(schema["items"], item, (*path, str(i))))
            if len(value) < schema.get("minItems", 0):
                result.add(
                    "array_min_items", path, f"Array must have at least {schema['minItems']} items"
                )
            result.score += 1
        elif isinstance(value, dict):
            self._object(schema, value, result, path)
        elif kind in ("integer", "number"):
            result.score += 1  # gojsonschema's number checks
        _enum_and_pattern(schema, value, result, path)
        result.score += 1

    def _combinators(
        self, schema: Schema, value: object, result: _Result, path: tuple[str, ...]
    ) -> None:
        for key, kind, description in (
            ("anyOf", "any_of", "Must validate at least one schema (anyOf)"),
            ("oneOf", "one_of", "Must validate one and only one schema (oneOf)"),
        ):
            if key not in schema:
                continue
            branches = [self._sub(branch, value, path) for branch in schema[key]]
            valid = sum(1 for branch in branches if not branch.errors)
            if (key == "anyOf" and valid == 0) or (key == "oneOf" and valid != 1):
                result.add(kind, path, description)
                if valid == 0:  # the closest branch (first of the best scores) explains it
                    result.merge(max(branches, key=lambda branch: branch.score))
        result.score += 1

    def _object(
        self, schema: Schema, value: dict[str, Any], result: _Result, path: tuple[str, ...]
    ) -> None:
        properties: Mapping[str, Schema] = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name in value:
                result.score += 1
            else:
                result.add("required", path, f"{name} is required")
        if schema.get("additionalProperties") is False:
            for name in value:
                if name not in properties:
                    result.add(
                        "additional_property_not_allowed",
                        path,
                        f"Additional property {name} is not allowed",
                        property=name,
                        allowed=tuple(properties),
                    )
        result.score += 1
        for name, item in value.items():
            if name in properties:
                self.validate(properties[name], item, result, (*path, name))

    def _sub(self, schema: Schema, value: object, path: tuple[str, ...]) -> _Result:
        result = _Result()
        self.validate(schema, value, result, path)
        return result

    def _resolve(self, ref: str) -> Schema:
        """A local reference (``#/$defs/name``: a JSON pointer into the root schema)."""
        target: Any = self.root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target  # type: ignore[no-any-return]


def _types(schema: Schema) -> tuple[str, ...]:
    types = schema.get("type", ())
    return (types,) if isinstance(types, str) else tuple(types)


def _enum_and_pattern(
    schema: Schema, value: object, result: _Result, path: tuple[str, ...]
) -> None:
    where = ".".join(path) or "(root)"
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(json.dumps(option) for option in schema["enum"])
        result.add("enum", path, f"{where} must be one of the following: {allowed}")
    result.score += 1  # gojsonschema's common checks (enum, const)
    if isinstance(value, str):
        pattern = schema.get("pattern")
        if pattern is not None and not _re2(pattern).search(value):
            result.add("pattern", path, f"Does not match pattern '{pattern}'")
        result.score += 1  # gojsonschema's string checks


@functools.cache
def _re2(source: str) -> re.Pattern[str]:
    """``source`` with Go's RE2 meaning: ``\\s`` is ASCII whitespace without ``\\v`` (the
    schema uses it inside brackets only) and ``$`` is the end of the text, not of a line."""
    translated = source.replace(r"\s", r"\t\n\f\r ")
    if translated.endswith("$") and not translated.endswith(r"\$"):
        translated = translated[:-1] + r"\Z"
    return re.compile(translated, re.ASCII)
