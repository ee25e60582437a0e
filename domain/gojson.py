"""JSON text byte-for-byte as Go's ``encoding/json`` writes it.

Cog writes its labels and its OpenAPI schema with Go's ``json.Marshal`` (compact) or
``json.MarshalIndent(v, "", "  ")``. To produce the same bytes from Python:

* **Strings** are raw UTF-8 except ``"`` and ``\\`` (backslash-escaped), ``\\b \\f \\n \\r \\t``
  (short escapes, Go 1.22 and later), other control characters (``\\u00XX``, lower-case hex),
  the HTML characters ``<``, ``>``, ``&`` (``\\u003c``, ``\\u003e``, ``\\u0026``) and the
  JavaScript line terminators U+2028/U+2029. A lone surrogate, which Go cannot hold, is
  written as ``\\ufffd`` (Go's replacement for invalid UTF-8).
* **Floats** follow Go's ``floatEncoder`` (ES6 number formatting): the shortest digits that
  round-trip, fixed notation when ``1e-6 <= |f| < 1e21`` (``1.0`` → ``1``, ``1e20`` →
  ``100000000000000000000``), exponent notation otherwise with a two-digit exponent whose
  leading zero is dropped when negative (``1e21`` → ``1e+21``, ``1e-7`` → ``1e-7``).
  ``-0.0`` → ``-0``. NaN and infinities are rejected, as Go rejects them.
* **Objects** keep the dict's order; pass ``sort_keys=True`` where Go would marshal a
  ``map`` (keys sorted by their UTF-8 bytes, which for ``str`` is code-point order).

>>> dumps({"a": "<b>&", "n": [1.0, 1e21, 1e-7, 2.5, True, None]})
'{"a":"\\\\u003cb\\\\u003e\\\\u0026","n":[1,1e+21,1e-7,2.5,true,null]}'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

__all__ = ["dumps", "format_float", "format_float_v"]

# Everything Go escapes: quote, backslash, C0 controls, the HTML trio, U+2028/2029, and
# surrogates (which only a Python str can contain).
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029\ud800-\udfff]')
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_SHORT_ESCAPES["\t"] = "\\t"


def dumps(obj: object, *, sort_keys: bool = False, indent: int | None = None) -> str:
    """Serialise ``obj`` (dict, list, tuple, str, int, float, bool, None) as Go would.

    Compact by default (Go's ``json.Marshal``); ``indent=2`` gives ``json.MarshalIndent``
    with a two-space indent and no trailing newline. Dict keys must be strings.

    Raises:
        TypeError: a value or key of a type JSON cannot hold (a programming error).
        ValueError: a NaN or infinite float (Go refuses them too).
    """
    parts: list[str] = []
    _encode(obj, parts, sort_keys, indent, 0)
    return "".join(parts)


def format_float(value: float) -> str:
    """Format one float64 exactly as Go's ``encoding/json`` does.

    >>> [format_float(v) for v in (1.0, -1.5, 1e20, 1e21, 1e-6, 1.5e-7, 1e-10, -0.0)]
    ['1', '-1.5', '100000000000000000000', '1e+21', '0.000001', '1.5e-7', '1e-10', '-0']

    Raises:
        ValueError: ``value`` is NaN or infinite.
    """
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"json: unsupported value: {value!r}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    if 1e-6 <= abs(value) < 1e21:
        return sign + _fixed(digits, point)
    exponent = point - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    # Go writes at least two exponent digits, then trims the zero of "e-0d" (not of "e+0d",
    # which cannot occur here because exponent notation starts at 1e21).
    exp_text = f"{abs(exponent):02d}"
    if exponent < 0 and exp_text.startswith("0"):
        exp_text = exp_text[1:]
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{exp_text}"


def format_float_v(value: float) -> str:
    """Format a float64 as Go's ``fmt.Sprintf("%v", f)`` does (``%g``, shortest digits).

    Cog uses this to turn non-string dict keys of a default into JSON object keys.

    >>> [format_float_v(v) for v in (1.0, 1.5, 100000.0, 1e6, 1.25e-5, 0.0001)]
    ['1', '1.5', '100000', '1e+06', '1.25e-05', '0.0001']
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    exponent = point - 1
    # strconv's shortest %g switches to exponent form below 1e-4 and from 1e6 (precision 6).
    if -4 <= exponent < 6:
        return sign + _fixed(digits, point)
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of ``value`` > 0 and the position of the point.

    The value equals ``0.<digits> * 10**point``. Python's ``repr`` and Go's ``strconv`` both
    produce the shortest digit string that reads back to the same float64.
    """
    text = repr(value)
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    point = len(whole) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0") or "0", point


def _fixed(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "\\ufffd"
    return f"\\u{code:04x}"


def _string(text: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def _encode(obj: object, out: list[str], sort_keys: bool, indent: int | None, depth: int) -> None:
    # bool before int: True is an int in Python, but JSON spells it "true".
    if obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif isinstance(obj, str):
        out.append(_string(obj))
    elif isinstance(obj, int):
        out.append(str(obj))
    elif isinstance(obj, float):
        out.append(format_float(obj))
    elif isinstance(obj, Mapping):
        _encode_object(obj, out, sort_keys, indent, depth)
    elif isinstance(obj, Sequence) and not isinstance(obj, bytes | bytearray):
        _encode_array(obj, out, sort_keys, indent, depth)
    else:
        raise TypeError(f"json: unsupported type: {type(obj).__name__}")


def _encode_object(
    obj: Mapping[object, object], out: list[str], sort_keys: bool, indent: int | None, depth: int
) -> None:
    items = list(obj.items())
    for key, _ in items:
        if not isinstance(key, str):
            raise TypeError(f"json: unsupported map key type: {type(key).__name__}")
    if sort_keys:
        items.sort(key=lambda item: str(item[0]))
    if not items:
        out.append("{}")
        return
    colon = ":" if indent is None else ": "
    out.append("{")
    for index, (key, value) in enumerate(items):
        if index:
            out.append(",")
        _newline(out, indent, depth + 1)
        out.append(_string(str(key)))
        out.append(colon)
        _encode(value, out, sort_keys, indent, depth + 1)
    _newline(out, indent, depth)
    out.append("}")


def _encode_array(
    obj: Sequence[object], out: list[str], sort_keys: bool, indent: int | None, depth: int
) -> None:
    if not obj:
        out.append("[]")
        return
    out.append("[")
    for index, value in enumerate(obj):
        if index:
            out.append(",")
        _newline(out, indent, depth + 1)
        _encode(value, out, sort_keys, indent, depth + 1)
    _newline(out, indent, depth)
    out.append("]")


def _newline(out: list[str], indent: int | None, depth: int) -> None:
    if indent is not None:
        out.append("\n" + " " * (indent * depth))
