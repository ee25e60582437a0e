"""Source files of a project as the schema reader sees them, and imports between them.

A :class:`SourceModule` is one parsed file: its imports, module-level constants, top-level
classes and functions, and the model classes it can see. Model classes (and predictor base
classes) imported from other project files are found through a ``resolve_import`` callable
that returns a project-relative file's text, or ``None`` when there is no such file; without
one, only the file itself is read. No file system access happens here.

Module names map to files as Python resolves them from the project root (``a.b`` →
``a/b.py``, then ``a/b/__init__.py``); relative imports (``.types``) resolve against the
importing file's directory. Well-known third-party and standard-library packages are never
looked up.

Sources are outside input (decision 0034): each file is parsed by
:func:`~domain.openapi.source_file.parse_source` (size, UTF-8, CPython's parser limits), and
chains of imports longer than :data:`~domain.limits.MAX_IMPORT_DEPTH` are refused with a
:class:`~domain.errors.SchemaError` (``LIMIT_EXCEEDED``) naming the file.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable

from domain.limits import MAX_CLASS_DEPTH, MAX_IMPORT_DEPTH
from domain.openapi.annotations import Imported, collect_imports
from domain.openapi.kinds import SchemaErrorKind, fail
from domain.openapi.literals import Scope, collect_scope
from domain.openapi.models import ModelClass, TypeScope, collect_models
from domain.openapi.source_file import parse_source

__all__ = ["Project", "ResolveImport", "SourceModule"]

ResolveImport = Callable[[str], "str | None"]
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

# Top-level packages that are never project files (a project cannot shadow them usefully).
_EXTERNAL = frozenset(
    [
        "abc",
        "accelerate",
        "aiohttp",
        "asyncio",
        "builtins",
        "cog",
        "collections",
        "concurrent",
        "contextlib",
        "cv2",
        "dataclasses",
        "diffusers",
        "enum",
        "fastapi",
        "flask",
        "functools",
        "httpx",
        "io",
        "itertools",
        "jax",
        "json",
        "logging",
        "math",
        "multiprocessing",
        "numpy",
        "os",
        "pathlib",
        "PIL",
        "pydantic",
        "pytest",
        "re",
        "requests",
        "safetensors",
        "scipy",
        "skimage",
        "sklearn",
        "sys",
        "tensorflow",
        "threading",
        "torch",
        "transformers",
        "typing",
        "typing_extensions",
        "unittest",
        "warnings",
    ]
)


class SourceModule:
    """One parsed source file. Build it with :meth:`Project.main` or :meth:`Project.load`."""

    def __init__(self, source: str, path: str, project: Project) -> None:
        self.tree = parse_source(source, path)
        self.source = source  # for quoting a construct as written (``1e400``, not ``1e309``)
        self.path = path
        self.project = project
        self.imports: dict[str, Imported] = collect_imports(self.tree)
        self.scope: Scope = collect_scope(self.tree)
        self.classes: dict[str, ast.ClassDef] = {}
        self.functions: dict[str, FunctionNode] = {}
        for stmt in self.tree.body:
            if isinstance(stmt, ast.ClassDef):
                self.classes[stmt.name] = stmt
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[stmt.name] = stmt
        self.types = TypeScope(imports=self.imports, models={}, file=path)

    def link_models(self) -> None:
        """See imported model classes first, then collect this file's own, in order."""
        for local, entry in self.imports.items():
            self._link_import(local, entry)
        collect_models(self.tree, self.types)

    def find_class(
        self, text: str, seen: frozenset[tuple[str, str]] = frozenset()
    ) -> tuple[SourceModule, ast.ClassDef] | None:
        """The class a base-class expression (``Base``, ``shared.Base``) names, if found.

        A name a module itself imports (a package re-exporting a class) is followed, through
        at most :data:`~domain.limits.MAX_CLASS_DEPTH` modules.

        Raises:
            SchemaError: LIMIT_EXCEEDED for a longer chain of re-exports.
        """
        if text in self.classes:
            return self, self.classes[text]
        head, _, rest = text.partition(".")
        entry = self.imports.get(head)
        if entry is None or (self.path, text) in seen:
            return None
        if len(seen) >= MAX_CLASS_DEPTH:
            fail(
                SchemaErrorKind.LIMIT_EXCEEDED,
                f"class {text} is re-exported through more than {MAX_CLASS_DEPTH} modules "
                "(the limit)",
                None,
                self.path,
            )
        if entry.is_module or rest:
            module = self.project.load(_join(entry, rest), self.path)
            name = rest.rpartition(".")[2] if rest else head
        else:
            module, name = self.project.load(entry.module, self.path), entry.original
        if module is None or "." in name:
            return None
        return module.find_class(name, seen | {(self.path, text)})

    def _link_import(self, local: str, entry: Imported) -> None:
        models = self.types.models
        if entry.is_module:
            module = self.project.load(entry.module, self.path)
            if module is not None:
                models.update({f"{local}.{k}": v for k, v in _own(module).items()})
            return
        module = self.project.load(entry.module, self.path)
        if module is not None and entry.original in module.types.models:
            models[local] = module.types.models[entry.original]
            return
        # "from pkg import types": types may be a module of the package.
        submodule = self.project.load(_join(entry, ""), self.path)
        if submodule is not None:
            models.update({f"{local}.{k}": v for k, v in _own(submodule).items()})


