"""Reading a model's inputs from its OpenAPI schema: resolution, modes, and untrusted shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidLabelError
from domain.labels import LABEL_OPENAPI_SCHEMA
from domain.openapi import openapi_schema
from domain.prediction import Mode, is_file, read_input_schema, read_output_schema
from tests.unit.domain.prediction.schemas import COG_TEST_SCHEMA, with_inputs

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"


def _generated(example: str, name: str = "Predictor", file: str = "predict.py") -> Any:
    source = (EXAMPLES / example / file).read_text()
    return json.loads(json.dumps(openapi_schema(source, name, file=file)))


def test_the_inputs_of_a_generated_schema_come_in_cogs_order_with_choices_resolved() -> None:
    schema = read_input_schema(_generated("thumbnail"))
    assert schema is not None
    assert list(schema.fields) == ["image", "size", "format", "grayscale"]
    assert schema.required == ("image",)
    assert is_file(schema.fields["image"])
    assert schema.fields["format"]["enum"] == ["png", "jpeg"]  # behind allOf: [$ref]
    assert schema.fields["format"]["default"] == "png"  # the key beside the reference
    assert schema.fields["size"]["maximum"] == 1024


def test_keys_written_beside_a_reference_win_over_the_targets() -> None:
    document = with_inputs(
        {"color": {"allOf": [{"$ref": "#/components/schemas/Color"}], "title": "Mine"}}
    )
    schema = read_input_schema(document)
    assert schema is not None
    assert schema.fields["color"]["title"] == "Mine"
    assert schema.fields["color"]["enum"] == ["red", "green"]


def test_training_reads_training_input_and_falls_back_to_input() -> None:
    training = read_input_schema(COG_TEST_SCHEMA, Mode.TRAIN)
    assert training is not None
    assert list(training.fields) == ["epochs"]
    legacy = read_input_schema(with_inputs({"a": {"type": "string"}}), Mode.TRAIN)
    assert legacy is not None
    assert list(legacy.fields) == ["a"]


def test_a_trainings_output_is_training_output() -> None:
    document = _generated("vocab", "train", "train.py")
    output = read_output_schema(document, Mode.TRAIN)
    assert output is not None
    assert output["type"] == "object"
    assert is_file(output["properties"]["weights"])


@pytest.mark.parametrize(
    "document",
    [
        None,
        {},
        {"components": {}},
        {"components": {"schemas": {}}},
        {"components": {"schemas": {"Input": {"type": "object"}}}},
    ],
    ids=["none", "empty", "no-schemas", "no-input", "no-properties"],
)
def test_no_input_component_means_the_inputs_cannot_be_checked_yet(document: Any) -> None:
    assert read_input_schema(document) is None


def test_an_input_component_with_no_properties_listed_is_a_model_without_inputs() -> None:
    schema = read_input_schema(with_inputs({}))
    assert schema is not None
    assert dict(schema.fields) == {}


ODD = [
    ([1, 2], "not a JSON object"),
    ({"components": []}, "components is not an object"),
    ({"components": {"schemas": "x"}}, "components.schemas is not an object"),
    ({"components": {"schemas": {"Input": 3}}}, "components.schemas.Input is not an object"),
    ({"components": {"schemas": {"Input": {"properties": []}}}}, "properties are not an object"),
    (with_inputs({"a": "string"}), "input 'a' is not described by an object"),
    (with_inputs({"a": {"$ref": "#/components/schemas/Nope"}}), "which is not an object"),
    (with_inputs({"a": {"$ref": "http://x/y.json"}}), "not a reference inside the document"),
    (with_inputs({"a": {"allOf": {"$ref": "#/x"}}}), "allOf is not a list of objects"),
    (with_inputs({"a": {"anyOf": [1]}}), "anyOf is not a list of objects"),
    (with_inputs({"a": {"type": "string", "maxLength": "9"}}), "maxLength is not a whole number"),
    (with_inputs({"a": {"type": "integer", "minimum": "1"}}), "minimum is not a number"),
    (with_inputs({"a": {"type": "integer", "minimum": True}}), "minimum is not a number"),
    (with_inputs({"a": {"type": "int"}}), "not a JSON Schema type"),
    (with_inputs({"a": {"type": "string", "enum": "ab"}}), "enum is not a list"),
    (with_inputs({"a": {"type": "string", "pattern": 3}}), "pattern is not a string"),
    (with_inputs({"a": {"type": "array", "items": [1]}}), "items is not an object"),
    (with_inputs({"a": {"type": "object", "properties": {"b": 1}}}), "property 'b' is not"),
]


@pytest.mark.parametrize(("document", "reason"), ODD)
def test_an_odd_shape_is_an_invalid_label_naming_what_is_wrong(document: Any, reason: str) -> None:
    with pytest.raises(InvalidLabelError) as info:
        read_input_schema(document)
    assert info.value.label == LABEL_OPENAPI_SCHEMA
    assert reason in info.value.reason


def test_required_must_be_a_list_of_names() -> None:
    document = with_inputs({"a": {"type": "string"}})
    document["components"]["schemas"]["Input"]["required"] = "a"
    with pytest.raises(InvalidLabelError):
        read_input_schema(document)


def test_a_reference_cycle_is_an_invalid_label_not_a_recursion_error() -> None:
    document = with_inputs({"a": {"$ref": "#/components/schemas/Loop"}})
    document["components"]["schemas"]["Loop"] = {"$ref": "#/components/schemas/Loop"}
    with pytest.raises(InvalidLabelError) as info:
        read_input_schema(document)
    assert "cycle" in info.value.reason


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["components", "schemas", "Input", "properties", "type", "$ref", "a"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(json_values)
def test_any_json_either_reads_or_is_an_invalid_label(document: Any) -> None:
    try:
        read_input_schema(document)
        read_input_schema(document, Mode.TRAIN)
        read_output_schema(document)
    except InvalidLabelError:
        pass
