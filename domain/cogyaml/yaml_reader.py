"""Reading cog.yaml's YAML: PyYAML's parser, turned into the tree Go's yaml.v2 would decode.

PyYAML parses (with libyaml, the C library yaml.v2 was ported from, when PyYAML was built with
it; in pure Python otherwise). Its event stream is turned into :mod:`domain.cogyaml.yaml_nodes`
trees here, with yaml.v2's rules rather than PyYAML's composer, because the two differ where
Cog's behaviour shows:

* scalars keep their text and resolve by yaml.v2's YAML 1.1 rules (``y``, ``0o17``, ``1e3``);
  tagged scalars by yaml.v2's tags; a tag yaml.v2 does not know is refused;
* anchors may be redefined (a later alias sees the latest); an alias inside its own anchor's
  node is refused ("anchor 'a' value contains itself"), as is an unknown one;
* ``<<`` merges splice the merged mapping's entries in where the key stands, a later entry
  overriding an earlier one (so an explicit key *before* ``<<`` is overridden by it, as in
  yaml.v2; in a sequence of mappings the first mapping wins);
* aliases are shared, never copied, and yaml.v2's budget for alias expansion is enforced while
  reading (:mod:`domain.cogyaml.yaml_budget`): a "billion laughs" document fails fast
  ("document contains excessive aliasing");
* only the first document is read; duplicate keys are kept and the last one wins.

cog.yaml is outside input, so reading is bounded (decision 0034): text over
:data:`~domain.limits.MAX_COG_YAML_BYTES` is refused unread, and too many nodes or too deep a
nesting (:mod:`domain.cogyaml.yaml_budget`) as soon as they are seen, so every later walk of
the tree is short and shallow. yaml.v2 has no size or node limit and stops nesting at 10,000
levels.

Every problem is a :class:`~domain.errors.ConfigError` whose ``line`` is the line it is on (its
message starts ``line N:``); the size limit, found before reading, has no line.

>>> root = parse_yaml("base: &b {gpu: yes}\\nbuild:\\n  <<: *b\\n  python_version: 3.10\\n")
>>> build = root.get("build")
>>> [(key.text, value.text, value.value) for key, value in build.items]
[('gpu', 'yes', True), ('python_version', '3.10', 3.1)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

import yaml

from domain.cogyaml.yaml_budget import ReadBudget, fail_at
from domain.cogyaml.yaml_nodes import (
    RESOLVABLE_TAGS,
    TAG_PREFIX,
    TagMismatchError,
    YamlMapping,
    YamlNode,
    YamlScalar,
    YamlSequence,
    resolve_plain,
    resolve_tagged,
)
from domain.errors import ConfigError
from domain.limits import MAX_COG_YAML_BYTES, utf8_size

# libyaml's parser when PyYAML was built with it (7-10x faster), the pure-Python one otherwise.
PARSER: type[Any] = yaml.CBaseLoader if yaml.__with_libyaml__ else yaml.BaseLoader
_COLLECTION_TAGS = frozenset({"!", *RESOLVABLE_TAGS, *(TAG_PREFIX + k for k in ("seq", "map"))})
_SCALAR_TAGS = frozenset({*RESOLVABLE_TAGS, TAG_PREFIX + "merge"})
_MERGE_TAG = TAG_PREFIX + "merge"


def parse_yaml(text: str) -> YamlNode | None:
    """Read the first YAML document of ``text``; ``None`` when it holds no node at all (an
    empty file, comments only, or an empty document).

    Raises:
        ConfigError: a syntax error, an unknown tag or anchor, a bad merge, too much alias
            expansion, text that is not UTF-8 (a ``str`` with a lone surrogate), or a limit
            passed (size, nodes, depth); ``line`` says where (the message starts ``line N:``),
            except for the size.
    """
    size = utf8_size(text)
    if size > MAX_COG_YAML_BYTES:
        raise ConfigError(
            "", f"cog.yaml is {size} bytes, larger than {MAX_COG_YAML_BYTES} bytes (the limit)"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: a str no file can hold
        _fail(text.count("\n", 0, exc.start) + 1, "not UTF-8 text (a lone surrogate)")
    try:
        parser = PARSER(text)
        try:
            return _first_document(parser)
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as exc:
        line, reason = _marked_reason(exc)
        raise ConfigError("", reason, line=line) from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(text.find(chr(exc.character)), 0)) + 1
        raise ConfigError("", f"{exc.reason} (#x{exc.character:04x})", line=line) from exc


def _first_document(parser: Any) -> YamlNode | None:
    parser.get_event()  # stream start
    if parser.check_event(yaml.StreamEndEvent):
        return None
    parser.get_event()  # document start
    root = _Builder().node(parser)
    parser.get_event()  # document end: trailing content is an error, as in yaml.v2
    if isinstance(root, YamlScalar) and root.text == "" and root.value is None:
        return None
    return root


@dataclass(slots=True)
class _Collection:
    """A mapping or sequence being read: its entries so far and its size for the alias budget."""

    start: yaml.CollectionStartEvent
    items: list[Any] = field(default_factory=list)
    size: int = 1
    key: YamlScalar | None = None
    merge: bool = False
    height: int = 1  # levels of collections from here down, this one included

    def add(self, node: YamlNode, size: int, height: int, *, alias: bool, line: int) -> None:
        self.size += size
        self.height = max(self.height, height + 1)
        if isinstance(self.start, yaml.SequenceStartEvent):
            self.items.append(node)
        elif self.merge:
            self.items.extend(_merged_items(node, alias=alias, line=line))
            self.merge = False
        elif self.key is None:
            if not isinstance(node, YamlScalar):
                _fail(line, "mapping keys must be scalars")
            self.key = node
        else:
            self.items.append((self.key, node))
            self.key = None

    def build(self) -> YamlNode:
        line = _line(self.start)
        if isinstance(self.start, yaml.SequenceStartEvent):
            return YamlSequence(items=tuple(self.items), line=line)
        return YamlMapping(items=tuple(self.items), line=line)


class _Builder:
    """Turns the events of one node into a tree, iteratively (no recursion limit to hit)."""

    def __init__(self) -> None:
        # An anchor maps to its node, size and height, or to None while its own node is read.
        self.anchors: dict[str, tuple[YamlNode, int, int] | None] = {}
        self.budget = ReadBudget()

    def node(self, parser: Any) -> YamlNode:
        stack: list[_Collection] = []
        while True:
            event = parser.get_event()
            line = _line(event)
            alias = False
            if isinstance(event, yaml.CollectionStartEvent):
                self._check_tag(event.tag, _COLLECTION_TAGS, line)
                self.budget.node(line)
                self.budget.depth(len(stack) + 1, line)
                if event.anchor is not None:
                    self.anchors[event.anchor] = None
                stack.append(_Collection(event))
                continue
            height = 0
            if isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                node, size, height = done.build(), done.size, done.height
                line = _line(done.start)
                self._anchor(done.start.anchor, node, size, height)
            elif isinstance(event, yaml.ScalarEvent):
                self.budget.node(line)
                node, size = self._scalar(event, line), 1
                self._anchor(event.anchor, node, size, 0)
                if stack and _is_merge_key(event, stack[-1]):
                    stack[-1].merge = True
                    continue
            else:
                node, size, height = self._alias(event, line)
                alias = True
                self.budget.depth(len(stack) + height, line)  # the alias's node, placed here
            if not stack:
                return node
            stack[-1].add(node, size, height, alias=alias, line=line)

    def _scalar(self, event: yaml.ScalarEvent, line: int) -> YamlScalar:
        text, tag = event.value, event.tag
        if tag is None:
            value = resolve_plain(text) if event.implicit[0] else text
        elif tag in ("!", _MERGE_TAG):
            value = text  # the non-specific tag, and !!merge outside a key: a string
        else:
            self._check_tag(tag, _SCALAR_TAGS, line)
            try:
                value = resolve_tagged(tag, text)
            except TagMismatchError as exc:
                _fail(line, str(exc))
            if tag == TAG_PREFIX + "binary":
                text = str(value)  # a string field receives the decoded bytes
        return YamlScalar(text=text, value=value, line=line)

    def _alias(self, event: yaml.AliasEvent, line: int) -> tuple[YamlNode, int, int]:
        if event.anchor not in self.anchors:
            _fail(line, f"unknown anchor '{event.anchor}' referenced")
        target = self.anchors[event.anchor]
        if target is None:
            _fail(line, f"anchor '{event.anchor}' value contains itself")
        node, size, height = target
        self.budget.alias(size, line)
        return node, 1 + size, height

    def _anchor(self, anchor: str | None, node: YamlNode, size: int, height: int) -> None:
        if anchor is not None:
            self.anchors[anchor] = (node, size, height)

    @staticmethod
    def _check_tag(tag: str | None, known: frozenset[str], line: int) -> None:
        if tag is not None and tag not in known:
            shown = "!!" + tag.removeprefix(TAG_PREFIX) if tag.startswith(TAG_PREFIX) else tag
            _fail(line, f"unknown tag {shown} (cog.yaml takes only YAML's standard tags)")


def _is_merge_key(event: yaml.ScalarEvent, parent: _Collection) -> bool:
    """yaml.v2's ``isMerge``: a ``<<`` key (not a value) that is plain or tagged ``!!merge``."""
    return (
        isinstance(parent.start, yaml.MappingStartEvent)
        and parent.key is None
        and not parent.merge
        and event.value == "<<"
        and (event.implicit[0] or event.tag == _MERGE_TAG)
    )


def _merged_items(node: YamlNode, *, alias: bool, line: int) -> list[tuple[YamlScalar, YamlNode]]:
    """The entries a ``<<`` key splices in: a mapping's, or those of a sequence of mappings
    (written out, not an alias), last mapping first so that the first one wins."""
    if isinstance(node, YamlMapping):
        return list(node.items)
    if isinstance(node, YamlSequence) and not alias:
        mappings = [item for item in reversed(node.items) if isinstance(item, YamlMapping)]
        if len(mappings) == len(node.items):
            return [entry for mapping in mappings for entry in mapping.items]
    _fail(line, "map merge requires map or sequence of maps as the value")


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def _marked_reason(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    reason = f"{exc.problem or exc.context}"
    if exc.context and exc.problem and exc.context_mark is not None:
        reason += f" ({exc.context}, from line {exc.context_mark.line + 1})"
    return line, reason


def _fail(line: int, message: str) -> NoReturn:
    fail_at(line, message)
