"""Reading a JSON document that came from outside, in bounded time and memory.

Labels (``run.cog.openapi_schema``, ``run.cog.config``) come from whoever pushed the image, and
``--openapi-schema`` files from disk. :func:`read_json` is the one reader for them. It refuses,
with :class:`~domain.errors.InvalidJsonError` naming the rule:

* text over ``max_bytes`` UTF-8 bytes (default :data:`~domain.limits.MAX_JSON_BYTES`), checked
  before anything is parsed, or with more than ``max_structure`` bytes outside its strings
  (default :data:`~domain.limits.MAX_JSON_STRUCTURE`), which is what decoding time grows with;
* arrays and objects nested deeper than ``max_depth`` (default
  :data:`~domain.limits.MAX_JSON_DEPTH`), found by a linear scan before the decoder runs, so
  the recursive decoder and every walker after it stay far from Python's recursion limit;
* ``NaN``, ``Infinity`` and ``-Infinity``, which Python's decoder accepts and JSON (RFC 8259)
  and Go do not, and numbers beyond float64's range (``1e400``; Go's decoder refuses them);
* bytes that are not UTF-8, and anything else that is not JSON (with its line).

Duplicate object keys keep the last value, and an escaped lone surrogate (``"\\ud800"``, which no
UTF-8 text can hold) becomes U+FFFD, as Go's decoder does.

>>> read_json('{"a": [1, 2.5, null]}', what="x")
{'a': [1, 2.5, None]}
>>> read_json("[" * 150 + "]" * 150, what="x")
Traceback (most recent call last):
...
domain.errors.InvalidJsonError: x: arrays and objects nested deeper than 100 levels (the limit)
"""

from __future__ import annotations

import itertools
import json
import math
import re
from typing import Any, Final

from domain.errors import InvalidJsonError
from domain.limits import MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_JSON_STRUCTURE, utf8_size

__all__ = [
    "PYDANTIC_PLAIN_DEPTH",
    "check_limits",
    "is_plain_json",
    "json_depth",
    "read_json",
    "text_depth",
]

# A JSON string (escapes included), unrolled so that a long one is matched without
# backtracking; an unterminated one is left for the decoder to reject.
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET: Final = re.compile(r"[^\[\]{}]+")
_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_FLOAT64_DIGITS: Final = 310  # no integer of more digits fits a float64 (max ≈ 1.8e308)
# pydantic-core's JSON parser refuses documents nested about 200 levels deep; well below that,
# json and pydantic agree. No label or manifest nests more than four.
PYDANTIC_PLAIN_DEPTH: Final = 64


def read_json(
    text: str | bytes,
    *,
    what: str,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
) -> object:
    """Decode ``text`` (``what`` names it in errors) within the limits above.

    Raises:
        InvalidJsonError: too large, nested too deeply, not UTF-8, or not JSON.
    """
    text = check_limits(text, what=what, max_bytes=max_bytes, max_depth=max_depth)
    try:
        value = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_float64, parse_int=_integer
        )
    except json.JSONDecodeError as exc:
        raise InvalidJsonError(what, f"not JSON: {exc.msg}", line=exc.lineno) from exc
    except ValueError as exc:  # raised by the hooks below; their message is ours
        raise InvalidJsonError(what, str(exc)) from exc
    if _SURROGATE_ESCAPE.search(text) or _SURROGATE.search(text):
        return _without_surrogates(value)
    return value


def check_limits(
    text: str | bytes,
    *,
    what: str,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
    max_structure: int = MAX_JSON_STRUCTURE,
) -> str:
    """``text`` as a ``str`` once its size, encoding, structure and nesting are within the
    limits; for a caller whose own decoder (pydantic's, say) does the rest.

    Raises:
        InvalidJsonError: too large, not UTF-8, too much structure, or nested too deeply.
    """
    if isinstance(text, bytes):
        data = text
        _check_size(len(data), what, max_bytes)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InvalidJsonError(what, "not UTF-8 text", line=line) from exc
    else:
        _check_size(utf8_size(text), what, max_bytes)
    # Strings cost little to decode; structure (numbers, brackets, commas: what is left once
    # the strings are gone) is what makes a document slow. Both scans run in C.
    structure = _STRING.sub("", text)
    if len(structure) > max_structure:
        reason = f"{len(structure)} bytes outside strings is more than {max_structure} (the limit)"
        raise InvalidJsonError(what, reason)
    if structure.count("[") + structure.count("{") > max_depth and (_depth(structure) > max_depth):
        reason = f"arrays and objects nested deeper than {max_depth} levels (the limit)"
        raise InvalidJsonError(what, reason)
    return text


def _check_size(size: int, what: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise InvalidJsonError(what, f"{size} bytes is larger than {max_bytes} bytes (the limit)")


def text_depth(text: str) -> int:
    """How deeply the arrays and objects of JSON ``text`` nest (0 for a scalar), in one pass.

    Brackets inside strings do not count. For text that is not JSON the answer is an upper
    bound that errs high, which is what a limit check needs.
    """
    return _depth(_STRING.sub("", text))


def _depth(structure: str) -> int:
    brackets = _NOT_BRACKET.sub("", structure)
    return max(0, max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0))


def json_depth(value: object) -> int:
    """How deeply the lists and dicts of a decoded value nest (0 for a scalar), without
    recursion, so that any value can be measured."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: list[object] = list(node.values())
        elif isinstance(node, list | tuple):
            children = list(node)
        else:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def is_plain_json(value: object, *, max_depth: int = PYDANTIC_PLAIN_DEPTH) -> bool:
    """Whether a value ``json.loads`` made nests at most ``max_depth`` levels and holds no lone
    surrogate in a string or key: a document pydantic-core's parser reads as ``json`` does (it
    refuses deeper nesting and surrogates), so a lighter reader may answer for the models.

    Walked with a stack of its own, so any value can be checked.
    """
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return False
        if isinstance(node, str):
            if not _utf8(node):
                return False
        elif isinstance(node, dict):
            if not all(_utf8(key) for key in node):
                return False
            stack.extend((item, depth + 1) for item in node.values())
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
    return True


def _utf8(text: str) -> bool:
    """Whether ``text`` encodes as UTF-8 (it holds no lone surrogate)."""
    return text.isascii() or _SURROGATE.search(text) is None


def _without_surrogates(value: object) -> object:
    """``value`` with every lone surrogate in its strings (keys too) replaced by U+FFFD; lists
    and dicts are fixed in place, walked with a stack of their own."""
    root: list[Any] = [value]
    stack: list[tuple[list[Any] | dict[str, Any], Any]] = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        node = parent[key]
        if isinstance(node, str):
            parent[key] = _SURROGATE.sub("\ufffd", node)
        elif isinstance(node, list):
            stack.extend((node, i) for i in range(len(node)))
        elif isinstance(node, dict):
            fixed = {_SURROGATE.sub("\ufffd", k): v for k, v in node.items()}
            parent[key] = fixed
            stack.extend((fixed, k) for k in fixed)
    return root[0]


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


def _float64(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range of a 64-bit float")
    return value


def _integer(text: str) -> int:
    # Go decodes a JSON number into a float64: an integer beyond its range is refused, and
    # refusing it before int() also keeps Python's 4,300-digit conversion limit out of reach.
    if len(text.lstrip("-")) > _FLOAT64_DIGITS or not math.isfinite(float(text)):
        raise ValueError(f"number {text[:40]} is out of range of a 64-bit float")
    return int(text)
