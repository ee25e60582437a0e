"""Type annotations and the import table they are read against.

An annotation is read from Python's ``ast`` into a small :class:`Ann` tree (a name, a
subscripted generic, a ``|`` union, or a ``Literal`` value). String annotations (forward
references such as ``"TreeNode | None"``) are parsed as annotations. Names are matched the
way Cog's static parser matches them: by their last dotted part (``typing.Optional`` and a
bare ``Optional`` are the same), except where Cog checks the origin module (``Annotated``,
``cog.Opaque``, ``TypedDict``, ``BaseModel``, the ``cog`` decorators and ``Input``).

An annotation nested deeper than :data:`~domain.limits.MAX_TYPE_DEPTH` generics (string
annotations inside string annotations included) is refused (LIMIT_EXCEEDED); a union of any
number of ``|`` members is flat and does not count as nesting.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from enum import Enum

from domain.limits import MAX_TYPE_DEPTH
from domain.openapi.kinds import SchemaErrorKind, fail
from domain.openapi.literals import is_json_number

__all__ = [
    "Ann",
    "AnnKind",
    "Imported",
    "Resolved",
    "annotation",
    "collect_imports",
    "dotted",
    "source_text",
]

TYPING_MODULES = frozenset({"typing", "typing_extensions"})


class AnnKind(Enum):
    NAME = "name"
    GENERIC = "generic"
    UNION = "union"
    VALUE = "value"  # an argument of Literal[...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Ann:
    """One node of an annotation. ``name`` is the dotted source text of a name or generic."""

    kind: AnnKind
    line: int
    name: str = ""
    args: tuple[Ann, ...] = ()
    value: object = None

    @property
    def last(self) -> str:
        """The name's last dotted part: ``typing.List`` → ``List``."""
        return self.name.rpartition(".")[2]

    @property
    def is_none(self) -> bool:
        return self.kind is AnnKind.NAME and self.name == "None"


@dataclass(frozen=True, slots=True)
class Imported:
    """What a local name was bound to: ``original`` of ``module`` (``module`` itself when
    ``is_module``, as for ``import x`` / ``import x as y``)."""

    module: str
    original: str
    is_module: bool = False


@dataclass(frozen=True, slots=True)
class Resolved:
    """A type name with its import origin; ``module`` is ``""`` for a local or builtin name."""

    name: str
    module: str

    @staticmethod
    def of(text: str, imports: dict[str, Imported]) -> Resolved:
        head, _, rest = text.partition(".")
        entry = imports.get(head)
        if not rest:
            if entry is None or entry.is_module:
                return Resolved(text, "")
            return Resolved(entry.original, entry.module)
        middle, _, name = rest.rpartition(".")
        if entry is None:
            base = head
        elif entry.is_module:
            base = entry.module
        else:
            # "from pkg import mod" then "mod.Type": the type lives in module pkg.mod.
            joint = "" if entry.module.endswith(".") else "."
            base = f"{entry.module}{joint}{entry.original}"
        return Resolved(name, f"{base}.{middle}" if middle else base)


def collect_imports(tree: ast.Module) -> dict[str, Imported]:
    """The names bound by the module's top-level ``import`` and ``from … import`` statements."""
    imports: dict[str, Imported] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                # "import a.b" binds "a"; Cog also looks names up by the full dotted text.
                imports[alias.asname or alias.name] = Imported(alias.name, alias.name, True)
                if alias.asname is None and "." in alias.name:
                    top = alias.name.partition(".")[0]
                    imports.setdefault(top, Imported(top, top, True))
        elif isinstance(stmt, ast.ImportFrom):
            module = "." * stmt.level + (stmt.module or "")
            for alias in stmt.names:
                if alias.name != "*":
                    imports[alias.asname or alias.name] = Imported(module, alias.name)
    return imports


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attribute accesses on a name, else None (no recursion, so a
    chain of any length is read)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


_SHOWN_DEPTH = 20
_SHOWN_LENGTH = 200


