"""A model's inputs and output, read from its OpenAPI schema, which is untrusted data.

The schema comes from an image label (or from the running model's ``/openapi.json``) written by
whoever built the image, so every part this package relies on is shape-checked here: a
document of the wrong shape is an :class:`InvalidLabelError` naming what is wrong, never an
``AttributeError`` or ``TypeError`` further on.

The inputs are the properties of ``components.schemas.Input`` (``TrainingInput`` for a
training, else ``Input``, as Cog does), in Cog's order (``x-order``), each *resolved*: a local
``$ref`` is replaced by its target and the members of an ``allOf`` are merged into the property
(Cog writes an input with choices as ``allOf: [{$ref: '#/components/schemas/<name>'}]``, the
enum in its own component). Keys written beside a reference (``default``, ``description``)
win over the target's. A document without the component (no schema, or a minimal one) gives
``None``: the inputs cannot be checked before the model runs, and Cog then asks the running
model for its schema; so does the prediction service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from domain.errors import InvalidLabelError
from domain.labels import LABEL_OPENAPI_SCHEMA
from domain.prediction.mode import Mode

Node = Mapping[str, object]

_MAX_DEPTH = 32  # reference chains and nesting deeper than this are cycles, or hostile
_NUMBERS = ("minimum", "maximum", "multipleOf")
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems")
_JSON_TYPES = frozenset({"null", "boolean", "integer", "number", "string", "array", "object"})


@dataclass(frozen=True, slots=True, kw_only=True)
class InputSchema:
    """The inputs a model accepts in one mode.

    Attributes:
        mode: predict or train.
        fields: each input's resolved JSON schema, by name, in Cog's order.
        required: the names of the inputs without a default.
    """

    mode: Mode
    fields: Mapping[str, Node]
    required: tuple[str, ...] = ()


def read_input_schema(document: object, mode: Mode = Mode.PREDICT) -> InputSchema | None:
    """The inputs ``document`` declares for ``mode``; ``None`` when it declares none.

    ``None`` for no document, no ``components.schemas`` or no input component (or one without
    ``properties``): Cog's cue to ask the running model instead.

    Raises:
        InvalidLabelError: a part of the document has the wrong shape.
    """
    component = _component(document, mode.input_components)
    if component is None:
        return None
    properties = component.get("properties")
    if properties is None:
        return None
    where = "the input component"
    if not isinstance(properties, Mapping):
        raise _odd(f"{where}'s properties are not an object")
    fields: dict[str, Node] = {}
    for name, prop in properties.items():
        if not isinstance(name, str) or not isinstance(prop, Mapping):
            raise _odd(f"input {name!r} is not described by an object")
        fields[name] = resolve(document, prop, where=f"input {name!r}")
    required = component.get("required", [])
    if not isinstance(required, list) or not all(isinstance(n, str) for n in required):
        raise _odd(f"{where}'s required is not a list of names")
    ordered = sorted(fields, key=lambda name: (_order(fields[name]), name))
    return InputSchema(
        mode=mode,
        fields=MappingProxyType({name: fields[name] for name in ordered}),
        required=tuple(required),
    )


def read_output_schema(document: object, mode: Mode = Mode.PREDICT) -> Node | None:
    """The output's resolved schema for ``mode``, or ``None`` when the document has none.

    Raises:
        InvalidLabelError: a part of the document has the wrong shape.
    """
    component = _component(document, mode.output_components)
    return None if component is None else resolve(document, component, where="the output")


def is_file(node: Node | None) -> bool:
    """Whether a value of ``node`` is a file: a string of format ``uri`` (Cog's ``Path``)."""
    return node is not None and node.get("type") == "string" and node.get("format") == "uri"


def resolve(document: object, node: Node, *, where: str, depth: int = 0) -> Node:
    """``node`` with its references followed and ``allOf`` merged, recursively, shape-checked.

    Raises:
        InvalidLabelError: a reference that is not local or leads nowhere, a cycle, or a
            keyword of the wrong shape.
    """
    if depth > _MAX_DEPTH:
        raise _odd(f"{where} nests or refers deeper than {_MAX_DEPTH} levels (a cycle?)")
    merged: dict[str, object] = {}
    ref = node.get("$ref")
    if ref is not None:
        target = _target(document, ref, where)
        merged.update(resolve(document, target, where=where, depth=depth + 1))
    all_of = node.get("allOf")
    if all_of is not None:
        for member in _nodes(all_of, f"{where}'s allOf"):
            merged.update(resolve(document, member, where=where, depth=depth + 1))
    merged.update({key: value for key, value in node.items() if key not in ("$ref", "allOf")})
    if "items" in merged:
        items = merged["items"]
        if not isinstance(items, Mapping):
            raise _odd(f"{where}'s items is not an object")
        merged["items"] = resolve(document, items, where=f"{where}'s items", depth=depth + 1)
    for key in ("anyOf", "oneOf"):
        if key in merged:
            variants = _nodes(merged[key], f"{where}'s {key}")
            merged[key] = tuple(
                resolve(document, v, where=where, depth=depth + 1) for v in variants
            )
    if "properties" in merged:
        merged["properties"] = _nested(document, merged["properties"], where, depth)
    _check_keywords(merged, where)
    return MappingProxyType(merged)


def _component(document: object, names: Sequence[str]) -> Node | None:
    if document is None:
        return None
    if not isinstance(document, Mapping):
        raise _odd("the document is not a JSON object")
    components = document.get("components")
    if components is None:
        return None
    if not isinstance(components, Mapping):
        raise _odd("components is not an object")
    schemas = components.get("schemas")
    if schemas is None:
        return None
    if not isinstance(schemas, Mapping):
        raise _odd("components.schemas is not an object")
    for name in names:
        found = schemas.get(name)
        if found is None:
            continue
        if not isinstance(found, Mapping):
            raise _odd(f"components.schemas.{name} is not an object")
        return found
    return None


def _target(document: object, ref: object, where: str) -> Node:
    if not isinstance(ref, str) or not ref.startswith("#/"):
        raise _odd(f"{where} refers to {ref!r}, which is not a reference inside the document")
    target: object = document
    for escaped in ref[2:].split("/"):
        part = escaped.replace("~1", "/").replace("~0", "~")  # JSON Pointer escapes
        target = target.get(part) if isinstance(target, Mapping) else None
    if not isinstance(target, Mapping):
        raise _odd(f"{where} refers to {ref}, which is not an object in the document")
    return target


def _nodes(value: object, where: str) -> list[Node]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise _odd(f"{where} is not a list of objects")
    return value


def _nested(document: object, properties: object, where: str, depth: int) -> Node:
    if not isinstance(properties, Mapping):
        raise _odd(f"{where}'s properties are not an object")
    nested: dict[str, Node] = {}
    for key, prop in properties.items():
        if not isinstance(prop, Mapping):
            raise _odd(f"{where}'s property {key!r} is not an object")
        nested[str(key)] = resolve(document, prop, where=f"{where}.{key}", depth=depth + 1)
    return MappingProxyType(nested)


def _check_keywords(node: Node, where: str) -> None:
    """The keywords input checks read must have the shapes JSON Schema gives them."""
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if kind is not None and not all(k in _JSON_TYPES for k in kinds):
        raise _odd(f"{where} has type {kind!r}, which is not a JSON Schema type")
    for key in _NUMBERS:
        if key in node and not _is_number(node[key]):
            raise _odd(f"{where}'s {key} is not a number")
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        value = node.get(key)
        if value is not None and not isinstance(value, bool) and not _is_number(value):
            raise _odd(f"{where}'s {key} is neither a boolean nor a number")
    for key in _COUNTS:
        value = node.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise _odd(f"{where}'s {key} is not a whole number")
    if "pattern" in node and not isinstance(node["pattern"], str):
        raise _odd(f"{where}'s pattern is not a string")
    if "enum" in node and not isinstance(node["enum"], list):
        raise _odd(f"{where}'s enum is not a list")
    if "required" in node and not isinstance(node["required"], list):
        raise _odd(f"{where}'s required is not a list")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _order(node: Node) -> float:
    order = node.get("x-order")
    return float(order) if _is_number(order) else float("inf")  # type: ignore[arg-type]


def _odd(reason: str) -> InvalidLabelError:
    return InvalidLabelError(LABEL_OPENAPI_SCHEMA, reason)
