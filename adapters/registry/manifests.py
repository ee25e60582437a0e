"""Manifests, indexes and image configs as they come from a registry, validated.

These are foreign documents. Their meaning is fixed by frozen pydantic models that ignore
unknown fields (STYLE G7, :mod:`adapters.registry.manifest_documents`): a document that is not
JSON, or breaks the shape a reader relies on (a digest that is not a digest, a label that is not
a string), becomes :class:`ProtocolError` naming the field. Building those models costs more
than the rest of an inspect, so the common, plainly well-formed document is read here with the
``json`` module into the same plain values; anything this module cannot vouch for (a type
pydantic would coerce, a field given by its Python name, a lone surrogate, deep nesting, any
error) goes to the models, which accept it or name the problem (decision 0030).

Four manifest media types are understood, and all four are sent in ``Accept`` (CNCF Distribution
converts or 404s on a narrower one): Docker schema2 and OCI image manifests (one image), Docker
manifest lists and OCI indexes (one entry per platform). A document's type is its own
``mediaType`` when it has one, else the ``Content-Type`` it was served with, else its shape.
Anything else (schema1, artifacts of other types) is refused with a clear error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import oras.defaults

from adapters.registry.errors import BACKEND
from domain.digest import Digest
from domain.errors import IntegrityError, InvalidDigestError, ProtocolError
from domain.platform import Platform

OCI_MANIFEST: Final[str] = oras.defaults.default_manifest_media_type
OCI_INDEX: Final[str] = oras.defaults.default_index_media_type
DOCKER_MANIFEST: Final[str] = oras.defaults.docker_manifest_media_type
DOCKER_MANIFEST_LIST: Final[str] = oras.defaults.docker_manifest_list_media_type
IMAGE_TYPES: Final = frozenset({OCI_MANIFEST, DOCKER_MANIFEST})
INDEX_TYPES: Final = frozenset({OCI_INDEX, DOCKER_MANIFEST_LIST})
ACCEPT: Final = ", ".join((OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST))
_KNOWN: Final = IMAGE_TYPES | INDEX_TYPES


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformDoc:
    """``platform`` of an index entry."""

    os: str
    architecture: str
    variant: str | None = None

    def to_domain(self) -> Platform | None:
        """As a :class:`Platform`; ``None`` for ``unknown/unknown`` (attestations)."""
        if self.os == "unknown" and self.architecture == "unknown":
            return None
        return Platform(os=self.os, architecture=self.architecture, variant=self.variant or None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Descriptor:
    """A content descriptor: what is referenced, by digest and size."""

    digest: Digest
    size: int
    media_type: str | None = None
    platform: PlatformDoc | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageManifest:
    """A Docker schema2 or OCI image manifest (schema version 2)."""

    config: Descriptor
    layers: tuple[Descriptor, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageIndex:
    """A Docker manifest list or OCI image index (schema version 2)."""

    manifests: tuple[Descriptor, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageConfig:
    """The parts of an image config blob that inspect needs."""

    os: str | None = None
    architecture: str | None = None
    variant: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)  # {} when the image has none

    @property
    def platform(self) -> Platform | None:
        """The platform the image was built for, if the config says."""
        if not self.os or not self.architecture:
            return None
        return Platform(os=self.os, architecture=self.architecture, variant=self.variant or None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """A verified manifest document: exactly one of ``image``/``index`` is set."""

    digest: Digest
    media_type: str
    size: int
    image: ImageManifest | None = None
    index: ImageIndex | None = None


def parse_manifest(
    body: bytes, *, digest: Digest, content_type: str | None, where: str
) -> Manifest:
    """Parse a manifest whose ``digest`` has already been verified.

    Raises:
        ProtocolError: not JSON, an unsupported media type, or not the shape its type requires.
    """
    # Imported here: both modules import this one (its types); the models only when needed.
    from adapters.registry.manifest_plain import plain_manifest  # noqa: PLC0415

    manifest = plain_manifest(body, digest=digest, content_type=content_type, where=where)
    if manifest is not None:
        return manifest
    from adapters.registry.manifest_documents import judge_manifest  # noqa: PLC0415

    return judge_manifest(body, digest=digest, content_type=content_type, where=where)


def parse_config(body: bytes, *, where: str) -> ImageConfig:
    """Parse an image config blob.

    Raises:
        ProtocolError: not JSON, or labels that are not a string-to-string mapping.
    """
    from adapters.registry.manifest_plain import plain_config  # noqa: PLC0415

    config = plain_config(body)
    if config is not None:
        return config
    from adapters.registry.manifest_documents import judge_config  # noqa: PLC0415

    return judge_config(body, where=where)


def media_type_of(
    declared: str | None,
    *,
    has_manifests: bool,
    has_config: bool,
    content_type: str | None,
    where: str,
) -> str:
    """A manifest document's media type: declared, else served, else told by its shape.

    Raises:
        ProtocolError: a type that is none of the four this adapter reads.
    """
    media_type = declared
    if media_type is None:
        served = _bare(content_type)
        # Both OCI types make mediaType optional; the shape then tells them apart.
        if served in _KNOWN:
            media_type = served
        elif has_manifests:
            media_type = OCI_INDEX
        elif has_config:
            media_type = OCI_MANIFEST
        else:
            media_type = "unknown"
    if media_type not in _KNOWN:
        raise ProtocolError(BACKEND, f"{where}: unsupported manifest media type {media_type!r}")
    return media_type


def _bare(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def announced_digest(header: str | None, where: str) -> Digest | None:
    """The ``Docker-Content-Digest`` header as a Digest (``None`` if absent).

    Raises:
        ProtocolError: the header is not a digest.
    """
    if not header:
        return None
    try:
        return Digest.parse(header.strip())
    except InvalidDigestError as exc:
        raise ProtocolError(BACKEND, f"{where}: bad Docker-Content-Digest header") from exc


def verify_content(
    body: bytes, expected: Digest | None, where: str, descriptor: Descriptor | None
) -> Digest:
    """The digest of ``body``, checked against ``expected`` and the descriptor's size.

    Raises:
        IntegrityError: the content is not what it was fetched or announced as.
    """
    if expected is None:
        expected = Digest.of(body)
    elif not expected.matches(body):
        actual = Digest.of(body, expected.algorithm)
        raise IntegrityError(where, expected=str(expected), actual=str(actual))
    if descriptor is not None and descriptor.size != len(body):
        raise IntegrityError(
            where, expected=f"{descriptor.size} bytes", actual=f"{len(body)} bytes"
        )
    return expected
