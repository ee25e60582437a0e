"""Python types → JSON Schema fragments, for inputs and for outputs (cog-spec §5.2).

* ``str``, ``int``, ``float``, ``bool`` → ``{"type": "string" | "integer" | "number" |
  "boolean"}``
* ``Path``, ``File`` → ``{"type": "string", "format": "uri"}``
* ``Secret`` → a string with ``format: password``, ``writeOnly`` and ``x-cog-secret``
* ``Any``, ``dict``, ``dict[K, V]`` and, for inputs, TypedDicts → ``{"type": "object"}``
* ``list[X]`` → ``{"type": "array", "items": X}``
* ``Optional[X]``, ``X | None`` → X with ``nullable: true``
* ``A | B`` (inputs) → ``{"anyOf": [A, B]}``
* ``Literal[...]`` (inputs) → the values' base type, with the values as choices
* ``Annotated[X, ...]`` → X; ``Annotated[X, cog.Opaque]`` → an opaque object (an array of
  them for lists)

Outputs add ``dict[str, V]`` (``additionalProperties``), ``Iterator``/``AsyncIterator`` and
``ConcatenateIterator[str]`` arrays, and model classes (inline objects); ``Optional`` and
unions are not allowed at the top of an output. The resolvers live in
:mod:`domain.openapi.input_types` and :mod:`domain.openapi.output_types`; this module holds the
type values and their fragments.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.openapi.literals import JSONValue

__all__ = [
    "PRIMITIVES",
    "InputField",
    "InputType",
    "Kind",
    "Ordered",
    "OutputField",
    "OutputType",
    "Prim",
    "title_case",
]


class Ordered(dict[str, object]):
    """A JSON object whose key order is significant (Go's ordered map in Cog).

    Every other object of a document is written with sorted keys, as Go writes a ``map``.
    """


class Prim(Enum):
    BOOL = "bool"
    FLOAT = "float"
    INT = "int"
    STR = "str"
    PATH = "Path"
    FILE = "File"
    SECRET = "Secret"  # noqa: S105 - the type's name, not a password
    ANY = "Any"

    def schema(self) -> dict[str, object]:
        """A fresh fragment for this primitive."""
        if self is Prim.SECRET:
            return {"type": "string", "format": "password", "writeOnly": True, "x-cog-secret": True}
        if self in (Prim.PATH, Prim.FILE):
            return {"type": "string", "format": "uri"}
        return {"type": _JSON_TYPES[self]}


_JSON_TYPES = {
    Prim.BOOL: "boolean",
    Prim.FLOAT: "number",
    Prim.INT: "integer",
    Prim.STR: "string",
    Prim.ANY: "object",
}
PRIMITIVES = {prim.value: prim for prim in Prim}


class Kind(Enum):
    PRIM = "prim"
    ANY = "any"
    ARRAY = "array"
    UNION = "union"  # inputs only
    DICT = "dict"  # outputs only
    OBJECT = "object"  # outputs only
    ITERATOR = "iterator"  # outputs only
    CONCAT = "concatenate"  # outputs only


@dataclass(frozen=True, slots=True, kw_only=True)
class InputType:
    """The type of one input. ``choices`` come from ``Literal[...]``."""

    kind: Kind
    prim: Prim = Prim.ANY
    items: InputType | None = None
    variants: tuple[InputType, ...] = ()
    nullable: bool = False
    choices: tuple[JSONValue, ...] | None = None

    @property
    def base(self) -> Prim:
        """The primitive Cog's flat field type sees: itself, or a list's element."""
        if self.kind is Kind.PRIM:
            return self.prim
        if self.kind is Kind.ARRAY and self.items is not None and self.items.kind is Kind.PRIM:
            return self.items.prim
        return Prim.ANY

    def schema(self) -> dict[str, object]:
        if self.kind is Kind.PRIM:
            result = self.prim.schema()
        elif self.kind is Kind.ARRAY and self.items is not None:
            result = {"type": "array", "items": self.items.schema()}
        elif self.kind is Kind.UNION:
            variants = [v.schema() for v in self.variants]
            for variant in variants:
                if self.nullable:
                    variant["nullable"] = True
            result = {"anyOf": variants}
        else:
            result = {"type": "object"}
        if self.nullable:
            result["nullable"] = True
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class InputField:
    """One input of the predictor as the schema shows it (``order`` is its ``x-order``).

    ``has_default`` tells a ``None`` default from no default; ``choices`` come from
    ``choices=`` or from a ``Literal`` type.
    """

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


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputField:
    name: str
    type: OutputType
    required: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputType:
    """The type of the output, or of a part of it."""

    kind: Kind
    prim: Prim = Prim.ANY
    items: OutputType | None = None  # array and iterator elements, dict values
    fields: tuple[OutputField, ...] = ()
    nullable: bool = False

    def schema(self, *, top: bool = False) -> dict[str, object]:
        """The fragment; the top-level output is titled ``Output`` (in train mode too)."""
        result = self._core()
        if top:
            result["title"] = "Output"
        if self.nullable:
            result["nullable"] = True
        return result

    def _core(self) -> dict[str, object]:
        items = self.items.schema() if self.items is not None else {"type": "object"}
        result: dict[str, object]
        if self.kind is Kind.PRIM:
            result = self.prim.schema()
        elif self.kind is Kind.ARRAY:
            result = {"type": "array", "items": items}
        elif self.kind is Kind.DICT:
            result = {"type": "object", "additionalProperties": items}
        elif self.kind in (Kind.ITERATOR, Kind.CONCAT):
            result = {"type": "array", "items": items, "x-cog-array-type": "iterator"}
            if self.kind is Kind.CONCAT:
                result["x-cog-array-display"] = "concatenate"
        elif self.kind is Kind.OBJECT:
            properties = Ordered()
            for field in self.fields:
                prop = field.type.schema()
                prop["title"] = title_case(field.name)
                properties[field.name] = prop
            result = {"type": "object", "properties": properties}
            required = [f.name for f in self.fields if f.required]
            if required:
                result["required"] = required
        else:
            result = {"type": "object"}
        return result


def title_case(name: str) -> str:
    """Cog's title: split on ``_``, upper-case each part's first letter, join with spaces.

    >>> [title_case(n) for n in ("test_image", "api_key", "x", "_private", "a__b")]
    ['Test Image', 'Api Key', 'X', ' Private', 'A  B']
    """
    return " ".join(part[:1].upper() + part[1:] for part in name.split("_"))
