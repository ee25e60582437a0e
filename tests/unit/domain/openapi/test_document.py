"""The OpenAPI document: structure, key order, exact bytes, train mode and the merge.

The golden bytes below were written by hand from Cog's ``buildOpenAPISpec`` (openapi_spec.go
at HEAD): Go ``map`` objects sorted by key, ``components.schemas``, ``paths`` and
``properties`` in insertion order, compact, HTML characters escaped.
"""

from __future__ import annotations

import json

from domain.gojson import dumps
from domain.openapi import (
    encode,
    generate_for_config,
    merge_documents,
    openapi_document,
    openapi_schema,
    predictor_info,
)
from tests.unit.domain.openapi.cases import EXAMPLE, components, predictor, project_reader, schema

SIMPLE = """\
from cog import BasePredictor
class Predictor(BasePredictor):
    def predict(self, s: str) -> str: ...
"""

_OK = '{"content":{"application/json":{"schema":{}}},"description":"Successful Response"}'
_422 = (
    '{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}},'
    '"description":"Validation Error"}'
)
_TEXT = '{{"title":"{}","type":"string"}}'
_MOMENT = '{{"format":"date-time","title":"{}","type":"string"}}'
GOLDEN = (
    '{"components":{"schemas":{'
    '"Input":{"properties":{"s":{"title":"S","type":"string","x-order":0}},'
    '"required":["s"],"title":"Input","type":"object"},'
    '"Output":{"title":"Output","type":"string"},'
    '"PredictionRequest":{"properties":{"id":' + _TEXT.format("Id") + ","
    '"input":{"$ref":"#/components/schemas/Input"}},"title":"PredictionRequest","type":"object"},'
    '"PredictionResponse":{"properties":{'
    '"completed_at":' + _MOMENT.format("Completed At") + ","
    '"created_at":' + _MOMENT.format("Created At") + ","
    '"error":' + _TEXT.format("Error") + ","
    '"id":' + _TEXT.format("Id") + ","
    '"input":{"$ref":"#/components/schemas/Input"},'
    '"logs":' + _TEXT.format("Logs") + ","
    '"metrics":{"title":"Metrics","type":"object"},'
    '"output":{"$ref":"#/components/schemas/Output"},'
    '"started_at":' + _MOMENT.format("Started At") + ","
    '"status":' + _TEXT.format("Status") + ","
    '"version":' + _TEXT.format("Version") + "},"
    '"title":"PredictionResponse","type":"object"},'
    '"Status":{"description":"An enumeration.",'
    '"enum":["starting","processing","succeeded","canceled","failed"],"title":"Status","type":"string"},'
    '"HTTPValidationError":{"properties":{"detail":{"items":{"$ref":"#/components/schemas/ValidationError"},'
    '"title":"Detail","type":"array"}},"title":"HTTPValidationError","type":"object"},'
    '"ValidationError":{"properties":{'
    '"loc":{"items":{"anyOf":[{"type":"string"},{"type":"integer"}]},"title":"Location","type":"array"},'
    '"msg":' + _TEXT.format("Message") + ","
    '"type":' + _TEXT.format("Error Type") + "},"
    '"required":["loc","msg","type"],"title":"ValidationError","type":"object"}}},'
    '"info":{"title":"Cog","version":"0.1.0"},'
    '"openapi":"3.0.2",'
    '"paths":{'
    '"/":{"get":{"operationId":"root__get","responses":{"200":' + _OK + '},"summary":"Root"}},'
    '"/health-check":{"get":{"operationId":"healthcheck_health_check_get",'
    '"responses":{"200":' + _OK + '},"summary":"Healthcheck"}},'
    '"/predictions":{"post":{"description":"Run a single prediction on the model",'
    '"operationId":"predict_predictions_post",'
    '"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/PredictionRequest"}}}},'
    '"responses":{"200":{"content":{"application/json":{"schema":'
    '{"$ref":"#/components/schemas/PredictionResponse"}}},"description":"Successful Response"},'
    '"422":' + _422 + '},"summary":"Predict"}},'
    '"/predictions/{prediction_id}/cancel":{"post":{'
    '"operationId":"cancel_predictions__prediction_id__cancel_post",'
    '"parameters":[{"in":"path","name":"prediction_id","required":true,'
    '"schema":{"title":"Prediction Id","type":"string"}}],'
    '"responses":{"200":' + _OK + ',"422":' + _422 + '},"summary":"Cancel"}}}}'
)


