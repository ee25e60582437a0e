"""Resolve a return annotation to an :class:`~domain.openapi.types.OutputType`.

Follows Cog's ``ResolveSchemaType``: types nest freely (``dict[str, list[Model]]``); model
classes become inline objects, a model met again inside itself becomes ``{"type":
"object"}``; ``Optional``/``X | None`` is rejected at the top (OPTIONAL_OUTPUT) but makes a
model field nullable and not required. A type nested more than
:data:`~domain.limits.MAX_TYPE_DEPTH` levels deep, generics and model fields counted together
along one path (a chain of models each holding the next is as deep as the chain is long),
is refused (LIMIT_EXCEEDED).
"""

from __future__ import annotations

from typing import NoReturn

from domain.errors import SchemaError
from domain.limits import MAX_TYPE_DEPTH
from domain.openapi.annotations import Ann, AnnKind, Resolved
from domain.openapi.input_types import (
    is_annotated,
    opaque_inner,
    optional_inner,
    unresolvable_imported,
)
from domain.openapi.kinds import SchemaErrorKind, fail
from domain.openapi.models import ModelClass, TypeScope
from domain.openapi.types import PRIMITIVES, Kind, OutputField, OutputType, Prim

__all__ = ["output_type"]

_ANY = OutputType(kind=Kind.ANY)
_ITERATORS = {"Iterator": Kind.ITERATOR, "AsyncIterator": Kind.ITERATOR}
_CONCATENATORS = frozenset({"ConcatenateIterator", "AsyncConcatenateIterator"})


def output_type(
    ann: Ann, scope: TypeScope, seen: frozenset[int] = frozenset(), depth: int = 0
) -> OutputType:
    """The output type ``ann`` denotes in ``scope``; ``seen`` holds the models being expanded,
    ``depth`` counts the types and model fields this one sits in.

    Raises:
        SchemaError: OPTIONAL_OUTPUT, CONCAT_ITERATOR_NOT_STR, UNSUPPORTED_TYPE,
            UNRESOLVABLE_TYPE, LIMIT_EXCEEDED.
    """
    if depth > MAX_TYPE_DEPTH:
        fail(
            SchemaErrorKind.LIMIT_EXCEEDED,
            f"output type nested more than {MAX_TYPE_DEPTH} levels deep, generics and model "
            "fields counted together (the limit)",
            ann.line,
            scope.file,
        )
    opaque = opaque_inner(ann, scope)
    if opaque is not None:
        if optional_inner(opaque, scope) is not None:
            _optional(ann, scope)
        return _opaque(opaque)
    if is_annotated(ann, scope):
        return output_type(ann.args[0], scope, seen, depth + 1)
    if ann.kind is AnnKind.NAME:
        return _name(ann, scope, seen, depth)
    if ann.kind is AnnKind.UNION:
        if optional_inner(ann, scope) is not None:
            _optional(ann, scope)
        _unsupported(ann, scope, "union types are not supported as output")
    if ann.kind is AnnKind.VALUE:
        _unsupported(ann, scope, f"{ann.value!r} is not a type")
    return _generic(ann, scope, seen, depth)


def _generic(ann: Ann, scope: TypeScope, seen: frozenset[int], depth: int) -> OutputType:
    outer = Resolved.of(ann.name, scope.imports).name
    count = len(ann.args)
    if outer in ("dict", "Dict"):
        if count != 2:
            _unsupported(ann, scope, "dict expects 0 or 2 type arguments")
        return OutputType(kind=Kind.DICT, items=output_type(ann.args[1], scope, seen, depth + 1))
    if outer == "Optional":
        if count != 1:
            _unsupported(ann, scope, "Optional expects exactly 1 type argument")
        _optional(ann, scope)
    if outer == "Union":
        if optional_inner(ann, scope) is not None:
            _optional(ann, scope)
        _unsupported(ann, scope, "union types are not supported as output")
    if outer in ("list", "List") or outer in _ITERATORS:
        if count != 1:
            _unsupported(ann, scope, f"{outer} expects exactly 1 type argument")
        kind = _ITERATORS.get(outer, Kind.ARRAY)
        return OutputType(kind=kind, items=output_type(ann.args[0], scope, seen, depth + 1))
    if outer in _CONCATENATORS:
        if count != 1:
            _unsupported(ann, scope, f"{outer} expects exactly 1 type argument")
        item = ann.args[0]
        if item.kind is not AnnKind.NAME:
            _unsupported(ann, scope, f"{outer} element type must be a simple type")
        if PRIMITIVES.get(item.name) is not Prim.STR:
            fail(
                SchemaErrorKind.CONCAT_ITERATOR_NOT_STR,
                f"ConcatenateIterator element type must be str, got {item.name}",
                ann.line,
                scope.file,
            )
        return OutputType(kind=Kind.CONCAT, items=OutputType(kind=Kind.PRIM, prim=Prim.STR))
    _unsupported(ann, scope, f"{outer}[...] is not a supported output type")


