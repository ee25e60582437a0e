"""The legacy label reader: current keys win, old keys are the fallback."""

from __future__ import annotations

from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import (
    INTERIM_LABEL_COG_VERSION,
    LABEL_CONFIG,
    LABEL_OPENAPI_SCHEMA,
    LABEL_VERSION,
    LEGACY_LABEL_COG_VERSION,
    LEGACY_LABEL_CONFIG,
    LEGACY_LABEL_DEPRECATED,
    LEGACY_LABEL_OPENAPI_SCHEMA,
)
from domain.legacy_labels import read_legacy_labels


def test_an_old_image_is_read_from_the_org_cogmodel_keys() -> None:
    labels = {
        LEGACY_LABEL_CONFIG: '{"predict": "p.py:P"}',
        LEGACY_LABEL_OPENAPI_SCHEMA: '{"openapi": "3.0.2"}',
        LEGACY_LABEL_COG_VERSION: "0.0.14",
        LEGACY_LABEL_DEPRECATED: "true",
    }
    read = read_legacy_labels(labels)
    assert read.config == '{"predict": "p.py:P"}'
    assert read.openapi_schema == '{"openapi": "3.0.2"}'
    assert read.cog_version == "0.0.14"
    assert read.deprecated
    assert read.is_cog_model


def test_current_keys_win_over_old_ones() -> None:
    labels = {
        LABEL_CONFIG: "new",
        LEGACY_LABEL_CONFIG: "old",
        LABEL_OPENAPI_SCHEMA: "new-schema",
        LEGACY_LABEL_OPENAPI_SCHEMA: "old-schema",
        LABEL_VERSION: "0.16.0",
        INTERIM_LABEL_COG_VERSION: "0.4.0",
        LEGACY_LABEL_COG_VERSION: "0.0.1",
    }
    read = read_legacy_labels(labels)
    assert (read.config, read.openapi_schema, read.cog_version) == ("new", "new-schema", "0.16.0")
    assert not read.deprecated


def test_the_2022_interim_version_key_comes_before_the_oldest() -> None:
    read = read_legacy_labels({INTERIM_LABEL_COG_VERSION: "0.4", LEGACY_LABEL_COG_VERSION: "0.1"})
    assert read.cog_version == "0.4"


def test_unrelated_labels_are_not_a_cog_model() -> None:
    read = read_legacy_labels({"maintainer": "x"})
    assert not read.is_cog_model
    assert (read.config, read.openapi_schema, read.cog_version) == ("", "", "")


def test_the_resolvers_rule_stays_cogs_for_legacy_images() -> None:
    image = Image(
        reference=None,
        image_id=None,
        source=ImageSource.LOCAL,
        labels={LEGACY_LABEL_CONFIG: "{}"},
    )
    assert read_legacy_labels(image.labels).is_cog_model
    assert not image.is_cog_model  # Model.from_image still says NotCogModelError
