"""JSON text byte-compatible with Go's ``encoding/json.Marshal``.

Cog writes its labels with Go: compact separators, raw UTF-8, and HTML-safe escaping of ``<``,
``>``, ``&`` (``\\u003c`` …) and of U+2028/U+2029. Object keys keep the order given (Go structs
keep field order); build ordered dicts to match a Go struct.

>>> go_json({"a": "<b> & ü"})
'{"a":"\\\\u003cb\\\\u003e \\\\u0026 ü"}'
"""

from __future__ import annotations

import json

_GO_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def go_json(value: object) -> str:
    """``value`` encoded as Go's ``json.Marshal`` would encode the equivalent Go value."""
    # The five characters can only occur inside JSON strings, so escaping the whole text is safe.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).translate(_GO_ESCAPES)
