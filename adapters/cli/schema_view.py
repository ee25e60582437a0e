"""Reading a Cog OpenAPI schema the way the command line needs it.

Cog's schema names the inputs in ``components.schemas.Input`` (``TrainingInput`` for training)
and the output in ``components.schemas.Output`` (``TrainingOutput``). A property is a plain JSON
schema, or ``allOf: [{$ref: …}]`` for choices (the enum lives in its own component). Files are
``string`` with ``format: uri``. Only local ``#/…`` references are followed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]

_COMPONENTS = {
    "predict": ("Input", "Output"),
    "train": ("TrainingInput", "TrainingOutput"),
}


def component(document: Schema, name: str) -> Schema | None:
    """``components.schemas.<name>`` of ``document``, or None."""
    schemas = document.get("components", {}).get("schemas", {})
    found = schemas.get(name) if isinstance(schemas, Mapping) else None
    return found if isinstance(found, Mapping) else None


def resolve(document: Schema, node: Schema | None) -> Schema:
    """``node`` with a ``$ref`` (or a one-element ``allOf`` of one) replaced by its target.

    Keys written beside the reference (``title``, ``default``, ``description``) are kept over
    the target's.
    """
    if node is None:
        return {}
    seen = 0
    current: Schema = node
    while seen < 16:  # a reference cycle ends here instead of looping forever
        seen += 1
        ref = current.get("$ref")
        all_of = current.get("allOf")
        if ref is None and isinstance(all_of, list) and len(all_of) == 1:
            ref = all_of[0].get("$ref") if isinstance(all_of[0], Mapping) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return current
        target: Any = document
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, Mapping) else None
        if not isinstance(target, Mapping):
            return current
        extra = {k: v for k, v in current.items() if k not in ("$ref", "allOf")}
        current = {**target, **extra}
    return current


def input_properties(document: Schema, mode: str = "predict") -> dict[str, Schema]:
    """The input properties in Cog's order (``x-order``), each resolved."""
    inputs = component(document, _COMPONENTS[mode][0]) or {}
    properties = inputs.get("properties", {})
    if not isinstance(properties, Mapping):
        return {}
    ordered = sorted(
        properties.items(), key=lambda item: (item[1].get("x-order", 1_000_000), item[0])
    )
    return {name: resolve(document, prop) for name, prop in ordered}


def required_inputs(document: Schema, mode: str = "predict") -> set[str]:
    """Names of the inputs without a default."""
    inputs = component(document, _COMPONENTS[mode][0]) or {}
    required = inputs.get("required", [])
    return {str(name) for name in required} if isinstance(required, list) else set()


def output_schema(document: Schema, mode: str = "predict") -> Schema:
    """The output's schema, resolved (``{}`` when the schema does not say)."""
    return resolve(document, component(document, _COMPONENTS[mode][1]))


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


def is_file(prop: Schema) -> bool:
    """Whether a value of this schema is a file (a URI)."""
    return prop.get("type") == "string" and prop.get("format") == "uri"


def describe_inputs(document: Schema, mode: str = "predict") -> list[str]:
    """One line per input: ``name: type (required|default …; constraints) - description``."""
    required = required_inputs(document, mode)
    lines = []
    for name, prop in input_properties(document, mode).items():
        facts = ["required"] if name in required else [f"default {_show(prop.get('default'))}"]
        facts += _constraints(prop)
        line = f"{name}: {type_text(prop)} ({', '.join(facts)})"
        description = prop.get("description")
        if description:
            line += f" - {' '.join(str(description).split())}"
        lines.append(line)
    return lines


def describe_output(document: Schema, mode: str = "predict") -> str:
    """The output's type as one phrase (``file``, ``string``, ``iterator of string``…)."""
    output = output_schema(document, mode)
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
