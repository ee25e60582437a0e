"""Flow collections of the cog.yaml YAML reader: ``[a, b]``, ``{k: v}`` and ``[k: v]`` pairs.

Inside brackets indentation does not matter and line breaks, blanks and comments separate
tokens. An entry without ``:`` in a mapping has a null value; an entry with ``:`` in a sequence
is a one-pair mapping; a trailing comma is allowed; keys must be scalars.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from domain.cogyaml.yaml_lines import YamlSyntaxError, check_plain_start, is_document_marker
from domain.cogyaml.yaml_nodes import YamlMapping, YamlNode, YamlScalar, YamlSequence
from domain.cogyaml.yaml_scalars import scan_double_quoted, scan_plain, scan_single_quoted


def read_flow(text: str, pos: int, line_of: Callable[[int], int]) -> tuple[YamlNode, int]:
    """The flow collection opening at ``pos`` and the index just after its closing bracket.

    Raises:
        YamlSyntaxError: unterminated, malformed, or holding an unsupported construct.
    """
    reader = _FlowReader(text, pos, line_of)
    return reader.collection(), reader.pos


class _FlowReader:
    def __init__(self, text: str, pos: int, line_of: Callable[[int], int]) -> None:
        self.text, self.pos, self.line_of = text, pos, line_of

    def collection(self) -> YamlNode:
        start, line = self.pos, self.line_of(self.pos)
        closer = "]" if self._ch() == "[" else "}"
        seq_items: list[YamlNode] = []
        map_items: list[tuple[YamlScalar, YamlNode]] = []
        self.pos += 1
        self._skip()
        while self._ch() != closer:
            if self._ch() == "":
                self._fail(f"unterminated flow collection (no closing {closer!r})", start)
            key = self._node()
            self._skip()
            value: YamlNode | None = None
            if self._ch() == ":":
                self.pos += 1
                self._skip()
                value = self._null() if self._ch() in (",", closer) else self._node()
                self._skip()
            if closer == "]" and value is None:
                seq_items.append(key)
            elif not isinstance(key, YamlScalar):
                self._fail("mapping keys must be scalars (collection keys are not supported)")
            elif closer == "]":
                seq_items.append(YamlMapping(items=((key, value or self._null()),), line=key.line))
            else:
                map_items.append((key, value or self._null()))
            if self._ch() == ",":
                self.pos += 1
                self._skip()
            elif self._ch() == "":
                self._fail(f"unterminated flow collection (no closing {closer!r})", start)
            elif self._ch() != closer:
                self._fail(f"expected ',' or {closer!r} in a flow collection")
        self.pos += 1
        if closer == "]":
            return YamlSequence(items=tuple(seq_items), line=line)
        return YamlMapping(items=tuple(map_items), line=line)

    def _node(self) -> YamlNode:
        ch = self._ch()
        line = self.line_of(self.pos)
        if ch in ("[", "{"):
            return self.collection()
        if ch in ("'", '"'):
            scan = scan_double_quoted if ch == '"' else scan_single_quoted
            text, self.pos = scan(self.text, self.pos)
            return YamlScalar(text=text, plain=False, line=line)
        check_plain_start(self.text, self.pos, flow=True)
        start = self.pos
        text, self.pos = scan_plain(self.text, self.pos, parent_indent=-1, flow=True)
        if self.pos == start:
            self._fail("expected a value in a flow collection")
        if text == "<<":
            self._fail("merge keys ('<<') are not supported")
        return YamlScalar(text=text, line=line)

    def _skip(self) -> None:
        """Skip blanks, line breaks and comments between flow tokens."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "#":
                newline = text.find("\n", self.pos)
                self.pos = len(text) if newline < 0 else newline
            elif ch in " \t\n":
                self.pos += 1
                if ch == "\n" and is_document_marker(text, self.pos):
                    self._fail("document marker inside a flow collection")
            else:
                return

    def _null(self) -> YamlScalar:
        return YamlScalar(text="", line=self.line_of(self.pos))

    def _ch(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _fail(self, message: str, pos: int | None = None) -> NoReturn:
        raise YamlSyntaxError(self.pos if pos is None else pos, message)
