"""Scanning YAML scalars: plain, single-quoted, double-quoted and block (``|``, ``>``).

Each scanner takes the whole text and the index where the scalar starts, and returns the
scalar's content and the index where scanning stopped. Folding follows YAML 1.1 as PyYAML and
libyaml (hence Go's yaml.v2) implement it: inside plain and quoted scalars a single line break
becomes a space and ``n`` empty lines become ``n`` newlines; trailing blanks before a break are
dropped. Problems raise :class:`~domain.cogyaml.yaml_lines.YamlSyntaxError` with the index of
the offending character; the reader turns that into a ``ConfigError`` naming the line.
"""

from __future__ import annotations

import re

from domain.cogyaml.yaml_lines import (
    BLANKS,
    YamlSyntaxError,
    column,
    count_spaces,
    is_document_marker,
    next_line_content,
    raw_lines,
)

_FLOW = ",[]{}"
_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
# Runs of characters that stand for themselves inside quotes (scanned in one step).
_SINGLE_RUN = re.compile(r"[^'\n \t]+")
_DOUBLE_RUN = re.compile(r'[^"\\\n \t]+')


def scan_plain(text: str, pos: int, *, parent_indent: int, flow: bool) -> tuple[str, int]:
    """A plain scalar starting at ``pos``; continuation lines must be indented past
    ``parent_indent`` (block context) and may not hold ``key: value`` (block context).

    Returns the folded text and the index just after its last character.
    """
    chunks: list[str] = []
    end = pos
    breaks = 0
    while True:
        stop, at_colon = _plain_run(text, pos, flow=flow)
        if at_colon and not flow:
            raise YamlSyntaxError(stop, "mapping values are not allowed here")
        run = text[pos:stop].rstrip(BLANKS)
        if chunks:
            chunks.append("\n" * breaks if breaks else " ")
        chunks.append(run)
        end = pos + len(run)
        if stop >= len(text) or text[stop] != "\n":
            break  # a comment, a flow indicator or ": " ends the scalar
        nxt, breaks = next_line_content(text, stop, flow=flow)
        if nxt is None or is_document_marker(text, nxt) or text[nxt] == "#":
            break
        if flow:
            if text[nxt] in _FLOW or (text[nxt] == ":" and _blank_or_end(text, nxt + 1, flow)):
                break
        elif column(text, nxt) <= parent_indent:
            break
        pos = nxt
    return "".join(chunks), end


def scan_single_quoted(text: str, pos: int) -> tuple[str, int]:
    """A ``'...'`` scalar (``''`` is a quote); returns its text and the index after it."""
    chunks: list[str] = []
    i = pos + 1
    while True:
        if i >= len(text):
            raise YamlSyntaxError(pos, "unterminated quoted scalar")
        ch = text[i]
        if ch == "'":
            if text.startswith("''", i):
                chunks.append("'")
                i += 2
                continue
            return "".join(chunks), i + 1
        if ch == "\n":
            i = _fold_quoted_break(text, i, chunks, pos)
        elif ch in BLANKS:
            i = _blanks(text, i, chunks)
        else:
            run = _SINGLE_RUN.match(text, i)
            assert run is not None  # ch is neither a quote, a blank nor a line break
            chunks.append(run.group())
            i = run.end()


def scan_double_quoted(text: str, pos: int) -> tuple[str, int]:
    """A ``"..."`` scalar with YAML escapes; returns its text and the index after it."""
    chunks: list[str] = []
    i = pos + 1
    while True:
        if i >= len(text):
            raise YamlSyntaxError(pos, "unterminated quoted scalar")
        ch = text[i]
        if ch == '"':
            return "".join(chunks), i + 1
        if ch == "\n":
            i = _fold_quoted_break(text, i, chunks, pos)
        elif ch in BLANKS:
            i = _blanks(text, i, chunks)
        elif ch != "\\":
            run = _DOUBLE_RUN.match(text, i)
            assert run is not None  # ch is neither a quote, a backslash, a blank nor a break
            chunks.append(run.group())
            i = run.end()
        elif text.startswith("\\\n", i):  # an escaped line break joins the lines as they are
            i, breaks = _skip_break_and_indent(text, i + 1, pos)
            chunks.append("\n" * breaks)
        else:
            i = _escape(text, i, chunks)


