"""Builds: a project (a :class:`~domain.source.Source`) into a model image, through the ports.

The :class:`~application.resolver.Resolver`'s ``build``, ``dockerfile`` and ``build_base``
are these functions over its own ports. A build is checked and completed here (defaults from
:mod:`domain.options`), made by the :class:`~application.ports.model_factory.ModelFactory`,
and read back from the local engine by its image id, so the model describes what the engine
holds, not what the factory meant to make.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from domain.digest import ImageId
from domain.errors import ProtocolError, SourceError
from domain.image_source import ImageSource
from domain.model import Model
from domain.options import BuildBaseOptions, BuildOptions, base_with_defaults, with_defaults

if TYPE_CHECKING:
    from application.ports.local_images import LocalImages
    from application.ports.model_factory import ModelFactory, PlannedDockerfiles
    from domain.image import Image
    from domain.source import Source


def build_model(
    factory: ModelFactory,
    local: LocalImages,
    source: Source | None,
    options: BuildOptions | None = None,
) -> Model:
    """Build ``source`` into a model image and return the model.

    Defaults are applied to ``options`` first (the image name comes from the project
    directory when unset). The result is inspected by its image id, and the model carries
    the source's config (as Cog does) with the schema and version from the image's labels.

    Raises:
        SourceError: no source, no config, or a project directory that is not absolute.
        ConfigError, SchemaError, BuildError, BackendUnavailableError: from the factory.
        ProtocolError: the factory returned an image with neither id nor name.
        InvalidLabelError: the built image's schema label is malformed.
    """
    checked = _require_source(source, "build")
    built = factory.build(checked, with_defaults(options or BuildOptions(), checked))
    image = _inspect_built(factory, local, built)
    assert checked.config is not None  # _require_source guarantees it
    return Model(
        image=image,
        config=checked.config,
        schema=image.parsed_openapi_schema(),
        cog_version=image.cog_version,
    )


def plan_dockerfiles(
    factory: ModelFactory, source: Source | None, options: BuildOptions | None = None
) -> PlannedDockerfiles:
    """The Dockerfiles :func:`build_model` would build (Cog's ``cog debug``); nothing is built.

    Raises:
        SourceError: no source, no config, or a project directory that is not absolute.
        ConfigError, SchemaError, BackendUnavailableError: from the factory.
    """
    checked = _require_source(source, "build")
    return factory.plan(checked, with_defaults(options or BuildOptions(), checked))


def build_base_model(
    factory: ModelFactory, source: Source | None, options: BuildBaseOptions | None = None
) -> Model:
    """Build the dev image of ``source`` (environment only; the project is mounted at run).

    Raises:
        SourceError: no source, no config, or a project directory that is not absolute.
        ConfigError, BuildError, BackendUnavailableError: from the factory.
    """
    checked = _require_source(source, "build_base")
    built = factory.build_base(checked, base_with_defaults(options or BuildBaseOptions(), checked))
    assert checked.config is not None  # _require_source guarantees it
    return Model(image=built, config=checked.config)


def _inspect_built(factory: ModelFactory, local: LocalImages, built: Image) -> Image:
    if built.image_id is not None:
        image = local.inspect_id(ImageId(built.image_id))
    elif built.reference is not None:
        image = local.inspect(built.reference)
    else:  # the factory broke its contract: not the caller's input, so not a SourceError
        raise ProtocolError(factory.name, "the build returned an image with neither id nor name")
    return replace(image, source=ImageSource.BUILD, reference=built.reference)


def _require_source(source: Source | None, operation: str) -> Source:
    if source is None:
        raise SourceError(f"source is required for {operation}")
    if source.config is None:
        raise SourceError(f"source.config is required for {operation}")
    if not source.project_dir.is_absolute():
        # Cog rejects an empty ProjectDir; PurePath("") is ".", so we ask for an absolute path,
        # which is what the filesystem adapter always produces.
        raise SourceError(
            f"source.project_dir must be an absolute path for {operation} "
            f"(got {str(source.project_dir)!r})"
        )
    return source
