"""Checking a model's inputs against its schema, before anything runs: every problem at once.

The rules are what Cog checks before it starts a model (``pkg/predict/input_validation.go``,
which validates with kin-openapi), in Cog's words:

- ``unknown input "siz"; valid inputs are: …`` (with the closest known name suggested:
  ``unknown input "siz" (did you mean "size"?); …``). Cog's runtime silently drops unknown
  inputs, so a typo would otherwise run with the default.
- ``missing required input "image"``.
- ``invalid input "x": must not be null (omit the input to use its default)``: Cog's runtime
  ignores OpenAPI's ``nullable``, so only a type that admits ``null`` does.
- ``invalid input "x": must be one of: a, b`` for choices (``enum``, often behind ``allOf``).
- ``invalid input "x": expected integer, got string`` for a wrong type (integer, number,
  boolean, string, array, object; a secret is a string).
- ``number must be at least 16`` / ``at most`` / ``more than`` / ``less than`` / ``a multiple
  of``; ``minimum string length is 1`` / ``maximum string length is``; ``string doesn't match
  the regular expression "…"``; ``minimum number of items is`` / ``maximum number of items is``
  (kin-openapi's reasons, numbers printed as Go's ``%g`` prints them).
- A file input (a string of format ``uri``) takes a file (``@PATH``) or a URL; other text is
  ``expected a file or a URL, got string "photo.png"; to send a file, put @ before its path:
  -i image=@photo.png`` (cogmodel's rule: Cog sends the
  text and the model fails on it).

List items and object fields are checked too, named ``input.0`` and ``input.field``. One
problem is reported per input (the first, in the order above). Problems come in the order:
unknown names, missing inputs, then each input in the schema's order.
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from domain.prediction.flags import typed
from domain.prediction.go_format import go_g, go_value
from domain.prediction.schema import InputSchema, Node, is_file
from domain.prediction.values import FlagValue, InputFile, LocalFile

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:").match


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedInputs:
    """The inputs with text typed by the schema, and every problem found (empty: all good)."""

    values: Mapping[str, object]
    problems: tuple[str, ...] = field(default=())


def check_inputs(values: Mapping[str, object], schema: InputSchema | None) -> CheckedInputs:
    """Type ``values``' text by ``schema`` and check them all against it.

    Without a schema the text stays text and nothing can be checked. Values may be JSON values,
    :class:`LocalFile` (or a ``pathlib`` path), :class:`InputFile` and :class:`FlagValue`.
    """
    if schema is None:
        return CheckedInputs(values={k: _typed(v, None) for k, v in values.items()})
    fields = schema.fields
    unknown = sorted(name for name in values if name not in fields)
    problems = [_unknown(unknown, fields)] if unknown else []
    problems += [f'missing required input "{n}"' for n in schema.required if n not in values]
    checked: dict[str, object] = {}
    for name, node in fields.items():
        if name not in values:
            continue
        checked[name] = value = _typed(values[name], node)
        problem = _problem(value, node, name)
        if problem is not None:
            problems.append(problem)
    checked.update({name: _typed(values[name], None) for name in unknown})
    return CheckedInputs(values=checked, problems=tuple(problems))


def _typed(value: object, node: Node | None) -> object:
    if isinstance(value, FlagValue):
        return typed(value, node, lambda candidate, n: _reason(candidate, n, "") is None)
    if isinstance(value, PurePath):
        return LocalFile(str(value))
    return value


def _unknown(names: list[str], fields: Mapping[str, Node]) -> str:
    shown = []
    for name in names:
        close = difflib.get_close_matches(name, list(fields), n=1)
        shown.append(f'"{name}"' + (f' (did you mean "{close[0]}"?)' if close else ""))
    known = ", ".join(sorted(fields))
    suffix = f"valid inputs are: {known}" if known else "model does not accept inputs"
    return f"unknown input{'s' if len(names) > 1 else ''} {', '.join(shown)}; {suffix}"


def _problem(value: object, node: Node, path: str) -> str | None:
    reason = _reason(value, node, path)
    if reason is None or reason.startswith(("missing required input", "invalid input")):
        return reason
    return f'invalid input "{path}": {reason}'


def _reason(value: object, node: Node, path: str) -> str | None:  # noqa: PLR0911
    if value is None:
        if _admits_null(node):
            return None
        return "must not be null (omit the input to use its default)"
    variants = node.get("anyOf") or node.get("oneOf")
    if isinstance(variants, tuple) and variants:
        if any(_reason(value, v, path) is None for v in variants):
            return None
        key = "anyOf" if node.get("anyOf") else "oneOf"
        return f'doesn\'t match any schema from "{key}"'
    enum = node.get("enum")
    if isinstance(enum, list) and enum and not any(_same(value, e) for e in enum):
        return f"must be one of: {', '.join(go_value(e) for e in enum)}"
    expected = _type_problem(value, node, path)
    if expected is not None:
        return expected
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _number_problem(float(value), node)
    if isinstance(value, str):
        return _string_problem(value, node)
    if isinstance(value, list):
        return _list_problem(value, node, path)
    if isinstance(value, dict):
        return _object_problem(value, node, path)
    return None


def _type_problem(value: object, node: Node, path: str) -> str | None:
    kind = node.get("type")
    if kind is None:
        return None
    kinds = list(kind) if isinstance(kind, list | tuple) else [kind]
    if any(_is_type(value, k) for k in kinds):
        if is_file(node) and isinstance(value, str) and not _URL(value):
            return (
                f'expected a file or a URL, got string "{value}"; to send a file, put @ '
                f"before its path: -i {path.split('.', maxsplit=1)[0]}=@{value}"
            )
        return None
    names = [str(k) for k in kinds]
    wanted = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"expected {wanted}, got {_json_type(value)}"


def _is_type(value: object, kind: object) -> bool:
    if kind == "integer":
        return _json_type(value) == "number" and float(value).is_integer()  # type: ignore[arg-type]
    return _json_type(value) == kind


def _json_type(value: object) -> str:  # noqa: PLR0911 - one per JSON type
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str | LocalFile | InputFile):  # a file travels as a data URL string
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _number_problem(value: float, node: Node) -> str | None:  # noqa: PLR0911
    if math.isnan(value) or math.isinf(value):
        return "number must be finite"
    low, high = node.get("minimum"), node.get("maximum")
    low_open, high_open = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    if _bound(low_open) is not None and value <= low_open:  # type: ignore[operator]
        return f"number must be more than {go_g(low_open)}"
    if _bound(low) is not None and (value <= low if low_open is True else value < low):  # type: ignore[operator]
        word = "more than" if low_open is True else "at least"
        return f"number must be {word} {go_g(low)}"
    if _bound(high_open) is not None and value >= high_open:  # type: ignore[operator]
        return f"number must be less than {go_g(high_open)}"
    if _bound(high) is not None and (value >= high if high_open is True else value > high):  # type: ignore[operator]
        word = "less than" if high_open is True else "at most"
        return f"number must be {word} {go_g(high)}"
    step = _bound(node.get("multipleOf"))
    if step and not float(value / step).is_integer():
        return f"number must be a multiple of {go_g(step)}"
    return None


def _bound(value: object) -> float | None:
    """A numeric bound (``True``/``False`` are OpenAPI 3.0 flags, not bounds)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _string_problem(value: str, node: Node) -> str | None:
    low, high = node.get("minLength"), node.get("maxLength")
    if isinstance(low, int) and len(value) < low:
        return f"minimum string length is {low}"
    if isinstance(high, int) and len(value) > high:
        return f"maximum string length is {high}"
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        try:
            with warnings.catch_warnings():
                # Python would read Go's [[:alpha:]] as another set, and only warns about it.
                warnings.simplefilter("error", FutureWarning)
                matched = re.search(pattern, value) is not None
        except (re.error, FutureWarning):  # Go syntax Python reads otherwise: the model decides
            matched = True
        if not matched:
            return f'string doesn\'t match the regular expression "{pattern}"'
    return None


