"""A registry that lives in dictionaries. Passes RemoteImagesContract.

Images are stored per repository under tags and manifest digests, as a registry stores them: a
single image or an index of per-platform images. State you can set to model a misbehaving
registry: ``unavailable`` (every call raises BackendUnavailableError) and ``denied`` (the
``registry/repository`` names that answer "unauthorized").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from application.ports.remote_images import RemoteImages
from domain.digest import Digest
from domain.errors import AuthenticationError, BackendUnavailableError, ImageNotFoundError
from domain.image import Image
from domain.image_source import ImageSource
from domain.index import check_platform, choose_platform
from domain.platform import Platform
from domain.reference import ParsedRef

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


@dataclass(frozen=True, slots=True)
class _Manifest:
    digest: Digest
    images: tuple[Image, ...]
    is_index: bool


class InMemoryRemoteImages:
    """An in-memory OCI registry (any number of registries and repositories)."""

    def __init__(self, images: Iterable[Image] = ()) -> None:
        """Seed with ``images``; each needs a tag ``reference``."""
        self._tags: dict[str, dict[str, Digest]] = {}
        self._manifests: dict[str, dict[Digest, _Manifest]] = {}
        self.unavailable = False
        self.denied: set[str] = set()
        for image in images:
            self.add(image)

    def add(self, image: Image, ref: ParsedRef | None = None) -> ParsedRef:
        """Store a single-platform ``image`` under ``ref`` (default: its own reference).

        Returns the reference it is stored under.
        """
        target = _target(ref or image.reference)
        stored = _stored(image)
        digest = Digest.of(_manifest_bytes([stored]))
        return self._put(target, _Manifest(digest=digest, images=(stored,), is_index=False))

    def add_index(self, ref: ParsedRef, images: Sequence[Image]) -> ParsedRef:
        """Store an index of ``images`` (one per platform) under the tag ``ref``."""
        stored = tuple(_stored(image) for image in images)
        digest = Digest.of(_manifest_bytes(stored))
        return self._put(_target(ref), _Manifest(digest=digest, images=stored, is_index=True))

    def inspect(self, ref: ParsedRef, *, platform: Platform | None = None) -> Image:
        """See :meth:`application.ports.remote_images.RemoteImages.inspect`."""
        wanted = platform
        manifest = self._manifest(ref)
        if manifest.is_index:
            platforms = [image.platform for image in manifest.images]
            chosen = manifest.images[choose_platform(platforms, wanted, ref=str(ref))]
            media_type = OCI_INDEX
        else:
            chosen = manifest.images[0]
            check_platform(chosen.platform, wanted, ref=str(ref), location=ImageSource.REMOTE)
            media_type = OCI_MANIFEST
        return replace(
            chosen,
            reference=ref,
            source=ImageSource.REMOTE,
            manifest_digest=manifest.digest,
            media_type=media_type,
        )

    def exists(self, ref: ParsedRef) -> bool:
        """See :meth:`application.ports.remote_images.RemoteImages.exists`."""
        try:
            self._manifest(ref)
        except ImageNotFoundError:
            return False
        return True

    # ------------------------------------------------------------------ internals

    def _put(self, ref: ParsedRef, manifest: _Manifest) -> ParsedRef:
        self._manifests.setdefault(ref.name, {})[manifest.digest] = manifest
        if ref.tag is not None:
            self._tags.setdefault(ref.name, {})[ref.tag] = manifest.digest
        return ref

    def _manifest(self, ref: ParsedRef) -> _Manifest:
        if self.unavailable:
            raise BackendUnavailableError("registry", f"{ref.registry} is unavailable")
        if ref.name in self.denied:
            raise AuthenticationError("registry", "unauthorized", registry=ref.registry)
        digest = ref.digest or self._tags.get(ref.name, {}).get(ref.tag or "")
        manifest = self._manifests.get(ref.name, {}).get(digest) if digest else None
        if manifest is None:
            raise ImageNotFoundError(str(ref), ImageSource.REMOTE, "manifest unknown")
        return manifest


def _target(ref: ParsedRef | None) -> ParsedRef:
    if ref is None:
        raise ValueError("an image stored in a registry needs a reference")
    return ref


def _stored(image: Image) -> Image:
    image_id = image.image_id or Digest.of(_config_bytes(image))
    return replace(image, image_id=image_id, source=ImageSource.REMOTE)


def _config_bytes(image: Image) -> bytes:
    platform = image.platform
    doc = {
        "labels": dict(sorted(image.labels.items())),
        "platform": str(platform) if platform else None,
    }
    return json.dumps(doc, sort_keys=True).encode()


def _manifest_bytes(images: Sequence[Image]) -> bytes:
    entries = [[str(image.image_id), str(image.platform or "")] for image in images]
    return json.dumps(entries).encode()


_: type[RemoteImages] = InMemoryRemoteImages
