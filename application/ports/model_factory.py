"""Port: the build backend that turns a Cog project into a model image (Cog's ``Factory``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.image import Image
from domain.options import BuildBaseOptions, BuildOptions
from domain.source import Source


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedDockerfiles:
    """The Dockerfiles a build would build (Cog's ``cog debug``).

    Attributes:
        dockerfile: the model image's Dockerfile.
        weights_dockerfile: the weights image's, with ``separate_weights`` (else ``None``).
        weights_exclude: the patterns that keep the weights out of the model's context.
    """

    dockerfile: str
    weights_dockerfile: str | None = None
    weights_exclude: tuple[str, ...] = ()


class ModelFactory(Protocol):
    """Builds Cog model images from a project."""

    @property
    def name(self) -> str:
        """The factory's name (``dockerfile`` for the Dockerfile factory)."""
        ...

    def build(self, source: Source, options: BuildOptions) -> Image:
        """Build the model image of ``source``; options already have their defaults.

        Returns an image with ``source`` BUILD, ``reference`` = the image name and
        ``image_id`` set.

        Raises:
            ConfigError: the project's config cannot be built as asked.
            InvalidInputError: the options ask for what the factory cannot do (secrets without
                a BuildKit builder, an unreadable schema file, no image name).
            SchemaError: the predictor's schema cannot be generated.
            BuildError: the engine build failed.
            BackendUnavailableError: the engine cannot be reached.
        """
        ...

    def plan(self, source: Source, options: BuildOptions) -> PlannedDockerfiles:
        """The Dockerfiles :meth:`build` would build with the same arguments, made the same
        way (the same checks fail the same way); nothing is built.

        Raises:
            as :meth:`build`, but no BuildError.
        """
        ...

    def build_base(self, source: Source, options: BuildBaseOptions) -> Image:
        """Build the dev image of ``source`` (environment only, no /src, no labels).

        Raises:
            as :meth:`build`.
        """
        ...
