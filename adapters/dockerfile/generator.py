"""The Dockerfile generator: a pure function from a config and choices to a Dockerfile plan.

:func:`generate` does no I/O. Everything it needs that comes from the outside (the base image
chosen, the requirements text, the CA certificate, hermetic wheel files, what the builder can
do) is in its :class:`DockerfileRequest`; it returns the Dockerfile text and the files the build
context must hold (:class:`DockerfilePlan`). The stanzas and their order are Cog's (cog-spec
§3.3): path A for ``python:*-slim`` and ``nvidia/cuda`` bases, path B for ``r8.im/cog-base``.

The build context it describes has two parts: the project under ``src/`` (the model image copies
it to ``/src``) and the generated files under ``cog/`` (copied to ``/tmp``, never to ``/src``).
Lines are joined with ``\\n`` with empty lines dropped and no final newline, as Cog joins them.

With separate weights (``--separate-weights``, :mod:`adapters.dockerfile.weights`) the plan also
holds the weights image's Dockerfile: ``FROM scratch`` and a ``COPY`` per weight path. The model
image's Dockerfile then starts with ``FROM <image>-weights AS weights`` and copies each path
from it after the run commands (``COPY --from=weights --link`` when a ``#syntax`` line brings a
frontend that knows ``--link``; docs/decisions/0020).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath, PurePosixPath
from types import MappingProxyType
from typing import Final

from adapters.dockerfile import installs, stanzas
from adapters.dockerfile.cacert import CA_CERT_FILENAME
from adapters.dockerfile.hermetic import HermeticWheels
from adapters.dockerfile.installs import GENERATED_DIR
from adapters.dockerfile.local_artifacts import LocalArtifact
from adapters.dockerfile.runtime import CogRuntime
from adapters.dockerfile.weights import WeightPaths
from domain.cogyaml.models import CogConfig, RunItem
from domain.errors import ConfigError

SOURCE_DIR: Final = "src"
"""Where the project sits in the build context."""
SCHEMA_FILE: Final = f"{GENERATED_DIR}/openapi_schema.json"

# Packages every r8.im/cog-base image already has (Cog leaves them out of the apt line).
COG_BASE_SYSTEM_PACKAGES: Final = frozenset(
    [
        "build-essential",
        "cmake",
        "curl",
        "ffmpeg",
        "findutils",
        "g++",
        "gcc",
        "git",
        "libavcodec-dev",
        "libcairo2-dev",
        "libfontconfig1",
        "libgirepository1.0-dev",
        "libgl1",
        "libglx-mesa0",
        "libglib2.0-0",
        "libopencv-dev",
        "libsm6",
        "libsndfile1",
        "libssl-dev",
        "libunistring-dev",
        "libxext6",
        "libxrender1",
        "sox",
        "unzip",
        "wget",
        "zip",
        "zstd",
    ]
)


class Target(enum.Enum):
    """What to generate: the model image (with ``/src``) or the dev image (without)."""

    MODEL = "model"
    BASE = "base"


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseImage:
    """The ``FROM`` image; ``cog_base`` selects Cog's path B (an ``r8.im/cog-base`` image)."""

    name: str
    cog_base: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class DockerfileRequest:
    """Everything the generator needs.

    Attributes:
        config: the validated, completed cog.yaml.
        base: the chosen base image.
        requirements: the regenerated ``requirements.txt`` (``""`` when there is none).
        runtime: the Cog runtime to install, or ``None`` not to install one (Cog's
            ``requires_cog`` false).
        mounts: the builder supports ``RUN --mount`` (BuildKit).
        target: model image or dev image. Default MODEL.
        use_cuda_base_image: GPU configs build on ``nvidia/cuda`` and get Python from pyenv.
        config_filename: the config file's path in the project; another name than
            ``cog.yaml`` is copied to ``/src/cog.yaml``.
        ca_cert: the ``COG_CA_CERT`` certificate, or ``None``.
        wheels: hermetic mode's wheels, or ``None`` to install from the package index.
        schema: the OpenAPI schema bytes to place at ``/src/.cog/openapi_schema.json``.
        strip: strip shared objects after each pip install.
        precompile: precompile bytecode.
        syntax: a ``#syntax=`` frontend line to start with (none by default: it makes the
            engine pull a frontend image).
        artifacts: local package artifacts of the requirements (their lines in
            ``requirements`` already rewritten to the container paths).
        weights: the weight paths to build into a separate weights image, or ``None``.
        weights_image: the weights image's name (``<image>-weights``), with ``weights``.
    """

    config: CogConfig
    base: BaseImage
    requirements: str = ""
    runtime: CogRuntime | None = field(default_factory=CogRuntime)
    mounts: bool = False
    target: Target = Target.MODEL
    use_cuda_base_image: bool = True
    config_filename: str = "cog.yaml"
    ca_cert: bytes | None = None
    wheels: HermeticWheels | None = None
    schema: bytes | None = None
    strip: bool = False
    precompile: bool = False
    syntax: str | None = None
    artifacts: tuple[LocalArtifact, ...] = ()
    weights: WeightPaths | None = None
    weights_image: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DockerfilePlan:
    """A Dockerfile and the files its build context needs besides the project.

    ``files`` maps a context path to its bytes, or to a host file to place there unchanged.
    ``weights_dockerfile`` is the weights image's Dockerfile (separate weights only), built
    from a context holding the weight paths under ``src/``.
    """

    dockerfile: str
    files: Mapping[str, bytes | PurePath] = field(default_factory=lambda: MappingProxyType({}))
    weights_dockerfile: str | None = None


