"""A container engine's image store that lives in dictionaries. Passes LocalImagesContract.

Images are kept by image id, with any number of names pointing at them, as the Docker daemon
keeps them. Pull and push move images to and from an attached :class:`InMemoryRemoteImages`.
Set ``unavailable`` to model a dead daemon (every call raises BackendUnavailableError).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace

from adapters.memory.remote_images import InMemoryRemoteImages
from application.ports.local_images import LocalImages
from domain.digest import Digest, ImageId
from domain.errors import (
    AmbiguousImageIdError,
    BackendUnavailableError,
    ImageNotFoundError,
    InvalidInputError,
)
from domain.image import Image
from domain.image_source import ImageSource
from domain.platform import Platform
from domain.progress import ProgressEvent, ProgressSink
from domain.reference import ParsedRef, parse_ref


class InMemoryLocalImages:
    """An in-memory local image store, optionally attached to an in-memory registry."""

    def __init__(
        self, images: Iterable[Image] = (), *, registry: InMemoryRemoteImages | None = None
    ) -> None:
        """Seed with ``images`` (stored under their ``reference`` and ``repo_tags``)."""
        self._by_id: dict[Digest, Image] = {}
        self._names: dict[ParsedRef, Digest] = {}
        self.registry = registry
        self.unavailable = False
        for image in images:
            self.add(image)

    def add(self, image: Image, *names: ParsedRef) -> Image:
        """Store ``image`` under its reference, its repo tags and ``names``; return it stored.

        An image without an id gets one derived from its labels and platform.
        """
        image_id = image.image_id or Digest.of(_identity(image))
        stored = replace(image, image_id=image_id, source=ImageSource.LOCAL)
        self._by_id[image_id] = stored
        all_names = [*names, *(parse_ref(tag) for tag in image.repo_tags)]
        if image.reference is not None:
            all_names.append(image.reference)
        for name in all_names:
            self._names[name] = image_id
        return self._view(image_id, image.reference)

    def images(self) -> list[Image]:
        """Every stored image (one entry per image id)."""
        return [self._view(image_id, None) for image_id in self._by_id]

    def inspect(self, ref: ParsedRef) -> Image:
        """See :meth:`application.ports.local_images.LocalImages.inspect`."""
        self._check_up()
        image_id = self._names.get(ref)
        if image_id is None:
            raise ImageNotFoundError(str(ref), ImageSource.LOCAL, "no such image")
        return self._view(image_id, ref)

    def inspect_id(self, image_id: ImageId) -> Image:
        """See :meth:`application.ports.local_images.LocalImages.inspect_id`."""
        self._check_up()
        matches = [digest for digest in self._by_id if image_id.matches(digest)]
        if not matches:
            raise ImageNotFoundError(str(image_id), ImageSource.LOCAL, "no such image")
        if len(matches) > 1:
            raise AmbiguousImageIdError(str(image_id), matches)
        return self._view(matches[0], None)

    def pull(
        self,
        ref: ParsedRef,
        *,
        platform: Platform | None = None,
        progress: ProgressSink | None = None,
    ) -> Image:
        """See :meth:`application.ports.local_images.LocalImages.pull`."""
        self._check_up()
        if self.registry is None:
            raise BackendUnavailableError("memory", "no registry is attached to pull from")
        remote = self.registry.inspect(ref, platform=platform)
        if progress is not None:
            progress(ProgressEvent(message=f"Pulled {ref}", item=remote.image_id))
        local = replace(remote, manifest_digest=None, media_type=None, reference=ref)
        self.add(local)
        return self.inspect(ref)

    def push(self, ref: ParsedRef, *, progress: ProgressSink | None = None) -> Digest:
        """See :meth:`application.ports.local_images.LocalImages.push`."""
        _require_tag(ref, "push")
        image = self.inspect(ref)
        if self.registry is None:
            raise BackendUnavailableError("memory", "no registry is attached to push to")
        self.registry.add(image, ref)
        pushed = self.registry.inspect(ref)
        assert pushed.manifest_digest is not None  # the in-memory registry always sets it
        if progress is not None:
            progress(ProgressEvent(message=f"Pushed {ref}", item=pushed.manifest_digest))
        return pushed.manifest_digest

    def remove(self, image: ParsedRef | ImageId, *, force: bool = False) -> None:
        """See :meth:`application.ports.local_images.LocalImages.remove`.

        Removing a name removes only that name; the image goes when its last name goes (or when
        it is removed by id).
        """
        found = self._find(image)
        image_id = found.image_id
        if isinstance(image, ParsedRef):
            del self._names[image]
            if image_id in self._names.values():
                return
        for name in [n for n, i in self._names.items() if i == image_id]:
            del self._names[name]
        if image_id is not None:
            self._by_id.pop(image_id, None)

    # ------------------------------------------------------------------ internals

    def _find(self, image: ParsedRef | ImageId) -> Image:
        if isinstance(image, ParsedRef):
            return self.inspect(image)
        return self.inspect_id(image)

    def _check_up(self) -> None:
        if self.unavailable:
            raise BackendUnavailableError("memory", "the in-memory engine is marked unavailable")

    def _view(self, image_id: Digest, ref: ParsedRef | None) -> Image:
        tags = tuple(sorted(str(name) for name, i in self._names.items() if i == image_id))
        return replace(self._by_id[image_id], reference=ref, repo_tags=tags)


def _require_tag(ref: ParsedRef, action: str) -> None:
    # As the engine: a name given to (or pushed from) a local image is a tag, never a digest.
    if ref.tag is None:
        raise InvalidInputError(
            f"cannot {action} {ref}: a digest reference is not a tag",
            reason="a digest reference cannot be used as a tag",
        )


def _identity(image: Image) -> bytes:
    doc = {"labels": dict(image.labels), "platform": str(image.platform or "")}
    return json.dumps(doc, sort_keys=True).encode()


_: type[LocalImages] = InMemoryLocalImages
