"""Whether a decoded OpenAPI document has the shape OpenAPI gives its fields.

A ``run.cog.openapi_schema`` label (or an ``--openapi-schema`` file) is data from outside. Cog
loads it with kin-openapi, whose typed structs refuse a value of the wrong JSON type in a field
they know (``"components": "x"``, ``"enum": 5``, ``"required": [1]``). :func:`shape_problem`
checks the same fields (the document's ``openapi``, ``info``, ``paths`` and ``components``, and
every schema under ``components.schemas``, however deeply nested), so that code reading the
document after this one check can rely on them. What OpenAPI leaves free stays free: a
``default``, an ``example``, ``enum`` members and every ``x-`` extension may hold any JSON value
(kin-openapi keeps extensions untyped), so readers of ``x-order`` or ``x-cog-*`` still check
their types.

The walk keeps its own stack, so a document of any depth is checked without recursion.

>>> shape_problem({"components": {"schemas": {"Input": {"properties": {"x": {"enum": 5}}}}}})
'components.schemas.Input.properties.x.enum must be an array'
>>> shape_problem({"components": {"schemas": {"Input": {"type": "object", "x-order": None}}}})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

__all__ = ["shape_problem"]

_STRING: Final = "a string"
_OBJECT: Final = "an object"
_ARRAY: Final = "an array"
_BOOLEAN: Final = "a boolean"
_NUMBER: Final = "a number"
_COUNT: Final = "a non-negative integer"
_STRINGS: Final = "an array of strings"
_TYPE: Final = "a string or an array of strings"
_BOUND: Final = "a boolean or a number"
_BOOL_OR_OBJECT: Final = "a boolean or an object"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    # Go decodes it into a uint64: 3.0 is fine, 3.5, -1 and 2**64 are not.
    if not _is_number(value) or not 0 <= value < 2**64:  # type: ignore[operator]
        return False
    return isinstance(value, int) or float(value).is_integer()  # type: ignore[arg-type]


def _is_strings(value: object) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)


_CHECKS: Final[dict[str, Callable[[object], bool]]] = {
    _STRING: lambda v: isinstance(v, str),
    _OBJECT: lambda v: isinstance(v, Mapping),
    _ARRAY: lambda v: isinstance(v, list | tuple),
    _BOOLEAN: lambda v: isinstance(v, bool),
    _NUMBER: _is_number,
    _COUNT: _is_count,
    _STRINGS: _is_strings,
    _TYPE: lambda v: isinstance(v, str) or _is_strings(v),
    _BOUND: lambda v: isinstance(v, bool) or _is_number(v),
    _BOOL_OR_OBJECT: lambda v: isinstance(v, bool | Mapping),
}

# The kind of each typed field of a schema (kin-openapi's Schema struct, v0.144.0).
_SCHEMA_FIELDS: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("title", "format", "description", "pattern", "$ref", "$schema", "$comment", "$id"),
        _STRING,
    ),
    **dict.fromkeys(
        ("nullable", "readOnly", "writeOnly", "deprecated", "uniqueItems", "allowEmptyValue"),
        _BOOLEAN,
    ),
    **dict.fromkeys(("minimum", "maximum", "multipleOf"), _NUMBER),
    **dict.fromkeys(
        ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"),
        _COUNT,
    ),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "enum", "examples"), _ARRAY),
    **dict.fromkeys(
        ("items", "not", "properties", "discriminator", "xml", "externalDocs"), _OBJECT
    ),
    "type": _TYPE,
    "required": _STRINGS,
    "exclusiveMinimum": _BOUND,
    "exclusiveMaximum": _BOUND,
    "additionalProperties": _BOOL_OR_OBJECT,
}
_ROOT_FIELDS: Final[dict[str, str]] = {"openapi": _STRING, "info": _OBJECT, "paths": _OBJECT}


def shape_problem(document: object) -> str | None:
    """The first field of ``document`` whose value has the wrong JSON type, as
    ``"<dotted path> must be <kind>"``; ``None`` when the shape is right."""
    if not isinstance(document, Mapping):
        return "the document must be an object"
    problem = _fields_problem("", document, _ROOT_FIELDS)
    paths = document.get("paths")
    if problem is None and isinstance(paths, Mapping):
        problem = next(
            (
                f"paths.{name} must be {_OBJECT}"
                for name, item in paths.items()
                if not isinstance(item, Mapping)
            ),
            None,
        )
    if problem is not None:
        return problem
    schemas = _schemas(document)
    if isinstance(schemas, str):
        return schemas
    stack = [(f"components.schemas.{name}", schema) for name, schema in schemas.items()]
    stack.reverse()
    while stack:
        path, schema = stack.pop()
        if not isinstance(schema, Mapping):
            return f"{path} must be {_OBJECT}"
        problem = _fields_problem(f"{path}.", schema, _SCHEMA_FIELDS)
        if problem is not None:
            return problem
        stack.extend(reversed(_subschemas(path, schema)))
    return None


def _schemas(document: Mapping[str, object]) -> Mapping[str, object] | str:
    """``components.schemas`` (empty when absent), or the problem with its shape."""
    components = document.get("components")
    if components is None:
        return {}
    if not isinstance(components, Mapping):
        return f"components must be {_OBJECT}"
    schemas = components.get("schemas")
    if schemas is None:
        return {}
    if not isinstance(schemas, Mapping):
        return f"components.schemas must be {_OBJECT}"
    return schemas


def _fields_problem(prefix: str, value: Mapping[str, object], kinds: dict[str, str]) -> str | None:
    for key, item in value.items():
        kind = kinds.get(key)
        if kind is not None and not _CHECKS[kind](item):
            return f"{prefix}{key} must be {kind}"
    return None


def _subschemas(path: str, schema: Mapping[str, object]) -> list[tuple[str, object]]:
    """The schemas inside ``schema`` (its fields' types already checked), in field order."""
    children: list[tuple[str, object]] = []
    for key, value in schema.items():  # most keys name no schema: their path is never built
        if key in ("items", "not") or (key == "additionalProperties" and value is not True):
            if isinstance(value, Mapping):
                children.append((f"{path}.{key}", value))
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list | tuple):
            children += [(f"{path}.{key}.{i}", item) for i, item in enumerate(value)]
        elif key == "properties" and isinstance(value, Mapping):
            children += [(f"{path}.{key}.{name}", item) for name, item in value.items()]
    return children
