"""Values known without running the predictor: literals and module-level constants.

A value is *static* when it is a literal (``None``, ``True``, numbers with an optional sign,
strings, lists, tuples, sets, dicts of static values) or the name of a module-level constant
assigned one. Strings are their Python values (escapes processed, implicit concatenation
joined). Tuples and sets become lists in source order. Dicts keep their Python keys (so
``list(SIZES.keys())`` can give integer choices); :func:`as_json` turns the keys into strings
the way Go's ``fmt.Sprintf("%v", key)`` spells them (``1`` → ``"1"``, ``True`` → ``"true"``,
``None`` → ``"<nil>"``), which is what Cog writes.

Numbers Go cannot hold are not static, as Cog's ``strconv`` parse fails on them: a float
literal beyond float64 (``1e400``, which Python reads as ``inf``) and an integer beyond 64 bits
(Cog's signed form ``-99999999999999999999`` falls back to a float there; not here). A value
nested deeper than :data:`~domain.limits.MAX_LITERAL_DEPTH` is not static either; its
:class:`NotStaticError` says so, for the message.
"""

from __future__ import annotations

import ast
import math
from typing import TypeAlias

from domain.gojson import format_float_v
from domain.limits import MAX_LITERAL_DEPTH

__all__ = [
    "JSONValue",
    "NotStaticError",
    "Scope",
    "StaticValue",
    "as_json",
    "collect_scope",
    "is_json_number",
    "static_value",
    "static_value_and_height",
]

JSONValue: TypeAlias = "bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None"
Scalar: TypeAlias = bool | int | float | str | None
StaticValue: TypeAlias = "Scalar | list[StaticValue] | dict[Scalar, StaticValue]"


class Scope(dict[str, StaticValue]):
    """Names with static values, each value's nesting height remembered, so that a name used
    inside another literal (``B = [A]``, ``C = [B]``, …) counts toward the depth limit
    without its value being walked again."""

    __slots__ = ("_heights",)

    def __init__(self) -> None:
        super().__init__()
        self._heights: dict[str, int] = {}

    def bind(self, name: str, value: StaticValue, height: int) -> None:
        """Set ``name`` to ``value``, which nests ``height`` levels."""
        self[name] = value
        self._heights[name] = height

    def height(self, name: str) -> int:
        """How many levels the value of ``name`` nests (0 for a scalar)."""
        return self._heights.get(name, 0)

    def without(self, names: set[str]) -> Scope:
        """A copy with ``names`` left out."""
        copy = Scope()
        for name, value in self.items():
            if name not in names:
                copy.bind(name, value, self.height(name))
        return copy


class NotStaticError(Exception):
    """Internal signal: the expression's value cannot be known statically. ``reason`` is set
    when there is more to say than that (a limit passed)."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


_INT64 = range(-(2**63), 2**63)
_TOO_DEEP = f"nested more than {MAX_LITERAL_DEPTH} levels deep (the limit)"


def static_value(node: ast.expr, scope: Scope) -> StaticValue:
    """The value of ``node``, computed without running anything.

    Raises:
        NotStaticError: ``node`` is not a literal or a known module constant, holds a number
            Go cannot hold, or nests more than MAX_LITERAL_DEPTH levels.
    """
    return static_value_and_height(node, scope)[0]


def static_value_and_height(
    node: ast.expr, scope: Scope, depth: int = 0
) -> tuple[StaticValue, int]:
    """:func:`static_value`, with how many levels of lists and dicts the value nests (0 for a
    scalar); ``depth`` is how many of them ``node`` sits inside.

    Raises:
        NotStaticError: as :func:`static_value`.
    """
    if isinstance(node, ast.Constant):
        if node.value is None or isinstance(node.value, bool | str):
            return node.value, 0
        if isinstance(node.value, int | float):
            return _number(node.value), 0
        raise NotStaticError
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = node.operand
        # bool is an int subclass, but "-True" is no literal.
        if isinstance(operand, ast.Constant) and type(operand.value) in (int, float):
            number = operand.value
            assert isinstance(number, int | float)
            return _number(-number if isinstance(node.op, ast.USub) else number), 0
        raise NotStaticError
    if isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
        if depth >= MAX_LITERAL_DEPTH:  # this one would be level MAX_LITERAL_DEPTH + 1
            raise NotStaticError(_TOO_DEEP)
        return _collection(node, scope, depth)
    if isinstance(node, ast.Name) and node.id in scope:
        height = scope.height(node.id)
        if depth + height > MAX_LITERAL_DEPTH:
            raise NotStaticError(_TOO_DEEP)
        return scope[node.id], height
    raise NotStaticError


def _collection(
    node: ast.List | ast.Tuple | ast.Set | ast.Dict, scope: Scope, depth: int
) -> tuple[StaticValue, int]:
    if not isinstance(node, ast.Dict):
        items = [static_value_and_height(item, scope, depth + 1) for item in node.elts]
        return [value for value, _ in items], 1 + max((h for _, h in items), default=0)
    result: dict[Scalar, StaticValue] = {}
    height = 0
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None:  # {**other}
            raise NotStaticError
        static_key, _ = static_value_and_height(key, scope, depth + 1)
        if isinstance(static_key, list | dict):  # unhashable: Python rejects it too
            raise NotStaticError
        result[static_key], item_height = static_value_and_height(value, scope, depth + 1)
        height = max(height, item_height)
    return result, 1 + height


def is_json_number(value: object) -> bool:
    """False for a number Go cannot hold: an int beyond 64 bits, an infinite or NaN float
    (``1e400`` in source is Python's ``inf``); True for anything else."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value in _INT64
    return True


def _number(value: int | float) -> int | float:
    """``value`` if Go's ``strconv`` reads its literal, else NotStaticError."""
    if not is_json_number(value):
        kind = "a float beyond the range of float64" if isinstance(value, float) else None
        raise NotStaticError(kind or "an integer beyond 64 bits")
    return value


def collect_scope(tree: ast.Module) -> Scope:
    """Module-level names assigned a static value, evaluated in source order.

    A later assignment of something that is not static forgets the name.
    """
    scope = Scope()
    for stmt in tree.body:
        targets: list[ast.expr]
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            continue
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        try:
            resolved, height = static_value_and_height(value, scope)
        except NotStaticError:
            for name in names:
                scope.pop(name, None)
            continue
        for name in names:
            scope.bind(name, resolved, height)
    return scope


def as_json(value: StaticValue) -> JSONValue:
    """``value`` with every dict key turned into Go's ``%v`` text of it."""
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {_key_text(key): as_json(item) for key, item in value.items()}
    return value


def _key_text(key: Scalar) -> str:
    if isinstance(key, str):
        return key
    if key is None:
        return "<nil>"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    return format_float_v(key)