def scan_block_scalar(text: str, pos: int, *, parent_indent: int) -> tuple[str, int]:
    """A literal (``|``) or folded (``>``) scalar whose header starts at ``pos``.

    Returns its text and the index of the start of the first line after it.
    """
    folded = text[pos] == ">"
    chomp, increment, i = _block_header(text, pos + 1)
    lines = raw_lines(text, i)
    indent = _block_indent(text, lines, max(parent_indent + 1, 1), increment)
    chunks: list[str] = []
    breaks = 0
    line_break = ""
    previous_normal = False
    end = i
    for line_start, line_end in lines:
        spaces = count_spaces(text, line_start, min(line_end, line_start + indent))
        if line_start + spaces == line_end:
            breaks += 1  # an empty line (only spaces, no more than the indentation)
            end = min(line_end + 1, len(text))
            continue
        if spaces < indent:
            break
        content = text[line_start + indent : line_end]
        normal = content[:1] not in BLANKS
        if chunks or breaks:
            if not chunks:
                chunks.append("\n" * breaks)
            elif folded and previous_normal and normal:
                chunks.append("\n" * breaks if breaks else " ")
            else:
                chunks.append("\n" * (breaks + 1))
        chunks.append(content)
        previous_normal = normal
        breaks = 0
        line_break = "\n" if line_end < len(text) else ""
        end = min(line_end + 1, len(text))
    if chomp != "-":
        chunks.append(line_break)
    if chomp == "+":
        chunks.append("\n" * breaks)
    return "".join(chunks), end


def _block_indent(text: str, lines: list[tuple[int, int]], minimum: int, increment: int) -> int:
    """The content indentation: explicit, or the deepest of the leading lines up to the first
    non-empty one (PyYAML/libyaml's rule), never below ``minimum``."""
    if increment:
        return minimum + increment - 1
    indent = minimum
    for line_start, line_end in lines:
        spaces = count_spaces(text, line_start, line_end)
        indent = max(indent, spaces)
        if line_start + spaces < line_end:
            break
    return indent


def _plain_run(text: str, pos: int, *, flow: bool) -> tuple[int, bool]:
    """Where the plain text on this line stops, and whether it stopped at a ``: ``."""
    i = pos
    while i < len(text):
        ch = text[i]
        if ch == "\n" or (flow and ch in _FLOW):
            return i, False
        if ch == ":" and _blank_or_end(text, i + 1, flow):
            return i, True
        if ch == "#" and i > pos and text[i - 1] in BLANKS:
            return i, False
        i += 1
    return i, False


def _blank_or_end(text: str, pos: int, flow: bool) -> bool:
    return pos >= len(text) or text[pos] in " \t\n" or (flow and text[pos] in _FLOW)


def _blanks(text: str, i: int, chunks: list[str]) -> int:
    """Literal blanks inside a quoted scalar: kept, unless a line break follows them."""
    j = i
    while j < len(text) and text[j] in BLANKS:
        j += 1
    if j >= len(text) or text[j] != "\n":
        chunks.append(text[i:j])
    return j


def _fold_quoted_break(text: str, newline: int, chunks: list[str], start: int) -> int:
    i, breaks = _skip_break_and_indent(text, newline, start)
    chunks.append("\n" * breaks if breaks else " ")
    return i


def _skip_break_and_indent(text: str, newline: int, start: int) -> tuple[int, int]:
    """Skip a line break, then empty lines and leading blanks; count the empty lines."""
    i = newline + 1
    breaks = 0
    while True:
        while i < len(text) and text[i] in BLANKS:
            i += 1
        if is_document_marker(text, i):
            raise YamlSyntaxError(i, "document marker inside a quoted scalar")
        if i < len(text) and text[i] == "\n":
            breaks += 1
            i += 1
            continue
        if i >= len(text):
            raise YamlSyntaxError(start, "unterminated quoted scalar")
        return i, breaks


def _escape(text: str, i: int, chunks: list[str]) -> int:
    code = text[i + 1 : i + 2]
    if code in _ESCAPES:
        chunks.append(_ESCAPES[code])
        return i + 2
    width = _HEX_ESCAPES.get(code)
    digits = text[i + 2 : i + 2 + width] if width else ""
    if not width or len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise YamlSyntaxError(i, f"invalid escape sequence {text[i : i + 2]!r}")
    value = int(digits, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise YamlSyntaxError(i, f"invalid Unicode escape {text[i : i + 2 + width]!r}")
    chunks.append(chr(value))
    return i + 2 + width


def _block_header(text: str, i: int) -> tuple[str, int, int]:
    """Chomping (``-``, ``+`` or ``""``) and indentation indicators, then the comment/line end."""
    chomp, increment = "", 0
    for _ in range(2):
        ch = text[i : i + 1]
        if ch in ("+", "-") and not chomp:
            chomp = ch
        elif ch in tuple("123456789") and not increment:
            increment = int(ch)
        else:
            break
        i += 1
    while i < len(text) and text[i] in BLANKS:
        i += 1
    if i < len(text) and text[i] == "#" and text[i - 1] in BLANKS:
        newline = text.find("\n", i)
        i = len(text) if newline < 0 else newline
    if i < len(text) and text[i] != "\n":
        raise YamlSyntaxError(i, "expected a comment or a line break after a block scalar header")
    return chomp, increment, min(i + 1, len(text))
