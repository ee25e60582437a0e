"""What a caller can ask the Resolver for: a tag, a local or remote image, or a build.

Refs are plain data; ``Resolver.resolve`` dispatches on them with ``match``. The ``from_*``
helpers parse eagerly, so a bad reference fails where it is written, not where it is resolved.
``from_build`` never fails: the source is validated when the build runs (as in Cog).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.options import BuildOptions
from domain.reference import ParsedRef, parse_ref
from domain.source import Source


@dataclass(frozen=True, slots=True, kw_only=True)
class TagRef:
    """An image name to look up with the Resolver's default preference."""

    image: ParsedRef


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalRef:
    """An image to look up in the local engine only."""

    image: ParsedRef


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoteRef:
    """An image to look up in its registry only."""

    image: ParsedRef


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildRef:
    """A project to build into a model."""

    source: Source | None
    options: BuildOptions = field(default_factory=BuildOptions)


ModelRef = TagRef | LocalRef | RemoteRef | BuildRef


def from_tag(text: str, *, replicate_host: str = "r8.im") -> TagRef:
    """Parse ``text`` into a :class:`TagRef`.

    Raises:
        InvalidReferenceError: ``text`` is not a valid image reference.
    """
    return TagRef(image=parse_ref(text, replicate_host=replicate_host))


def from_local(text: str, *, replicate_host: str = "r8.im") -> LocalRef:
    """Parse ``text`` into a :class:`LocalRef`.

    Raises:
        InvalidReferenceError: ``text`` is not a valid image reference.
    """
    return LocalRef(image=parse_ref(text, replicate_host=replicate_host))


def from_remote(text: str, *, replicate_host: str = "r8.im") -> RemoteRef:
    """Parse ``text`` into a :class:`RemoteRef`.

    Raises:
        InvalidReferenceError: ``text`` is not a valid image reference.
    """
    return RemoteRef(image=parse_ref(text, replicate_host=replicate_host))


def from_build(source: Source | None, options: BuildOptions | None = None) -> BuildRef:
    """A :class:`BuildRef` for ``source`` (validated only when resolved)."""
    return BuildRef(source=source, options=options or BuildOptions())
