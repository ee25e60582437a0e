"""The Python package stanzas of a generated Dockerfile: the requirements, then the Cog runtime.

Requirements (cog-spec §3.4, A9), from the package index: the regenerated ``requirements.txt``
is placed at ``cog/requirements.txt`` and installed with ``pip install -r``. Local package
artifacts (:mod:`adapters.dockerfile.local_artifacts`) are staged under
``cog/local_package_artifacts/`` and copied to ``/tmp/local_package_artifacts/`` first, their
lines already rewritten to those paths, and after the install ``pip uninstall -y cog coglet``
resets whatever an artifact pulled in, so that the runtime below is the one installed (Cog
HEAD's ``resetManagedPackages``).

Hermetic mode (docs/decisions/0012, 0022): every downloaded distribution is installed with
``--no-index`` from the downloaded set: wheels as exact pins, anything else (an sdist from a
URL) by its path, and the local artifacts by the same container paths as above; the build
requirements of source archives are in the set too, for pip's isolated builds, but are not
installed themselves.

The runtime (A10, cog-spec §3.9): ``pip install`` of ``cog==<version>`` (``--pre`` for a
pre-release), of a wheel URL, or of a wheel file copied from ``cog/<file>`` to ``/tmp``; a
coglet wheel also gets Cog's ``R8_COG_VERSION``/``R8_PYTHON_VERSION`` and an uninstall of
``cog`` first. Hermetic: the runtime's own downloaded set, the pin of the asked-for artifact.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Final

from adapters.dockerfile import stanzas
from adapters.dockerfile.local_artifacts import ARTIFACTS_DIR, CONTAINER_DIR
from adapters.dockerfile.runtime import CogRuntime, RuntimeSource
from domain.errors import ConfigError

if TYPE_CHECKING:
    from adapters.dockerfile.generator import DockerfileRequest

GENERATED_DIR: Final = "cog"
"""Where generated files sit in the build context."""
WHEELS_DIR: Final = "/tmp/cog-wheels"  # noqa: S108 - a directory inside the image being built
_MAJOR_MINOR = re.compile(r"\d+\.\d+")
Files = dict[str, bytes | PurePath]


def requirements(request: DockerfileRequest, files: Files) -> list[str]:
    """The requirements stanza (empty without requirements)."""
    if not request.requirements.strip():
        return []
    if request.wheels is not None:
        body = _hermetic_requirements(request, files)
    else:
        body = _index_requirements(request, files)
    if not body:
        return []
    return [*_stage_artifacts(request, files), *body, *_reset(request)]


def runtime(request: DockerfileRequest, files: Files) -> list[str]:
    """The runtime stanza (empty when the build installs no runtime)."""
    cog = request.runtime
    if cog is None:
        return []
    lines: list[str] = []
    if cog.source is RuntimeSource.FILE and request.wheels is None and cog.path is not None:
        files[f"{GENERATED_DIR}/{cog.artifact_name}"] = cog.path
        lines.append(f"COPY {GENERATED_DIR}/{cog.artifact_name} {cog.requirement}")
    prefix = ""
    if cog.is_coglet:
        python = request.config.build.python_version
        if not _MAJOR_MINOR.fullmatch(python):
            raise ConfigError(
                "build.python_version", "Python version must be <major>.<minor> for coglet"
            )
        lines += ["ENV R8_COG_VERSION=coglet", f"ENV R8_PYTHON_VERSION={python}"]
        prefix = "pip uninstall -y cog 2>/dev/null || true && "
    mounts, strip = request.mounts, request.strip
    if request.wheels is not None:
        where = _place(request.wheels.runtime, "runtime", files)
        spec = _hermetic_runtime_spec(cog, request.wheels.runtime)
        target = f"{WHEELS_DIR}/runtime"
        return lines + stanzas.wheel_install(
            spec, target, where, mounts=mounts, strip=strip, prefix=prefix
        )
    spec = f"{cog.pip_flags}{cog.requirement}"
    return lines + stanzas.pip_install(spec, mounts=mounts, strip=strip, prefix=prefix)


def pin(distribution: PurePath) -> str:
    """``name==version`` from a wheel file name (``name-version[-build]-py-abi-platform.whl``)."""
    name, version = distribution.name.split("-")[:2]
    return f"{name}=={version}"


# --------------------------------------------------------------------------- requirements


def _index_requirements(request: DockerfileRequest, files: Files) -> list[str]:
    files[f"{GENERATED_DIR}/requirements.txt"] = request.requirements.encode()
    copy = f"COPY {GENERATED_DIR}/requirements.txt /tmp/requirements.txt"
    if request.mounts:
        # Cog's exact line: the pip cache lives in a BuildKit cache mount.
        line = stanzas.run(stanzas.PIP_CACHE, "pip install -r /tmp/requirements.txt")
        if request.strip:
            line += f" && {stanzas.STRIP}"
        return [copy, stanzas.CFLAGS, line, stanzas.CFLAGS_RESET]
    return [
        copy,
        *stanzas.pip_install("-r /tmp/requirements.txt", mounts=False, strip=request.strip),
    ]


def _hermetic_requirements(request: DockerfileRequest, files: Files) -> list[str]:
    assert request.wheels is not None
    copies = {artifact.source.name for artifact in request.artifacts}  # pip download's copies
    found = [d for d in request.wheels.requirements if d.name not in copies]
    if not found and not request.artifacts:
        return []
    # Exact pins of the downloaded wheels: pip then records no direct URL, so `pip freeze`
    # shows `name==version`, as after an install from an index.
    targets = [pin(d) for d in found if d.name.endswith(".whl")]
    target = f"{WHEELS_DIR}/requirements"
    targets += [shlex.quote(f"{target}/{d.name}") for d in found if not d.name.endswith(".whl")]
    targets += [shlex.quote(str(a.container_path)) for a in request.artifacts]
    spec = " ".join(dict.fromkeys(targets))
    placed = (*found, *request.wheels.build)
    if not placed:  # nothing downloaded: the artifacts alone, still without an index
        return stanzas.pip_install(f"--no-index {spec}", mounts=False, strip=request.strip)
    where = _place(placed, "requirements", files)
    return stanzas.wheel_install(spec, target, where, mounts=request.mounts, strip=request.strip)


def _stage_artifacts(request: DockerfileRequest, files: Files) -> list[str]:
    if not request.artifacts:
        return []
    for artifact in request.artifacts:
        files[f"{GENERATED_DIR}/{ARTIFACTS_DIR}/{artifact.relative}"] = artifact.source
    return [f"COPY {GENERATED_DIR}/{ARTIFACTS_DIR}/ {CONTAINER_DIR}/"]


def _reset(request: DockerfileRequest) -> list[str]:
    if request.runtime is None or not request.artifacts:
        return []
    return ["RUN pip uninstall -y cog coglet"]


# --------------------------------------------------------------------------- runtime


def _hermetic_runtime_spec(cog: CogRuntime, downloaded: Sequence[PurePath]) -> str:
    if cog.source is RuntimeSource.PYPI:
        return f"{cog.pip_flags}{cog.requirement}"
    named = [d for d in downloaded if d.name == cog.artifact_name and d.name.endswith(".whl")]
    return pin(named[0]) if named else cog.requirement


def _place(found: Sequence[PurePath], group: str, files: Files) -> str:
    where = f"{GENERATED_DIR}/wheels/{group}"
    for distribution in found:
        files[f"{where}/{distribution.name}"] = distribution
    return where
