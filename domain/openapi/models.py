"""Output model classes: ``BaseModel`` and ``TypedDict`` subclasses defined in the project.

A class is a *BaseModel* when a base is named ``BaseModel`` (however imported: ``cog``,
``pydantic``, ``pydantic.v1``, or a dotted ``x.BaseModel``) or is itself a known BaseModel;
a *TypedDict* when a base is ``TypedDict`` (``typing``/``typing_extensions``) or a known
TypedDict. Fields are the class body's annotated names, parents' fields first (a redefined
field keeps its parent's position). ``ClassVar`` annotations are not fields. A field is
required unless it has a default or is ``Optional``; in a TypedDict, ``total=False`` and
``Required[...]``/``NotRequired[...]`` decide instead.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from domain.openapi.annotations import (
    TYPING_MODULES,
    Ann,
    AnnKind,
    Imported,
    Resolved,
    annotation,
    dotted,
)

__all__ = ["ModelClass", "ModelField", "TypeScope", "collect_models"]

_BASE_MODEL_MODULES = frozenset({"cog", "pydantic", "pydantic.v1"})


@dataclass(frozen=True, slots=True)
class TypeScope:
    """What names mean in one source file: its imports and the model classes it can see
    (local classes, imported ones under their local name, and ``module.Class`` names)."""

    imports: dict[str, Imported]
    models: dict[str, ModelClass]
    file: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelField:
    name: str
    ann: Ann
    has_default: bool
    key_required: bool | None  # TypedDict only: whether the key must be present
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelClass:
    """A model class; its field annotations are read in ``scope`` (its own file)."""

    name: str
    fields: tuple[ModelField, ...]
    typed_dict: bool
    scope: TypeScope


def collect_models(tree: ast.Module, scope: TypeScope) -> None:
    """Add the module's top-level model classes to ``scope.models``, in source order.

    Raises:
        SchemaError: a field annotation that is not a type (UNSUPPORTED_TYPE).
    """
    for stmt in tree.body:
        if not isinstance(stmt, ast.ClassDef):
            continue
        kind, parents, total = _classify(stmt, scope)
        if kind is None:
            continue
        typed_dict = kind == "typed_dict"
        own = [
            field
            for item in stmt.body
            if (field := _field(item, scope, typed_dict=typed_dict, total=total)) is not None
        ]
        merged: dict[str, ModelField] = {}
        for parent in parents:
            merged.update((f.name, f) for f in parent.fields)
        merged.update((f.name, f) for f in own)
        scope.models[stmt.name] = ModelClass(
            name=stmt.name, fields=tuple(merged.values()), typed_dict=typed_dict, scope=scope
        )


def _classify(cls: ast.ClassDef, scope: TypeScope) -> tuple[str | None, list[ModelClass], bool]:
    kind: str | None = None
    parents: list[ModelClass] = []
    for base in cls.bases:
        text = dotted(base)
        if text is None:
            continue
        known = scope.models.get(text)
        resolved = Resolved.of(text, scope.imports)
        if known is not None:
            parents.append(known)
            kind = kind or ("typed_dict" if known.typed_dict else "base_model")
        elif _names(text, resolved, "BaseModel", _BASE_MODEL_MODULES):
            kind = kind or "base_model"
        elif _names(text, resolved, "TypedDict", TYPING_MODULES):
            kind = kind or "typed_dict"
    total = not any(
        kw.arg == "total" and isinstance(kw.value, ast.Constant) and kw.value.value is False
        for kw in cls.keywords
    )
    return kind, parents, total


def _names(text: str, resolved: Resolved, name: str, modules: frozenset[str]) -> bool:
    # Cog matches the spelling ("BaseModel", "x.BaseModel") whatever was imported, and an
    # alias only when it comes from one of the expected modules.
    if text == name or text.endswith("." + name):
        return True
    return resolved.name == name and resolved.module in modules


def _has_default(value: ast.expr | None) -> bool:
    """Whether a field's assigned value gives it a default, as pydantic reads it.

    ``x: int = Field(...)`` and ``Field(description=...)`` have none; ``Field(3)``,
    ``Field(default=…)`` and ``Field(default_factory=…)`` and any other value do.
    """
    if value is None:
        return False
    if isinstance(value, ast.Call) and (dotted(value.func) or "").rpartition(".")[2] == "Field":
        if any(kw.arg in ("default", "default_factory") for kw in value.keywords):
            return True
        first = value.args[0] if value.args else None
        return first is not None and not (
            isinstance(first, ast.Constant) and first.value is Ellipsis
        )
    return True


def _field(stmt: ast.stmt, scope: TypeScope, *, typed_dict: bool, total: bool) -> ModelField | None:
    if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
        return None
    ann = annotation(stmt.annotation, scope.file)
    if ann.last == "ClassVar":
        return None
    key_required: bool | None = None
    if typed_dict:
        key_required = total
        if ann.kind is AnnKind.GENERIC and len(ann.args) == 1 and ann.last in _QUALIFIERS:
            key_required = ann.last == "Required"
            ann = ann.args[0]
    return ModelField(
        name=stmt.target.id,
        ann=ann,
        has_default=_has_default(stmt.value),
        key_required=key_required,
        line=stmt.lineno,
    )


_QUALIFIERS = frozenset({"Required", "NotRequired"})
