"""Port: images in an OCI registry, inspected without pulling them."""

from __future__ import annotations

from typing import Protocol

from domain.image import Image
from domain.platform import Platform
from domain.reference import ParsedRef


class RemoteImages(Protocol):
    """An OCI Distribution registry, as cogmodel needs it: inspect without pulling."""

    def inspect(self, ref: ParsedRef, *, platform: Platform | None = None) -> Image:
        """Return the image ``ref`` names in its registry (source REMOTE).

        The image carries its config labels, its platform, ``image_id`` = the config blob's
        digest (the same value the local engine reports as the image id), ``manifest_digest``
        and ``media_type`` of the manifest it was read through.

        For an index (manifest list): without ``platform``, the ``linux/amd64`` entry, else the
        first entry (Cog's rule); with ``platform``, the matching entry. A single-manifest image
        is checked against ``platform`` using its config.

        Raises:
            ImageNotFoundError: no such repository, tag or digest (location REMOTE).
            PlatformNotFoundError: the image exists, but not for ``platform``.
            AuthenticationError: the registry refused the credentials (401/403).
            BackendUnavailableError: the registry cannot be reached, or timed out.
            ProtocolError: the registry answered with something malformed or oversized.
            IntegrityError: content did not match its digest.
        """
        ...

    def exists(self, ref: ParsedRef) -> bool:
        """Whether ``ref`` names an image (any platform) in its registry.

        Raises:
            AuthenticationError, BackendUnavailableError, ProtocolError: as :meth:`inspect`;
            only "not found" becomes ``False``.
        """
        ...
