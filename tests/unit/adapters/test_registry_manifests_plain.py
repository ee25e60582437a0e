"""The plain (pydantic-free) reading of manifests and configs answers as the models do, or not.

The rule: whenever ``plain_manifest``/``plain_config`` answer, the pydantic models
(``manifest_documents.judge_*``) give exactly the same value (types included); when the models
refuse a document, the plain reading answers ``None`` or raises the very same error. Checked on
the documents real registries serve (both manifest kinds, both index kinds, attestation
entries, Docker-style configs with Cog labels) — which the plain reading must answer — and on
every field given every JSON type, and on generated documents.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.registry.manifest_documents import judge_config, judge_manifest
from adapters.registry.manifest_plain import plain_config, plain_manifest
from domain.digest import Digest
from domain.errors import ProtocolError
from domain.platform import Platform
from tests.builders import SCHEMA, cog_labels
from tests.infra.registry import (
    AMD64,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    OCI_INDEX,
    OCI_MANIFEST,
    image_config,
    image_index,
    image_manifest,
)

CONFIG = image_config(cog_labels(schema=SCHEMA))
ARM = Platform(os="linux", architecture="arm64", variant="v8")
UNKNOWN = Platform(os="unknown", architecture="unknown")
CONTENT_TYPES = [None, OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST_LIST, "application/json"]


def typed(value: Any) -> Any:
    """``value`` with each leaf's type made part of it (``True`` is not ``1``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, typed(dataclasses.asdict(value)))
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def outcome(judge: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return typed(judge(*args, **kwargs))
    except ProtocolError as exc:
        return ("ProtocolError", str(exc))


def agree_on_manifest(body: bytes, content_type: str | None) -> bool:
    """Whether the plain reading answered (it agrees with the models in any case)."""
    kwargs = {"digest": Digest.of(body), "content_type": content_type, "where": "m"}
    plain = outcome(plain_manifest, body, **kwargs)
    judged = outcome(judge_manifest, body, **kwargs)
    if plain != typed(None):
        assert plain == judged, body
        return plain[0] != "ProtocolError"
    return False


def agree_on_config(body: bytes) -> bool:
    plain = plain_config(body)
    judged = outcome(judge_config, body, where="c")
    if plain is not None:
        assert typed(plain) == judged, body
    return plain is not None


# ---------------------------------------------------------------- what registries serve

REAL_MANIFESTS = [
    image_manifest(CONFIG, [b"layer"], OCI_MANIFEST),
    image_manifest(CONFIG, [b"a", b"b"], DOCKER_MANIFEST),
    image_manifest(CONFIG, [], OCI_MANIFEST),
    image_index([(AMD64, OCI_MANIFEST, b"x"), (ARM, OCI_MANIFEST, b"y")], OCI_INDEX),
    image_index([(AMD64, DOCKER_MANIFEST, b"x")], DOCKER_MANIFEST_LIST),
    image_index([(AMD64, OCI_MANIFEST, b"x"), (UNKNOWN, OCI_MANIFEST, b"att")], OCI_INDEX),
    image_index([(None, OCI_INDEX, b"nested")], OCI_INDEX),
    image_index([], OCI_INDEX),
]
REAL_CONFIGS = [
    CONFIG,
    image_config({}),
    image_config({"a": "b", "é": "ü\u2028"}, ARM),
    json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": None}}).encode(),
    b"{}",
]


@pytest.mark.parametrize("body", REAL_MANIFESTS)
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_served_manifests_are_read_plainly_and_as_the_models_read_them(
    body: bytes, content_type: str | None
) -> None:
    assert agree_on_manifest(body, content_type)


def test_a_manifest_without_media_type_is_typed_as_the_models_type_it() -> None:
    for body in REAL_MANIFESTS:
        doc = json.loads(body)
        del doc["mediaType"]
        for content_type in CONTENT_TYPES:
            agree_on_manifest(json.dumps(doc).encode(), content_type)


@pytest.mark.parametrize("body", REAL_CONFIGS)
def test_served_configs_are_read_plainly_and_as_the_models_read_them(body: bytes) -> None:
    assert agree_on_config(body)


# ---------------------------------------------------------------- every field, every JSON type

VALUES: list[Any] = [
    True, False, None, 0, 1, 2, -1, 2**64, 2.0, "", "x", "2", "linux",
    "sha256:" + "a" * 64, "sha256:abc", [], ["a"], [{}], {}, {"a": "b"}, {"a": 1},
]  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:1]):
            found += _paths(item, (*prefix, index))
    return found


def _replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = copy.deepcopy(doc)
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize("body", REAL_MANIFESTS[:2] + REAL_MANIFESTS[3:4])
def test_every_json_type_in_every_manifest_field_agrees_or_is_left_to_the_models(
    body: bytes,
) -> None:
    doc = json.loads(body)
    extra = {"media_type": 1, "schema_version": 2, "annotations": {"a": "b"}}
    for path in _paths(doc) + [(key,) for key in extra]:
        for value in VALUES:
            changed = json.dumps(_replaced(doc, path, value)).encode()
            for content_type in (None, OCI_INDEX):
                agree_on_manifest(changed, content_type)