def generate(request: DockerfileRequest) -> DockerfilePlan:
    """The Dockerfile plan for ``request``.

    Raises:
        ConfigError: a ``run`` command holds a newline, or needs a secret mount the builder
            cannot provide.
    """
    files: dict[str, bytes | PurePath] = {}
    weights = request.weights if request.target is Target.MODEL else None
    lines = [request.syntax or ""]
    if weights is not None:
        lines.append(f"FROM {request.weights_image} AS weights")
    lines.append(f"FROM {request.base.name}")
    if request.base.cog_base:
        lines += _path_b(request, files)
    else:
        lines += _path_a(request, files)
    if weights is not None:
        link = " --link" if request.syntax else ""  # --link needs the dockerfile:1.4 frontend
        lines += [f"COPY --from=weights{link} /src/{p} /src/{p}" for p in weights.paths]
    lines += _tail(request, files)
    return DockerfilePlan(
        dockerfile="\n".join(line for line in lines if line),
        files=MappingProxyType(files),
        weights_dockerfile=_weights_dockerfile(request.syntax, weights) if weights else None,
    )


def _weights_dockerfile(syntax: str | None, weights: WeightPaths) -> str:
    """Cog's weights image: ``FROM scratch``, a blank line, one ``COPY`` per weight path."""
    lines = [syntax or "", "FROM scratch", ""]
    lines += [f"COPY {SOURCE_DIR}/{p} /src/{p}" for p in weights.paths]
    return "\n".join(line for i, line in enumerate(lines) if line or i == 2)


def _path_a(request: DockerfileRequest, files: dict[str, bytes | PurePath]) -> list[str]:
    config, mounts = request.config, request.mounts
    lines = stanzas.preamble() + _ca_cert(request, files) + stanzas.tini(mounts=mounts)
    lines += stanzas.environment(config.environment)
    if config.build.system_packages:
        lines += stanzas.apt(config.build.system_packages, mounts=mounts)
    if config.build.gpu and request.use_cuda_base_image:
        lines += stanzas.pyenv_python(config.build.python_version, mounts=mounts)
    lines += installs.requirements(request, files) + installs.runtime(request, files)
    if request.precompile:
        lines.append(stanzas.PRECOMPILE)
    return [*lines, stanzas.LDCONFIG, *_run_commands(config, mounts=mounts)]


def _path_b(request: DockerfileRequest, files: dict[str, bytes | PurePath]) -> list[str]:
    config, mounts = request.config, request.mounts
    lines = _ca_cert(request, files) + stanzas.environment(config.environment)
    if config.build.system_packages:
        missing = [p for p in config.build.system_packages if p not in COG_BASE_SYSTEM_PACKAGES]
        lines += stanzas.apt(missing, mounts=mounts)
    # Cog HEAD's order (the PR installed the runtime first): the requirements, then the
    # runtime, which also lets a local artifact's cog be reset and replaced (0022).
    lines += installs.requirements(request, files) + installs.runtime(request, files)
    if request.precompile:
        lines.append(stanzas.PRECOMPILE)
    return [*lines, *_run_commands(config, mounts=mounts)]


def _tail(request: DockerfileRequest, files: dict[str, bytes | PurePath]) -> list[str]:
    config = request.config
    max_concurrency = config.concurrency.max if config.concurrency else None
    lines = [
        "WORKDIR /src",
        "EXPOSE 5000",
        *stanzas.cog_env(config.predict, config.train, max_concurrency),
        stanzas.SERVER_CMD,
    ]
    if request.target is Target.BASE:
        return lines
    lines.append(f"COPY {SOURCE_DIR} /src")
    if PurePosixPath(request.config_filename).name != "cog.yaml":
        lines.append(f"RUN cp {PurePosixPath('/src', request.config_filename)} /src/cog.yaml")
    if request.schema is not None:
        files[SCHEMA_FILE] = request.schema
        lines.append(f"COPY {SCHEMA_FILE} /src/.cog/openapi_schema.json")
    return lines


def _ca_cert(request: DockerfileRequest, files: dict[str, bytes | PurePath]) -> list[str]:
    if request.ca_cert is None:
        return []
    files[f"{GENERATED_DIR}/{CA_CERT_FILENAME}"] = request.ca_cert
    copy = f"COPY {GENERATED_DIR}/{CA_CERT_FILENAME} /tmp/{CA_CERT_FILENAME}"
    return [copy, *stanzas.ca_cert()]


def _run_commands(config: CogConfig, *, mounts: bool) -> list[str]:
    items = [*config.build.run, *(RunItem(command=c) for c in config.build.pre_install)]
    lines: list[str] = []
    for item in items:
        command = item.command.strip()
        if "\n" in command:
            raise ConfigError(
                "build.run",
                "One of the commands in 'run' contains a new line, which won't work. You need "
                "to create a new list item in YAML prefixed with '-' for each command.\n\n"
                f"This is the offending line: {command}",
            )
        if not item.mounts:
            lines.append(f"RUN {command}")
            continue
        secrets = [m for m in item.mounts if m.type == "secret"]
        if secrets and not mounts:
            raise ConfigError(
                "build.run",
                f"the command {command!r} needs a secret mount (id {secrets[0].id!r}), which "
                "only a BuildKit builder provides; build with the BuildKit builder",
            )
        flags = " ".join(f"--mount=type=secret,id={m.id},target={m.target}" for m in secrets)
        lines.append(f"RUN {flags} {command}")  # two spaces when no mount is kept, as Cog
    return lines
