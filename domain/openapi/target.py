"""Finding the callable a ``predict``/``train`` reference names, and reading its decorators.

For ``file.py:Name``: a top-level class ``Name`` (any class; ``BasePredictor`` is not
required) gives its ``run`` method, else its ``predict`` method (deprecated), searched through
its base classes in the same file or imported project files (at most
:data:`~domain.limits.MAX_CLASS_DEPTH` deep), ``run`` anywhere winning over ``predict``; in
train mode its ``train`` method. Otherwise a top-level function ``Name``,
otherwise one named ``predict``/``train`` after the mode.

``@cog.streaming`` / ``@streaming`` / ``@streaming()`` (imported from ``cog``) marks the
predictions operation ``x-cog-streaming``; ``@cog.concurrent(max=N)`` sets the concurrency
(a bare ``@concurrent`` means 1; N > 1 needs ``async def``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from domain.limits import MAX_CLASS_DEPTH
from domain.openapi.annotations import dotted
from domain.openapi.kinds import SchemaErrorKind, fail
from domain.openapi.literals import NotStaticError, Scope, static_value
from domain.openapi.module import FunctionNode, SourceModule

__all__ = ["Target", "concurrency_max", "find_target", "is_streaming"]


@dataclass(frozen=True, slots=True)
class Target:
    """The callable found: its node, the file it is in, and whether it is a method."""

    func: FunctionNode
    module: SourceModule
    is_method: bool


def find_target(module: SourceModule, name: str, mode: str) -> Target:
    """The callable ``name`` refers to in ``module`` for ``mode`` (``predict``/``train``).

    Raises:
        SchemaError: METHOD_NOT_FOUND, PREDICTOR_NOT_FOUND.
    """
    cls = module.classes.get(name)
    if cls is not None:
        wanted = ("run", "predict") if mode == "predict" else ("train",)
        found = _methods(module, cls, wanted, set(), 0)
        for method in wanted:
            if method in found:
                return found[method]
        expected = "must define run() or predict()" if mode == "predict" else "must define train()"
        fail(SchemaErrorKind.METHOD_NOT_FOUND, f"{name} {expected}", cls, module.path)
    for candidate in dict.fromkeys((name, mode)):
        func = module.functions.get(candidate)
        if func is not None:
            return Target(func=func, module=module, is_method=False)
    fail(SchemaErrorKind.PREDICTOR_NOT_FOUND, f"predictor not found: {name}", None, module.path)


def _methods(
    module: SourceModule, cls: ast.ClassDef, wanted: tuple[str, ...], seen: set[int], depth: int
) -> dict[str, Target]:
    """The wanted methods ``cls`` defines or inherits (the class's own first, then bases).

    Raises:
        SchemaError: LIMIT_EXCEEDED when the base classes go deeper than the limit.
    """
    if id(cls) in seen:
        return {}
    if depth > MAX_CLASS_DEPTH:
        fail(
            SchemaErrorKind.LIMIT_EXCEEDED,
            f"base classes nested more than {MAX_CLASS_DEPTH} levels deep (the limit)",
            cls,
            module.path,
        )
    seen.add(id(cls))
    found: dict[str, Target] = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name in wanted:
            found[stmt.name] = Target(func=stmt, module=module, is_method=not _static(stmt))
    for base in cls.bases:
        text = dotted(base)
        parent = module.find_class(text) if text is not None else None
        if parent is not None:
            for method, target in _methods(*parent, wanted, seen, depth + 1).items():
                found.setdefault(method, target)
    return found


def _static(func: FunctionNode) -> bool:
    return any(dotted(d) in ("staticmethod", "builtins.staticmethod") for d in func.decorator_list)


def _cog_decorator(node: ast.expr, module: SourceModule, name: str) -> bool:
    """``node`` is ``cog.<name>`` (however ``cog`` is imported) or an alias of it."""
    expr = node.func if isinstance(node, ast.Call) else node
    text = dotted(expr) or ""
    head, _, rest = text.partition(".")
    entry = module.imports.get(head)
    if entry is None or entry.module != "cog":
        return False
    return (entry.is_module and rest == name) or (not rest and entry.original == name)


def is_streaming(target: Target) -> bool:
    """Whether the target carries ``@cog.streaming`` (the class's decorators do not count)."""
    return any(_cog_decorator(d, target.module, "streaming") for d in target.func.decorator_list)


def concurrency_max(target: Target) -> int | None:
    """N of ``@cog.concurrent(max=N)`` (1 for the bare form), or None when absent.

    Raises:
        SchemaError: INVALID_CONCURRENCY for a max that is not an integer literal >= 1, or
            for max > 1 on a function that is not ``async``.
    """
    path = target.module.path
    for decorator in target.func.decorator_list:
        if not _cog_decorator(decorator, target.module, "concurrent"):
            continue
        if not isinstance(decorator, ast.Call) or not (decorator.args or decorator.keywords):
            return 1
        keywords = decorator.keywords
        if decorator.args or len(keywords) != 1 or keywords[0].arg != "max":
            fail(
                SchemaErrorKind.INVALID_CONCURRENCY,
                "@concurrent only supports literal integer max=... arguments",
                decorator,
                path,
            )
        try:
            value = static_value(keywords[0].value, Scope())
        except NotStaticError:
            value = None
        if not isinstance(value, int) or isinstance(value, bool):
            fail(
                SchemaErrorKind.INVALID_CONCURRENCY,
                "@concurrent max must be an integer literal",
                decorator,
                path,
            )
        if value < 1:
            fail(
                SchemaErrorKind.INVALID_CONCURRENCY,
                "@concurrent max must be at least 1",
                decorator,
                path,
            )
        if value > 1 and not isinstance(target.func, ast.AsyncFunctionDef):
            fail(
                SchemaErrorKind.INVALID_CONCURRENCY,
                "@concurrent(max > 1) requires an async run() or predict() method",
                decorator,
                path,
            )
        return value
    return None
