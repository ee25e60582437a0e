"""The cog.yaml YAML reader: constructs, scalar text and resolution, and its errors."""

from __future__ import annotations

import math

import pytest

from domain.cogyaml.parse import parse_config
from domain.cogyaml.yaml_nodes import (
    YamlMapping,
    YamlScalar,
    YamlSequence,
    resolve_plain,
    to_python,
)
from domain.cogyaml.yaml_text import parse_yaml
from domain.errors import ConfigError


def load(text: str) -> object:
    return to_python(parse_yaml(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: 1\nb:\n  c: [p, q]\n  d: {k: v, e: }\n",
            {"a": 1, "b": {"c": ["p", "q"], "d": {"k": "v", "e": None}}},
        ),
        ("k:\n- a\n- b\nz: 1\n", {"k": ["a", "b"], "z": 1}),  # a sequence at its key's indentation
        ("- a: 1\n  b: 2\n- c\n", [{"a": 1, "b": 2}, "c"]),  # compact mappings in a sequence
        ("- - a\n  - b\n- c\n", [["a", "b"], "c"]),
        ("a:\n  - b\n  -\n  - c\n", {"a": ["b", None, "c"]}),
        ("[a: b, c]", [{"a": "b"}, "c"]),
        ('{"a":1}', {"a": 1}),  # JSON is YAML
        ("{a:1}", {"a:1": None}),  # ...but a plain key needs ': '
        ("a: [1,\n  2,\n  ]\nb: 2\n", {"a": [1, 2], "b": 2}),
        ("a: [p, # a comment\n  q]\n", {"a": ["p", "q"]}),
        ("a: [1 2]\n", {"a": ["1 2"]}),
        ("a : 1\n'b' : 2\n", {"a": 1, "b": 2}),
        ("a: b:c\n", {"a": "b:c"}),
        ("url: http://x/y#z\n", {"url": "http://x/y#z"}),
        ("a: b #c\n", {"a": "b"}),
        ("a:\tb\n", {"a": "b"}),  # a tab after the indicator separates, as in yaml.v2
        ("a: 1\na: 2\n", {"a": 2}),  # the last duplicate wins, as in yaml.v2 and PyYAML
        ("---\na: 1\n...\nignored: [\n", {"a": 1}),  # only the first document is read
        ("a: 1\n---\nb: 2\n", {"a": 1}),
    ],
)
def test_structures(text: str, expected: object) -> None:
    assert load(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: this is\n  folded\n\n  text\n", "this is folded\ntext"),
        ('a: "x\\ty\\\\z\\"\\x41\\u00e9\\U0001F600\\N\\_\\/"', 'x\ty\\z"Aé😀\x85\xa0/'),
        ('a: "x\n\n  y  \n z"', "x\ny z"),
        ('a: "x\\\n   y"', "xy"),  # an escaped line break joins without a space
        ('a: "x \\\n\n   y"', "x \ny"),
        ('a: "keep\\t\n  next"', "keep\t next"),  # an escaped blank before a break stays
        ("a: 'it''s'\n", "it's"),
        ("a: 'x\n\n\n  y'\n", "x\n\ny"),
        ("a: |\n  foo\n  bar\n", "foo\nbar\n"),
        ("a: |\n  foo", "foo"),  # no final line break at the end of the text
        ("a: |-\n  x\n\n", "x"),
        ("a: |+\n  foo\n\n\nb: 1\n", "foo\n\n\n"),
        ("a: |2\n   x\n", " x\n"),
        ("a: |\n\n  x\n", "\nx\n"),
        ("a: >\n  foo\n  bar\n\n  baz\n   more\n  end\n", "foo bar\nbaz\n more\nend\n"),
        ("a: >-\n  b\n  c\n", "b c"),
        ("a: |  # a comment\n  x\n", "x\n"),
        ("a: |\n  x\n # not content\nb: 1\n", "x\n"),
    ],
)
def test_scalar_text(text: str, expected: str) -> None:
    root = parse_yaml(text)
    assert isinstance(root, YamlMapping)
    value = root.get("a")
    assert isinstance(value, YamlScalar)
    assert value.text == expected


def test_scalars_keep_their_source_text_and_resolve_like_yaml_v2() -> None:
    root = parse_yaml("a: 3.10\nb: '3.10'\nc: yes\nd: ~\ne:\nf: 0x1F\n")
    assert isinstance(root, YamlMapping)
    texts = {key.text: value for key, value in root.items}
    assert all(isinstance(value, YamlScalar) for value in texts.values())
    assert [(v.text, v.value) for v in texts.values()] == [  # type: ignore[union-attr]
        ("3.10", 3.1),
        ("3.10", "3.10"),
        ("yes", True),
        ("~", None),
        ("", None),
        ("0x1F", 31),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *(
            (t, True)
            for t in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")
        ),
        *(
            (t, False)
            for t in ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")
        ),
        *((t, None) for t in ("", "~", "null", "Null", "NULL")),
        ("0", 0),
        ("-17", -17),
        ("+5", 5),
        ("1_000", 1000),
        ("017", 15),
        ("0o17", 15),
        ("0x1f", 31),
        ("0b101", 5),
        ("9223372036854775807", 2**63 - 1),
        ("18446744073709551615", 2**64 - 1),
        ("-9223372036854775809", -9.223372036854775809e18),
        ("08", 8.0),
        ("3.10", 3.1),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("-1.5e-3", -0.0015),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("1e999", "1e999"),
        ("2001-01-01", "2001-01-01"),
        ("yES", "yES"),
        ("0x", "0x"),
        ("inf", "inf"),
        ("1.2.3", "1.2.3"),
        ("<<", "<<"),
        ("-", "-"),
        ("+", "+"),
        (".", "."),
        ("1_0.5", 10.5),
    ],
)
def test_plain_scalars_resolve_as_yaml_v2_does(text: str, expected: object) -> None:
    assert resolve_plain(text) == expected
    assert type(resolve_plain(text)) is type(expected)


