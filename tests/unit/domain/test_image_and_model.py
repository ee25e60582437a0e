"""Image label accessors and Model.from_image (cog-spec §7.3 items 46–52, 56)."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import pytest

from domain.cogyaml.models import CogConfig
from domain.errors import (
    CogModelError,
    ImageNotFoundError,
    InvalidLabelError,
    NotCogModelError,
)
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import (
    LABEL_CONFIG,
    LABEL_MODEL_DEPENDENCIES,
    LABEL_OPENAPI_SCHEMA,
    LABEL_VERSION,
    LABEL_WEIGHTS_MANIFEST,
)
from domain.model import Model
from domain.reference import parse_ref

SCHEMA = '{"openapi":"3.0.2","info":{"title":"Cog","version":"0.1.0"},"paths":{}}'


def _image(labels: dict[str, str] | None = None) -> Image:
    return Image(
        reference=parse_ref("r8.im/user/model:v1"),
        image_id=None,
        source=ImageSource.LOCAL,
        labels=labels or {},
    )


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({}, False),
        ({LABEL_CONFIG: '{"build": {}}'}, True),
        ({LABEL_CONFIG: ""}, True),
        ({"maintainer": "x"}, False),
        ({LABEL_VERSION: "0.10.0"}, False),
        ({"org.cogmodel.config": "{}"}, False),
    ],
    ids=["empty", "config", "empty-config-value", "other", "version-only", "legacy-only"],
)
def test_only_the_config_label_makes_a_cog_model(labels: dict[str, str], expected: bool) -> None:
    assert _image(labels).is_cog_model is expected  # item 46


def test_raw_label_accessors_default_to_empty_text() -> None:  # item 47
    image = _image()
    assert (image.cog_version, image.config, image.openapi_schema) == ("", "", "")
    full = _image({LABEL_CONFIG: "{}", LABEL_VERSION: "0.9", LABEL_OPENAPI_SCHEMA: SCHEMA})
    assert (full.cog_version, full.config, full.openapi_schema) == ("0.9", "{}", SCHEMA)


def test_image_sources_and_label_keys_are_cogs() -> None:  # item 48
    assert [s.value for s in ImageSource] == ["local", "remote", "build"]
    assert (LABEL_CONFIG, LABEL_VERSION, LABEL_OPENAPI_SCHEMA) == (
        "run.cog.config",
        "run.cog.version",
        "run.cog.openapi_schema",
    )
    assert LABEL_WEIGHTS_MANIFEST == "run.cog.r8_weights_manifest"
    assert LABEL_MODEL_DEPENDENCIES == "run.cog.r8_model_dependencies"


def test_parsed_config_is_none_when_absent_and_an_error_when_malformed() -> None:  # item 49
    assert _image().parsed_config() is None
    assert _image({LABEL_CONFIG: ""}).parsed_config() is None
    parsed = _image({LABEL_CONFIG: '{"build":{"gpu":true}}'}).parsed_config()
    assert parsed is not None
    assert parsed.build.gpu is True
    with pytest.raises(InvalidLabelError) as info:
        _image({LABEL_CONFIG: "{invalid"}).parsed_config()
    assert info.value.label == LABEL_CONFIG


def test_config_label_from_a_newer_cog_is_read_leniently() -> None:
    label = json.dumps({"build": {"python_version": "3.12", "future_key": 1}, "weights": []})
    parsed = _image({LABEL_CONFIG: label}).parsed_config()
    assert parsed is not None
    assert parsed.build.python_version == "3.12"


def test_to_model_requires_the_config_label() -> None:  # item 50
    with pytest.raises(NotCogModelError) as info:
        _image().to_model()
    assert info.value.ref == "r8.im/user/model:v1"


def test_to_model_reads_version_config_and_schema() -> None:  # item 50
    image = _image(
        {LABEL_CONFIG: '{"predict":"p.py:P"}', LABEL_VERSION: "0.9", LABEL_OPENAPI_SCHEMA: SCHEMA}
    )
    model = image.to_model()
    assert model.image is image
    assert model.cog_version == "0.9"
    assert model.config.predict == "p.py:P"
    assert model.schema is not None
    assert model.schema["info"] == {"title": "Cog", "version": "0.1.0"}
    assert _image({LABEL_CONFIG: "{}"}).to_model().schema is None


@pytest.mark.parametrize(
    ("labels", "bad_label"),
    [
        ({LABEL_CONFIG: "{bad"}, LABEL_CONFIG),
        ({LABEL_CONFIG: "{}", LABEL_OPENAPI_SCHEMA: "{bad"}, LABEL_OPENAPI_SCHEMA),
        ({LABEL_CONFIG: "{}", LABEL_OPENAPI_SCHEMA: "[]"}, LABEL_OPENAPI_SCHEMA),
        ({LABEL_CONFIG: '{"build": {"gpu": "perhaps"}}'}, LABEL_CONFIG),
        ({LABEL_CONFIG: "[" * 100_000}, LABEL_CONFIG),
        ({LABEL_CONFIG: "{}", LABEL_OPENAPI_SCHEMA: "[" * 100_000}, LABEL_OPENAPI_SCHEMA),
        ({LABEL_CONFIG: "{}", LABEL_OPENAPI_SCHEMA: '{"x": NaN}'}, LABEL_OPENAPI_SCHEMA),
        ({LABEL_CONFIG: "{}", LABEL_OPENAPI_SCHEMA: '{"x": -Infinity}'}, LABEL_OPENAPI_SCHEMA),
    ],
    ids=[
        "config-json",
        "schema-json",
        "schema-not-object",
        "config-type",
        "config-nested-too-deep",
        "schema-nested-too-deep",
        "schema-nan",
        "schema-infinity",
    ],
)
def test_to_model_with_a_malformed_label_is_not_a_not_cog_model_error(
    labels: dict[str, str], bad_label: str
) -> None:  # item 50
    with pytest.raises(InvalidLabelError) as info:
        _image(labels).to_model()
    assert not isinstance(info.value, NotCogModelError)
    assert info.value.label == bad_label


def test_parsed_schema_of_a_valid_document() -> None:  # item 51
    schema = _image({LABEL_OPENAPI_SCHEMA: SCHEMA}).parsed_openapi_schema()
    assert schema is not None
    assert (schema["openapi"], schema["info"]) == ("3.0.2", {"title": "Cog", "version": "0.1.0"})
    assert _image().parsed_openapi_schema() is None


def test_model_flags_and_schema_json() -> None:  # item 52
    plain = Model(image=_image(), config=CogConfig())
    assert (plain.has_gpu, plain.is_fast, plain.schema_json()) == (False, False, None)
    gpu = Model(
        image=_image(),
        config=CogConfig.model_validate({"build": {"gpu": True, "fast": True}}),
        schema={"openapi": "3.0.2"},
    )
    assert (gpu.has_gpu, gpu.is_fast) == (True, True)
    assert gpu.schema_json() == '{"openapi":"3.0.2"}'
    assert gpu.image_ref == "r8.im/user/model:v1"


def test_labels_cannot_be_changed_after_the_fact() -> None:
    labels = {LABEL_CONFIG: "{}"}
    image = _image(labels)
    labels["sneaky"] = "x"
    assert "sneaky" not in image.labels
    with pytest.raises(TypeError):
        image.labels["x"] = "y"  # type: ignore[index]


def test_not_found_and_not_a_cog_model_are_distinct_errors() -> None:  # item 56
    not_found = ImageNotFoundError("x", ImageSource.LOCAL)
    not_cog = NotCogModelError("x")
    assert isinstance(not_found, CogModelError)
    assert isinstance(not_cog, CogModelError)
    assert not isinstance(not_found, NotCogModelError)
    assert not isinstance(not_cog, ImageNotFoundError)
    assert isinstance(not_found, LookupError)


@pytest.mark.parametrize(
    "label",
    [
        '{"build":{"gpu":true,"python_version":"3.12","fast":true},"predict":"p.py:P",'
        '"train":"t.py:T"}',
        '{"build":{"gpu":"true"},"predict":"p.py:P"}',  # read by the models, not label_fields
        "",
        "{}",
    ],
    ids=["plain-json", "coerced-by-pydantic", "empty-label", "empty-object"],
)
def test_what_a_model_shows_is_what_its_parsed_config_says(label: str) -> None:
    model = _image({LABEL_CONFIG: label}).to_model()
    config = _image({LABEL_CONFIG: label}).parsed_config() or CogConfig()
    shown = (model.has_gpu, model.is_fast, model.python_version, model.predictor, model.trainer)
    assert shown == (
        config.build.gpu,
        config.build.fast,
        config.build.python_version,
        config.predict,
        config.train,
    )
    assert model.config == config


def test_a_model_read_from_labels_equals_one_made_with_its_config() -> None:
    label = '{"build":{"gpu":true},"predict":"p.py:P"}'
    image = _image({LABEL_CONFIG: label, LABEL_VERSION: "0.9"})
    made = Model(image=image, config=CogConfig.model_validate_json(label), cog_version="0.9")
    assert image.to_model() == made
    assert image.to_model() != Model(image=image, config=CogConfig(), cog_version="0.9")


def test_a_malformed_config_label_fails_with_the_models_own_message() -> None:
    image = _image({LABEL_CONFIG: '{"build": {"gpu": "perhaps"}}'})
    with pytest.raises(InvalidLabelError) as from_model:
        image.to_model()
    with pytest.raises(InvalidLabelError) as from_parse:
        image.parsed_config()
    assert str(from_model.value) == str(from_parse.value)


def test_a_model_cannot_be_changed_after_the_fact() -> None:
    model = _image({LABEL_CONFIG: "{}"}).to_model()
    with pytest.raises(FrozenInstanceError):
        model.cog_version = "1.0"  # type: ignore[misc]
