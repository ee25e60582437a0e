"""The Resolver: the one place that builds, inspects and pulls Cog models.

It is a small service: ports in, domain values out, one fallback rule. Looking an image up in
the local engine and in its registry happens in the order a :class:`Preference` gives, and it
moves on to the next place ONLY when the first says :class:`~domain.errors.ImageNotFoundError`.
Outages, authentication failures, malformed labels and "not a Cog model" surface unchanged:
masking an outage as a miss would hide a dead daemon behind a confusing registry error.

Build it by hand (``Resolver(local=…, remote=…, factory=…)``) or from the composition root
(``adapters.container.Container().resolver()``). Builds are in :mod:`application.building`,
the batch look-up's threads in :mod:`application.in_order`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Final, assert_never

from application.in_order import in_input_order
from application.preference import Preference
from domain.digest import ImageId
from domain.errors import CogModelError, ImageNotFoundError, InvalidInputError
from domain.image_source import ImageSource
from domain.index import check_platform
from domain.model import Model

if TYPE_CHECKING:  # a look-up needs none of these: builds and refs import them when they run
    from application.ports.local_images import LocalImages
    from application.ports.model_factory import ModelFactory, PlannedDockerfiles
    from application.ports.remote_images import RemoteImages
    from domain.digest import Digest
    from domain.image import Image
    from domain.options import BuildBaseOptions, BuildOptions
    from domain.platform import Platform
    from domain.progress import ProgressSink
    from domain.reference import ParsedRef
    from domain.refs import ModelRef
    from domain.source import Source

__all__ = ["DEFAULT_WORKERS", "Preference", "Resolver"]

DEFAULT_WORKERS: Final = 8


class Resolver:
    """Builds, inspects and pulls Cog models through the ports it is given."""

    def __init__(
        self,
        *,
        local: LocalImages,
        remote: RemoteImages,
        factory: ModelFactory,
        default_preference: Preference = Preference.PREFER_LOCAL,
    ) -> None:
        """Wire the resolver.

        Args:
            local: the local engine's images.
            remote: the registries.
            factory: the build backend.
            default_preference: the order :meth:`inspect` uses when none is given.
                Default: PREFER_LOCAL, as in Cog's PR (Cog HEAD later chose PREFER_REMOTE).
        """
        self._local = local
        self._remote = remote
        self._factory = factory
        self._default_preference = default_preference

    @property
    def factory(self) -> ModelFactory:
        """The build backend in use."""
        return self._factory

    def with_factory(self, factory: ModelFactory) -> Resolver:
        """A new resolver that builds with ``factory`` (this one is left unchanged)."""
        return Resolver(
            local=self._local,
            remote=self._remote,
            factory=factory,
            default_preference=self._default_preference,
        )

    # ------------------------------------------------------------------ look-ups

    def resolve(self, ref: ModelRef) -> Model:
        """The model a ref names: a tag with the default preference, a local or remote image
        only there, or a build.

        Raises:
            as :meth:`inspect` or :meth:`build`.
        """
        from domain.refs import BuildRef, LocalRef, RemoteRef, TagRef  # noqa: PLC0415

        match ref:
            case TagRef(image=image):
                return self.inspect(image)
            case LocalRef(image=image):
                return self.inspect(image, prefer=Preference.LOCAL_ONLY)
            case RemoteRef(image=image):
                return self.inspect(image, prefer=Preference.REMOTE_ONLY)
            case BuildRef(source=source, options=options):
                return self.build(source, options)
            case _:
                assert_never(ref)

    def inspect(
        self,
        ref: ParsedRef,
        *,
        prefer: Preference | None = None,
        platform: Platform | None = None,
    ) -> Model:
        """The model ``ref`` names, looked up where ``prefer`` says.

        ``platform`` selects the image of an index remotely; a local image for another platform
        counts as not found locally (so PREFER_LOCAL then asks the registry).

        Raises:
            ImageNotFoundError: the last place asked does not have it (``location`` says where).
            NotCogModelError: the image found has no ``run.cog.config`` label.
            InvalidLabelError: the image found has a malformed Cog label.
            AuthenticationError, BackendUnavailableError, ProtocolError, IntegrityError: from the
                place asked, unchanged.
        """
        *fallbacks, last = (prefer or self._default_preference).order
        misses: list[ImageNotFoundError] = []
        for location in fallbacks:
            try:
                image = self._inspect_at(location, ref, platform)
            except ImageNotFoundError as miss:
                misses.append(miss)
                continue
            return Model.from_image(image)
        with _after(misses):
            return Model.from_image(self._inspect_at(last, ref, platform))

    def inspect_many(
        self,
        refs: Iterable[ParsedRef],
        *,
        prefer: Preference | None = None,
        platform: Platform | None = None,
        max_workers: int = DEFAULT_WORKERS,
    ) -> Generator[Model | CogModelError, None, None]:
        """Inspect several images at once: :meth:`inspect` of each, concurrently.

        Yields one result per reference, **in input order**, each as soon as it and all before
        it are known: the :class:`Model`, or the :class:`~domain.errors.CogModelError` that
        :meth:`inspect` raised for that reference (one image's failure never stops the
        others). At most ``max_workers`` look-ups run at once (Default: 8, the registry
        adapter's connections per registry). Nothing starts until the first result is asked
        for; closing the iterator early cancels what has not started.

        The ports are shared by the workers: the registry adapter keeps one connection pool
        per registry and lets the first request to a registry meet its auth challenge alone,
        so a batch costs one challenge per registry, not one per image.

        Raises:
            InvalidInputError: ``max_workers`` is less than 1.
            Exception: an error that is not a ``CogModelError`` (a bug) is raised when its
                reference's turn comes.
        """
        if max_workers < 1:
            raise InvalidInputError(
                f"max_workers must be at least 1 (got {max_workers})", reason="max_workers < 1"
            )

        def one(ref: ParsedRef) -> Model | CogModelError:
            try:
                return self.inspect(ref, prefer=prefer, platform=platform)
            except CogModelError as error:
                return error

        return in_input_order(one, list(refs), max_workers=max_workers)

    def inspect_by_id(self, image_id: ImageId | str) -> Model:
        """The local model whose image id is, or starts with, ``image_id``.

        Raises:
            InvalidDigestError: ``image_id`` is not a (short) image id.
            ImageNotFoundError: no local image has that id.
            AmbiguousImageIdError: a short id matches several images.
            NotCogModelError, InvalidLabelError: the image is not a (valid) Cog model.
            BackendUnavailableError: the engine cannot be reached.
        """
        return Model.from_image(self._local.inspect_id(ImageId.parse(image_id)))

    def pull(
        self,
        ref: ParsedRef,
        *,
        prefer: Preference = Preference.PREFER_LOCAL,
        platform: Platform | None = None,
        progress: ProgressSink | None = None,
    ) -> Model:
        """Make sure the engine has the model ``ref`` names, pulling it if needed.

        A local image that is not a Cog model is returned as the error it is, never re-pulled.
        ``platform`` is honoured both for the local check and for the pull.

        Raises:
            ImageNotFoundError: neither the engine (as far as ``prefer`` allows) nor the
                registry has it.
            NotCogModelError, InvalidLabelError: the image is not a (valid) Cog model.
            AuthenticationError, BackendUnavailableError: unchanged from the engine.
        """
        *fallbacks, last = prefer.order
        misses: list[ImageNotFoundError] = []
        for location in fallbacks:
            try:
                image = self._obtain(location, ref, platform, progress)
            except ImageNotFoundError as miss:
                misses.append(miss)
                continue
            return Model.from_image(image)
        with _after(misses):
            return Model.from_image(self._obtain(last, ref, platform, progress))

    def push(self, ref: ParsedRef, *, progress: ProgressSink | None = None) -> Digest:
        """Push the local image ``ref`` to its registry and return the manifest digest.

        Raises:
            ImageNotFoundError: the engine has no image ``ref``.
            AuthenticationError, BackendUnavailableError: unchanged from the engine.
        """
        return self._local.push(ref, progress=progress)

    # ------------------------------------------------------------------ builds

    def build(self, source: Source | None, options: BuildOptions | None = None) -> Model:
        """Build ``source`` into a model image and return the model, read back from the engine.

        Raises:
            as :func:`application.building.build_model`.
        """
        from application.building import build_model  # noqa: PLC0415

        return build_model(self._factory, self._local, source, options)

    def dockerfile(
        self, source: Source | None, options: BuildOptions | None = None
    ) -> PlannedDockerfiles:
        """The Dockerfiles :meth:`build` would build (Cog's ``cog debug``); nothing is built.

        Raises:
            as :func:`application.building.plan_dockerfiles`.
        """
        from application.building import plan_dockerfiles  # noqa: PLC0415

        return plan_dockerfiles(self._factory, source, options)

    def build_base(self, source: Source | None, options: BuildBaseOptions | None = None) -> Model:
        """Build the dev image of ``source`` (environment only; the project is mounted at run).

        Raises:
            as :func:`application.building.build_base_model`.
        """
        from application.building import build_base_model  # noqa: PLC0415

        return build_base_model(self._factory, source, options)

    # ------------------------------------------------------------------ internals

    def _inspect_at(
        self, location: ImageSource, ref: ParsedRef, platform: Platform | None
    ) -> Image:
        if location is ImageSource.REMOTE:
            return self._remote.inspect(ref, platform=platform)
        return _check_platform(self._local.inspect(ref), platform)

    def _obtain(
        self,
        location: ImageSource,
        ref: ParsedRef,
        platform: Platform | None,
        progress: ProgressSink | None,
    ) -> Image:
        if location is ImageSource.REMOTE:
            return self._local.pull(ref, platform=platform, progress=progress)
        return _check_platform(self._local.inspect(ref), platform)


@contextlib.contextmanager
def _after(misses: list[ImageNotFoundError]) -> Iterator[None]:
    """The last place's error carries the misses before it (``CogModelError.misses``), so a
    message can say "not found locally" before what the registry said."""
    try:
        yield
    except CogModelError as exc:
        if misses:
            exc.misses = (*misses, *exc.misses)
        raise


def _check_platform(image: Image, platform: Platform | None) -> Image:
    check_platform(image.platform, platform, ref=image.display_name, location=ImageSource.LOCAL)
    return image
