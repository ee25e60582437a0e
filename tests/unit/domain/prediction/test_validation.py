"""Every input rule, in Cog's words: each problem reported, all at once, before anything runs."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import InputValidationError
from domain.prediction import (
    InputFile,
    LocalFile,
    Mode,
    check_inputs,
    parse_input_flags,
    read_input_schema,
)
from domain.prediction.go_format import go_g
from tests.unit.domain.prediction.schemas import COG_TEST_SCHEMA, with_inputs


def _problems(values: dict[str, Any], document: Any = COG_TEST_SCHEMA, mode: Mode = Mode.PREDICT):
    return check_inputs(values, read_input_schema(document, mode)).problems


# Cog's TestValidationErrorMessagesAreStable, the same inputs, the same words.
COG_MESSAGES = [
    ({"steps": 5.0}, 'missing required input "prompt"'),
    ({"prompt": 10.0}, 'invalid input "prompt": expected string, got number'),
    (
        {"prompt": "hi", "opts": {"scale": "bad"}},
        'invalid input "opts.scale": expected number, got string',
    ),
    ({"prompt": "hi", "opts": {}}, 'missing required input "opts.scale"'),
    ({"prompt": "hi", "mode": "medium"}, 'invalid input "mode": must be one of: fast, slow'),
    ({"prompt": "hi", "steps": 0.0}, 'invalid input "steps": number must be at least 1'),
]


@pytest.mark.parametrize(("values", "message"), COG_MESSAGES)
def test_the_messages_cogs_tests_pin(values: dict[str, Any], message: str) -> None:
    assert _problems(values) == (message,)


def test_valid_inputs_have_no_problem() -> None:
    values = {"prompt": "hello", "steps": 5.0, "mode": "fast", "opts": {"scale": 2.0}}
    assert _problems(values) == ()
    assert _problems({"prompt": "hi", "metadata": {"value": None}}) == ()


def test_an_unknown_name_is_refused_with_the_closest_name_and_the_valid_ones() -> None:
    assert _problems({"prompt": "hi", "step": 3}) == (
        'unknown input "step" (did you mean "steps"?); valid inputs are: flag, metadata, mode, '
        "nums, opts, prompt, steps",
    )


def test_several_unknown_names_are_one_problem_as_in_cog() -> None:
    assert _problems({"prompt": "x", "a": 1, "b": 2}) == (
        'unknown inputs "a", "b"; valid inputs are: flag, metadata, mode, nums, opts, prompt, '
        "steps",
    )


def test_a_model_without_inputs_says_so() -> None:
    assert _problems({"a": 1}, with_inputs({})) == (
        'unknown input "a"; model does not accept inputs',
    )


def test_every_problem_comes_at_once_unknown_then_missing_then_values() -> None:
    problems = _problems({"promt": "x", "steps": 11, "flag": "no!", "nums": [1, "2"]})
    assert problems == (
        'unknown input "promt" (did you mean "prompt"?); valid inputs are: flag, metadata, mode, '
        "nums, opts, prompt, steps",
        'missing required input "prompt"',
        'invalid input "flag": expected boolean, got string',  # the schema's order: no x-order,
        'invalid input "nums.1": expected integer, got string',  # so by name
        'invalid input "steps": number must be at most 10',
    )


def test_one_error_carries_them_all() -> None:
    error = InputValidationError(["first", "second"])
    assert str(error) == "input validation failed: (1) first; (2) second"
    assert error.problems == ("first", "second")
    assert str(InputValidationError(["only"])) == "only"


def test_null_is_refused_unless_the_type_admits_it_nullable_does_not_count() -> None:
    assert _problems({"prompt": "x", "steps": None}) == (
        'invalid input "steps": must not be null (omit the input to use its default)',
    )
    assert _problems({"prompt": "x", "opts": {"scale": None}}) == (
        'invalid input "opts.scale": must not be null (omit the input to use its default)',
    )
    assert _problems({"a": None}, with_inputs({"a": {"type": ["string", "null"]}})) == ()
    assert _problems({"a": None}, with_inputs({"a": {}})) == ()


def test_a_whole_number_is_an_integer_and_a_fraction_is_not() -> None:
    assert _problems({"prompt": "x", "steps": 4.0}) == ()
    assert _problems({"prompt": "x", "steps": 4.5}) == (
        'invalid input "steps": expected integer, got number',
    )
    assert _problems({"prompt": "x", "steps": True}) == (
        'invalid input "steps": expected integer, got boolean',
    )


CONSTRAINTS = [
    ({"type": "number", "minimum": 0.5}, 0.25, "number must be at least 0.5"),
    ({"type": "number", "maximum": 1e6}, 2e6, "number must be at most 1e+06"),
    ({"type": "number", "minimum": 1, "exclusiveMinimum": True}, 1, "number must be more than 1"),
    ({"type": "number", "exclusiveMaximum": 3}, 3, "number must be less than 3"),
    ({"type": "integer", "multipleOf": 4}, 6, "number must be a multiple of 4"),
    ({"type": "string", "minLength": 2}, "a", "minimum string length is 2"),
    ({"type": "string", "maxLength": 2}, "abc", "maximum string length is 2"),
    (
        {"type": "string", "pattern": "^[a-z]+$"},
        "A1",
        'string doesn\'t match the regular expression "^[a-z]+$"',
    ),
    ({"type": "array", "minItems": 2}, [1], "minimum number of items is 2"),
    ({"type": "array", "maxItems": 1}, [1, 2], "maximum number of items is 1"),
    ({"allOf": [{"$ref": "#/components/schemas/Color"}]}, "blue", "must be one of: red, green"),
    ({"allOf": [{"$ref": "#/components/schemas/Size"}]}, 3, "must be one of: 1, 2, 4"),
    ({"type": "object"}, [1], "expected object, got array"),
    ({"type": "array"}, {}, "expected array, got object"),
    (
        {"anyOf": [{"type": "integer"}, {"type": "boolean"}]},
        "x",
        'doesn\'t match any schema from "anyOf"',
    ),
]


@pytest.mark.parametrize(("prop", "value", "reason"), CONSTRAINTS)
def test_each_constraint_in_kin_openapis_words(
    prop: dict[str, Any], value: object, reason: str
) -> None:
    assert _problems({"a": value}, with_inputs({"a": prop})) == (f'invalid input "a": {reason}',)


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ({"type": "number", "minimum": 0.5}, 0.5),
        ({"type": "number", "exclusiveMinimum": 0}, 0.1),
        ({"type": "string", "pattern": "[0-9]"}, "a1b"),  # unanchored, as Go's MatchString
        ({"type": "string", "pattern": "(?<!x)y"}, "y"),
        ({"anyOf": [{"type": "integer"}, {"type": "boolean"}]}, True),
        ({"allOf": [{"$ref": "#/components/schemas/Size"}]}, 4.0),
    ],
)
def test_values_that_keep_the_rules_pass(prop: dict[str, Any], value: object) -> None:
    assert _problems({"a": value}, with_inputs({"a": prop})) == ()


@pytest.mark.parametrize("pattern", ["[[:alpha:]]+", "(unclosed", r"\p{L}"])
def test_a_pattern_python_would_read_otherwise_is_left_to_the_model(pattern: str) -> None:
    # Go's regexp syntax (RE2) is not Python's: rather than refuse a good value, let the
    # model's own check decide.
    assert _problems({"a": "1"}, with_inputs({"a": {"type": "string", "pattern": pattern}})) == ()


FILE = {"type": "string", "format": "uri"}


@pytest.mark.parametrize(
    "value",
    [
        LocalFile("photo.png"),
        InputFile(name="p.png", content=b"x", media_type="image/png"),
        "https://example.com/a.png",
        "data:image/png;base64,AA==",
    ],
)
def test_a_file_input_takes_a_file_or_a_url(value: object) -> None:
    assert _problems({"image": value}, with_inputs({"image": FILE})) == ()


def test_a_file_input_given_plain_text_says_to_use_at() -> None:
    assert _problems({"image": "photo.png"}, with_inputs({"image": FILE})) == (
        'invalid input "image": expected a file or a URL, got string "photo.png"; to send a '
        "file, put @ before its path: -i image=@photo.png",
    )


def test_a_file_counts_as_a_string_so_a_string_input_takes_one_as_cog_sends_it() -> None:
    assert _problems({"prompt": LocalFile("notes.txt")}) == ()
    assert _problems({"prompt": "x", "steps": LocalFile("n.txt")}) == (
        'invalid input "steps": expected integer, got string',
    )


def test_a_secret_is_a_string() -> None:
    secret = {"type": "string", "format": "password", "writeOnly": True, "x-cog-secret": True}
    assert _problems({"key": "s3cr3t"}, with_inputs({"key": secret})) == ()
    assert _problems({"key": 5}, with_inputs({"key": secret})) == (
        'invalid input "key": expected string, got number',
    )


def test_training_inputs_are_checked_against_the_training_schema() -> None:
    assert _problems({"epochs": 0}, mode=Mode.TRAIN) == (
        'invalid input "epochs": number must be at least 1',
    )
    assert _problems({"prompt": "x"}, mode=Mode.TRAIN)[0].startswith('unknown input "prompt"')


def test_flags_are_typed_then_checked() -> None:
    schema = read_input_schema(COG_TEST_SCHEMA)
    checked = check_inputs(parse_input_flags(["prompt=hi", "steps=huge"]), schema)
    assert checked.problems == ('invalid input "steps": expected integer, got string',)


def test_a_value_of_no_json_type_is_reported_not_crashed_on() -> None:
    assert _problems({"prompt": {1, 2}}) == ('invalid input "prompt": expected string, got set',)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (16, "16"),
        (1024.0, "1024"),
        (0.5, "0.5"),
        (1e-05, "1e-05"),
        (0.0001, "0.0001"),
        (1e6, "1e+06"),
        (100000, "100000"),
        (123456789, "1.23456789e+08"),
        (-2.5, "-2.5"),
        (0, "0"),
    ],
)
def test_numbers_are_printed_as_gos_percent_g(number: float, text: str) -> None:
    assert go_g(number) == text
