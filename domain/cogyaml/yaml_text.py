"""A small, strict YAML reader for cog.yaml files (the domain may not depend on PyYAML).

Supported: block mappings and sequences (including a sequence at its key's indentation and
compact ``- key: value`` entries), flow sequences and mappings (``[a, b]``, ``{k: v}``, ``[k: v]``
pairs), plain, single-quoted and double-quoted scalars (all YAML escapes), literal and folded
block scalars with chomping and indentation indicators, comments, ``---``/``...`` markers (only
the first document is read, as yaml.v2's ``Unmarshal`` does) and empty values (null). Duplicate
keys are accepted and the last one wins, as in yaml.v2 and PyYAML.

Rejected with a :class:`~domain.errors.ConfigError` whose reason starts with ``line N:``:
anchors, aliases, tags, directives, ``?`` complex keys, collection keys, ``<<`` merge keys, tab
indentation and control characters; and every syntax error.

Scalars keep their text; see :mod:`domain.cogyaml.yaml_nodes` for how values resolve.

>>> node = parse_yaml("build:\\n  python_version: 3.10\\n")
>>> node.get("build").get("python_version").text
'3.10'
"""

from __future__ import annotations

import bisect
import re
from typing import NoReturn

from domain.cogyaml.yaml_flow import read_flow
from domain.cogyaml.yaml_lines import (
    ENDS,
    YamlSyntaxError,
    check_plain_start,
    column,
    find_key_colon,
    is_document_marker,
    skip_blanks,
    skip_to_content,
)
from domain.cogyaml.yaml_nodes import YamlMapping, YamlNode, YamlScalar, YamlSequence
from domain.cogyaml.yaml_scalars import (
    scan_block_scalar,
    scan_double_quoted,
    scan_plain,
    scan_single_quoted,
)
from domain.errors import ConfigError

_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def parse_yaml(text: str) -> YamlNode | None:
    """Read the first YAML document of ``text``; ``None`` when it holds no node at all.

    Raises:
        ConfigError: a syntax error or an unsupported construct; ``reason`` names the line.
    """
    reader = _Reader(text)
    try:
        return reader.document()
    except YamlSyntaxError as exc:
        raise ConfigError("", f"line {reader.line_of(exc.pos)}: {exc.message}") from exc


