"""Resolve an input parameter's annotation to an :class:`~domain.openapi.types.InputType`.

Follows Cog's ``ResolveInputType``: names are matched by their last dotted part; unions
flatten ``None`` into ``nullable``; a union of two or more types may not contain ``Path``,
``File``, ``Secret``, nested unions or nullable variants; a list's element may not be
nullable, a list or a union. ``Literal[...]`` (not supported by Cog's static parser, which
rejects it) is read as the base type with the literal values as choices.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NoReturn

from domain.openapi.annotations import TYPING_MODULES, Ann, AnnKind, Resolved
from domain.openapi.kinds import SchemaErrorKind, fail
from domain.openapi.literals import JSONValue
from domain.openapi.models import TypeScope
from domain.openapi.types import PRIMITIVES, InputType, Kind, Prim

__all__ = ["input_type", "is_annotated", "opaque_inner", "optional_inner"]

_ANY = InputType(kind=Kind.ANY)
_NO_UNION = (Prim.PATH, Prim.FILE, Prim.SECRET)


def input_type(ann: Ann, scope: TypeScope) -> InputType:
    """The input type ``ann`` denotes in ``scope``.

    Raises:
        SchemaError: UNSUPPORTED_TYPE, or UNRESOLVABLE_TYPE for an unknown imported name.
    """
    opaque = opaque_inner(ann, scope)
    if opaque is not None:
        return _opaque(opaque)
    if ann.kind is AnnKind.UNION:
        return _union(ann.args, ann, scope)
    if ann.kind is AnnKind.NAME:
        return _name(ann, scope)
    if ann.kind is AnnKind.VALUE:
        _unsupported(ann, scope, f"{ann.value!r} is not a type")
    return _generic(ann, scope)


def _generic(ann: Ann, scope: TypeScope) -> InputType:
    outer = Resolved.of(ann.name, scope.imports).name
    if outer in ("dict", "Dict"):
        return _ANY
    if outer == "Optional":
        if len(ann.args) != 1:
            _unsupported(
                ann, scope, f"Optional expects exactly 1 type argument, got {len(ann.args)}"
            )
        return replace(input_type(ann.args[0], scope), nullable=True)
    if outer == "Union":
        return _union(ann.args, ann, scope)
    if is_annotated(ann, scope):
        return input_type(ann.args[0], scope)
    if outer in ("list", "List"):
        if len(ann.args) != 1:
            _unsupported(ann, scope, f"List expects exactly 1 type argument, got {len(ann.args)}")
        item = input_type(ann.args[0], scope)
        if item.nullable or item.kind in (Kind.ARRAY, Kind.UNION) or item.choices is not None:
            _unsupported(ann, scope, "nested generics like List[Optional[X]] are not supported")
        return InputType(kind=Kind.ARRAY, items=item)
    if outer == "Literal":
        return _literal(ann, scope)
    _unsupported(ann, scope, f"{outer}[...] is not a supported input type")


def is_annotated(ann: Ann, scope: TypeScope) -> bool:
    """``Annotated[...]`` imported from typing (Cog checks the origin of this one)."""
    if ann.kind is not AnnKind.GENERIC or not ann.args:
        return False
    resolved = Resolved.of(ann.name, scope.imports)
    return resolved.name == "Annotated" and resolved.module in TYPING_MODULES


def opaque_inner(ann: Ann, scope: TypeScope) -> Ann | None:
    """X of ``Annotated[X, cog.Opaque]``, or None when ``ann`` is not that."""
    if not is_annotated(ann, scope) or len(ann.args) < 2:
        return None
    for meta in ann.args[1:]:
        if meta.kind is AnnKind.NAME:
            resolved = Resolved.of(meta.name, scope.imports)
            if resolved == Resolved("Opaque", "cog"):
                return ann.args[0]
    return None


def optional_inner(ann: Ann, scope: TypeScope) -> Ann | None:
    """X of ``Optional[X]``, ``Union[X, None]`` or ``X | None``; None otherwise."""
    if ann.kind is AnnKind.GENERIC:
        outer = Resolved.of(ann.name, scope.imports).name
        if outer == "Optional" and len(ann.args) == 1:
            return ann.args[0]
        if outer != "Union":
            return None
    elif ann.kind is not AnnKind.UNION:
        return None
    if len(ann.args) == 2 and any(a.is_none for a in ann.args):
        return next(a for a in ann.args if not a.is_none)
    return None


def _opaque(inner: Ann) -> InputType:
    """An opaque value keeps only its container shape: optional, list, or object."""
    if inner.kind in (AnnKind.GENERIC, AnnKind.UNION):
        members = [a for a in inner.args if not a.is_none]
        if inner.last == "Optional" or (len(members) == 1 < len(inner.args)):
            return replace(_opaque(members[0]), nullable=True)
    if inner.last in ("list", "List"):
        return InputType(kind=Kind.ARRAY, items=_ANY)
    return _ANY


def _name(ann: Ann, scope: TypeScope) -> InputType:
    model = scope.models.get(ann.name)
    if model is not None and model.typed_dict:
        return _ANY
    resolved = Resolved.of(ann.name, scope.imports)
    if resolved.name in ("dict", "Dict"):
        return _ANY
    prim = PRIMITIVES.get(resolved.name)
    if prim is None:
        if resolved.module and model is None:
            unresolvable_imported(ann, resolved, scope)
        _unsupported(ann, scope, ann.name)
    return _ANY if prim is Prim.ANY else InputType(kind=Kind.PRIM, prim=prim)


def _union(args: tuple[Ann, ...], at: Ann, scope: TypeScope) -> InputType:
    variants: list[InputType] = []
    for arg in args:
        if arg.is_none:
            continue
        if arg.kind is AnnKind.UNION or (
            arg.kind is AnnKind.GENERIC and Resolved.of(arg.name, scope.imports).name == "Union"
        ):
            _unsupported(arg, scope, "nested union inputs are not supported")
        variant = input_type(arg, scope)
        if variant.kind is Kind.UNION:
            _unsupported(arg, scope, "nested union inputs are not supported")
        variants.append(variant)
    nullable = len(variants) < len(args)
    if not variants:
        _unsupported(at, scope, "union inputs must include at least one non-None type")
    if len(variants) == 1:
        return replace(variants[0], nullable=variants[0].nullable or nullable)
    for variant in variants:
        _check_union_variant(variant, at, scope)
    return InputType(kind=Kind.UNION, variants=tuple(variants), nullable=nullable)


def _check_union_variant(variant: InputType, at: Ann, scope: TypeScope) -> None:
    if variant.nullable:
        _unsupported(at, scope, "nested nullable variants are not supported in union inputs")
    if variant.choices is not None:
        _unsupported(at, scope, "Literal is not supported in union inputs")
    if variant.kind is Kind.PRIM and variant.prim in _NO_UNION:
        _unsupported(at, scope, f"{variant.prim.value} is not supported in union inputs")
    if variant.kind is Kind.ARRAY and variant.items is not None:
        _check_union_variant(variant.items, at, scope)


def _literal(ann: Ann, scope: TypeScope) -> InputType:
    values: list[JSONValue] = []
    for arg in ann.args:
        if arg.kind is not AnnKind.VALUE or not isinstance(arg.value, str | int | float):
            _unsupported(ann, scope, "Literal values must be strings, integers or booleans")
        values.append(arg.value)
    kinds = {type(value) for value in values}
    prim = (
        {str: Prim.STR, int: Prim.INT, bool: Prim.BOOL}.get(kinds.pop())
        if len(kinds) == 1
        else None
    )
    if prim is None:
        _unsupported(ann, scope, "Literal values must all be str, all int or all bool")
    return InputType(kind=Kind.PRIM, prim=prim, choices=tuple(values))


def unresolvable_imported(ann: Ann, resolved: Resolved, scope: TypeScope) -> NoReturn:
    """Raise UNRESOLVABLE_TYPE for a name imported from a module we cannot see into."""
    fail(
        SchemaErrorKind.UNRESOLVABLE_TYPE,
        f"cannot resolve type '{resolved.name}' (imported from '{resolved.module}'): external "
        "types cannot be statically analyzed; mark a JSON-shaped type opaque with "
        f"Annotated[{resolved.name}, cog.Opaque], or define it as a BaseModel in the project",
        ann.line,
        scope.file,
    )


def _unsupported(ann: Ann, scope: TypeScope, what: str) -> NoReturn:
    fail(SchemaErrorKind.UNSUPPORTED_TYPE, f"unsupported type: {what}", ann.line, scope.file)
