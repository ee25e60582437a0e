"""The cog.yaml document tree, and how its scalars resolve: Go's yaml.v2 rules (YAML 1.1).

Every scalar keeps its source text: Cog decodes cog.yaml with Go's ``gopkg.in/yaml.v2``, which
hands a *string* field the scalar's text (``python_version: 3.10`` gives ``"3.10"``) while the
JSON-schema check sees the *resolved* value (the float 3.1). :attr:`YamlScalar.text` is the
first, :attr:`YamlScalar.value` the second.

Untagged plain scalars resolve as yaml.v2 resolves them; quoted and block scalars are strings.
Booleans are ``y Y yes Yes YES true True TRUE on On ON`` and ``n N no No NO false False FALSE
off Off OFF``; null is the empty scalar, ``~``, ``null``, ``Null``, ``NULL``; integers use Go's
base-prefix syntax (``0x1F``, ``0o17``, ``017``, ``0b101``, underscores ignored) within 64 bits;
floats match ``[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?`` plus ``.inf``/``.nan``
spellings. Timestamps stay strings, as yaml.v2 gives them to untyped targets (PyYAML, by
contrast, reads ``y`` and ``1e3`` as strings and ``1:20`` as a base-60 integer).

A scalar with one of yaml.v2's tags resolves as yaml.v2's ``resolve`` does: ``!!str`` takes any
text, ``!!binary`` is base64, ``!!int``/``!!float``/``!!bool``/``!!null``/``!!timestamp``
require text that resolves to that kind (an integer may be a ``!!float``).

>>> resolve_plain("3.10"), resolve_plain("yes"), resolve_plain("0x1F")
(3.1, True, 31)
>>> resolve_tagged(TAG_PREFIX + "float", "3")
3.0
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass
from typing import TypeAlias

ScalarValue: TypeAlias = bool | int | float | str | None
TAG_PREFIX = "tag:yaml.org,2002:"

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
# Go's time.Parse with yaml.v2's four layouts: a date, optionally a time ("T"/"t" and a zone, or
# a space and no zone); one- or two-digit month, day and time fields.
_TIMESTAMP = re.compile(
    r"[0-9]{4}-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
    r"| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)?"
)
_INT64 = range(-(2**63), 2**63)
_UINT64 = range(2**64)
_KINDS = {bool: "bool", int: "int", float: "float", str: "str", type(None): "null"}
RESOLVABLE_TAGS = frozenset(
    TAG_PREFIX + kind for kind in ("str", "int", "float", "bool", "null", "timestamp", "binary")
)
"""The scalar tags yaml.v2 resolves; its other standard tags (``!!seq``, ``!!map``,
``!!merge``) change nothing."""


class TagMismatchError(ValueError):
    """The text of a tagged scalar does not resolve to the tag's kind (yaml.v2's wording)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class YamlScalar:
    """A scalar: its text (what a Go string field receives), its resolved value (what the
    schema check sees) and its line (1-based)."""

    text: str
    value: ScalarValue
    line: int = 0

    @property
    def is_null(self) -> bool:
        """True for a null (``~``, ``null``, no value at all, or ``!!null``)."""
        return self.value is None


@dataclass(frozen=True, slots=True, kw_only=True)
class YamlMapping:
    """A mapping: its entries in document order (duplicates kept; the last one wins on lookup),
    with ``<<`` merges already spliced in where they stood."""

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
    """Resolve an untagged plain scalar's text the way yaml.v2 does (see the module docstring)."""
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


def resolve_tagged(tag: str, text: str) -> ScalarValue:
    """The value of a scalar with one of :data:`RESOLVABLE_TAGS` (full form, ``tag:yaml.org,…``).

    Raises:
        TagMismatchError: the text is not of the tag's kind, or not base64 for ``!!binary``.
    """
    kind = tag.removeprefix(TAG_PREFIX)
    if kind == "str":
        return text
    if kind == "binary":
        try:
            data = base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True)
            return data.decode("utf-8", "replace")
        except binascii.Error as exc:
            raise TagMismatchError("!!binary value contains invalid base64 data") from exc
    value = resolve_plain(text)
    resolved = _KINDS[type(value)]
    if resolved == "str" and kind == "timestamp" and _is_timestamp(text):
        return text  # yaml.v2 hands an untyped target the text of a timestamp
    if resolved == kind:
        return value
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise TagMismatchError(f"cannot decode !!{resolved} `{text}` as a !!{kind}")


def _is_timestamp(text: str) -> bool:
    match = _TIMESTAMP.fullmatch(text)
    return match is not None and 1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31


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
    # More significant digits than 64 bits hold is out of range for ParseInt and ParseUint
    # alike; judging that first keeps int() off huge text (it refuses 4,300 decimal digits).
    for digits, most in ((hexa, 16), (octal, 22), (binary, 64), (zero_octal, 23), (decimal, 20)):
        if digits and len(digits.lstrip("0")) > most:
            return None
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
