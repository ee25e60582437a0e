"""Values known without running the predictor: literals and module-level constants.

A value is *static* when it is a literal (``None``, ``True``, numbers with an optional sign,
strings, lists, tuples, sets, dicts of static values) or the name of a module-level constant
assigned one. Strings are their Python values (escapes processed, implicit concatenation
joined). Tuples and sets become lists in source order. Dicts keep their Python keys (so
``list(SIZES.keys())`` can give integer choices); :func:`as_json` turns the keys into strings
the way Go's ``fmt.Sprintf("%v", key)`` spells them (``1`` → ``"1"``, ``True`` → ``"true"``,
``None`` → ``"<nil>"``), which is what Cog writes.
"""

from __future__ import annotations

import ast
from typing import TypeAlias

from domain.gojson import format_float_v

__all__ = [
    "JSONValue",
    "NotStaticError",
    "Scope",
    "StaticValue",
    "as_json",
    "collect_scope",
    "static_value",
]

JSONValue: TypeAlias = "bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None"
Scalar: TypeAlias = bool | int | float | str | None
StaticValue: TypeAlias = "Scalar | list[StaticValue] | dict[Scalar, StaticValue]"
Scope: TypeAlias = dict[str, StaticValue]


class NotStaticError(Exception):
    """Internal signal: the expression's value cannot be known statically."""


def static_value(node: ast.expr, scope: Scope) -> StaticValue:
    """The value of ``node``, computed without running anything.

    Raises:
        NotStaticError: ``node`` is not a literal or a known module constant.
    """
    if isinstance(node, ast.Constant):
        if node.value is None or isinstance(node.value, bool | int | float | str):
            return node.value
        raise NotStaticError
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = node.operand
        # bool is an int subclass, but "-True" is no literal.
        if isinstance(operand, ast.Constant) and type(operand.value) in (int, float):
            number = operand.value
            assert isinstance(number, int | float)
            return -number if isinstance(node.op, ast.USub) else number
        raise NotStaticError
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [static_value(item, scope) for item in node.elts]
    if isinstance(node, ast.Dict):
        result: dict[Scalar, StaticValue] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # {**other}
                raise NotStaticError
            static_key = static_value(key, scope)
            if isinstance(static_key, list | dict):  # unhashable: Python rejects it too
                raise NotStaticError
            result[static_key] = static_value(value, scope)
        return result
    if isinstance(node, ast.Name) and node.id in scope:
        return scope[node.id]
    raise NotStaticError


def collect_scope(tree: ast.Module) -> Scope:
    """Module-level names assigned a static value, evaluated in source order.

    A later assignment of something that is not static forgets the name.
    """
    scope: Scope = {}
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
            resolved = static_value(value, scope)
        except NotStaticError:
            for name in names:
                scope.pop(name, None)
            continue
        for name in names:
            scope[name] = resolved
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
