"""Port: the images held by the local container engine."""

from __future__ import annotations

from typing import Protocol

from domain.digest import Digest, ImageId
from domain.image import Image
from domain.platform import Platform
from domain.progress import ProgressSink
from domain.reference import ParsedRef


class LocalImages(Protocol):
    """Images held by the local container engine (the Docker daemon), as cogmodel needs them.

    Every method raises only domain errors: ``BackendUnavailableError`` when the engine cannot be
    reached, ``AuthenticationError`` when a registry refuses credentials, ``InvalidInputError``
    when the engine rejects the request itself (HTTP 400), ``BackendError`` for any other engine
    failure.
    """

    def inspect(self, ref: ParsedRef) -> Image:
        """Return the local image named ``ref`` (source LOCAL, ``image_id`` set, labels, platform).

        Raises:
            ImageNotFoundError: the engine has no image of that name (location LOCAL).
            BackendUnavailableError: the engine cannot be reached.
        """
        ...

    def inspect_id(self, image_id: ImageId) -> Image:
        """Return the local image whose id is, or starts with, ``image_id``.

        The returned image has ``reference=None`` and the full ``image_id``.

        Raises:
            ImageNotFoundError: no local image has that id (location LOCAL).
            AmbiguousImageIdError: a short id matches more than one image.
            BackendUnavailableError: the engine cannot be reached.
        """
        ...

    def pull(
        self,
        ref: ParsedRef,
        *,
        platform: Platform | None = None,
        progress: ProgressSink | None = None,
    ) -> Image:
        """Pull ``ref`` (for ``platform`` if given) into the engine and return it as inspected.

        Raises:
            ImageNotFoundError: the registry has no such image or platform (location REMOTE).
            AuthenticationError: the registry refused the credentials.
            BackendUnavailableError: the engine or the registry cannot be reached.
        """
        ...

    def push(self, ref: ParsedRef, *, progress: ProgressSink | None = None) -> Digest:
        """Push the local image ``ref`` to its registry; return the pushed manifest digest.

        Raises:
            ImageNotFoundError: there is no local image ``ref`` (location LOCAL).
            InvalidInputError: ``ref`` is a digest reference (an engine pushes tags).
            AuthenticationError: the registry refused the credentials.
            BackendUnavailableError: the engine or the registry cannot be reached.
        """
        ...

    def remove(self, image: ParsedRef | ImageId, *, force: bool = False) -> None:
        """Remove the local name (or image) ``image``.

        Raises:
            ImageNotFoundError: there is no local image ``image`` (location LOCAL).
            AmbiguousImageIdError: ``image`` is a short id that matches more than one image.
            BackendError: the image is in use and ``force`` is false.
            BackendUnavailableError: the engine cannot be reached.
        """
        ...
