"""Build-time validation of a model's OpenAPI document, as ``cog build`` validates it.

Cog (``writeAndValidateSchema`` in ``pkg/image/build.go``) loads the schema with kin-openapi
and runs its document validation before the image is labelled; a failure stops the build with
``Model schema is invalid: <error>``. For the documents Cog writes, what that validation can
find wrong is an input's ``default`` that breaks the input's own schema: ``Input(default=1,
ge=2)``, a default outside its ``choices``, a string default longer than ``max_length`` or not
matching ``regex``, a default of the wrong type. This module checks exactly that, in kin-openapi's
order and words (v0.144.0):

* the component schemas in name order (Go's sort), each schema's sub-schemas (``allOf``/
  ``anyOf``/``oneOf``, ``items``, ``properties`` in name order) before its own ``default``;
* a value is checked against ``enum`` first, then by its JSON type: numbers against
  ``type: integer``, exclusive bounds, ``minimum``, ``maximum``, ``multipleOf``; strings
  against ``minLength``/``maxLength`` (UTF-16 units), ``pattern`` (a search); arrays against
  ``minItems``, ``maxItems``, ``uniqueItems`` and each item (``Error at "/<i>"``).

The document may come from outside (``--openapi-schema``). Before anything is read from it, its
fields' types are checked (:func:`~domain.document_shape.shape_problem`, which kin-openapi's
load does by unmarshalling) and its nesting against :data:`~domain.limits.MAX_JSON_DEPTH`, so
the walk below only meets the shapes it expects, at a bounded depth.

The message is kin-openapi's first line, e.g. ``Model schema is invalid: invalid components:
schema "Input": invalid default: number must be at least 2``; kin-openapi goes on with a dump of
the schema and the value, and Cog with the whole document, which a one-line error leaves out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from domain.document_shape import shape_problem
from domain.gojson import dumps
from domain.json_text import json_depth
from domain.limits import MAX_JSON_DEPTH
from domain.openapi.kinds import SchemaErrorKind, fail

__all__ = ["validate_document"]

_PREFIX: Final = "Model schema is invalid: invalid components"
_REF: Final = "#/components/schemas/"
_AN: Final = frozenset({"array", "object", "integer"})


def validate_document(document: Mapping[str, Any]) -> None:
    """Check every component schema of ``document`` (defaults against their own schemas).

    >>> from domain.errors import SchemaError
    >>> number = {"type": "integer", "minimum": 2, "default": 1}
    >>> try:
    ...     validate_document({"components": {"schemas": {"Input": {"properties": {"n": number}}}}})
    ... except SchemaError as error:
    ...     print(str(error).replace("Model schema is invalid: ", "…"))
    …invalid components: schema "Input": invalid default: number must be at least 2

    Raises:
        SchemaError: INVALID_SCHEMA, with kin-openapi's first line as Cog prints it, or for a
            field of the wrong type; LIMIT_EXCEEDED when nested deeper than MAX_JSON_DEPTH.
    """
    problem = shape_problem(document)
    if problem is not None:
        fail(SchemaErrorKind.INVALID_SCHEMA, f"Model schema is invalid: {problem}")
    if json_depth(document) > MAX_JSON_DEPTH:
        fail(
            SchemaErrorKind.LIMIT_EXCEEDED,
            f"Model schema is invalid: nested deeper than {MAX_JSON_DEPTH} levels (the limit)",
        )
    schemas = (document.get("components") or {}).get("schemas") or {}
    for name in sorted(schemas, key=lambda n: n.encode()):
        problem = _Validator(schemas).schema(schemas[name], [])
        if problem is not None:
            fail(SchemaErrorKind.INVALID_SCHEMA, f'{_PREFIX}: schema "{name}": {problem}')


class _Validator:
    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self._schemas = schemas

    def resolve(self, schema: Any) -> Mapping[str, Any]:
        ref = schema.get("$ref") if isinstance(schema, Mapping) else None
        if isinstance(ref, str) and ref.startswith(_REF):
            return self._schemas.get(ref[len(_REF) :]) or {}
        return schema if isinstance(schema, Mapping) else {}

    # ------------------------------------------------------------ document validation

    def schema(self, schema: Any, stack: list[int]) -> str | None:
        """kin-openapi's ``Schema.validate``: the first problem, or None."""
        schema = self.resolve(schema)
        if id(schema) in stack:
            return None
        stack.append(id(schema))
        children = [*schema.get("oneOf", ()), *schema.get("anyOf", ()), *schema.get("allOf", ())]
        if schema.get("type") == "string" and isinstance(schema.get("pattern"), str):
            try:
                re.compile(schema["pattern"])
            except re.error as exc:
                return f"error parsing regexp: {exc}: `{schema['pattern']}`"
        if "items" in schema:
            children.append(schema["items"])
        properties = schema.get("properties") or {}
        children += [properties[k] for k in sorted(properties, key=lambda k: k.encode())]
        for child in children:
            problem = self.schema(child, stack)
            if problem is not None:
                return problem
        if "default" in schema and schema["default"] is not None:
            problem = self.value(schema, schema["default"])
            if problem is not None:
                return f"invalid default: {problem}"
        return None

    # ------------------------------------------------------------ value validation

    def value(self, schema: Mapping[str, Any], value: Any) -> str | None:
        """kin-openapi's ``visitJSON``: the first line of the first error, or None."""
        schema = self.resolve(schema)
        problem = self._combinators(schema, value)
        enum = schema.get("enum")
        if problem is None and enum and not any(_same(member, value) for member in enum):
            problem = "value is not one of the allowed values " + dumps(list(enum))
        return problem if problem is not None else self._by_type(schema, value)

    def _by_type(self, schema: Mapping[str, Any], value: Any) -> str | None:
        if value is None:
            return None if schema.get("nullable") else "Value is not nullable"
        if isinstance(value, bool):
            return self._typed(schema, value, "boolean")
        if isinstance(value, int | float):
            return self._number(schema, float(value))
        if isinstance(value, str):
            return self._string(schema, value)
        if isinstance(value, list):
            return self._array(schema, value)
        return self._typed(schema, value, "object")

    def _combinators(self, schema: Mapping[str, Any], value: Any) -> str | None:
        one_of = schema.get("oneOf") or ()
        if one_of and all(self.value(o, value) is not None for o in one_of):
            causes = " Or ".join(str(self.value(o, value)) for o in one_of)
            return f"doesn't match schema due to: {causes}"
        any_of = schema.get("anyOf") or ()
        if any_of and all(self.value(o, value) is not None for o in any_of):
            return 'doesn\'t match any schema from "anyOf"'
        failures = [p for p in (self.value(o, value) for o in schema.get("allOf", ())) if p]
        return "doesn't match schema due to: " + " And ".join(failures) if failures else None

    def _typed(self, schema: Mapping[str, Any], value: Any, kind: str) -> str | None:
        types = _types(schema)
        return None if not types or kind in types else _expected(types)

    def _number(self, schema: Mapping[str, Any], value: float) -> str | None:
        types = _types(schema)
        if types and "number" not in types:
            if "integer" not in types:
                return _expected(types)
            if not value.is_integer():
                return "value must be an integer"
        return _bounds(schema, value)

    def _string(self, schema: Mapping[str, Any], value: str) -> str | None:
        if (problem := self._typed(schema, value, "string")) is not None:
            return problem
        length = len(value.encode("utf-16-le")) // 2
        shortest, longest = schema.get("minLength") or 0, schema.get("maxLength")
        if shortest and length < shortest:
            return f"minimum string length is {shortest}"
        if longest is not None and length > longest:
            return f"maximum string length is {longest}"
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and pattern and re.search(pattern, value) is None:
            return f'string doesn\'t match the regular expression "{pattern}"'
        return None

    def _array(self, schema: Mapping[str, Any], value: Sequence[Any]) -> str | None:
        if (problem := self._typed(schema, value, "array")) is not None:
            return problem
        fewest, most = schema.get("minItems") or 0, schema.get("maxItems")
        if fewest and len(value) < fewest:
            return f"minimum number of items is {fewest}"
        if most is not None and len(value) > most:
            return f"maximum number of items is {most}"
        if schema.get("uniqueItems") and len({dumps(item) for item in value}) < len(value):
            return "duplicate items found"
        if "items" in schema:
            for index, item in enumerate(value):
                problem = self.value(schema["items"], item)
                if problem is not None:
                    return f'Error at "/{index}": {problem}'
        return None


