"""Manifests, indexes and image configs as they come from a registry, validated.

These are foreign documents, so they are parsed with frozen pydantic models that ignore unknown
fields (STYLE G7); a document that is not JSON, or breaks the shape a reader relies on (a digest
that is not a digest, a label that is not a string), becomes :class:`ProtocolError` right here.

Four manifest media types are understood, and all four are sent in ``Accept`` (CNCF Distribution
converts or 404s on a narrower one): Docker schema2 and OCI image manifests (one image), Docker
manifest lists and OCI indexes (one entry per platform). A document's type is its own
``mediaType`` when it has one, else the ``Content-Type`` it was served with, else its shape.
Anything else (schema1, artifacts of other types) is refused with a clear error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Final, Literal, TypeVar

import oras.defaults
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError

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


def _digest(value: object) -> Digest:
    if not isinstance(value, str):
        raise ValueError("a digest is a string")  # pydantic turns only ValueError into errors
    return Digest.parse(value)


DigestField = Annotated[Digest, PlainValidator(_digest)]
_KNOWN: Final = IMAGE_TYPES | INDEX_TYPES


class _Document(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class PlatformDoc(_Document):
    """``platform`` of an index entry."""

    os: str
    architecture: str
    variant: str | None = None

    def to_domain(self) -> Platform | None:
        """As a :class:`Platform`; ``None`` for ``unknown/unknown`` (attestations)."""
        if self.os == "unknown" and self.architecture == "unknown":
            return None
        return Platform(os=self.os, architecture=self.architecture, variant=self.variant or None)


class Descriptor(_Document):
    """A content descriptor: what is referenced, by digest and size."""

    media_type: str | None = Field(default=None, alias="mediaType")
    digest: DigestField
    size: int = Field(ge=0)
    platform: PlatformDoc | None = None


class ImageManifest(_Document):
    """A Docker schema2 or OCI image manifest."""

    schema_version: Literal[2] = Field(alias="schemaVersion")
    config: Descriptor
    layers: tuple[Descriptor, ...] = ()


class ImageIndex(_Document):
    """A Docker manifest list or OCI image index."""

    schema_version: Literal[2] = Field(alias="schemaVersion")
    manifests: tuple[Descriptor, ...]


class _ContainerConfig(_Document):
    labels: dict[str, str] | None = Field(default=None, alias="Labels")


class ImageConfig(_Document):
    """The parts of an image config blob that inspect needs."""

    os: str | None = None
    architecture: str | None = None
    variant: str | None = None
    config: _ContainerConfig | None = None

    @property
    def labels(self) -> dict[str, str]:
        """The image's labels (``{}`` when it has none)."""
        return dict(self.config.labels or {}) if self.config else {}

    @property
    def platform(self) -> Platform | None:
        """The platform the image was built for, if the config says."""
        if not self.os or not self.architecture:
            return None
        return Platform(os=self.os, architecture=self.architecture, variant=self.variant or None)


class _Shape(_Document):
    media_type: str | None = Field(default=None, alias="mediaType")
    manifests: object = None
    config: object = None


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
    shape = _validate(_Shape, body, where, "manifest")
    media_type = shape.media_type
    if media_type is None:
        served = _bare(content_type)
        media_type = served if served in _KNOWN else _guess(shape)
    if media_type in IMAGE_TYPES:
        image = _validate(ImageManifest, body, where, "manifest")
        return Manifest(digest=digest, media_type=media_type, size=len(body), image=image)
    if media_type in INDEX_TYPES:
        index = _validate(ImageIndex, body, where, "index")
        return Manifest(digest=digest, media_type=media_type, size=len(body), index=index)
    raise ProtocolError(BACKEND, f"{where}: unsupported manifest media type {media_type!r}")


def parse_config(body: bytes, *, where: str) -> ImageConfig:
    """Parse an image config blob.

    Raises:
        ProtocolError: not JSON, or labels that are not a string-to-string mapping.
    """
    return _validate(ImageConfig, body, where, "image config")


_T = TypeVar("_T", bound=_Document)


def _validate(model: type[_T], body: bytes, where: str, what: str) -> _T:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        place = ".".join(str(part) for part in first["loc"]) or "document"
        raise ProtocolError(
            BACKEND, f"{where}: malformed {what} ({place}: {first['msg']})"
        ) from exc


def _bare(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _guess(shape: _Shape) -> str:
    # Both OCI types make mediaType optional; the shape then tells them apart.
    if shape.manifests is not None:
        return OCI_INDEX
    if shape.config is not None:
        return OCI_MANIFEST
    return "unknown"


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
