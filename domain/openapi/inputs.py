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
from dataclasses import replace

from domain.openapi.annotations import annotation, source_text
from domain.openapi.input_calls import input_call, read_input_call, registry_reference
from domain.openapi.input_types import input_type
from domain.openapi.kinds import SchemaErrorKind, fail
from domain.openapi.literals import NotStaticError, as_json, static_value
from domain.openapi.module import FunctionNode, SourceModule
from domain.openapi.types import InputField, Kind, Prim

__all__ = ["InputField", "extract_inputs"]


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
    call = input_call(default, module)
    found: InputField | None
    if call is not None:
        found = read_input_call(call, base, module.scope, module)
    else:
        found = registry_reference(default, base, module)
    if found is None:
        try:
            value = static_value(default, module.scope)
        except NotStaticError as exc:
            why = f" ({exc.reason})" if exc.reason else ""
            written = source_text(default, module.source)
            fail(
                SchemaErrorKind.DEFAULT_NOT_RESOLVABLE,
                f"parameter '{arg.arg}': default `{written}` cannot be statically resolved{why}; "
                "defaults must be literals, module-level constants or Input() calls",
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
