"""The composition root: which adapter plays which port, decided by configuration.

This is the only module that imports ``dependency_injector``. It wires; what it wires is
decided in :mod:`adapters.composition` (the configuration, its defaults and choices, and one
plain function per adapter), which ``inspect --remote`` uses without this container (decision
0045). Configuration keys (defaults in :data:`DEFAULTS`):

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

from collections.abc import Mapping
from typing import Any

from dependency_injector import containers, providers

from adapters import composition
from adapters.composition import CHOICES, DEFAULTS, OnFirstUse
from application.resolver import Preference, Resolver

__all__ = ["CHOICES", "DEFAULTS", "Container", "create_container"]


class Container(containers.DeclarativeContainer):
    """The real backends, wired; see the module docstring for the configuration keys."""

    config = providers.Configuration(default=DEFAULTS)

    docker_engine = providers.ThreadSafeSingleton(
        composition.docker_engine, host=config.docker.host, context=config.docker.context
    )
    local_images = providers.ThreadSafeSingleton(
        composition.docker_local_images, engine=docker_engine
    )
    remote_images = providers.ThreadSafeSingleton(
        composition.oras_remote_images, registry=config.registry
    )
    image_builder = providers.ThreadSafeSingleton(
        composition.image_builder, kind=config.builder, cli=config.docker.cli, engine=docker_engine
    )
    container_runner = providers.ThreadSafeSingleton(
        composition.docker_runner, engine=docker_engine
    )
    model_factory = providers.ThreadSafeSingleton(
        composition.dockerfile_factory,
        builder=image_builder,
        local=local_images,
        runner=container_runner,
        remote=remote_images,
        registry_host=config.replicate_host,
        progress=config.progress,
    )

    credential_store = providers.ThreadSafeSingleton(composition.docker_credential_store)
    model_api = providers.ThreadSafeSingleton(composition.cog_http_model_api)
    input_files = providers.ThreadSafeSingleton(
        composition.local_input_files, base_dir=config.files.base_dir
    )

    resolver = providers.Factory(
        Resolver,
        local=providers.Factory(OnFirstUse, local_images.provider),
        remote=providers.Factory(OnFirstUse, remote_images.provider),
        factory=providers.Factory(OnFirstUse, model_factory.provider),
        default_preference=providers.Callable(Preference.__getitem__, config.default_preference),
    )
    predictor = providers.Factory(
        composition.predictor,
        runner=providers.Factory(OnFirstUse, container_runner.provider),
        api=providers.Factory(OnFirstUse, model_api.provider),
        files=providers.Factory(OnFirstUse, input_files.provider),
    )


def create_container(overrides: Mapping[str, Any] | None = None) -> Container:
    """A container configured with :data:`DEFAULTS` updated by ``overrides`` (nested dicts merge).

    Nothing is connected to: adapters are made when a provider is first called.

    Raises:
        InvalidInputError: ``backend``, ``builder`` or ``default_preference`` names no choice.
    """
    container = Container()
    container.config.from_dict(composition.configuration(overrides))
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
