"""One source file of a predictor, parsed: the only door from text to a Python AST.

A source is outside input (decision 0034). Before CPython's parser sees it, a file over
:data:`~domain.limits.MAX_SOURCE_BYTES` is refused (the parser is the whole cost of reading a
source, and it has no bound of its own: at 512 KiB of one-line statements it took 3 s and
360 MB here), and so is a ``str`` holding a lone surrogate, which no file can hold. What the
parser itself gives up on (parentheses 200 deep, thousands of chained operators, a NUL byte)
is a PARSE error. Python's warnings about the code (an invalid escape) are not shown: they are
not schema errors, and the domain prints nothing.
"""

from __future__ import annotations

import ast
import warnings

from domain.limits import MAX_SOURCE_BYTES, utf8_size
from domain.openapi.kinds import SchemaErrorKind, fail

__all__ = ["parse_source"]


def parse_source(source: str, path: str) -> ast.Module:
    """Parse the file ``path`` (project-relative; named in errors) whose text is ``source``.

    Raises:
        SchemaError: LIMIT_EXCEEDED for a file over the size limit; PARSE otherwise.
    """
    size = utf8_size(source)
    if size > MAX_SOURCE_BYTES:
        fail(
            SchemaErrorKind.LIMIT_EXCEEDED,
            f"source file is {size} bytes, larger than {MAX_SOURCE_BYTES} bytes (the limit)",
            None,
            path,
        )
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: a str no file can hold
        line = source.count("\n", 0, exc.start) + 1
        fail(SchemaErrorKind.PARSE, "failed to parse Python source: not UTF-8 text", line, path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=path or "<predictor>")
    except SyntaxError as exc:
        fail(SchemaErrorKind.PARSE, f"failed to parse Python source: {exc.msg}", exc.lineno, path)
    except (RecursionError, MemoryError, ValueError):
        # CPython's parser signals nesting beyond its own limits (about 200 parentheses, a few
        # thousand operators) with these, and (before Python 3.11.4) a NUL byte with ValueError.
        fail(
            SchemaErrorKind.PARSE,
            "failed to parse Python source: nested too deeply or not text for Python's parser",
            None,
            path,
        )