def test_a_simple_predictor_gives_cogs_exact_bytes() -> None:
    assert encode(schema(SIMPLE)).decode() == GOLDEN


def test_the_returned_dict_is_in_output_order() -> None:
    document = schema(SIMPLE)
    assert dumps(document) == GOLDEN
    assert list(document) == ["components", "info", "openapi", "paths"]


def test_component_and_path_order() -> None:
    source = predictor('b: str = Input(choices=["x"]), a: int = Input(choices=[1, 2], default=1)')
    document = schema(source)
    assert list(document["components"]["schemas"]) == [
        "Input",
        "Output",
        "b",
        "a",
        "PredictionRequest",
        "PredictionResponse",
        "Status",
        "HTTPValidationError",
        "ValidationError",
    ]
    assert list(document["paths"]) == [
        "/",
        "/health-check",
        "/predictions",
        "/predictions/{prediction_id}/cancel",
    ]


def test_version_becomes_info_version_and_html_characters_are_escaped() -> None:
    source = predictor('x: str = Input(description="a <b> & c", default="\u2028")')
    raw = encode(openapi_schema(source, "Predictor", version="0.17.1-dev+<x>"))
    assert b'"info":{"title":"Cog","version":"0.17.1-dev+\\u003cx\\u003e"}' in raw
    assert b'"description":"a \\u003cb\\u003e \\u0026 c"' in raw
    assert b'"default":"\\u2028"' in raw


def test_train_mode_document() -> None:
    source = "from cog import Path\ndef train(n: int, name: str = 'x') -> Path: ...\n"
    document = openapi_schema(source, "train", mode="train")
    schemas = document["components"]["schemas"]
    assert list(schemas)[:2] == ["TrainingInput", "TrainingOutput"]
    assert "TrainingRequest" in schemas
    assert "TrainingResponse" in schemas
    assert schemas["TrainingInput"]["title"] == "TrainingInput"
    assert schemas["TrainingOutput"] == {"format": "uri", "title": "Output", "type": "string"}
    assert schemas["TrainingRequest"]["properties"]["input"] == {
        "$ref": "#/components/schemas/TrainingInput"
    }
    assert schemas["TrainingResponse"]["properties"]["output"] == {
        "$ref": "#/components/schemas/TrainingOutput"
    }
    assert list(document["paths"]) == [
        "/",
        "/health-check",
        "/trainings",
        "/trainings/{training_id}/cancel",
    ]
    post = document["paths"]["/trainings"]["post"]
    assert (post["summary"], post["operationId"]) == ("Train", "train_trainings_post")
    assert post["description"] == "Run a single training on the model"
    cancel = document["paths"]["/trainings/{training_id}/cancel"]["post"]
    assert cancel["operationId"] == "cancel_trainings__training_id__cancel_post"
    assert cancel["parameters"][0]["schema"] == {"title": "Training Id", "type": "string"}


def test_train_mode_never_streams() -> None:
    source = "import cog\nfrom typing import Iterator\n"
    source += "@cog.streaming\ndef train() -> Iterator[str]: ...\n"
    document = openapi_schema(source, "train", mode="train")
    assert "x-cog-streaming" not in document["paths"]["/trainings"]["post"]


def test_merge_adds_the_train_paths_and_components_with_every_key_sorted() -> None:
    predict = schema(SIMPLE)
    train = openapi_schema("def train(n: int) -> str: ...\n", "train", mode="train")
    merged = merge_documents(predict, train)
    assert list(merged["paths"]) == sorted(
        [*predict["paths"], "/trainings", "/trainings/{training_id}/cancel"]
    )
    schemas = merged["components"]["schemas"]
    assert list(schemas) == sorted(schemas)
    assert schemas["Input"] == predict["components"]["schemas"]["Input"]
    assert schemas["TrainingInput"] == train["components"]["schemas"]["TrainingInput"]
    assert list(schemas["Input"]) == sorted(schemas["Input"])
    assert predict == schema(SIMPLE)  # the inputs are not modified


