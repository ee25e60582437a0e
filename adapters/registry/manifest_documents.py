"""Manifests, indexes and image configs as pydantic models: the authority on what they mean.

These frozen models, which ignore unknown fields (STYLE G7), decide whether a document a
registry served is well-formed, and name the problem when it is not (``ProtocolError`` with the
field's path and pydantic's message). :mod:`adapters.registry.manifests` reads the common,
plainly well-formed documents without them (decision 0030) and hands everything else here, so
this module, and pydantic, are imported only when a document needs judging.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError

from adapters.registry.errors import BACKEND
from adapters.registry.manifests import (
    IMAGE_TYPES,
    INDEX_TYPES,
    Descriptor,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    Manifest,
    PlatformDoc,
    media_type_of,
)
from domain.digest import Digest
from domain.errors import ProtocolError


def _digest(value: object) -> Digest:
    if not isinstance(value, str):
        raise ValueError("a digest is a string")  # pydantic turns only ValueError into errors
    return Digest.parse(value)


DigestField = Annotated[Digest, PlainValidator(_digest)]


class _Document(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class PlatformModel(_Document):
    """``platform`` of an index entry."""

    os: str
    architecture: str
    variant: str | None = None

    def plain(self) -> PlatformDoc:
        return PlatformDoc(os=self.os, architecture=self.architecture, variant=self.variant)


class DescriptorModel(_Document):
    """A content descriptor: what is referenced, by digest and size."""

    media_type: str | None = Field(default=None, alias="mediaType")
    digest: DigestField
    size: int = Field(ge=0)
    platform: PlatformModel | None = None

    def plain(self) -> Descriptor:
        return Descriptor(
            media_type=self.media_type,
            digest=self.digest,
            size=self.size,
            platform=self.platform.plain() if self.platform is not None else None,
        )


class ImageManifestModel(_Document):
    """A Docker schema2 or OCI image manifest."""

    schema_version: Literal[2] = Field(alias="schemaVersion")
    config: DescriptorModel
    layers: tuple[DescriptorModel, ...] = ()

    def plain(self) -> ImageManifest:
        return ImageManifest(
            config=self.config.plain(), layers=tuple(layer.plain() for layer in self.layers)
        )


class ImageIndexModel(_Document):
    """A Docker manifest list or OCI image index."""

    schema_version: Literal[2] = Field(alias="schemaVersion")
    manifests: tuple[DescriptorModel, ...]

    def plain(self) -> ImageIndex:
        return ImageIndex(manifests=tuple(entry.plain() for entry in self.manifests))


class _ContainerConfig(_Document):
    labels: dict[str, str] | None = Field(default=None, alias="Labels")


class ImageConfigModel(_Document):
    """The parts of an image config blob that inspect needs."""

    os: str | None = None
    architecture: str | None = None
    variant: str | None = None
    config: _ContainerConfig | None = None

    def plain(self) -> ImageConfig:
        labels = dict(self.config.labels or {}) if self.config else {}
        return ImageConfig(
            os=self.os, architecture=self.architecture, variant=self.variant, labels=labels
        )


class ShapeModel(_Document):
    """What tells the kind of a manifest document apart."""

    media_type: str | None = Field(default=None, alias="mediaType")
    manifests: object = None
    config: object = None


def judge_manifest(
    body: bytes, *, digest: Digest, content_type: str | None, where: str
) -> Manifest:
    """See :func:`adapters.registry.manifests.parse_manifest` (same contract, by the models)."""
    shape = _validate(ShapeModel, body, where, "manifest")
    media_type = media_type_of(
        shape.media_type,
        has_manifests=shape.manifests is not None,
        has_config=shape.config is not None,
        content_type=content_type,
        where=where,
    )
    if media_type in IMAGE_TYPES:
        image = _validate(ImageManifestModel, body, where, "manifest").plain()
        return Manifest(digest=digest, media_type=media_type, size=len(body), image=image)
    assert media_type in INDEX_TYPES  # media_type_of refuses every other type
    index = _validate(ImageIndexModel, body, where, "index").plain()
    return Manifest(digest=digest, media_type=media_type, size=len(body), index=index)


def judge_config(body: bytes, *, where: str) -> ImageConfig:
    """See :func:`adapters.registry.manifests.parse_config` (same contract, by the models)."""
    return _validate(ImageConfigModel, body, where, "image config").plain()


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
