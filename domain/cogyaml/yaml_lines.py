"""Lines, columns, comments and indicators: the lexical layer of the cog.yaml YAML reader.

Positions are indices into the text (line breaks already normalised to ``\\n``); columns are
0-based. Indentation is made of spaces only: a tab where indentation is read is an error, as in
libyaml (and so Go's yaml.v2). A comment starts at a ``#`` that begins a line's content or
follows a blank.
"""

from __future__ import annotations

import re

BLANKS = " \t"
ENDS = ("", " ", "\t", "\n")
"""What may follow an indicator (``-``, ``:``, ``?``) for it to count as one."""
# What ends a plain key: ": " (or ':' at the line's end), a comment, or the line break.
_KEY_END = re.compile(r":(?=[ \t\n]|\Z)|(?<=[ \t])#|\n")


class YamlSyntaxError(Exception):
    """A syntax problem at index ``pos`` of the text."""

    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


def column(text: str, pos: int) -> int:
    """The 0-based column of index ``pos``."""
    return pos - (text.rfind("\n", 0, pos) + 1)


def is_document_marker(text: str, pos: int) -> bool:
    """A ``---`` or ``...`` at column 0 followed by a blank, a line break or the end."""
    return (
        column(text, pos) == 0
        and text.startswith(("---", "..."), pos)
        and (pos + 3 == len(text) or text[pos + 3] in " \t\n")
    )


def count_spaces(text: str, start: int, end: int) -> int:
    """How many spaces ``text[start:end]`` begins with."""
    i = start
    while i < end and text[i] == " ":
        i += 1
    return i - start


def raw_lines(text: str, start: int) -> list[tuple[int, int]]:
    """``(start, end)`` of every line from index ``start`` (which begins a line) on."""
    lines = []
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        lines.append((start, end))
        start = end + 1
    return lines


def skip_blanks(text: str, pos: int) -> int:
    """The index of the first non-blank character at or after ``pos`` on its line."""
    while pos < len(text) and text[pos] in BLANKS:
        pos += 1
    return pos


def skip_to_content(text: str, pos: int) -> int:
    """From a line end (or a line start, or a comment), the first character of the next line
    that holds something other than blanks and a comment; ``len(text)`` at the end.

    Raises:
        YamlSyntaxError: that line is indented with a tab.
    """
    i = pos + 1 if pos < len(text) and text[pos] == "\n" else pos
    while i < len(text):
        j = i + count_spaces(text, i, len(text))
        rest = skip_blanks(text, j)
        if rest >= len(text) or text[rest] == "\n":
            i = rest + 1  # a blank line
            continue
        if text[j] == "\t":
            raise YamlSyntaxError(j, "tab characters must not be used for indentation")
        if text[j] != "#":
            return j
        newline = text.find("\n", j)
        i = len(text) if newline < 0 else newline + 1
    return len(text)


def next_line_content(text: str, newline: int, *, flow: bool) -> tuple[int | None, int]:
    """From a line break, the next non-blank character (``None`` at the end) and the number of
    empty lines skipped on the way.

    Raises:
        YamlSyntaxError: outside flow collections, that line is indented with a tab.
    """
    i = newline + 1
    empty = 0
    while i < len(text):
        line_end = text.find("\n", i)
        line_end = len(text) if line_end < 0 else line_end
        spaces = count_spaces(text, i, line_end)
        content = skip_blanks(text, i + spaces)
        if content < line_end:
            if text[i + spaces] == "\t" and not flow:
                raise YamlSyntaxError(i + spaces, "tab characters must not be used for indentation")
            return content, empty
        empty += 1
        i = line_end + 1
    return None, empty


def find_key_colon(text: str, pos: int) -> int:
    """The index of the ``:`` ending a plain key that starts at ``pos``, or -1 if the line
    holds none before its end or a comment."""
    stop = _KEY_END.search(text, pos + 1)
    return stop.start() if stop and text[stop.start()] == ":" else -1


def check_plain_start(text: str, pos: int, *, flow: bool) -> None:
    """Refuse what may not start a plain scalar (or what cog.yaml does not support).

    Raises:
        YamlSyntaxError: an anchor, alias or tag, a reserved or flow indicator, a block scalar
            inside a flow collection, or an explicit ``?`` key.
    """
    ch, following = text[pos : pos + 1], text[pos + 1 : pos + 2]
    if ch in ("&", "*", "!"):
        raise YamlSyntaxError(
            pos, "anchors (&), aliases (*) and tags (!) are not supported in cog.yaml"
        )
    if ch in ("|", ">") and flow:
        raise YamlSyntaxError(pos, "block scalars are not allowed inside a flow collection")
    if ch in ("%", "@", "`", ",", "[", "]", "{", "}", "#"):
        raise YamlSyntaxError(pos, f"a plain value cannot start with {ch!r}")
    if ch == "?" and following in ENDS:
        raise YamlSyntaxError(pos, "explicit '?' mapping keys are not supported")
    if ch in ("-", ":") and following in ENDS:
        raise YamlSyntaxError(pos, f"unexpected indicator {ch!r}")
