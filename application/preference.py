"""Where the Resolver looks for an image, and in which order."""

from __future__ import annotations

import enum

from domain.image_source import ImageSource


class Preference(enum.Enum):
    """Where to look for an image, in order. Only ``ImageNotFoundError`` moves on.

    For :meth:`~application.resolver.Resolver.inspect`: the places asked, in order. For
    :meth:`~application.resolver.Resolver.pull`: LOCAL_ONLY never pulls; PREFER_LOCAL (the
    default) pulls only when the engine does not have the image; PREFER_REMOTE always pulls
    first and uses the engine's copy only when the registry does not have it; REMOTE_ONLY always
    pulls.
    """

    LOCAL_ONLY = (ImageSource.LOCAL,)
    REMOTE_ONLY = (ImageSource.REMOTE,)
    PREFER_LOCAL = (ImageSource.LOCAL, ImageSource.REMOTE)
    PREFER_REMOTE = (ImageSource.REMOTE, ImageSource.LOCAL)

    @property
    def order(self) -> tuple[ImageSource, ...]:
        """The places to ask, first to last."""
        places: tuple[ImageSource, ...] = self.value
        return places
