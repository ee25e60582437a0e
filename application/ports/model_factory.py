"""Port: the build backend that turns a Cog project into a model image (Cog's ``Factory``)."""

from __future__ import annotations

from typing import Protocol

from domain.image import Image
from domain.options import BuildBaseOptions, BuildOptions
from domain.source import Source


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

    def build_base(self, source: Source, options: BuildBaseOptions) -> Image:
        """Build the dev image of ``source`` (environment only, no /src, no labels).

        Raises:
            as :meth:`build`.
        """
        ...
