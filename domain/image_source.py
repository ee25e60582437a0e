"""Where an image was seen: the local engine, a remote registry, or a build.

``ImageSource`` labels an :class:`~domain.image.Image` with the place it came from, and
``ImageNotFoundError.location`` with the place that was asked. Its values are Cog's
``ImageSource`` strings (``local``, ``remote``, ``build``).
"""

from __future__ import annotations

import enum


class ImageSource(enum.Enum):
    """Where an image was found (or looked for)."""

    LOCAL = "local"
    REMOTE = "remote"
    BUILD = "build"

    def __str__(self) -> str:
        return self.value
