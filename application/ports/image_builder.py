"""Port: engine-level image builds (a context directory and a Dockerfile to an image id)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from domain.digest import Digest
from domain.options import BuildSecret
from domain.progress import ProgressSink
from domain.reference import ParsedRef

_NO_STRINGS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildRequest:
    """One engine build.

    Attributes:
        context_dir: the build context.
        dockerfile: the Dockerfile text (never a path: the builder decides where it goes).
        tags: names to give the result (may be empty).
        labels: image-config labels to set on the result.
        build_args: ``--build-arg`` values.
        secrets: build secrets (only builders with ``supports_mounts``).
        no_cache: ignore the layer cache.
        progress: where build output goes, line by line.
    """

    context_dir: Path
    dockerfile: str
    tags: tuple[ParsedRef, ...] = ()
    labels: Mapping[str, str] = field(default_factory=lambda: _NO_STRINGS)
    build_args: Mapping[str, str] = field(default_factory=lambda: _NO_STRINGS)
    secrets: tuple[BuildSecret, ...] = ()
    no_cache: bool = False
    progress: ProgressSink | None = None


class ImageBuilder(Protocol):
    """Builds images from a context and a Dockerfile."""

    @property
    def name(self) -> str:
        """A short name for messages (``classic``, ``buildkit``)."""
        ...

    @property
    def supports_mounts(self) -> bool:
        """Whether ``RUN --mount=type=cache|secret`` and build secrets work (BuildKit)."""
        ...

    def build(self, request: BuildRequest) -> Digest:
        """Build ``request`` and return the image id (``sha256:…``) of the result.

        Raises:
            BuildError: the build failed; carries the failing step and the last output lines.
            InvalidInputError: the request asks for something this builder cannot do
                (secrets without ``supports_mounts``).
            BackendUnavailableError: the engine cannot be reached.
        """
        ...