class _Reader:
    """Recursive descent over the text. Every node method returns with ``pos`` at the first
    character of the next content line (past blank and comment lines), or at the end."""

    def __init__(self, text: str) -> None:
        text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
        self.text = text
        self.pos = 0
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self._line_starts, pos)

    def document(self) -> YamlNode | None:
        bad = _UNPRINTABLE.search(self.text)
        if bad:
            self._fail(f"control character {ord(bad.group()):#04x} is not allowed", bad.start())
        self._skip_to_content()
        at_end_marker = is_document_marker(self.text, self.pos) and self._ch() == "."
        if self.pos >= len(self.text) or at_end_marker:
            return None
        if self._ch() == "%":
            self._fail("directives (%) are not supported")
        if is_document_marker(self.text, self.pos):
            self.pos += 3
            node = self._value(-1, after_dash=False)
        else:
            node = self._block_node(-1)
        if self.pos < len(self.text) and not is_document_marker(self.text, self.pos):
            self._fail("unexpected content after the document")
        if isinstance(node, YamlScalar) and node.plain and node.text == "":
            return None
        return node

    # ------------------------------------------------------------------ block structure

    def _value(self, parent_indent: int, *, after_dash: bool) -> YamlNode:
        """The node after ``key:``, ``-`` or ``---``: on this line, on the lines below, or null."""
        self._skip_blanks()
        line = self.line_of(self.pos)
        if self._ch() in ("", "\n", "#"):
            self._skip_to_content()
            col = self._content_col()
            if col > parent_indent:
                return self._block_node(parent_indent)
            if col == parent_indent and not after_dash and self._at_sequence_entry():
                return self._block_sequence(col, indentless=True)
            return YamlScalar(text="", line=line)
        if self._at_sequence_entry():
            if not after_dash:
                self._fail("block sequence entries are not allowed here")
            return self._block_sequence(self._col(), indentless=False)
        if after_dash and self._looks_like_key():
            return self._block_mapping(self._col())
        return self._inline_node(parent_indent)

    def _block_node(self, parent_indent: int) -> YamlNode:
        if self._at_sequence_entry():
            return self._block_sequence(self._col(), indentless=False)
        if self._looks_like_key():
            return self._block_mapping(self._col())
        return self._inline_node(parent_indent)

    def _block_mapping(self, col: int) -> YamlMapping:
        line = self.line_of(self.pos)
        items: list[tuple[YamlScalar, YamlNode]] = []
        while True:
            if self._at_sequence_entry():
                self._fail("expected a mapping key, found a sequence entry")
            key = self._key()
            items.append((key, self._value(col, after_dash=False)))
            next_col = self._content_col()
            if next_col < col:
                return YamlMapping(items=tuple(items), line=line)
            if next_col > col:
                self._fail("bad indentation of a mapping entry")

    def _block_sequence(self, col: int, *, indentless: bool) -> YamlSequence:
        line = self.line_of(self.pos)
        items: list[YamlNode] = []
        while True:
            self.pos += 1  # the '-'
            items.append(self._value(col, after_dash=True))
            next_col = self._content_col()
            if next_col < col or (next_col == col and indentless and not self._at_sequence_entry()):
                return YamlSequence(items=tuple(items), line=line)
            if next_col > col:
                self._fail("bad indentation of a sequence entry")
            if not self._at_sequence_entry():
                self._fail("expected a sequence entry ('- ') at this indentation")

    def _key(self) -> YamlScalar:
        line = self.line_of(self.pos)
        ch = self._ch()
        if ch in ("[", "{"):
            self._fail("mapping keys must be scalars (collection keys are not supported)")
        if ch in ("'", '"'):
            scan = scan_double_quoted if ch == '"' else scan_single_quoted
            text, end = scan(self.text, self.pos)
            if self.line_of(end) != line:
                self._fail("a mapping key must fit on one line")
            key = YamlScalar(text=text, plain=False, line=line)
        else:
            check_plain_start(self.text, self.pos, flow=False)
            end = find_key_colon(self.text, self.pos)
            if end < 0:
                self._fail("could not find the ':' after a mapping key")
            text = self.text[self.pos : end].rstrip(" \t")
            key = YamlScalar(text=text, line=line)
            end = self.pos + len(text)
        if key.plain and key.text == "<<":
            self._fail("merge keys ('<<') are not supported")
        self.pos = end
        self._skip_blanks()
        if self._ch() != ":":
            self._fail("could not find the ':' after a mapping key")
        self.pos += 1
        return key

    def _inline_node(self, parent_indent: int) -> YamlNode:
        """A scalar or flow collection starting at ``pos``, ending the line it ends on."""
        ch = self._ch()
        line = self.line_of(self.pos)
        if ch in ("|", ">"):
            text, self.pos = scan_block_scalar(self.text, self.pos, parent_indent=parent_indent)
            self._skip_to_content()
            return YamlScalar(text=text, plain=False, line=line)
        node: YamlNode
        if ch in ("'", '"'):
            scan = scan_double_quoted if ch == '"' else scan_single_quoted
            text, self.pos = scan(self.text, self.pos)
            node = YamlScalar(text=text, plain=False, line=line)
        elif ch in ("[", "{"):
            node, self.pos = read_flow(self.text, self.pos, self.line_of)
            self._skip_blanks()
            if self._ch() == ":":
                self._fail("mapping keys must be scalars (collection keys are not supported)")
        else:
            check_plain_start(self.text, self.pos, flow=False)
            text, self.pos = scan_plain(
                self.text, self.pos, parent_indent=parent_indent, flow=False
            )
            node = YamlScalar(text=text, line=line)
        self._finish_line()
        return node

    # ------------------------------------------------------------------ lines and positions

    def _skip_to_content(self) -> None:
        self.pos = skip_to_content(self.text, self.pos)

    def _finish_line(self) -> None:
        """After a node that ended mid-line: only blanks and a comment may follow."""
        self._skip_blanks()
        ch = self._ch()
        if ch == "#":
            newline = self.text.find("\n", self.pos)
            self.pos = len(self.text) if newline < 0 else newline
        elif ch == ":":
            self._fail("mapping values are not allowed here")
        elif ch not in ("", "\n"):
            self._fail("unexpected text after a value")
        self._skip_to_content()

    def _content_col(self) -> int:
        if self.pos >= len(self.text) or is_document_marker(self.text, self.pos):
            return -1
        return self._col()

    def _at_sequence_entry(self) -> bool:
        return self._ch() == "-" and self._ch(1) in ENDS

    def _looks_like_key(self) -> bool:
        """Whether the text at ``pos`` is ``key:`` followed by a blank or the line end."""
        ch = self._ch()
        if ch in ("'", '"'):
            try:
                scan = scan_double_quoted if ch == '"' else scan_single_quoted
                _, end = scan(self.text, self.pos)
            except YamlSyntaxError:
                return False
            while end < len(self.text) and self.text[end] in " \t":
                end += 1
            return self.text[end : end + 1] == ":" and self.text[end + 1 : end + 2] in ENDS
        if ch in ("[", "{") or (ch in ("-", "?", ":") and self._ch(1) in ENDS):
            return False
        return find_key_colon(self.text, self.pos) >= 0

    def _skip_blanks(self) -> None:
        self.pos = skip_blanks(self.text, self.pos)

    def _ch(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def _col(self) -> int:
        return column(self.text, self.pos)

    def _fail(self, message: str, pos: int | None = None) -> NoReturn:
        raise YamlSyntaxError(self.pos if pos is None else pos, message)
