"""PreferBuildKitImageBuilder: BuildKit wherever the engine and the docker CLI support it.

Cog builds with BuildKit (``RUN --mount`` caches, build secrets), and so does cogmodel by default:
BuildKit through the docker CLI (:class:`~adapters.docker.buildkit.BuildKitImageBuilder`) when

- the docker CLI can build with BuildKit (:meth:`BuildKitImageBuilder.check`: a CLI before 23.0,
  or one with the buildx plugin), and
- the engine can: a Docker Engine of API 1.39 (18.09) or later. Podman's Docker-compatible API
  cannot (its builds are Buildah's, through the classic build endpoint), and says it is Podman in
  its version answer (a ``Podman Engine`` component).

Otherwise it builds with the engine's classic builder (:class:`~adapters.docker.builder.
DockerImageBuilder`) and says so once, as a logged warning naming the reason. The choice is
made on first use (the first question about the builder, or the first build), once per
instance.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Final, Self

from adapters.docker.builder import DockerImageBuilder
from adapters.docker.buildkit import DEFAULT_CLI, BuildKitImageBuilder
from adapters.docker.client import DockerEngine
from adapters.docker.errors import engine_errors
from application.ports.image_builder import BuildRequest, ImageBuilder
from domain.digest import Digest
from domain.errors import BackendUnavailableError

_log = logging.getLogger(__name__)
_FIRST_BUILDKIT_API: Final = (1, 39)


class PreferBuildKitImageBuilder:
    """:class:`~application.ports.image_builder.ImageBuilder` that is BuildKit where it can be.

    Args:
        cli: the docker CLI BuildKit builds go through. Default: ``/usr/bin/docker``.
        engine: the engine to build on. Default: a :class:`DockerEngine` from the environment.
    """

    def __init__(
        self, *, cli: str | os.PathLike[str] = DEFAULT_CLI, engine: DockerEngine | None = None
    ) -> None:
        self._engine = engine if engine is not None else DockerEngine()
        self._cli = cli
        self._chosen: BuildKitImageBuilder | DockerImageBuilder | None = None
        self._lock = threading.Lock()

    @property
    def chosen(self) -> BuildKitImageBuilder | DockerImageBuilder:
        """The builder in use (chosen now if not yet; see the module docstring).

        Raises:
            BackendUnavailableError: the engine cannot be reached.
        """
        with self._lock:
            if self._chosen is None:
                self._chosen = self._choose()
            return self._chosen

    @property
    def name(self) -> str:
        """``buildkit`` or ``classic``: the builder chosen."""
        return self.chosen.name

    @property
    def supports_mounts(self) -> bool:
        """Whether the chosen builder has ``RUN --mount`` and build secrets (BuildKit)."""
        return self.chosen.supports_mounts

    def build(self, request: BuildRequest) -> Digest:
        """See :meth:`application.ports.image_builder.ImageBuilder.build`."""
        return self.chosen.build(request)

    def close(self) -> None:
        """Close the engine connection (a later call reopens it)."""
        self._engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _choose(self) -> BuildKitImageBuilder | DockerImageBuilder:
        refusal = _engine_refusal(self._engine)
        if refusal is None:
            buildkit = BuildKitImageBuilder(cli=self._cli, engine=self._engine)
            try:
                buildkit.check()
            except BackendUnavailableError as exc:
                refusal = exc.detail
            else:
                return buildkit
        _log.warning("BuildKit is not available (%s); building with the classic builder", refusal)
        return DockerImageBuilder(engine=self._engine)


def _engine_refusal(engine: DockerEngine) -> str | None:
    """Why the engine cannot build with BuildKit, or ``None`` when it can.

    Raises:
        BackendUnavailableError: the engine cannot be reached.
    """
    api = engine.api
    with engine_errors(engine.host):
        answer = api.version()
    components = answer.get("Components") or []
    names = {str(c.get("Name", "")) for c in components if isinstance(c, dict)}
    if any(name.startswith("Podman") for name in names):
        return "the engine is Podman, whose builds are Buildah's"
    version = tuple(int(part) for part in str(answer.get("ApiVersion", "0.0")).split(".")[:2])
    if version < _FIRST_BUILDKIT_API:
        return f"the engine's API {answer.get('ApiVersion')} is older than 1.39 (Docker 18.09)"
    return None


_: type[ImageBuilder] = PreferBuildKitImageBuilder