def source_text(node: ast.AST, source: str = "") -> str:
    """``node`` as source text for an error message, cut to 200 characters: as written in
    ``source`` when that is given, else ``ast.unparse`` when the expression is shallow enough
    for it (it recurses)."""
    written = ast.get_source_segment(source, node) if source else None
    if written is not None:
        return written if len(written) <= _SHOWN_LENGTH else written[: _SHOWN_LENGTH - 1] + "…"
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > _SHOWN_DEPTH:
            return "<an expression too deeply nested to show>"
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(current))
    text = ast.unparse(node)
    return text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 1] + "…"


def annotation(node: ast.expr, file: str = "", depth: int = 0) -> Ann:
    """Read an annotation expression; ``depth`` is how deeply it sits inside another.

    Raises:
        SchemaError: an expression that is not a type (UNSUPPORTED_TYPE), or one nested more
            than MAX_TYPE_DEPTH levels deep (LIMIT_EXCEEDED).
    """
    line = getattr(node, "lineno", 0)
    if depth > MAX_TYPE_DEPTH:
        fail(
            SchemaErrorKind.LIMIT_EXCEEDED,
            f"type annotation nested more than {MAX_TYPE_DEPTH} levels deep (the limit)",
            line,
            file,
        )
    if isinstance(node, ast.Name | ast.Attribute):
        name = dotted(node)
        if name is not None:
            return Ann(kind=AnnKind.NAME, name=name, line=line)
    elif isinstance(node, ast.Constant) and node.value is None:
        return Ann(kind=AnnKind.NAME, name="None", line=line)
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _forward_reference(node.value, line, file, depth)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        members: list[Ann] = []
        for side in _union_members(node):
            read = annotation(side, file, depth + 1)
            members.extend(read.args if read.kind is AnnKind.UNION else (read,))
        return Ann(kind=AnnKind.UNION, args=tuple(members), line=line)
    elif isinstance(node, ast.Subscript):
        outer = dotted(node.value)
        if outer is not None:
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            literal = outer.rpartition(".")[2] == "Literal"
            args = tuple(
                _literal_arg(i, file) if literal else annotation(i, file, depth + 1) for i in items
            )
            return Ann(kind=AnnKind.GENERIC, name=outer, args=args, line=line)
    fail(SchemaErrorKind.UNSUPPORTED_TYPE, f"unsupported type: {source_text(node)}", node, file)


def _union_members(node: ast.BinOp) -> list[ast.expr]:
    """The operands of ``a | b | c`` in order. ``|`` nests to the left, one level a member, so
    the chain is walked down its left side instead of recursively."""
    rights: list[ast.expr] = []
    left: ast.expr = node
    while isinstance(left, ast.BinOp) and isinstance(left.op, ast.BitOr):
        rights.append(left.right)
        left = left.left
    return [left, *reversed(rights)]


def _forward_reference(text: str, line: int, file: str, depth: int) -> Ann:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expr = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, RecursionError, MemoryError, ValueError, UnicodeEncodeError):
        # Besides syntax: nesting beyond CPython's parser, and text no source can hold (a lone
        # surrogate from an escape in the string).
        shown = text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 1] + "…"
        fail(
            SchemaErrorKind.UNSUPPORTED_TYPE, f"unsupported string annotation {shown!r}", line, file
        )
    ast.increment_lineno(expr, line - 1)
    return annotation(expr, file, depth + 1)


def _literal_arg(node: ast.expr, file: str) -> Ann:
    value: object
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
        value = node.value
    elif (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) in (int, float)
    ):
        number = node.operand.value
        assert isinstance(number, int | float)
        value = -number
    else:
        fail(SchemaErrorKind.UNSUPPORTED_TYPE, "Literal values must be literals", node, file)
    if not is_json_number(value):
        fail(
            SchemaErrorKind.UNSUPPORTED_TYPE,
            "Literal numbers must fit a 64-bit integer or a finite float",
            node,
            file,
        )
    return Ann(kind=AnnKind.VALUE, value=value, line=node.lineno)
