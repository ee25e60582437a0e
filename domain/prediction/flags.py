"""Inputs as a user gives them: ``-i NAME=VALUE`` flags, or one JSON object (``--json``).

The rules are ``cog predict``'s (``pkg/cli/predict.go``, ``pkg/predict/input.go``):

- ``NAME=VALUE``: the value is everything after the first ``=``; one pair of surrounding
  double quotes is removed; repeating a name makes a list.
- ``NAME=@PATH``: the file at PATH (a :class:`LocalFile`), whatever the input's type; in a
  repeated name, each ``@`` item is a file.
- Everything else is text (:class:`FlagValue`) until the schema types it (:func:`typed`):
  ``true``/``false`` for booleans, whole numbers for integers, decimals for numbers, a JSON
  array for a list (or one item, typed as the list's items), JSON for an object. Text that does
  not parse stays text, and the schema check then says what was expected. Booleans also accept
  ``yes``/``no``, ``on``/``off``, ``1``/``0`` (as cogmodel always did) where the input cannot be
  a string.
- ``--json``: a JSON object of inputs; a top-level string value ``@PATH`` is that file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence

from domain.errors import InvalidInputError
from domain.json_text import check_limits
from domain.limits import MAX_INPUT_FILE_BYTES
from domain.prediction.values import FlagValue, LocalFile

Node = Mapping[str, object]

_TRUE = frozenset({"true", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "no", "n", "off", "0"})
_INTEGER = re.compile(r"[+-]?[0-9]+").fullmatch
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?").fullmatch


def parse_input_flags(flags: Sequence[str]) -> dict[str, object]:
    """The inputs ``NAME=VALUE`` flags give, each a :class:`FlagValue` or :class:`LocalFile`.

    >>> flags = parse_input_flags(["size=64", 'text="a b"', "image=@photo.png"])
    >>> flags["size"], flags["text"], flags["image"]
    (FlagValue(texts=('64',)), FlagValue(texts=('a b',)), LocalFile(path='photo.png'))

    Raises:
        InvalidInputError: a flag without ``=`` or without a name (Cog's words).
    """
    grouped: dict[str, list[str]] = {}
    for flag in flags:
        name, eq, value = flag.partition("=")
        if not eq or not name:
            raise InvalidInputError(
                f"Failed to parse input '{flag}', expected format is 'name=value'",
                reason="bad input flag",
            )
        if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
            value = value[1:-1]
        grouped.setdefault(name, []).append(value)
    inputs: dict[str, object] = {}
    for name, values in grouped.items():
        if len(values) == 1 and values[0].startswith("@"):
            inputs[name] = LocalFile(values[0][1:])
        else:
            inputs[name] = FlagValue(tuple(values))
    return inputs


def inputs_from_json(text: str) -> dict[str, object]:
    """The inputs a JSON object gives; top-level ``"@PATH"`` strings are files.

    >>> inputs_from_json('{"size": 64, "image": "@photo.png"}')
    {'size': 64, 'image': LocalFile(path='photo.png')}

    The text is held to :func:`domain.json_text.check_limits` first: at most
    :data:`~domain.limits.MAX_INPUT_FILE_BYTES` (strings may hold whole files), at most
    :data:`~domain.limits.MAX_JSON_STRUCTURE` outside strings (what decoding time and memory
    grow with), arrays and objects nested at most :data:`~domain.limits.MAX_JSON_DEPTH` deep
    (a deeper document is an ``InvalidJsonError``, not the decoder's ``RecursionError``).
    Numbers decode as Python decodes them (Cog's CLI sends them on as they are).

    Raises:
        InvalidInputError: not JSON, past the limits, or not an object.
    """
    checked = check_limits(text, what="--json", max_bytes=MAX_INPUT_FILE_BYTES)
    try:
        document = json.loads(checked)
    except ValueError as exc:
        raise InvalidInputError(f"Failed to parse JSON: {exc}", reason="bad JSON inputs") from exc
    if not isinstance(document, dict):
        raise InvalidInputError(
            f"Failed to parse JSON: the inputs must be a JSON object, not {_kind(document)}",
            reason="bad JSON inputs",
        )
    return {
        name: LocalFile(value[1:]) if isinstance(value, str) and value.startswith("@") else value
        for name, value in document.items()
    }


def typed(  # noqa: PLR0911 - one return per rule
    value: FlagValue, node: Node | None, valid: Callable[[object, Node], bool] = lambda v, n: True
) -> object:
    """The JSON value ``value``'s text stands for under ``node`` (see the module docstring).

    ``valid(candidate, node)`` says whether a typed candidate passes ``node``'s checks: where
    ``node`` also admits a string (a union such as ``int | str``), text becomes a number or a
    boolean only when that passes, as in Cog.
    """
    texts = value.texts
    if node is None:
        return texts[0] if len(texts) == 1 else [_item(t, None, valid) for t in texts]
    items = _items(node)
    if len(texts) > 1:
        return [_item(text, items, valid) for text in texts]
    text = texts[0]
    if _accepts(node, "object") and not _accepts(node, "string"):
        return _json(text, dict)
    if _accepts(node, "array"):
        parsed = _json(text, list)
        if isinstance(parsed, list):
            return parsed
        if _accepts(node, "string") and valid(text, node):
            return text
        return [_item(text, items, valid)]
    return _scalar(text, node, valid)


def _item(text: str, node: Node | None, valid: Callable[[object, Node], bool]) -> object:
    if text.startswith("@"):
        return LocalFile(text[1:])
    return text if node is None else _scalar(text, node, valid)


def _scalar(text: str, node: Node, valid: Callable[[object, Node], bool]) -> object:
    textual, numeric = _accepts(node, "string"), _accepts(node, "integer", "number")
    candidates: list[object] = []
    if _accepts(node, "boolean"):
        if text in ("true", "false"):
            candidates.append(text == "true")
        elif not textual and not numeric and text.lower() in _TRUE | _FALSE:
            candidates.append(text.lower() in _TRUE)
    if numeric and _INTEGER(text):
        candidates.append(int(text))
    if _accepts(node, "number") and _DECIMAL(text):
        candidates.append(float(text))
    for candidate in candidates:
        if not textual or valid(candidate, node):
            return candidate
    return text


def _items(node: Node) -> Node | None:
    items = node.get("items")
    if isinstance(items, Mapping):
        return items
    for variant in _variants(node):
        found = _items(variant)
        if found is not None:
            return found
    return None


def _accepts(node: Node, *kinds: str) -> bool:
    """Whether ``node`` (or one of its ``anyOf``/``oneOf`` variants) admits a JSON type."""
    kind = node.get("type")
    declared = kind if isinstance(kind, list | tuple) else [kind]
    if any(k in kinds for k in declared):
        return True
    return any(_accepts(variant, *kinds) for variant in _variants(node))


def _variants(node: Node) -> list[Node]:
    found: list[Node] = []
    for key in ("anyOf", "oneOf"):
        variants = node.get(key)
        if isinstance(variants, list | tuple):
            found.extend(v for v in variants if isinstance(v, Mapping))
    return found


def _json(text: str, kind: type) -> object:
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return parsed if isinstance(parsed, kind) else text


def _kind(value: object) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