def _list_problem(value: list[object], node: Node, path: str) -> str | None:
    low, high = node.get("minItems"), node.get("maxItems")
    if isinstance(low, int) and len(value) < low:
        return f"minimum number of items is {low}"
    if isinstance(high, int) and len(value) > high:
        return f"maximum number of items is {high}"
    items = node.get("items")
    if isinstance(items, Mapping):
        for index, item in enumerate(value):
            problem = _problem(item, items, f"{path}.{index}")
            if problem is not None:
                return problem
    return None


def _object_problem(value: dict[str, object], node: Node, path: str) -> str | None:
    properties = node.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    for name in node.get("required") or ():  # type: ignore[attr-defined]
        if name not in value:
            return f'missing required input "{path}.{name}"'
    for name, prop in properties.items():
        if name in value:
            problem = _problem(value[name], prop, f"{path}.{name}")
            if problem is not None:
                return problem
    return None


def _admits_null(node: Node) -> bool:
    """Whether JSON Schema (not OpenAPI: ``nullable`` does not count) lets ``null`` through."""
    allowed = True
    kind = node.get("type")
    if kind is not None:
        kinds = list(kind) if isinstance(kind, list | tuple) else [kind]
        allowed = "null" in kinds
    enum = node.get("enum")
    if isinstance(enum, list) and enum:
        allowed = allowed and None in enum
    variants = node.get("anyOf") or node.get("oneOf")
    if isinstance(variants, tuple) and variants:
        allowed = allowed and any(_admits_null(v) for v in variants)
    return allowed


def _same(value: object, choice: object) -> bool:
    """JSON equality: ``1 == 1.0``, but ``true`` is not ``1``."""
    if isinstance(value, bool) or isinstance(choice, bool):
        return isinstance(value, bool) and isinstance(choice, bool) and value == choice
    return value == choice
