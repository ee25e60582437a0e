"""Manifests and image configs read plainly: ``json`` into the plain types, no pydantic.

:func:`plain_manifest` and :func:`plain_config` answer only for a document they are certain the
pydantic models (:mod:`adapters.registry.manifest_documents`) read the same way, with exactly
the values the models give; for anything else — text that is not UTF-8 JSON, a value of a JSON
type pydantic would coerce or refuse (``"2"`` for a size), a field given under its Python name
(``media_type``, which the models also accept), a lone surrogate, nesting deeper than 64 — they
answer ``None`` and :mod:`adapters.registry.manifests` asks the models (decision 0030). A test
holds both to the same answers.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.registry.manifests import (
    IMAGE_TYPES,
    Descriptor,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    Manifest,
    PlatformDoc,
    media_type_of,
)
from domain.digest import Digest
from domain.errors import InvalidDigestError
from domain.json_text import is_plain_json


def plain_manifest(
    body: bytes, *, digest: Digest, content_type: str | None, where: str
) -> Manifest | None:
    """``manifests.parse_manifest`` without pydantic, or ``None`` where the models must judge.

    Raises:
        ProtocolError: a well-formed document of a media type this adapter does not read.
    """
    try:
        doc = _object(_plain_json(body))
        media_type = media_type_of(
            _optional_str(doc, "mediaType", "media_type"),
            has_manifests=doc.get("manifests") is not None,
            has_config=doc.get("config") is not None,
            content_type=content_type,
            where=where,
        )
        if media_type in IMAGE_TYPES:
            image = _image_manifest(doc)
            return Manifest(digest=digest, media_type=media_type, size=len(body), image=image)
        index = _image_index(doc)
        return Manifest(digest=digest, media_type=media_type, size=len(body), index=index)
    except _UnsureError:
        return None


def plain_config(body: bytes) -> ImageConfig | None:
    """``manifests.parse_config`` without pydantic, or ``None`` where the models must judge."""
    try:
        return _image_config(_object(_plain_json(body)))
    except _UnsureError:
        return None


class _UnsureError(Exception):
    """Not a document this module can vouch for: the pydantic models must judge it."""


def _plain_json(body: bytes) -> Any:
    try:
        document = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise _UnsureError from None
    if not is_plain_json(document):
        raise _UnsureError
    return document


def _object(value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise _UnsureError
    return value


def _optional_str(doc: dict[str, Any], key: str, python_name: str | None = None) -> str | None:
    # The models also accept a field under its Python name; such documents are theirs to read.
    if python_name is not None and python_name in doc:
        raise _UnsureError
    value = doc.get(key)
    if value is not None and type(value) is not str:
        raise _UnsureError
    return value


def _required_str(doc: dict[str, Any], key: str) -> str:
    value = doc.get(key)
    if type(value) is not str:
        raise _UnsureError
    return value


def _schema_version_2(doc: dict[str, Any]) -> None:
    if "schema_version" in doc or type(doc.get("schemaVersion")) is not int:
        raise _UnsureError
    if doc["schemaVersion"] != 2:
        raise _UnsureError


def _descriptor(value: Any) -> Descriptor:
    doc = _object(value)
    size, digest = doc.get("size"), doc.get("digest")
    if type(size) is not int or not 0 <= size < 2**63 or type(digest) is not str:
        raise _UnsureError
    try:
        parsed = Digest.parse(digest)
    except InvalidDigestError:
        raise _UnsureError from None
    platform = doc.get("platform")
    return Descriptor(
        media_type=_optional_str(doc, "mediaType", "media_type"),
        digest=parsed,
        size=size,
        platform=None if platform is None else _platform(platform),
    )


def _platform(value: Any) -> PlatformDoc:
    doc = _object(value)
    return PlatformDoc(
        os=_required_str(doc, "os"),
        architecture=_required_str(doc, "architecture"),
        variant=_optional_str(doc, "variant"),
    )


def _descriptors(value: Any) -> tuple[Descriptor, ...]:
    if type(value) is not list:
        raise _UnsureError
    return tuple(_descriptor(item) for item in value)


def _image_manifest(doc: dict[str, Any]) -> ImageManifest:
    _schema_version_2(doc)
    layers = _descriptors(doc["layers"]) if "layers" in doc else ()
    return ImageManifest(config=_descriptor(doc.get("config")), layers=layers)


def _image_index(doc: dict[str, Any]) -> ImageIndex:
    _schema_version_2(doc)
    return ImageIndex(manifests=_descriptors(doc.get("manifests")))


def _image_config(doc: dict[str, Any]) -> ImageConfig:
    container = doc.get("config")
    labels: dict[str, str] = {}
    if container is not None:
        found = _object(container)
        if "labels" in found:
            raise _UnsureError
        raw = found.get("Labels")
        if raw is not None:
            labels = _object(raw)
            if any(type(value) is not str for value in labels.values()):
                raise _UnsureError
    return ImageConfig(
        os=_optional_str(doc, "os"),
        architecture=_optional_str(doc, "architecture"),
        variant=_optional_str(doc, "variant"),
        labels=dict(labels),
    )
