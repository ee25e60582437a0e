"""Choosing one image from a multi-platform index (manifest list).

Cog's rule without a requested platform: the ``linux/amd64`` entry, else the first entry. With
a requested platform: the first entry whose platform it :meth:`~domain.platform.Platform.matches`;
none → :class:`~domain.errors.PlatformNotFoundError` naming what the index has. Entries without
a platform (attestations, artifacts) are never chosen by platform, but may be the "first entry".
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import PlatformNotFoundError
from domain.image_source import ImageSource
from domain.platform import Platform

_DEFAULT = Platform(os="linux", architecture="amd64")


def choose_platform(
    available: Sequence[Platform | None],
    wanted: Platform | None,
    *,
    ref: str,
    location: ImageSource = ImageSource.REMOTE,
) -> int:
    """The index of the entry to use among ``available``.

    Raises:
        PlatformNotFoundError: ``wanted`` matches no entry, or the index is empty.
    """
    if wanted is None:
        for position, platform in enumerate(available):
            if platform is not None and _DEFAULT.matches(platform):
                return position
        if available:
            return 0
    else:
        for position, platform in enumerate(available):
            if platform is not None and wanted.matches(platform):
                return position
    raise PlatformNotFoundError(
        ref,
        location,
        str(wanted or _DEFAULT),
        [str(p) for p in available if p is not None],
    )


def check_platform(
    have: Platform | None,
    wanted: Platform | None,
    *,
    ref: str,
    location: ImageSource,
) -> None:
    """Check a single-platform image against a requested platform.

    An image whose platform is unknown is accepted (nothing contradicts the request).

    Raises:
        PlatformNotFoundError: the image is for another platform.
    """
    if wanted is None or have is None or wanted.matches(have):
        return
    raise PlatformNotFoundError(ref, location, str(wanted), [str(have)])
