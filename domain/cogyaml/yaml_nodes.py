"""The YAML document tree :mod:`domain.cogyaml.yaml_text` produces; YAML 1.1 scalar resolution.

Every scalar keeps its source text: Cog decodes cog.yaml with Go's ``gopkg.in/yaml.v2``, which
hands a *string* field the scalar's text (``python_version: 3.10`` gives ``"3.10"``) while the
JSON-schema check sees the *resolved* value (the float 3.1). :attr:`YamlScalar.text` is the
first, :attr:`YamlScalar.value` the second.

Resolution follows yaml.v2 (YAML 1.1) for plain scalars only; quoted and block scalars are always
strings. Booleans are ``y Y yes Yes YES true True TRUE on On ON`` and ``n N no No NO false False
FALSE off Off OFF``; null is the empty scalar, ``~``, ``null``, ``Null``, ``NULL``; integers use
Go's base-prefix syntax (``0x1F``, ``0o17``, ``017``, ``0b101``, underscores ignored) within 64
bits; floats match ``[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?`` plus
``.inf``/``.nan`` spellings. Timestamps stay strings, as yaml.v2 gives them to untyped targets.

>>> YamlScalar(text="3.10").value, YamlScalar(text="3.10").text
(3.1, '3.10')
>>> YamlScalar(text="yes").value, YamlScalar(text="yes", plain=False).value
(True, 'yes')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TypeAlias

ScalarValue: TypeAlias = bool | int | float | str | None
PythonValue: TypeAlias = ScalarValue | dict[ScalarValue, "PythonValue"] | list["PythonValue"]

_SPECIAL: dict[str, ScalarValue] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE"), True),
    **dict.fromkeys(("on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE"), False),
    **dict.fromkeys(("off", "Off", "OFF"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_GO_INT = re.compile(
    r"([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))"
)
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INT64 = range(-(2**63), 2**63)
_UINT64 = range(2**64)


@dataclass(frozen=True, slots=True, kw_only=True)
class YamlScalar:
    """A scalar: its text after unquoting/folding, whether it was plain, and its line (1-based)."""

    text: str
    plain: bool = True
    line: int = 0

    @property
    def value(self) -> ScalarValue:
        """The resolved value: YAML 1.1 types for plain scalars, the text otherwise."""
        return resolve_plain(self.text) if self.plain else self.text

    @property
    def is_null(self) -> bool:
        """True for a plain null (``~``, ``null``, or no value at all)."""
        return self.plain and self.value is None


@dataclass(frozen=True, slots=True, kw_only=True)
class YamlMapping:
    """A mapping: its entries in document order (duplicates kept; the last one wins on lookup)."""

    items: tuple[tuple[YamlScalar, YamlNode], ...]
    line: int = 0

    def get(self, key: str) -> YamlNode | None:
        """The value of the last entry whose key text is ``key``, or ``None``."""
        found = None
        for k, v in self.items:
            if k.text == key:
                found = v
        return found


@dataclass(frozen=True, slots=True, kw_only=True)
class YamlSequence:
    """A sequence of nodes."""

    items: tuple[YamlNode, ...]
    line: int = 0


YamlNode: TypeAlias = YamlScalar | YamlMapping | YamlSequence


def resolve_plain(text: str) -> ScalarValue:
    """Resolve a plain scalar's text the way yaml.v2 does (see the module docstring)."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    first = text[0]
    if first == ".":
        return _go_float(text, text)
    if first not in "+-0123456789":
        return text
    plain = text.replace("_", "")
    number = _go_int(plain)
    return number if number is not None else _go_float(plain, text)


def to_python(node: YamlNode | None) -> PythonValue:
    """The resolved value of a whole tree: dicts (last duplicate wins), lists and scalars."""
    if node is None:
        return None
    if isinstance(node, YamlScalar):
        return node.value
    if isinstance(node, YamlSequence):
        return [to_python(item) for item in node.items]
    return {key.value: to_python(value) for key, value in node.items}


def _go_float(candidate: str, text: str) -> float | str:
    if not _YAML_FLOAT.fullmatch(candidate):
        return text
    value = float(candidate)
    return value if math.isfinite(value) else text  # Go's ParseFloat fails on overflow


def _go_int(text: str) -> int | None:
    match = _GO_INT.fullmatch(text)
    if match is None:
        return None
    sign, hexa, octal, binary, zero_octal, decimal = match.groups()
    if hexa:
        value = int(hexa, 16)
    elif octal:
        value = int(octal, 8)
    elif binary:
        value = int(binary, 2)
    elif zero_octal:
        value = int(zero_octal, 8)
    else:
        value = int(decimal)
    value = -value if sign == "-" else value
    # ParseInt (signed 64-bit) first, then ParseUint, which takes no sign at all.
    if value in _INT64 or (not sign and value in _UINT64):
        return value
    return None