def test_nan_resolves_to_a_float() -> None:
    assert math.isnan(resolve_plain(".NaN"))  # type: ignore[arg-type]


def test_empty_documents_have_no_node() -> None:
    assert parse_yaml("") is None
    assert parse_yaml("# only\n\n  # comments\n") is None
    assert parse_yaml("---\n") is None
    assert isinstance(parse_yaml("~"), YamlScalar)


def test_nodes_remember_their_lines() -> None:
    root = parse_yaml("# c\nbuild:\n  run:\n    - echo\n")
    assert isinstance(root, YamlMapping)
    run = root.get("build")
    assert isinstance(run, YamlMapping)
    items = run.get("run")
    assert isinstance(items, YamlSequence)
    assert (root.line, run.line, items.line, items.items[0].line) == (2, 3, 4, 4)


def test_crlf_and_a_byte_order_mark_are_accepted() -> None:
    assert load("\ufeffa: 1\r\nb: |\r\n  x\r\n") == {"a": 1, "b": "x\n"}


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("a: &x 1\n", 1, "anchors (&), aliases (*) and tags (!) are not supported"),
        ("a: 1\nb: *x\n", 2, "anchors"),
        ("a: !!str 1\n", 1, "tags"),
        ("? a\n: b\n", 1, "explicit '?' mapping keys"),
        ("[a, b]: c\n", 1, "collection keys"),
        ("a:\n  [x]: 1\n", 2, "collection keys"),
        ("<<: {a: 1}\n", 1, "merge keys"),
        ("%YAML 1.1\n---\na: 1\n", 1, "directives"),
        ("a:\n\t- b\n", 2, "tab characters"),
        ("a: 1\n b: 2\n", 2, "mapping values are not allowed here"),
        ("a: b: c\n", 1, "mapping values are not allowed here"),
        ("a: - b\n", 1, "block sequence entries are not allowed here"),
        ("a: 1\n- b\n", 2, "found a sequence entry"),
        ("- a\nb: 1\n", 2, "expected a sequence entry"),
        ("a:\n  b: 1\n c: 2\n", 3, "bad indentation of a mapping entry"),
        ("a: b\n  # c\n  d\n", 3, "bad indentation"),
        ('a: "b"\n  c\n', 2, "bad indentation"),
        ("a: 1\nfoo\n", 2, "could not find the ':'"),
        ('a: "unterminated\n', 1, "unterminated quoted scalar"),
        ("a: 'unterminated\n", 1, "unterminated quoted scalar"),
        ("a: [1, 2\n", 1, "unterminated flow collection"),
        ("a: {b: c d: e}\n", 1, "expected ',' or '}'"),
        ("a: [, b]\n", 1, "a plain value cannot start with ','"),
        ("a: [x]]\n", 1, "unexpected text after a value"),
        ('a: "\\q"\n', 1, "invalid escape sequence"),
        ('a: "\\ud800"\n', 1, "invalid Unicode escape"),
        ("a: @x\n", 1, "cannot start with '@'"),
        ("a: |x\n  y\n", 1, "block scalar header"),
        ("a: [|\n  x]\n", 1, "block scalars are not allowed inside a flow collection"),
        ("a: 1\x07\n", 1, "control character 0x07"),
        ("[a]\nb\n", 2, "unexpected content after the document"),
        ('a: "x\n---\n"\n', 2, "document marker inside a quoted scalar"),
        ('"a\nb": 1\n', 1, "one line"),
    ],
)
def test_errors_name_the_line_and_the_problem(text: str, line: int, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml(text)
    assert info.value.field == ""
    assert info.value.reason.startswith(f"line {line}: ")
    assert problem in info.value.reason


@pytest.mark.parametrize(
    "text",
    [
        "build: " + "[" * 5000 + "]" * 5000,
        "x: " + "{a: " * 5000 + "1" + "}" * 5000,
        "".join(" " * depth + "a:\n" for depth in range(2000)),
        "build:\n  run:\n" + "".join("  " + " " * depth + "- \n" for depth in range(2000)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-mappings", "block-sequences"],
)
def test_collections_nested_too_deeply_are_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert info.value.field == ""
    assert isinstance(info.value.__cause__, RecursionError)
