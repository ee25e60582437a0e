"""Parsing manifests, indexes and image configs as a registry serves them (no network)."""

from __future__ import annotations

import json

import pytest

from adapters.registry.manifests import (
    ACCEPT,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    OCI_INDEX,
    OCI_MANIFEST,
    PlatformDoc,
    parse_config,
    parse_manifest,
)
from domain.digest import Digest
from domain.errors import ProtocolError
from domain.platform import Platform
from tests.infra.registry import AMD64, image_config, image_index, image_manifest

CONFIG = image_config({"run.cog.version": "0.16.0"})
SCHEMA1 = json.dumps(
    {"schemaVersion": 1, "mediaType": "application/vnd.docker.distribution.manifest.v1+prettyjws"}
).encode()


def _parse(body: bytes, content_type: str | None = None):  # type: ignore[no-untyped-def]
    return parse_manifest(body, digest=Digest.of(body), content_type=content_type, where="m")


def test_accept_names_all_four_manifest_media_types() -> None:
    accepted = {part.strip() for part in ACCEPT.split(",")}
    assert accepted == {OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST}


@pytest.mark.parametrize("media_type", [OCI_MANIFEST, DOCKER_MANIFEST])
def test_image_manifests_of_both_kinds_parse(media_type: str) -> None:
    manifest = _parse(image_manifest(CONFIG, [b"layer"], media_type))
    assert manifest.media_type == media_type
    assert manifest.index is None
    assert manifest.image is not None
    assert manifest.image.config.digest == Digest.of(CONFIG)
    assert isinstance(manifest.image.config.digest, Digest)


@pytest.mark.parametrize("media_type", [OCI_INDEX, DOCKER_MANIFEST_LIST])
def test_indexes_of_both_kinds_parse_with_platforms(media_type: str) -> None:
    child = image_manifest(CONFIG, [])
    manifest = _parse(image_index([(AMD64, OCI_MANIFEST, child)], media_type))
    assert manifest.media_type == media_type
    assert manifest.index is not None
    (entry,) = manifest.index.manifests
    assert entry.digest == Digest.of(child)
    assert entry.platform is not None
    assert entry.platform.to_domain() == AMD64


def test_a_document_without_media_type_takes_the_served_content_type() -> None:
    doc = json.loads(image_index([(AMD64, OCI_MANIFEST, b"{}")]))
    del doc["mediaType"]
    body = json.dumps(doc).encode()
    assert _parse(body, f"{DOCKER_MANIFEST_LIST}; charset=utf-8").media_type == DOCKER_MANIFEST_LIST


@pytest.mark.parametrize(("key", "expected"), [("config", OCI_MANIFEST), ("manifests", OCI_INDEX)])
def test_a_document_without_any_type_is_recognised_by_its_shape(key: str, expected: str) -> None:
    source = image_manifest(CONFIG, []) if key == "config" else image_index([])
    doc = json.loads(source)
    del doc["mediaType"]
    assert _parse(json.dumps(doc).encode(), "application/json").media_type == expected


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[]",
        b"{not json",
        SCHEMA1,
        b'{"schemaVersion": 2, "mediaType": "application/vnd.oci.artifact.manifest.v1+json"}',
        b'{"schemaVersion": 3, "manifests": []}',
        b'{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json"}',
        b'{"schemaVersion": 2, "config": {"digest": "sha256:abc", "size": 2}}',
        b'{"schemaVersion": 2, "config": {"digest": "sha256:' + b"a" * 64 + b'", "size": -1}}',
        b'{"schemaVersion": 2, "manifests": [{"digest": 7, "size": 1}]}',
        b'{"schemaVersion": 2, "mediaType": 5}',
    ],
)
def test_malformed_or_unsupported_documents_are_protocol_errors(body: bytes) -> None:
    with pytest.raises(ProtocolError) as info:
        _parse(body)
    assert info.value.backend == "registry"


def test_config_labels_and_platform_are_read() -> None:
    config = parse_config(
        image_config({"a": "b"}, Platform(os="linux", architecture="arm", variant="v7")), where="c"
    )
    assert config.labels == {"a": "b"}
    assert config.platform == Platform(os="linux", architecture="arm", variant="v7")


@pytest.mark.parametrize(
    "body", [b"{}", b'{"config": {}}', b'{"config": {"Labels": null}}', b'{"config": null}']
)
def test_a_config_without_labels_has_none(body: bytes) -> None:
    config = parse_config(body, where="c")
    assert config.labels == {}
    assert config.platform is None


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"config": {"Labels": {"a": 1}}}',
        b'{"config": {"Labels": {"a": null}}}',
        b"[]",
    ],
)
def test_a_config_with_non_string_labels_is_a_protocol_error(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_config(body, where="c")


def test_unknown_platforms_of_attestations_are_no_platform() -> None:
    assert PlatformDoc(os="unknown", architecture="unknown").to_domain() is None
    assert PlatformDoc(os="linux", architecture="arm64", variant="").to_domain() == Platform(
        os="linux", architecture="arm64"
    )
