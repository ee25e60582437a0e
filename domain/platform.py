"""A platform: operating system, CPU architecture and optional variant.

Written ``os/architecture[/variant]`` as Docker and the OCI image index write it
(``linux/amd64``, ``linux/arm64/v8``, ``linux/arm/v7``). Parsing is strict: exactly two or
three non-empty lower-case parts of ``[a-z0-9_.-]``; nothing is normalised or guessed, so
``linux/x86_64`` stays ``x86_64`` and simply matches nothing an OCI index lists.

>>> str(parse_platform("linux/arm64/v8"))
'linux/arm64/v8'
>>> parse_platform("linux/arm64").matches(Platform(os="linux", architecture="arm64", variant="v8"))
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import InvalidPlatformError

_PART = re.compile(r"[a-z0-9][a-z0-9_.-]*")


@dataclass(frozen=True, slots=True, kw_only=True)
class Platform:
    """``os``/``architecture``[/``variant``] of an image. Build one with :func:`parse_platform`."""

    os: str
    architecture: str
    variant: str | None = None

    def __str__(self) -> str:
        base = f"{self.os}/{self.architecture}"
        return f"{base}/{self.variant}" if self.variant else base

    def matches(self, other: Platform) -> bool:
        """Whether an image built for ``other`` satisfies a request for this platform.

        OS and architecture must be equal; the variant must be equal when this platform names
        one (``linux/arm64`` accepts ``linux/arm64/v8``, but ``linux/arm/v7`` rejects
        ``linux/arm/v6`` and ``linux/arm``). An empty variant names none, as in an OCI index.
        Nothing is normalised: ``linux/arm64/v8`` does not accept a bare ``linux/arm64``.
        """
        if self.os != other.os or self.architecture != other.architecture:
            return False
        return not self.variant or self.variant == (other.variant or None)


def parse_platform(text: str) -> Platform:
    """Parse ``os/architecture[/variant]``.

    Raises:
        InvalidPlatformError: not two or three parts, an empty part, or characters outside
            ``[a-z0-9_.-]``.
    """
    parts = text.split("/")
    if len(parts) not in (2, 3):
        raise InvalidPlatformError(text, "expected OS/ARCH or OS/ARCH/VARIANT")
    for name, part in zip(("os", "architecture", "variant"), parts, strict=False):
        if not part:
            raise InvalidPlatformError(text, f"the {name} is empty")
        if not _PART.fullmatch(part):
            raise InvalidPlatformError(
                text, f"the {name} {part!r} may only use lower-case letters, digits, '_', '.', '-'"
            )
    return Platform(
        os=parts[0], architecture=parts[1], variant=parts[2] if len(parts) == 3 else None
    )
