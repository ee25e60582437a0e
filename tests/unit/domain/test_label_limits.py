"""Labels are outside data: read once, bounded, shape-checked (issue 15).

``Image.parsed_openapi_schema`` reads the schema label with ``read_json`` and checks it with
``shape_problem`` (kin-openapi's field types: Cog loads the label with kin-openapi), so whoever
reads a Model's schema meets only documents of the right shape and depth
(``test_json_text.py`` tests the two on their own).
"""

from __future__ import annotations

import pytest

from domain.errors import InvalidLabelError
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG, LABEL_OPENAPI_SCHEMA
from domain.limits import MAX_JSON_DEPTH


def _image(schema: str, config: str = "{}") -> Image:
    labels = {LABEL_CONFIG: config, LABEL_OPENAPI_SCHEMA: schema}
    return Image(reference=None, image_id=None, source=ImageSource.REMOTE, labels=labels)


def _nested(depth: int) -> str:
    return '{"a":' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


# ------------------------------------------------------------------ through Image


def test_a_schema_label_nested_900_deep_is_a_malformed_label() -> None:
    # Was: a RecursionError from `inspect --json` (exit 1).
    with pytest.raises(InvalidLabelError) as info:
        _image(_nested(900)).to_model()
    assert info.value.label == LABEL_OPENAPI_SCHEMA
    assert str(MAX_JSON_DEPTH) in info.value.reason


@pytest.mark.parametrize(
    "schema",
    [
        '{"components": "x"}',
        '{"components": {"schemas": {"Input": {"properties": {"x": {"enum": 5}}}}}}',
        '{"a": [1e400]}',
    ],
)
def test_a_schema_label_of_the_wrong_shape_is_a_malformed_label(schema: str) -> None:
    with pytest.raises(InvalidLabelError) as info:
        _image(schema).parsed_openapi_schema()
    assert info.value.label == LABEL_OPENAPI_SCHEMA


def test_a_config_label_nested_too_deeply_names_the_limit() -> None:
    with pytest.raises(InvalidLabelError) as info:
        _image("", config=_nested(900)).to_model()
    assert info.value.label == LABEL_CONFIG
    assert str(MAX_JSON_DEPTH) in info.value.reason