def test_every_json_type_in_every_config_field_agrees_or_is_left_to_the_models() -> None:
    doc = json.loads(REAL_CONFIGS[2])
    for path in [*_paths(doc), ("config", "labels"), ("config", "Labels", "new")]:
        for value in VALUES:
            agree_on_config(json.dumps(_replaced(doc, path, value)).encode())


@pytest.mark.parametrize(
    "body",
    [
        b'{"schemaVersion": 2, "manifests": [], "x": "\\ud800"}',
        b'{"schemaVersion": 2, "manifests": [], "x": ' + b"[" * 100 + b"]" * 100 + b"}",
        b"\xef\xbb\xbf{}",
        b'{"schemaVersion": 2, "manifests": []}\xff',
        '{"schemaVersion": 2, "manifests": []}'.encode("utf-16"),
        b"[" * 100_000,
    ],
)
def test_documents_it_cannot_vouch_for_are_left_to_the_models(body: bytes) -> None:
    assert plain_manifest(body, digest=Digest.of(body), content_type=None, where="m") is None
    assert plain_config(body) is None
    agree_on_manifest(body, None)
    agree_on_config(body)


def test_a_size_given_as_text_is_left_to_the_models() -> None:  # pydantic coerces "2" to 2
    body = b'{"schemaVersion": 2, "config": {"digest": "sha256:' + b"a" * 64 + b'", "size": "2"}}'
    assert plain_manifest(body, digest=Digest.of(body), content_type=None, where="m") is None
    agree_on_manifest(body, None)


# ---------------------------------------------------------------- generated documents

_leaf = st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=4)
_any = st.recursive(
    _leaf, lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner)
)
_digest = st.sampled_from(["sha256:" + "b" * 64, "sha512:" + "c" * 128, "sha256:B", "x"])


def _or_any(right: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(right, right, right, _any)


_types = _or_any(st.sampled_from([OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, "x/y"]))
_platform = _or_any(
    st.fixed_dictionaries(
        {"os": _or_any(st.text(max_size=5)), "architecture": _or_any(st.text(max_size=5))},
        optional={"variant": _or_any(st.none() | st.text(max_size=3))},
    )
)
_descriptor = _or_any(
    st.fixed_dictionaries(
        {"digest": _or_any(_digest), "size": _or_any(st.integers(-1, 2**64))},
        optional={"mediaType": _types, "platform": _platform},
    )
)
_manifest = st.fixed_dictionaries(
    {},
    optional={
        "schemaVersion": _or_any(st.just(2)),
        "mediaType": _types,
        "config": _descriptor,
        "layers": _or_any(st.lists(_descriptor, max_size=2)),
        "manifests": _or_any(st.lists(_descriptor, max_size=2)),
    },
)
_config = st.fixed_dictionaries(
    {},
    optional={
        "os": _or_any(st.text(max_size=5)),
        "architecture": _or_any(st.text(max_size=5)),
        "variant": _or_any(st.text(max_size=3)),
        "config": _or_any(
            st.fixed_dictionaries(
                {}, optional={"Labels": _or_any(st.dictionaries(st.text(), st.text()))}
            )
        ),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_manifest, content_type=st.sampled_from(CONTENT_TYPES))
def test_generated_manifests_agree_or_are_left_to_the_models(
    doc: dict[str, Any], content_type: str | None
) -> None:
    agree_on_manifest(json.dumps(doc).encode(), content_type)


@settings(max_examples=300, deadline=None)
@given(doc=_config)
def test_generated_configs_agree_or_are_left_to_the_models(doc: dict[str, Any]) -> None:
    agree_on_config(json.dumps(doc, ensure_ascii=False).encode())


@pytest.mark.parametrize(
    "doc",
    [
        {"schemaVersion": 2, "media_type": DOCKER_MANIFEST_LIST, "manifests": []},
        {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
            {"media_type": OCI_MANIFEST, "digest": "sha256:" + "a" * 64, "size": 1}]},
        {"schema_version": 2, "mediaType": OCI_INDEX, "manifests": []},
    ],
)  # fmt: skip
def test_fields_under_their_python_names_are_left_to_the_models(doc: dict[str, Any]) -> None:
    body = json.dumps(doc).encode()
    assert plain_manifest(body, digest=Digest.of(body), content_type=None, where="m") is None
    agree_on_manifest(body, None)


def test_labels_under_their_python_name_are_left_to_the_models() -> None:
    body = b'{"config": {"labels": {"a": "b"}}}'
    assert plain_config(body) is None
    assert judge_config(body, where="c").labels == {"a": "b"}  # what the models make of it