def _name(ann: Ann, scope: TypeScope, seen: frozenset[int], depth: int) -> OutputType:
    model = scope.models.get(ann.name)
    if model is not None:
        return _model(model, seen, depth)
    resolved = Resolved.of(ann.name, scope.imports)
    if resolved.name in ("Any", "dict", "Dict"):
        return _ANY
    if resolved.name in ("list", "List"):
        return OutputType(kind=Kind.ARRAY, items=_ANY)
    prim = PRIMITIVES.get(resolved.name)
    if prim is not None:
        return OutputType(kind=Kind.PRIM, prim=prim)
    if resolved.module:
        unresolvable_imported(ann, resolved, scope)
    fail(
        SchemaErrorKind.UNRESOLVABLE_TYPE,
        f"cannot resolve type '{ann.name}': it is not a supported type (str, int, float, bool, "
        "Path, File, Secret, Any, dict, list) and no BaseModel or TypedDict of that name was "
        "found in the project",
        ann.line,
        scope.file,
    )


def _model(model: ModelClass, seen: frozenset[int], depth: int) -> OutputType:
    if id(model) in seen:  # a model inside itself: break the cycle as Cog does
        return _ANY
    inner_seen = seen | {id(model)}
    fields: list[OutputField] = []
    for field in model.fields:
        try:
            field_type, required = _field(field.ann, model.scope, inner_seen, depth + 1)
        except SchemaError as exc:
            if exc.kind == SchemaErrorKind.LIMIT_EXCEEDED:
                raise  # once is enough: not once per model of the chain
            raise SchemaError(
                f"field '{field.name}' of {model.name}: {exc.reason}",
                line=exc.line,
                file=exc.file,
                kind=exc.kind,
            ) from None
        if field.key_required is not None:
            required = field.key_required
        if field.has_default:
            required = False
        fields.append(OutputField(name=field.name, type=field_type, required=required))
    return OutputType(kind=Kind.OBJECT, fields=tuple(fields))


def _field(ann: Ann, scope: TypeScope, seen: frozenset[int], depth: int) -> tuple[OutputType, bool]:
    """A model field's type and whether it is required (Optional fields are not)."""
    opaque = opaque_inner(ann, scope)
    if opaque is not None:
        inner = optional_inner(opaque, scope)
        if inner is not None:
            return _with_nullable(_opaque(inner)), False
        return _opaque(opaque), True
    if is_annotated(ann, scope):
        return _field(ann.args[0], scope, seen, depth + 1)
    inner = optional_inner(ann, scope)
    if inner is not None:
        return _with_nullable(output_type(inner, scope, seen, depth + 1)), False
    return output_type(ann, scope, seen, depth), True


def _opaque(inner: Ann) -> OutputType:
    if inner.last in ("list", "List") and len(inner.args) <= 1:
        return OutputType(kind=Kind.ARRAY, items=OutputType(kind=Kind.PRIM, prim=Prim.ANY))
    return OutputType(kind=Kind.PRIM, prim=Prim.ANY)


def _with_nullable(value: OutputType) -> OutputType:
    return OutputType(
        kind=value.kind, prim=value.prim, items=value.items, fields=value.fields, nullable=True
    )


def _optional(ann: Ann, scope: TypeScope) -> NoReturn:
    fail(
        SchemaErrorKind.OPTIONAL_OUTPUT,
        "unsupported output type: Optional is not allowed as a return type",
        ann.line,
        scope.file,
    )


def _unsupported(ann: Ann, scope: TypeScope, what: str) -> NoReturn:
    fail(SchemaErrorKind.UNSUPPORTED_TYPE, f"unsupported type: {what}", ann.line, scope.file)