def test_merge_keeps_the_predict_side_when_both_have_a_key() -> None:
    predict = {"paths": {"/a": 1}, "components": {"schemas": {"S": "predict"}}}
    train = {"paths": {"/a": 2, "/b": 3}, "components": {"schemas": {"S": "train", "T": 4}}}
    assert merge_documents(predict, train) == {
        "components": {"schemas": {"S": "predict", "T": 4}},
        "paths": {"/a": 1, "/b": 3},
    }


def test_merged_bytes_are_indented_with_float64_numbers() -> None:
    merged = {"b": [1, 2**53 + 1, 1e21, True], "a": {"z": 0, "y": "<"}}
    assert encode(merged, merged=True).decode() == (
        '{\n  "a": {\n    "y": "\\u003c",\n    "z": 0\n  },\n'
        '  "b": [\n    1,\n    9007199254740992,\n    1e+21,\n    true\n  ]\n}'
    )


def test_generate_for_config_with_predict_only_is_the_compact_document() -> None:
    raw = generate_for_config(
        "predict.py:Predictor", None, project_reader(EXAMPLE), version="1.2.3"
    )
    source = (EXAMPLE / "predict.py").read_text()
    expected = openapi_schema(source, "Predictor", version="1.2.3")
    assert raw == encode(expected)
    for fragment in (
        b'"required":["text"]',
        b'"enum":["plain","upper","title","reverse"]',
        b'"repeat":{"default":1,"description":"How many times to write the text",'
        b'"maximum":10,"minimum":1,',
        b'"spacing":{"default":1,',
        b'"x-cog-accept":"text/plain"',
        b'"Output":{"format":"uri","title":"Output","type":"string"}',
        b'"version":"1.2.3"',
    ):
        assert fragment in raw


def test_generate_for_config_with_both_refs_is_the_indented_merge() -> None:
    raw = generate_for_config("predict.py:Predictor", "predict.py:train", project_reader(EXAMPLE))
    document = json.loads(raw)
    assert raw.startswith(b'{\n  "components": {\n    "schemas": {\n')
    assert {"/predictions", "/trainings"} <= set(document["paths"])
    assert {"Input", "TrainingInput", "style"} <= set(document["components"]["schemas"])
    assert document["components"]["schemas"]["TrainingInput"]["required"] == ["corpus"]


def test_train_only_config_gives_the_train_document() -> None:
    raw = generate_for_config(None, "predict.py:train", project_reader(EXAMPLE))
    assert b'"/trainings"' in raw
    assert b'"/predictions"' not in raw


# --------------------------------------------------------------------------- Cog's quirks, kept


def test_post_processing_reaches_into_dict_defaults_as_cog_does() -> None:
    # Cog walks every map of the document: a default that looks like a schema is "fixed" too.
    params = (
        'ref: dict = {"$ref": "#/x", "title": "T"}, '
        'nullable: dict = {"anyOf": [{"type": "null"}, {"type": "string"}]}'
    )
    properties = components(predictor(params))["Input"]["properties"]
    assert properties["ref"]["default"] == {"$ref": "#/x"}
    assert properties["nullable"]["default"] == {"nullable": True, "type": "string"}


def test_an_enum_named_like_a_fixed_component_keeps_its_place_but_loses_its_value() -> None:
    schemas = components(predictor('Status: str = Input(choices=["a"])'))
    assert list(schemas)[:3] == ["Input", "Output", "Status"]
    assert schemas["Status"]["enum"] == [
        "starting",
        "processing",
        "succeeded",
        "canceled",
        "failed",
    ]


def test_building_a_document_leaves_the_predictor_info_unchanged() -> None:
    source = predictor('ref: dict = {"$ref": "#/x", "title": "T"}, c: str = Input(choices=["a"])')
    info = predictor_info(source, "Predictor")
    first = openapi_document(info)
    assert info.inputs[0].default == {"$ref": "#/x", "title": "T"}
    assert openapi_document(info) == first