def _bounds(schema: Mapping[str, Any], value: float) -> str | None:
    low, high, step = schema.get("minimum"), schema.get("maximum"), schema.get("multipleOf")
    checks = (
        (
            schema.get("exclusiveMinimum") is True and low is not None and not value > low,
            f"number must be more than {go_g(low or 0)}",
        ),
        (
            schema.get("exclusiveMaximum") is True and high is not None and not value < high,
            f"number must be less than {go_g(high or 0)}",
        ),
        (low is not None and not low <= value, f"number must be at least {go_g(low or 0)}"),
        (high is not None and not high >= value, f"number must be at most {go_g(high or 0)}"),
        (
            bool(step) and (Decimal(f"{value:.10f}") / Decimal(f"{step:.10f}")) % 1 != 0,
            f"number must be a multiple of {go_g(step or 1)}",
        ),
    )
    return next((reason for failed, reason in checks if failed), None)


def go_g(value: float) -> str:
    """Go's ``fmt`` ``%g`` of a float64: the shortest digits, exponent form from 1e+06 on.

    >>> [go_g(v) for v in (2, 0.5, 1e6, 123456.0, 1e-05, 0.0001, -1234567.0)]
    ['2', '0.5', '1e+06', '123456', '1e-05', '0.0001', '-1.234567e+06']
    """
    number = float(value)
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    digits_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()[1:]
    digits = "".join(map(str, digits_tuple))
    point = len(digits) + int(exponent)
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
        power = point - 1
        return f"{sign}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    return [kind] if isinstance(kind, str) else list(kind or ())


def _expected(types: list[str]) -> str:
    if len(types) == 1:
        return f"value must be {'an' if types[0] in _AN else 'a'} {types[0]}"
    return f"value must be one of {', '.join(types)}"


def _same(member: Any, value: Any) -> bool:
    """Go's ``reflect.DeepEqual`` on decoded JSON: a boolean is never a number."""
    if isinstance(member, bool) or isinstance(value, bool):
        return isinstance(member, bool) and isinstance(value, bool) and member == value
    if isinstance(member, int | float) and isinstance(value, int | float):
        return float(member) == float(value)
    return type(member) is type(value) and member == value
