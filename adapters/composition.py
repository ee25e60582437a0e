"""What plays each port, and how it is made from the configuration: plain functions.

The composition root has two halves (decision 0045):

- this module decides: the configuration keys and their defaults (:data:`DEFAULTS`), the
  choices they allow (:func:`configuration` merges and checks them), and one function per
  adapter that makes it from its settings (:func:`oras_remote_images`, :func:`docker_engine`,
  …). It imports no adapter and no backend library until a function runs, and never
  dependency-injector;
- :mod:`adapters.container` wires: a dependency-injector container whose providers call these
  functions (thread-safe singletons, overrides, the in-memory world).

A look-up that needs one port needs no container: :func:`registry_resolver` makes the Resolver
of ``inspect --remote`` (registries only) with the same :func:`oras_remote_images` the container
uses, so both get the same adapter from the same settings. It exists because the container's
library costs more to import than the rest of a remote inspect (decision 0045).

See :mod:`adapters.container` for what each configuration key means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

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
    from application.resolver import Resolver

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
    "default_preference": "PREFER_LOCAL",
    "files": {"base_dir": None},
}
CHOICES: Mapping[str, frozenset[str]] = {
    "backend": frozenset({"docker", "memory"}),
    "builder": frozenset({"auto", "classic", "buildkit"}),
    "default_preference": frozenset(
        {"LOCAL_ONLY", "REMOTE_ONLY", "PREFER_LOCAL", "PREFER_REMOTE"}
    ),  # the names of application.resolver.Preference (a test holds them equal)
}


def configuration(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """:data:`DEFAULTS` updated by ``overrides`` (nested dicts merge), checked.

    Raises:
        InvalidInputError: ``backend``, ``builder`` or ``default_preference`` names no choice.
    """
    config = _merged(DEFAULTS, overrides or {})
    for key, choices in CHOICES.items():
        value = config.get(key)
        if value not in choices:
            raise InvalidInputError(
                f"configuration {key}={value!r} is not one of {', '.join(sorted(choices))}",
                reason=f"unknown {key}",
            )
    return config


def _merged(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """A new dict: ``base`` with ``update`` merged in (nested mappings copied, never shared)."""
    merged = {k: _merged(v, {}) if isinstance(v, Mapping) else v for k, v in base.items()}
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


# Each real adapter's module is imported when its function first makes one, not before.


def docker_engine(host: str | None, context: str | None) -> DockerEngine:
    """The Docker Engine client (``docker.host``, ``docker.context``)."""
    from adapters.docker.client import DockerEngine  # noqa: PLC0415

    return DockerEngine(host=host, context=context)


def docker_local_images(engine: DockerEngine) -> LocalImages:
    """The engine's images."""
    from adapters.docker.local_images import DockerLocalImages  # noqa: PLC0415

    return DockerLocalImages(engine=engine)


def docker_runner(engine: DockerEngine) -> ContainerRunner:
    """The engine's containers."""
    from adapters.docker.containers import DockerContainerRunner  # noqa: PLC0415

    return DockerContainerRunner(engine=engine)


def image_builder(kind: str, cli: str, engine: DockerEngine) -> ImageBuilder:
    """The build backend ``builder`` names."""
    if kind == "auto":
        from adapters.docker.auto_builder import PreferBuildKitImageBuilder  # noqa: PLC0415

        return PreferBuildKitImageBuilder(cli=cli, engine=engine)
    if kind == "buildkit":
        from adapters.docker.buildkit import BuildKitImageBuilder  # noqa: PLC0415

        return BuildKitImageBuilder(cli=cli, engine=engine)
    from adapters.docker.builder import DockerImageBuilder  # noqa: PLC0415

    return DockerImageBuilder(engine=engine)


def oras_remote_images(registry: Mapping[str, Any]) -> RemoteImages:
    """The registries, with the ``registry.*`` settings.

    Raises:
        InvalidInputError: a setting :class:`~adapters.registry.RegistryOptions` refuses.
    """
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


def docker_credential_store() -> CredentialStore:
    """Where ``login`` saves credentials: Docker's config or its credential helper."""
    from adapters.registry.login import DockerConfigCredentialStore  # noqa: PLC0415

    return DockerConfigCredentialStore()


def cog_http_model_api() -> ModelApi:
    """Cog's HTTP API of a running model."""
    from adapters.cog_http import CogHttpModelApi  # noqa: PLC0415

    return CogHttpModelApi()


def local_input_files(base_dir: str | None) -> InputFiles:
    """The user's input files (``files.base_dir``)."""
    from adapters.input_files import LocalInputFiles  # noqa: PLC0415

    return LocalInputFiles(base_dir=base_dir)


def dockerfile_factory(**ports_and_settings: Any) -> ModelFactory:
    """The build backend that writes Cog's Dockerfiles."""
    from adapters.dockerfile.factory import DockerfileFactory  # noqa: PLC0415

    return DockerfileFactory(**ports_and_settings)


def predictor(**ports: Any) -> Predictor:
    """The prediction service over its ports."""
    from application.predictor import Predictor  # noqa: PLC0415 - inspect never loads it

    return Predictor(**ports)


class OnFirstUse:
    """Stands in for a port in the Resolver; each use asks ``provider`` for the adapter.

    A command often uses one of the Resolver's three ports (``inspect --remote`` needs no engine
    and no build backend), so the adapters it does not use are never made or imported. Asking
    the provider on every use (the container's provider returns its singleton, or the current
    override) is what makes overrides take effect whenever they are made.
    """

    __slots__ = ("_provider",)

    def __init__(self, provider: Callable[[], object]) -> None:
        self._provider = provider

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider(), name)


def registry_resolver(config: Mapping[str, Any]) -> Resolver:
    """The Resolver for look-ups in registries only, without the container: its registry
    adapter is :func:`oras_remote_images` of ``config["registry"]`` (constructing it connects
    nowhere), its default order ``REMOTE_ONLY``; the engine and the build backend are not
    wired (a use of either is a bug, reported as one).

    ``config`` is a :func:`configuration` of the real backends (``backend: docker``).

    Raises:
        InvalidInputError: a ``registry.*`` setting is refused.
    """
    from application.resolver import Preference, Resolver  # noqa: PLC0415

    def unwired(port: str) -> Callable[[], NoReturn]:
        def refuse() -> NoReturn:
            raise RuntimeError(f"the registry-only Resolver has no {port}")

        return refuse

    return Resolver(
        local=OnFirstUse(unwired("engine")),
        remote=oras_remote_images(config["registry"]),
        factory=OnFirstUse(unwired("build backend")),
        default_preference=Preference.REMOTE_ONLY,
    )
