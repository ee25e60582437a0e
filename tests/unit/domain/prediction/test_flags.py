"""``-i NAME=VALUE`` and ``--json`` inputs, and text typed by the schema (Cog's rules)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import InvalidInputError, InvalidJsonError
from domain.prediction import (
    FlagValue,
    LocalFile,
    check_inputs,
    inputs_from_json,
    parse_input_flags,
    read_input_schema,
)
from tests.unit.domain.prediction.schemas import COG_TEST_SCHEMA, with_inputs


def _typed(flags: list[str], document: Any = COG_TEST_SCHEMA) -> dict[str, object]:
    return dict(check_inputs(parse_input_flags(flags), read_input_schema(document)).values)


def test_a_flag_is_name_equals_value_and_keeps_later_equals_signs() -> None:
    assert parse_input_flags(["prompt=a=b"]) == {"prompt": FlagValue(("a=b",))}


def test_one_pair_of_surrounding_double_quotes_is_removed() -> None:
    assert parse_input_flags(['prompt="hi there"']) == {"prompt": FlagValue(("hi there",))}
    assert parse_input_flags(['prompt=""x""']) == {"prompt": FlagValue(('"x"',))}


def test_an_at_value_is_a_file_and_a_repeated_name_collects_its_values() -> None:
    flags = parse_input_flags(["image=@a.png", "tags=x", "tags=@b.png"])
    assert flags == {"image": LocalFile("a.png"), "tags": FlagValue(("x", "@b.png"))}


@pytest.mark.parametrize("flag", ["prompt", "=5", ""])
def test_a_flag_without_a_name_and_value_is_invalid_input_in_cogs_words(flag: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_input_flags([flag])
    assert str(info.value) == f"Failed to parse input '{flag}', expected format is 'name=value'"


def test_text_is_typed_by_the_schema() -> None:
    typed = _typed(["prompt=7", "steps=3", "flag=true", "nums=[1, 2]", 'opts={"scale": 2}'])
    assert typed == {"prompt": "7", "steps": 3, "flag": True, "nums": [1, 2], "opts": {"scale": 2}}


def test_a_single_item_of_a_list_input_is_typed_as_its_items() -> None:
    assert _typed(["nums=4"]) == {"nums": [4]}


def test_repeated_values_make_a_list_whose_items_are_typed() -> None:
    typed = _typed(["nums=1", "nums=2", "nums=@c.txt"])
    assert typed == {"nums": [1, 2, LocalFile("c.txt")]}


def test_text_that_does_not_parse_stays_text_for_the_check_to_report() -> None:
    typed = _typed(["steps=3.5", "flag=maybe", "opts={broken"])
    assert typed == {"steps": "3.5", "flag": "maybe", "opts": "{broken"}


@pytest.mark.parametrize(("text", "value"), [("yes", True), ("Off", False), ("1", True)])
def test_a_boolean_input_also_takes_the_words_cogmodel_always_took(text: str, value: bool) -> None:
    assert _typed([f"flag={text}"]) == {"flag": value}


def test_numbers_take_whole_and_decimal_text() -> None:
    document = with_inputs({"x": {"type": "number"}})
    assert _typed(["x=3"], document) == {"x": 3}
    assert _typed(["x=-2.5e3"], document) == {"x": -2500.0}
    assert _typed(["x=1_000"], document) == {"x": "1_000"}  # Go's ParseFloat refuses it too


def test_a_union_with_a_string_is_typed_only_when_the_typed_value_passes() -> None:
    union = {"anyOf": [{"type": "integer", "minimum": 10}, {"type": "string"}]}
    document = with_inputs({"x": union})
    assert _typed(["x=12"], document) == {"x": 12}
    assert _typed(["x=3"], document) == {"x": "3"}  # 3 breaks the integer's minimum
    assert _typed(["x=yes"], with_inputs({"x": {"anyOf": [{"type": "boolean"}, union]}})) == {
        "x": "yes"  # aliases are for pure booleans only (Cog: BoolUnionDoesNotParseAliases)
    }


def test_without_a_schema_text_stays_text() -> None:
    assert dict(check_inputs(parse_input_flags(["a=1", "b=x", "b=y"]), None).values) == {
        "a": "1",
        "b": ["x", "y"],
    }


def test_json_inputs_are_an_object_and_top_level_at_strings_are_files() -> None:
    inputs = inputs_from_json('{"prompt": "@notes.txt", "nums": ["@x"], "steps": 3}')
    assert inputs == {"prompt": LocalFile("notes.txt"), "nums": ["@x"], "steps": 3}


@pytest.mark.parametrize("text", ["[1, 2]", "{broken", '"x"', "3"])
def test_json_inputs_that_are_not_an_object_are_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        inputs_from_json(text)
    assert str(info.value).startswith("Failed to parse JSON: ")


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_json_inputs_nested_past_the_limit_are_invalid_json_not_a_recursion_error(
    text: str,
) -> None:
    with pytest.raises(InvalidJsonError) as info:
        inputs_from_json(text)
    assert str(info.value) == "--json: arrays and objects nested deeper than 100 levels (the limit)"
