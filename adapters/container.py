"""The composition root: which adapter plays which port, decided by configuration.

This is the only module that imports ``dependency_injector``, and the one place that knows every
concrete adapter. Configuration keys (defaults in :data:`DEFAULTS`):

- ``backend``: ``"docker"`` (the real engine and registries) or ``"memory"`` (the in-memory
  fakes: one engine and one registry shared by every port).
- ``builder``: ``"auto"`` (BuildKit where the engine and the docker CLI support it, else the
  classic builder, said once), ``"classic"`` (docker-py, the classic builder) or
  ``"buildkit"`` (docker CLI).
- ``docker.host``: the engine address, like ``docker --host``; ``docker.context``: a Docker
  context name, like ``docker --context`` (at most one of the two; both ``None``: resolved as
  the docker CLI does, ``DOCKER_HOST``, then ``DOCKER_CONTEXT``, then the Docker config's
  ``currentContext``, else the default socket); ``docker.cli``: the docker CLI BuildKit builds
  go through.
- ``registry.insecure``: registry hosts that may fall back to plain HTTP when HTTPS fails
  (loopback and private addresses may already); ``registry.ca_bundle``: one more CA bundle to
  trust (on top of the system store, ``SSL_CERT_FILE``, ``REQUESTS_CA_BUNDLE`` and
  ``registry.certs_dir``); ``registry.certs_dir``: Docker's per-registry certificate directory
  (``None``: ``/etc/docker/certs.d``); ``registry.connect_timeout``, ``registry.read_timeout``:
  seconds; ``registry.deadline``: total seconds per inspect.
- ``replicate_host``: the Replicate registry host (``r8.im``; Cog's ``COG_REGISTRY_HOST``).
- ``progress``: a ``ProgressSink`` the build backend reports build output to, or ``None``.
- ``default_preference``: the Resolver's default look-up order (a ``Preference`` name).
- ``files.base_dir``: what relative input-file paths (``-i image=@photo.png``) are relative to
  (``None``: the working directory).

``container.credential_store()`` is where ``login`` saves credentials (Docker's config, or its
credential helper). ``container.predictor()`` makes the prediction service
(:class:`~application.predictor.Predictor`) over the container runner, Cog's HTTP API
(``adapters/cog_http``) and the input files, in the same way: a new one per call, its ports
asked on each use.

Adapters are thread-safe singletons (``ThreadSafeSingleton``): the workers of
``Resolver.inspect_many`` that first ask for a port at the same moment get one adapter, so a
batch shares one connection pool and one auth challenge per registry.

Every port provider can be overridden, at any time, and the override is what the next call sees:
``container.resolver()`` makes a new (cheap) Resolver on each call, and the Resolver reaches its
adapters through their providers. Adapters are made on first use and their modules imported
only then, so ``inspect --remote`` never imports docker-py and the memory backend imports no
backend library. Or build the Resolver by hand: ``Resolver(local=..., remote=..., factory=...)``.

>>> container = Container()
>>> container.config.backend()
'docker'
>>> container.resolver().factory.name  # constructed lazily: nothing is connected
'dockerfile'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from application.resolver import Preference, Resolver
from domain.errors import InvalidInputError

if TYPE_CHECKING:
    from adapters.docker.client import DockerEngine
    from application.ports.container_runner import ContainerRunner
    from application.ports.credential_store import CredentialStore
    from application.ports.image_builder import ImageBuilder
    from application.ports.input_files import InputFiles
    from application.ports.local_images import LocalImages
    from application.ports.model_api import ModelApi
    from application.ports.model_factory import ModelFactory
    from application.ports.remote_images import RemoteImages
    from application.predictor import Predictor

DEFAULTS: Mapping[str, Any] = {
    "backend": "docker",
    "builder": "auto",
    "docker": {"host": None, "context": None, "cli": "/usr/bin/docker"},
    "registry": {
        "insecure": [],
        "ca_bundle": None,
        "certs_dir": None,
        "connect_timeout": 5.0,
        "read_timeout": 10.0,
        "deadline": 30.0,
    },
    "replicate_host": "r8.im",
    "progress": None,
    "default_preference": Preference.PREFER_LOCAL.name,
    "files": {"base_dir": None},
}
CHOICES: Mapping[str, frozenset[str]] = {
    "backend": frozenset({"docker", "memory"}),
    "builder": frozenset({"auto", "classic", "buildkit"}),
    "default_preference": frozenset(p.name for p in Preference),
}


# Each real adapter's module is imported when its provider first makes one, not before.


def _docker_engine(host: str | None, context: str | None) -> DockerEngine:
    from adapters.docker.client import DockerEngine  # noqa: PLC0415

    return DockerEngine(host=host, context=context)


def _docker_local_images(engine: DockerEngine) -> LocalImages:
    from adapters.docker.local_images import DockerLocalImages  # noqa: PLC0415

    return DockerLocalImages(engine=engine)


def _docker_runner(engine: DockerEngine) -> ContainerRunner:
    from adapters.docker.containers import DockerContainerRunner  # noqa: PLC0415

    return DockerContainerRunner(engine=engine)


def _image_builder(kind: str, cli: str, engine: DockerEngine) -> ImageBuilder:
    if kind == "auto":
        from adapters.docker.auto_builder import PreferBuildKitImageBuilder  # noqa: PLC0415

        return PreferBuildKitImageBuilder(cli=cli, engine=engine)
    if kind == "buildkit":
        from adapters.docker.buildkit import BuildKitImageBuilder  # noqa: PLC0415

        return BuildKitImageBuilder(cli=cli, engine=engine)
    from adapters.docker.builder import DockerImageBuilder  # noqa: PLC0415

    return DockerImageBuilder(engine=engine)


def _oras_remote_images(registry: Mapping[str, Any]) -> RemoteImages:
    from pathlib import Path  # noqa: PLC0415

    from adapters.registry.options import RegistryOptions  # noqa: PLC0415
    from adapters.registry.remote_images import OrasRemoteImages  # noqa: PLC0415

    certs_dir = registry.get("certs_dir")
    options = RegistryOptions(
        insecure_registries=frozenset(registry["insecure"]),
        ca_bundle=registry.get("ca_bundle"),
        certs_dir=Path(certs_dir) if certs_dir else None,
        connect_timeout=registry["connect_timeout"],
        read_timeout=registry["read_timeout"],
        deadline=registry["deadline"],
    )
    return OrasRemoteImages(options=options)


def _docker_credential_store() -> CredentialStore:
    from adapters.registry.login import DockerConfigCredentialStore  # noqa: PLC0415

    return DockerConfigCredentialStore()


def _cog_http_model_api() -> ModelApi:
    from adapters.cog_http import CogHttpModelApi  # noqa: PLC0415

    return CogHttpModelApi()


def _local_input_files(base_dir: str | None) -> InputFiles:
    from adapters.input_files import LocalInputFiles  # noqa: PLC0415

    return LocalInputFiles(base_dir=base_dir)


def _dockerfile_factory(**ports_and_settings: Any) -> ModelFactory:
    from adapters.dockerfile.factory import DockerfileFactory  # noqa: PLC0415

    return DockerfileFactory(**ports_and_settings)


def _predictor(**ports: Any) -> Predictor:
    from application.predictor import Predictor  # noqa: PLC0415 - inspect never loads it

    return Predictor(**ports)


class _OnFirstUse:
    """Stands in for a port in the Resolver; each use asks the port's provider for the adapter.

    A command often uses one of the Resolver's three ports (``inspect --remote`` needs no engine
    and no build backend), so the adapters it does not use are never made or imported. Asking
    the provider on every use (it returns its singleton, or the current override) is what makes
    overrides take effect whenever they are made.
    """

    __slots__ = ("_provider",)

    def __init__(self, provider: Callable[[], object]) -> None:
        self._provider = provider

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider(), name)


class Container(containers.DeclarativeContainer):
    """The real backends, wired; see the module docstring for the configuration keys."""

    config = providers.Configuration(default=DEFAULTS)

    docker_engine = providers.ThreadSafeSingleton(
        _docker_engine, host=config.docker.host, context=config.docker.context
    )
    local_images = providers.ThreadSafeSingleton(_docker_local_images, engine=docker_engine)
    remote_images = providers.ThreadSafeSingleton(_oras_remote_images, registry=config.registry)
    image_builder = providers.ThreadSafeSingleton(
        _image_builder, kind=config.builder, cli=config.docker.cli, engine=docker_engine
    )
    container_runner = providers.ThreadSafeSingleton(_docker_runner, engine=docker_engine)
    model_factory = providers.ThreadSafeSingleton(
        _dockerfile_factory,
        builder=image_builder,
        local=local_images,
        runner=container_runner,
        remote=remote_images,
        registry_host=config.replicate_host,
        progress=config.progress,
    )

    credential_store = providers.ThreadSafeSingleton(_docker_credential_store)
    model_api = providers.ThreadSafeSingleton(_cog_http_model_api)
    input_files = providers.ThreadSafeSingleton(_local_input_files, base_dir=config.files.base_dir)

    resolver = providers.Factory(
        Resolver,
        local=providers.Factory(_OnFirstUse, local_images.provider),
        remote=providers.Factory(_OnFirstUse, remote_images.provider),
        factory=providers.Factory(_OnFirstUse, model_factory.provider),
        default_preference=providers.Callable(Preference.__getitem__, config.default_preference),
    )
    predictor = providers.Factory(
        _predictor,
        runner=providers.Factory(_OnFirstUse, container_runner.provider),
        api=providers.Factory(_OnFirstUse, model_api.provider),
        files=providers.Factory(_OnFirstUse, input_files.provider),
    )


def create_container(overrides: Mapping[str, Any] | None = None) -> Container:
    """A container configured with :data:`DEFAULTS` updated by ``overrides`` (nested dicts merge).

    Nothing is connected to: adapters are made when a provider is first called.

    Raises:
        InvalidInputError: ``backend``, ``builder`` or ``default_preference`` names no choice.
    """
    container = Container()
    container.config.from_dict(dict(overrides or {}))
    for key, choices in CHOICES.items():
        value = container.config.get(key)
        if value not in choices:
            raise InvalidInputError(
                f"configuration {key}={value!r} is not one of {', '.join(sorted(choices))}",
                reason=f"unknown {key}",
            )
    if container.config.backend() == "memory":
        _use_the_memory_world(container)
    return container


def _use_the_memory_world(container: Container) -> None:
    """Every backend played by an in-memory fake, all sharing one engine and one registry.

    The model API is that engine's: its containers play an in-memory Cog model. Input files
    stay the real ones: they are the user's, not a backend's.
    """
    from adapters.memory import (  # noqa: PLC0415 - the real world never loads the fakes
        InMemoryContainerRunner,
        InMemoryCredentialStore,
        InMemoryImageBuilder,
        InMemoryLocalImages,
        InMemoryModelApi,
        InMemoryModelFactory,
        InMemoryRemoteImages,
    )

    registry = InMemoryRemoteImages()
    engine = InMemoryLocalImages(registry=registry)
    container.remote_images.override(providers.Object(registry))
    container.local_images.override(providers.Object(engine))
    container.image_builder.override(providers.ThreadSafeSingleton(InMemoryImageBuilder, engine))
    container.container_runner.override(
        providers.ThreadSafeSingleton(InMemoryContainerRunner, engine)
    )
    container.model_api.override(
        providers.ThreadSafeSingleton(InMemoryModelApi, container.container_runner)
    )
    container.model_factory.override(providers.ThreadSafeSingleton(InMemoryModelFactory, engine))
    container.credential_store.override(providers.ThreadSafeSingleton(InMemoryCredentialStore))
