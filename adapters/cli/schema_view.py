"""A Cog OpenAPI schema described for people (``inspect``): each input, and the output.

The schema is read by the domain (:mod:`domain.prediction.schema`): the inputs of
``components.schemas.Input`` (``TrainingInput`` for training) in Cog's order, references and
``allOf`` resolved, every shape checked, so a malformed schema is an ``InvalidLabelError``.
Files are ``string`` with ``format: uri``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.prediction import Mode, read_input_schema, read_output_schema

Schema = Mapping[str, Any]


def type_text(prop: Schema) -> str:
    """A short type name: ``string``, ``file``, ``integer``, ``array of file``, ``secret``…"""
    kind = prop.get("type")
    if kind == "string" and prop.get("format") == "uri":
        return "file"
    if kind == "string" and (prop.get("x-cog-secret") or prop.get("format") == "password"):
        return "secret"
    if kind == "array":
        items = prop.get("items")
        inner = type_text(items) if isinstance(items, Mapping) else "any"
        return f"{'iterator' if prop.get('x-cog-array-type') == 'iterator' else 'array'} of {inner}"
    if kind == "object" and isinstance(prop.get("properties"), Mapping):
        return "object with " + ", ".join(prop["properties"])
    if isinstance(kind, str):
        return kind
    return "any"


def describe_inputs(document: Schema, mode: str = "predict") -> list[str]:
    """One line per input: ``name: type (required|default …; constraints) - description``.

    Raises:
        InvalidLabelError: the schema has the wrong shape.
    """
    schema = read_input_schema(document, Mode(mode))
    if schema is None:
        return []
    required = set(schema.required)
    lines = []
    for name, prop in schema.fields.items():
        facts = ["required"] if name in required else [f"default {_show(prop.get('default'))}"]
        facts += _constraints(prop)
        line = f"{name}: {type_text(prop)} ({', '.join(facts)})"
        description = prop.get("description")
        if description:
            line += f" - {' '.join(str(description).split())}"
        lines.append(line)
    return lines


def describe_output(document: Schema, mode: str = "predict") -> str:
    """The output's type as one phrase (``file``, ``string``, ``iterator of string``…).

    Raises:
        InvalidLabelError: the schema has the wrong shape.
    """
    output = read_output_schema(document, Mode(mode))
    return type_text(output) if output else "unknown"


def _constraints(prop: Schema) -> list[str]:
    facts = []
    if "enum" in prop:
        facts.append("one of " + ", ".join(_show(v) for v in prop["enum"]))
    for key, word in (
        ("minimum", "min"),
        ("maximum", "max"),
        ("exclusiveMinimum", "greater than"),
        ("exclusiveMaximum", "less than"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("pattern", "matching"),
    ):
        if key in prop:
            facts.append(f"{word} {_show(prop[key])}")
    return facts


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if value == "" or value != value.strip() else value
    return str(value)
