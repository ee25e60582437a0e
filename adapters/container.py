"""The composition root: which adapter plays which port, decided by configuration.

This is the only module that imports ``dependency_injector``. It knows every concrete adapter,
so it lives in the outermost ring. Nothing connects to Docker or a registry when the container
is built: clients are ``Singleton``s created on first use, and the real adapters' modules are
imported only then (so choosing the memory backends never imports docker-py or oras).

Configuration (``Container.config``; see :data:`DEFAULTS`):

- ``backend``: ``"docker"`` (the real engine and registries) or ``"memory"`` (the in-memory
  fakes, sharing one engine and one registry).
- ``builder``: ``"classic"`` (docker-py, the classic builder) or ``"buildkit"`` (docker CLI).
- ``docker.host``: the engine address (``None``: ``DOCKER_HOST`` or the default socket);
  ``docker.cli``: the docker CLI BuildKit builds go through.
- ``registry.insecure``: registry hosts to reach over plain HTTP;
  ``registry.connect_timeout`` / ``registry.read_timeout``: seconds; ``registry.deadline``: total
  seconds per inspect.
- ``replicate_host``: the Replicate registry host (``r8.im``; Cog's ``COG_REGISTRY_HOST``).
- ``progress``: a ``ProgressSink`` the build backend reports build output to (``None``: none;
  the command line passes a relay it points at its display for each build).
- ``default_preference``: the Resolver's default look-up order (a ``Preference`` name).

Every provider can be overridden (``container.remote_images.override(...)``), and the Resolver
can be built by hand instead: ``Resolver(local=..., remote=..., factory=...)``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from adapters.memory import (
    InMemoryContainerRunner,
    InMemoryImageBuilder,
    InMemoryLocalImages,
    InMemoryModelFactory,
    InMemoryRemoteImages,
)
from application.ports.container_runner import ContainerRunner
from application.ports.image_builder import ImageBuilder
from application.ports.local_images import LocalImages
from application.ports.model_factory import ModelFactory
from application.ports.remote_images import RemoteImages
from application.resolver import Preference, Resolver
from domain.errors import InvalidInputError
from domain.progress import ProgressSink

if TYPE_CHECKING:
    from adapters.docker.client import DockerEngine

DEFAULTS: Mapping[str, Any] = {
    "backend": "docker",
    "builder": "classic",
    "docker": {"host": None, "cli": "/usr/bin/docker"},
    "registry": {"insecure": [], "connect_timeout": 5.0, "read_timeout": 10.0, "deadline": 30.0},
    "replicate_host": "r8.im",
    "progress": None,
    "default_preference": Preference.PREFER_LOCAL.name,
}


# ---------------------------------------------------------------------------- lazy real adapters
# Each imports its adapter module only when the provider is first asked for an instance, so the
# memory backends (and commands that need no backend) never import docker-py or oras.


def _docker_engine(host: str | None) -> DockerEngine:
    from adapters.docker.client import DockerEngine  # noqa: PLC0415

    return DockerEngine(host=host)


def _docker_local_images(engine: DockerEngine) -> LocalImages:
    from adapters.docker.local_images import DockerLocalImages  # noqa: PLC0415

    return DockerLocalImages(engine=engine)


def _docker_runner(engine: DockerEngine) -> ContainerRunner:
    from adapters.docker.containers import DockerContainerRunner  # noqa: PLC0415

    return DockerContainerRunner(engine=engine)


def _classic_builder(engine: DockerEngine) -> ImageBuilder:
    from adapters.docker.builder import DockerImageBuilder  # noqa: PLC0415

    return DockerImageBuilder(engine=engine)


def _buildkit_builder(cli: str, engine: DockerEngine) -> ImageBuilder:
    from adapters.docker.buildkit import BuildKitImageBuilder  # noqa: PLC0415

    return BuildKitImageBuilder(cli=cli, engine=engine)


def _oras_remote_images(
    insecure: list[str], connect_timeout: float, read_timeout: float, deadline: float
) -> RemoteImages:
    from adapters.registry.options import RegistryOptions  # noqa: PLC0415
    from adapters.registry.remote_images import OrasRemoteImages  # noqa: PLC0415

    options = RegistryOptions(
        insecure_registries=frozenset(insecure),
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        deadline=deadline,
    )
    return OrasRemoteImages(options=options)


def _dockerfile_factory(
    *,
    builder: ImageBuilder,
    local: LocalImages,
    runner: ContainerRunner,
    remote: RemoteImages,
    registry_host: str,
    progress: ProgressSink | None = None,
) -> ModelFactory:
    from adapters.dockerfile.factory import DockerfileFactory  # noqa: PLC0415

    return DockerfileFactory(
        builder=builder,
        local=local,
        runner=runner,
        remote=remote,
        registry_host=registry_host,
        progress=progress,
    )


def _preference(name: str) -> Preference:
    return Preference[name]


class _OnFirstUse:
    """Stands in for the adapter a provider makes, and asks the provider for it on first use.

    The Resolver holds three adapters, but a command often uses one: ``inspect --remote`` needs
    no engine and no build backend. Deferring them keeps docker-py (and the build backend) from
    being imported, let alone connected, by a command that never calls them. Overrides of the
    provider are honoured, since the provider is asked at first use.
    """

    __slots__ = ("_provide", "_target")

    def __init__(self, provide: Callable[[], object]) -> None:
        self._provide = provide
        self._target: object | None = None

    def __getattr__(self, name: str) -> Any:
        if self._target is None:
            self._target = self._provide()
        return getattr(self._target, name)


class Container(containers.DeclarativeContainer):
    """Wires the ports to adapters. See the module docstring for the configuration keys."""

    config = providers.Configuration(strict=True)

    # -- the in-memory world: one engine, one registry, shared by every memory adapter
    memory_remote_images = providers.Singleton(InMemoryRemoteImages)
    memory_local_images = providers.Singleton(InMemoryLocalImages, registry=memory_remote_images)

    # -- the real world
    docker_engine = providers.Singleton(_docker_engine, host=config.docker.host)

    local_images = providers.Selector(
        config.backend,
        docker=providers.Singleton(_docker_local_images, engine=docker_engine),
        memory=memory_local_images,
    )
    remote_images = providers.Selector(
        config.backend,
        docker=providers.Singleton(
            _oras_remote_images,
            insecure=config.registry.insecure,
            connect_timeout=config.registry.connect_timeout,
            read_timeout=config.registry.read_timeout,
            deadline=config.registry.deadline,
        ),
        memory=memory_remote_images,
    )
    image_builder = providers.Selector(
        config.backend,
        docker=providers.Selector(
            config.builder,
            classic=providers.Singleton(_classic_builder, engine=docker_engine),
            buildkit=providers.Singleton(
                _buildkit_builder, cli=config.docker.cli, engine=docker_engine
            ),
        ),
        memory=providers.Singleton(InMemoryImageBuilder, memory_local_images),
    )
    container_runner = providers.Selector(
        config.backend,
        docker=providers.Singleton(_docker_runner, engine=docker_engine),
        memory=providers.Singleton(InMemoryContainerRunner, memory_local_images),
    )
    model_factory = providers.Selector(
        config.backend,
        docker=providers.Singleton(
            _dockerfile_factory,
            builder=image_builder,
            local=local_images,
            runner=container_runner,
            remote=remote_images,
            registry_host=config.replicate_host,
            progress=config.progress,
        ),
        memory=providers.Singleton(InMemoryModelFactory, memory_local_images),
    )

    resolver = providers.Singleton(
        Resolver,
        local=providers.Factory(_OnFirstUse, local_images.provider),
        remote=providers.Factory(_OnFirstUse, remote_images.provider),
        factory=providers.Factory(_OnFirstUse, model_factory.provider),
        default_preference=providers.Callable(_preference, config.default_preference),
    )


def create_container(overrides: Mapping[str, Any] | None = None) -> Container:
    """A container configured with :data:`DEFAULTS` updated by ``overrides`` (nested dicts merge).

    Nothing is connected to: clients are made when a provider is first called.

    Raises:
        InvalidInputError: ``backend``, ``builder`` or ``default_preference`` names no choice.
    """
    config = _merge(DEFAULTS, overrides or {})
    for key, choices in _CHOICES.items():
        if config[key] not in choices:
            raise InvalidInputError(
                f"configuration {key}={config[key]!r} is not one of {', '.join(sorted(choices))}",
                reason=f"unknown {key}",
            )
    container = Container()
    container.config.from_dict(config)
    return container


_CHOICES: Mapping[str, frozenset[str]] = {
    "backend": frozenset({"docker", "memory"}),
    "builder": frozenset({"classic", "buildkit"}),
    "default_preference": frozenset(p.name for p in Preference),
}


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(dict(base))
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