class Project:
    """The predictor file plus the project files it imports, each parsed at most once."""

    def __init__(self, resolve_import: ResolveImport | None) -> None:
        self._resolve = resolve_import
        self._modules: dict[str, SourceModule | None] = {}
        self._loading: list[str] = []  # the chain of imports being followed, outermost first

    def main(self, source: str, path: str) -> SourceModule:
        """Parse the predictor file itself.

        Raises:
            SchemaError: PARSE for a syntax error in any file read.
        """
        module = SourceModule(source, path, self)
        self._modules[posixpath.normpath(path or "<predictor>")] = module
        module.link_models()
        return module

    def load(self, module_name: str, importer: str) -> SourceModule | None:
        """The project file ``module_name`` names (imported from ``importer``), or None.

        A module that is being loaded (an import cycle) is not visible to its importers.

        Raises:
            SchemaError: PARSE for a syntax error in the imported file.
        """
        if self._resolve is None or module_name.lstrip(".").partition(".")[0] in _EXTERNAL:
            return None
        base = _module_path(module_name, importer)
        if base is None:
            return None
        for path in (posixpath.normpath(f"{base}.py"), posixpath.normpath(f"{base}/__init__.py")):
            if path in self._modules:
                found = self._modules[path]
            else:
                # None while loading (an import cycle sees nothing) and for a missing file.
                self._modules[path] = None
                found = self._read(path)
                self._modules[path] = found
            if found is not None:
                return found
        return None

    def _read(self, path: str) -> SourceModule | None:
        assert self._resolve is not None
        source = self._resolve(path)
        if source is None:
            return None
        if len(self._loading) >= MAX_IMPORT_DEPTH:
            chain = " -> ".join([*self._loading[:3], "…", path])
            fail(
                SchemaErrorKind.LIMIT_EXCEEDED,
                f"project files import each other more than {MAX_IMPORT_DEPTH} levels deep "
                f"(the limit): {chain}",
                None,
                self._loading[-1],
            )
        self._loading.append(path)
        try:
            module = SourceModule(source, path, self)
            module.link_models()
        finally:
            self._loading.pop()
        return module


def _own(module: SourceModule) -> dict[str, ModelClass]:
    return {k: v for k, v in module.types.models.items() if "." not in k}


def _join(entry: Imported, rest: str) -> str:
    base = (
        entry.module
        if entry.is_module
        else entry.module + ("" if entry.module.endswith(".") else ".") + entry.original
    )
    middle = rest.rpartition(".")[0]
    return f"{base}.{middle}" if middle else base


def _module_path(module_name: str, importer: str) -> str | None:
    """``a.b`` → ``a/b``; ``.x`` → ``<importer dir>/x``; ``..x`` one directory up; None if empty."""
    level = len(module_name) - len(module_name.lstrip("."))
    name = module_name[level:]
    if not name:
        return None
    parts = name.split(".")
    if level == 0:
        return "/".join(parts)
    directory = posixpath.dirname(importer)
    for _ in range(level - 1):
        directory = posixpath.dirname(directory)
    return posixpath.join(directory, *parts) if directory else "/".join(parts)
