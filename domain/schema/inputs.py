"""The inputs of a predictor: its parameters, their types, defaults and ``Input(...)`` options.

A parameter's default is resolved in this order (Cog's): a direct ``Input(...)`` call (the
callee spelled ``Input``, an alias of ``cog.Input``, or ``cog.Input``); a reference to an
*Input registry* entry (``Inputs.ar`` for a class attribute assigned ``Input(...)``, or
``Inputs.guidance(7.5)`` for a method that returns ``Input(...)``); a static value; otherwise
DEFAULT_NOT_RESOLVABLE. Inside ``Input(...)`` only keywords count. A ``default`` that is not
static counts as ``None`` (Cog's rule; ``seed: int = Input(default=None)`` is then required).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, replace

from domain.schema.annotations import annotation, dotted
from domain.schema.input_types import input_type
from domain.schema.kinds import SchemaErrorKind, fail
from domain.schema.literals import JSONValue, NotStaticError, Scope, as_json, static_value
from domain.schema.module import FunctionNode, SourceModule
from domain.schema.types import InputType, Kind, Prim

__all__ = ["InputField", "extract_inputs"]


@dataclass(frozen=True, slots=True, kw_only=True)
class InputField:
    """One input of the predictor, as the schema shows it. ``x-order`` is ``order``."""

    name: str
    order: int
    type: InputType
    line: int
    has_default: bool = False
    default: JSONValue = None
    description: str | None = None
    ge: float | None = None
    le: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    regex: str | None = None
    choices: tuple[JSONValue, ...] | None = None
    deprecated: bool | None = None
    accept: str | None = None


def extract_inputs(
    func: FunctionNode, module: SourceModule, *, skip_receiver: bool
) -> list[InputField]:
    """The inputs of ``func`` (defined in ``module``), in parameter order.

    Raises:
        SchemaError: MISSING_TYPE_ANNOTATION, UNSUPPORTED_TYPE, UNRESOLVABLE_TYPE,
            DEFAULT_NOT_RESOLVABLE, DEFAULT_FACTORY_NOT_SUPPORTED, CHOICES_NOT_RESOLVABLE,
            ACCEPT_ON_NON_FILE_TYPE.
    """
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    params = list(zip(positional, [*defaults, *args.defaults], strict=True))
    if skip_receiver and params:
        params = params[1:]
    params += list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
    for splat in (args.vararg, args.kwarg):
        if splat is not None and splat.annotation is not None:
            fail(
                SchemaErrorKind.UNSUPPORTED_TYPE,
                f"variadic parameter '{splat.arg}' on {func.name} is not supported",
                splat,
                module.path,
            )
    return [
        _input(arg, default, order, func.name, module)
        for order, (arg, default) in enumerate(params)
    ]


def _input(
    arg: ast.arg, default: ast.expr | None, order: int, method: str, module: SourceModule
) -> InputField:
    if arg.annotation is None:
        fail(
            SchemaErrorKind.MISSING_TYPE_ANNOTATION,
            f"parameter '{arg.arg}' on {method} has no type annotation",
            arg,
            module.path,
        )
    kind = input_type(annotation(arg.annotation, module.path), module.types)
    base = InputField(name=arg.arg, order=order, type=kind, line=arg.lineno)
    if default is None:
        return _checked(replace(base, choices=kind.choices), module)
    call = _input_call(default, module)
    found: InputField | None
    if call is not None:
        found = _read_input_call(call, base, module.scope, module)
    else:
        found = _registry_reference(default, base, module)
    if found is None:
        try:
            value = static_value(default, module.scope)
        except NotStaticError:
            fail(
                SchemaErrorKind.DEFAULT_NOT_RESOLVABLE,
                f"parameter '{arg.arg}': default `{ast.unparse(default)}` cannot be statically "
                "resolved; defaults must be literals, module-level constants or Input() calls",
                default,
                module.path,
            )
        found = replace(base, has_default=True, default=as_json(value))
    if kind.choices is not None:
        if found.choices is not None:
            fail(
                SchemaErrorKind.UNSUPPORTED_TYPE,
                f"parameter '{arg.arg}' has both a Literal type and choices=",
                default,
                module.path,
            )
        found = replace(found, choices=kind.choices)
    return _checked(found, module)


def _checked(field: InputField, module: SourceModule) -> InputField:
    kind = field.type
    if field.accept is not None and kind.base not in (Prim.PATH, Prim.FILE):
        fail(
            SchemaErrorKind.ACCEPT_ON_NON_FILE_TYPE,
            f"accept is only valid on Path or File inputs (parameter '{field.name}')",
            field.line,
            module.path,
        )
    constrained = (field.ge, field.le, field.min_length, field.max_length, field.regex)
    if kind.kind is Kind.UNION and (
        field.choices is not None or any(c is not None for c in constrained)
    ):
        fail(
            SchemaErrorKind.UNSUPPORTED_TYPE,
            f"unsupported type: constraints and choices are not supported on union inputs "
            f"(parameter '{field.name}')",
            field.line,
            module.path,
        )
    return field


def _input_call(node: ast.expr, module: SourceModule) -> ast.Call | None:
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


def _read_input_call(
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
        elif name is not None and name in _READERS:
            found = _READERS[name](found, _static(node, scope))
    return found


def _static(node: ast.expr, scope: Scope) -> object:
    try:
        return static_value(node, scope)
    except NotStaticError:
        return _UNKNOWN


_UNKNOWN = object()


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _default(found: InputField, value: object) -> InputField:
    # An Input(default=...) that cannot be known counts as None (Cog's rule).
    json_value = None if value is _UNKNOWN else as_json(value)  # type: ignore[arg-type]
    return replace(found, has_default=True, default=json_value)


def _length(value: object) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


_READERS: dict[str, Callable[[InputField, object], InputField]] = {
    "default": _default,
    "description": lambda f, v: replace(f, description=v) if isinstance(v, str) else f,
    "ge": lambda f, v: replace(f, ge=_number(v)) if _number(v) is not None else f,
    "le": lambda f, v: replace(f, le=_number(v)) if _number(v) is not None else f,
    "min_length": lambda f, v: replace(f, min_length=_length(v)) if _length(v) is not None else f,
    "max_length": lambda f, v: replace(f, max_length=_length(v)) if _length(v) is not None else f,
    "regex": lambda f, v: replace(f, regex=v) if isinstance(v, str) else f,
    "deprecated": lambda f, v: replace(f, deprecated=v) if isinstance(v, bool) else f,
    "accept": lambda f, v: replace(f, accept=v) if isinstance(v, str) else f,
}


def _choices(node: ast.expr, scope: Scope, param: str, module: SourceModule) -> list[JSONValue]:
    """``[..]``, a module list constant, ``list(D.keys())``/``list(D.values())``, or ``+``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _choices(node.left, scope, param, module) + _choices(
            node.right, scope, param, module
        )
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


def _registry_reference(
    node: ast.expr, base: InputField, module: SourceModule
) -> InputField | None:
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
                return _read_input_call(call, base, scope, module)
        if not isinstance(node, ast.Call):
            value = _assigned(stmt, member)
            call = _input_call(value, module) if value is not None else None
            if call is not None:
                return _read_input_call(call, base, module.scope, module)
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
            call = _input_call(stmt.value, module)
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
    scope = {k: v for k, v in module.scope.items() if k not in names}
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
        scope[name] = static_value(node, evaluate_in)
    except NotStaticError:
        scope.pop(name, None)
