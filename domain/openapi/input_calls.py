"""``Input(...)`` calls and the *Input registry* (cog-spec §5.2, "Default resolution").

An ``Input(...)`` call is recognised when the callee is spelled ``Input`` (imported or not,
as Cog does), is an alias of ``cog.Input``, or is ``cog.Input`` on an imported ``cog`` module
(which Cog's parser misses). Only keywords count: ``default`` (not static → None),
``default_factory`` (refused), ``description``, ``ge``, ``le``, ``min_length``, ``max_length``,
``regex``, ``choices``, ``deprecated`` and ``accept``; values may be literals or module-level
constants, and a value that is not static is ignored (as Cog ignores it).

The registry is what top-level classes hold: ``Inputs.ar = Input(...)`` attributes, and
methods such as ``Inputs.guidance(default)`` whose body returns ``Input(...)``. A reference
``Inputs.guidance(7.5)`` evaluates that ``Input(...)`` with the method's parameters bound to
the call's static arguments (or the parameters' own defaults).
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from domain.openapi.annotations import dotted
from domain.openapi.kinds import SchemaErrorKind, fail
from domain.openapi.literals import (
    JSONValue,
    NotStaticError,
    Scope,
    StaticValue,
    as_json,
    static_value,
    static_value_and_height,
)
from domain.openapi.module import SourceModule
from domain.openapi.types import InputField

__all__ = ["input_call", "read_input_call", "registry_reference"]


def input_call(node: ast.expr, module: SourceModule) -> ast.Call | None:
    if not isinstance(node, ast.Call):
        return None
    callee = dotted(node.func) or ""
    head, _, rest = callee.partition(".")
    entry = module.imports.get(head)
    if callee == "Input":
        return node
    if entry is None or entry.module != "cog":
        return None
    # An alias of cog.Input, or cog.Input itself (which Cog's parser does not recognise).
    if (not rest and entry.original == "Input") or (entry.is_module and rest == "Input"):
        return node
    return None


def read_input_call(
    call: ast.Call, base: InputField, scope: Scope, module: SourceModule
) -> InputField:
    found = replace(base, has_default=False)
    for keyword in call.keywords:
        name, node = keyword.arg, keyword.value
        if name == "default_factory":
            fail(
                SchemaErrorKind.DEFAULT_FACTORY_NOT_SUPPORTED,
                f"parameter '{base.name}': default_factory is not supported in Input(); use a "
                "literal default value instead",
                node,
                module.path,
            )
        if name == "choices":
            found = replace(found, choices=tuple(_choices(node, scope, base.name, module)))
        elif name is not None:
            found = _apply(found, name, _static(node, scope))
    return found


class _Unknown:
    """A keyword value that is not static."""


_UNKNOWN = _Unknown()
_TEXT = frozenset({"description", "regex", "accept"})
_NUMBER = frozenset({"ge", "le"})
_LENGTH = frozenset({"min_length", "max_length"})


def _static(node: ast.expr, scope: Scope) -> StaticValue | _Unknown:
    try:
        return static_value(node, scope)
    except NotStaticError:
        return _UNKNOWN


def _apply(found: InputField, name: str, value: StaticValue | _Unknown) -> InputField:
    """``found`` with keyword ``name`` applied; values of the wrong kind are ignored (Cog's)."""
    change: dict[str, Any] = {}
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if name == "default":
        # An Input(default=...) that cannot be known counts as None (Cog's rule).
        known = None if isinstance(value, _Unknown) else as_json(value)
        change = {"has_default": True, "default": known}
    elif name in _TEXT and isinstance(value, str):
        change = {name: value}
    elif name in _NUMBER and number is not None:
        change = {name: float(number)}
    elif name in _LENGTH and number is not None:
        change = {name: int(number)}
    elif name == "deprecated" and isinstance(value, bool):
        change = {name: value}
    return replace(found, **change) if change else found


def _choices(node: ast.expr, scope: Scope, param: str, module: SourceModule) -> list[JSONValue]:
    """``[..]``, a module list constant, ``list(D.keys())``/``list(D.values())``, or a ``+``
    of those. ``A + B + C`` nests to the left, one level a term, so a chain of any length is
    walked, not recursed; only a parenthesised right side (``A + (B + C)``) recurses, and
    CPython's parser allows no more than 200 parentheses."""
    terms: list[ast.expr] = []
    left = node
    while isinstance(left, ast.BinOp) and isinstance(left.op, ast.Add):
        terms.append(left.right)
        left = left.left
    terms.append(left)
    choices: list[JSONValue] = []
    for term in reversed(terms):
        if isinstance(term, ast.BinOp) and isinstance(term.op, ast.Add):
            choices += _choices(term, scope, param, module)
        else:
            choices += _choice_term(term, scope, param, module)
    return choices


def _choice_term(node: ast.expr, scope: Scope, param: str, module: SourceModule) -> list[JSONValue]:
    if isinstance(node, ast.List | ast.Tuple | ast.Name):
        value = _static(node, scope)
        if isinstance(value, list):
            return [as_json(item) for item in value]
    elif (
        isinstance(node, ast.Call)
        and dotted(node.func) == "list"
        and len(node.args) == 1
        and isinstance(view := node.args[0], ast.Call)
        and isinstance(view.func, ast.Attribute)
        and isinstance(view.func.value, ast.Name)
        and view.func.attr in ("keys", "values")
    ):
        mapping = scope.get(view.func.value.id)
        if isinstance(mapping, dict):
            items = mapping.keys() if view.func.attr == "keys" else mapping.values()
            return [as_json(item) for item in items]
    fail(
        SchemaErrorKind.CHOICES_NOT_RESOLVABLE,
        f"choices for parameter '{param}' cannot be statically resolved; use a literal list "
        'instead (e.g. choices=["a", "b"])',
        node,
        module.path,
    )


def registry_reference(node: ast.expr, base: InputField, module: SourceModule) -> InputField | None:
    """Follow ``Class.attr`` or ``Class.method(args)`` to an ``Input(...)`` in a top-level class."""
    target = node.func if isinstance(node, ast.Call) else node
    text = dotted(target)
    if text is None or text.count(".") != 1:
        return None
    owner, _, member = text.partition(".")
    cls = module.classes.get(owner)
    if cls is None:
        return None
    for stmt in cls.body:
        if isinstance(node, ast.Call) and isinstance(stmt, ast.FunctionDef) and stmt.name == member:
            call = _returned_input(stmt, module)
            if call is not None:
                scope = _bind(stmt, node, module)
                return read_input_call(call, base, scope, module)
        if not isinstance(node, ast.Call):
            value = _assigned(stmt, member)
            call = input_call(value, module) if value is not None else None
            if call is not None:
                return read_input_call(call, base, module.scope, module)
    return None


def _assigned(stmt: ast.stmt, name: str) -> ast.expr | None:
    if isinstance(stmt, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == name for t in stmt.targets
    ):
        return stmt.value
    if (
        isinstance(stmt, ast.AnnAssign)
        and isinstance(stmt.target, ast.Name)
        and stmt.target.id == name
    ):
        return stmt.value
    return None


def _returned_input(method: ast.FunctionDef, module: SourceModule) -> ast.Call | None:
    for stmt in method.body:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            call = input_call(stmt.value, module)
            if call is not None:
                return call
    return None


def _bind(method: ast.FunctionDef, call: ast.Call, module: SourceModule) -> Scope:
    """Module constants plus the method's parameters bound to the call's static arguments.

    A parameter shadows a module constant of the same name; one whose value is not static
    is unknown (so ``Input(default=param)`` then counts as None).
    """
    args = method.args
    positional = [a.arg for a in [*args.posonlyargs, *args.args] if a.arg not in ("self", "cls")]
    names = {*positional, *(a.arg for a in args.kwonlyargs)}
    scope = module.scope.without(names)
    for name, default in zip(
        positional[len(positional) - len(args.defaults) :], args.defaults, strict=True
    ):
        _try_bind(scope, name, default, module.scope)
    for param, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if kw_default is not None:
            _try_bind(scope, param.arg, kw_default, module.scope)
    for name, value in zip(positional, call.args, strict=False):
        _try_bind(scope, name, value, module.scope)
    for keyword in call.keywords:
        if keyword.arg in names:
            _try_bind(scope, keyword.arg, keyword.value, module.scope)
    return scope


def _try_bind(scope: Scope, name: str, node: ast.expr, evaluate_in: Scope) -> None:
    try:
        scope.bind(name, *static_value_and_height(node, evaluate_in))
    except NotStaticError:
        scope.pop(name, None)
