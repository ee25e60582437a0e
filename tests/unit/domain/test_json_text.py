"""read_json (the one reader of outside JSON: labels, ``--openapi-schema`` files) and
shape_problem (the one shape check of an OpenAPI document: kin-openapi's field types)."""

from __future__ import annotations

import json

import pytest

from domain.document_shape import shape_problem
from domain.errors import InvalidJsonError
from domain.json_text import PYDANTIC_PLAIN_DEPTH, is_plain_json, json_depth, read_json, text_depth
from domain.limits import MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_JSON_STRUCTURE


def _nested(depth: int) -> str:
    return '{"a":' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


# ------------------------------------------------------------------ the reader


def test_a_document_at_the_depth_limit_is_read() -> None:
    assert json_depth(read_json(_nested(MAX_JSON_DEPTH), what="x")) == MAX_JSON_DEPTH


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 900, 100_000])
def test_a_document_past_the_depth_limit_is_refused_before_decoding(depth: int) -> None:
    with pytest.raises(InvalidJsonError) as info:
        read_json(_nested(depth), what="x")
    assert str(MAX_JSON_DEPTH) in info.value.reason


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"a": "[" * 10_000, "b": '\\"[[[' * 1000})
    assert text_depth(text) == 1
    assert read_json(text, what="x") == json.loads(text)


def test_a_document_over_the_size_limit_is_refused_unread() -> None:
    with pytest.raises(InvalidJsonError) as info:
        read_json('"' + "a" * MAX_JSON_BYTES + '"', what="x")
    assert str(MAX_JSON_BYTES) in info.value.reason


def test_structure_past_its_limit_is_refused_but_long_strings_are_not() -> None:
    strings = json.dumps(["a" * (MAX_JSON_STRUCTURE // 2)] * 4)  # twice the limit, in strings
    assert len(read_json(strings, what="x")) == 4  # type: ignore[arg-type]
    with pytest.raises(InvalidJsonError) as info:
        read_json("[" + "0," * (MAX_JSON_STRUCTURE // 2) + "0]", what="x")
    assert str(MAX_JSON_STRUCTURE) in info.value.reason


@pytest.mark.parametrize(
    "text", ["[NaN]", "[Infinity]", "[-Infinity]", "[1e400]", "[-1e999]", "[" + "9" * 400 + "]"]
)
def test_numbers_json_or_float64_cannot_hold_are_refused(text: str) -> None:
    with pytest.raises(InvalidJsonError):
        read_json(text, what="x")


def test_an_integer_of_thousands_of_digits_is_refused_without_converting_it() -> None:
    with pytest.raises(InvalidJsonError):
        read_json("[" + "9" * 100_000 + "]", what="x")


@pytest.mark.parametrize(("text", "line"), [("{\n\n  oops\n}", 3), (b'{"a":\n"\xff"}', 2), ("", 1)])
def test_what_is_not_json_names_its_line(text: str | bytes, line: int) -> None:
    with pytest.raises(InvalidJsonError) as info:
        read_json(text, what="schema.json")
    assert (info.value.what, info.value.line) == ("schema.json", line)


def test_escaped_lone_surrogates_become_the_replacement_character_as_in_go() -> None:
    value = read_json('{"\\ud800k": ["\\udfff", "\\ud83d\\ude00"]}', what="x")
    assert value == {"\ufffdk": ["\ufffd", "\U0001f600"]}
    json.dumps(value).encode()  # and it can be written out again


# ------------------------------------------------------------------ the shape check


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "the document must be an object"),
        ({"components": "x"}, "components must be an object"),
        ({"components": {"schemas": []}}, "components.schemas must be an object"),
        ({"paths": {"/": 3}}, "paths./ must be an object"),
        ({"components": {"schemas": {"Input": 1}}}, "components.schemas.Input must be an object"),
        (
            {"components": {"schemas": {"Input": {"properties": {"x": {"enum": "abc"}}}}}},
            "components.schemas.Input.properties.x.enum must be an array",
        ),
        (
            {"components": {"schemas": {"Input": {"required": ["a", 1]}}}},
            "components.schemas.Input.required must be an array of strings",
        ),
        (
            {"components": {"schemas": {"Input": {"properties": []}}}},
            "components.schemas.Input.properties must be an object",
        ),
        (
            {"components": {"schemas": {"O": {"items": {"items": {"maxLength": -1}}}}}},
            "components.schemas.O.items.items.maxLength must be a non-negative integer",
        ),
        (
            {"components": {"schemas": {"O": {"anyOf": [{}, {"type": 5}]}}}},
            "components.schemas.O.anyOf.1.type must be a string or an array of strings",
        ),
    ],
)
def test_fields_of_the_wrong_type_are_named(document: object, problem: str) -> None:
    assert shape_problem(document) == problem


def test_what_openapi_leaves_free_stays_free() -> None:
    # kin-openapi keeps extensions untyped and defaults, examples and enum members are any JSON.
    free = {"x-order": None, "x-cog-array-type": 3, "default": {"a": [1]}, "enum": [1, "a", None]}
    assert (
        shape_problem({"components": {"schemas": {"Input": {"properties": {"x": free}}}}}) is None
    )


def test_a_deep_document_is_checked_without_recursion() -> None:
    schema: dict[str, object] = {"type": "string"}
    for _ in range(50_000):
        schema = {"items": schema}
    assert shape_problem({"components": {"schemas": {"Output": schema}}}) is None
    assert json_depth(schema) == 50_001


def test_plain_json_is_what_pydantic_reads_as_json_does() -> None:
    # The label and manifest readers that stand in for pydantic share this one check.
    at_limit: object = 1
    for _ in range(PYDANTIC_PLAIN_DEPTH):
        at_limit = [at_limit]
    assert is_plain_json(at_limit)
    assert not is_plain_json([at_limit])
    assert is_plain_json({"é": ["ü", {"k": "\u2028"}]})
    assert not is_plain_json({"a": ["ok", "\udc80"]})
    assert not is_plain_json({"\ud800": 1})
