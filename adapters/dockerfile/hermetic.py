"""Hermetic builds: Python packages downloaded on the host, so the image build needs no index.

The host's pip (``python -m pip`` of the interpreter running cogmodel unless told otherwise)
resolves and downloads binary wheels for the image's platform — Linux x86-64 with a glibc no
newer than :data:`DEFAULT_GLIBC`, CPython ``build.python_version`` — into a cache directory. The
Dockerfile then installs them with ``pip install --no-index --find-links``. From the index only
wheels are taken (``--only-binary=:all:``): building an sdist would need the image's compilers,
not the host's. A local package artifact of the project may be a source archive: pip copies it
into the set, and :func:`hermetic_set` adds the build requirements it declares
(:mod:`adapters.dockerfile.sdist`), so the image can build it without an index.

A wheel set is cached under the digest of everything that decides it (the requirements text, the
Python version, the platform tags, the pip command), so an unchanged rebuild downloads nothing
and never touches the network. ``refresh`` re-resolves (unpinned requirements then move on).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Final

from adapters.dockerfile.local_artifacts import LocalArtifact, rewrite_requirements
from adapters.dockerfile.runtime import CogRuntime, RuntimeSource
from adapters.dockerfile.sdist import build_requirements
from domain.errors import BuildError

_log = logging.getLogger(__name__)

DEFAULT_GLIBC: Final = (2, 28)
"""manylinux_2_28: every base image Cog uses (Debian 12, Ubuntu 20.04+) has a newer glibc."""
_COMPLETE: Final = ".complete"
_TAIL: Final = 20


def manylinux_platforms(
    glibc: tuple[int, int] = DEFAULT_GLIBC, arch: str = "x86_64"
) -> tuple[str, ...]:
    """Every manylinux tag a glibc ``glibc`` machine accepts, newest first.

    pip does not widen a ``--platform`` it is given, so all of them are passed.

    >>> manylinux_platforms((2, 17))[:2]
    ('manylinux_2_17_x86_64', 'manylinux_2_16_x86_64')
    >>> manylinux_platforms((2, 17))[-3:]
    ('manylinux2014_x86_64', 'manylinux2010_x86_64', 'manylinux1_x86_64')
    """
    major, minor = glibc
    tags = [f"manylinux_{major}_{m}_{arch}" for m in range(minor, 4, -1)]
    return (*tags, f"manylinux2014_{arch}", f"manylinux2010_{arch}", f"manylinux1_{arch}")


@dataclass(frozen=True, slots=True, kw_only=True)
class HermeticWheels:
    """Distributions downloaded on the host: the requirements' set, the runtime's set, and the
    build requirements of source archives among the requirements (found, never installed)."""

    requirements: tuple[PurePath, ...] = ()
    runtime: tuple[PurePath, ...] = ()
    build: tuple[PurePath, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WheelTarget:
    """The interpreter and platform wheels are chosen for."""

    python_version: str
    platforms: tuple[str, ...] = field(default_factory=manylinux_platforms)
    implementation: str = "cp"


class HostPip:
    """Downloads wheel sets with the host's pip into a content-addressed cache."""

    def __init__(
        self,
        *,
        cache_dir: Path,
        command: Sequence[str] = (sys.executable, "-m", "pip"),
        timeout: float = 1800.0,
    ) -> None:
        """Cache wheel sets under ``cache_dir``; run pip as ``command`` (default: this Python)."""
        self._cache_dir = cache_dir
        self._command = tuple(command)
        self._timeout = timeout

    def download(
        self, requirements: str, target: WheelTarget, *, refresh: bool = False
    ) -> tuple[Path, ...]:
        """The distributions that satisfy ``requirements`` (requirements.txt text) on
        ``target``: wheels, and source archives given by path or URL.

        Raises:
            BuildError: pip failed (no wheel for a package, no network, a conflict…); the
                error carries the last lines pip printed.
        """
        key = self._key(requirements, target)
        wheel_dir = self._cache_dir / key
        if refresh:
            shutil.rmtree(wheel_dir, ignore_errors=True)
        if not (wheel_dir / _COMPLETE).is_file():
            self._fetch(requirements, target, wheel_dir)
        else:
            _log.debug("hermetic wheels for %s come from the cache %s", key[:12], wheel_dir)
        return tuple(sorted(p for p in wheel_dir.iterdir() if p.name != _COMPLETE))

    def _key(self, requirements: str, target: WheelTarget) -> str:
        identity = {
            "requirements": requirements,
            "python": target.python_version,
            "platforms": list(target.platforms),
            "implementation": target.implementation,
            "pip": list(self._command),
        }
        return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()

    def _fetch(self, requirements: str, target: WheelTarget, wheel_dir: Path) -> None:
        try:
            self._cache_dir.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix="download-", dir=self._cache_dir))
        except OSError as exc:
            raise BuildError(
                f"cannot create the wheel cache {self._cache_dir}: {exc.strerror or exc}",
                step="pip download",
            ) from exc
        try:
            (work / "requirements.txt").write_text(requirements + "\n")
            argv = [
                *self._command,
                "download",
                "--disable-pip-version-check",
                "--no-input",
                "--progress-bar=off",
                "--only-binary=:all:",
                f"--implementation={target.implementation}",
                f"--python-version={target.python_version}",
                *(f"--platform={tag}" for tag in target.platforms),
                f"--dest={work / 'wheels'}",
                "--requirement",
                str(work / "requirements.txt"),
            ]
            _log.info("downloading wheels on the host: %s", " ".join(argv))
            result = _run(argv, self._timeout)
            if result.returncode != 0:
                output = (result.stdout + result.stderr).splitlines()
                raise BuildError(
                    "pip could not download wheels for the image on the host (hermetic mode "
                    "needs a binary wheel of every package for "
                    f"CPython {target.python_version} on {target.platforms[0]})",
                    step="pip download",
                    log_tail=output[-_TAIL:],
                )
            downloaded = work / "wheels"
            downloaded.mkdir(exist_ok=True)
            (downloaded / _COMPLETE).write_text(requirements + "\n")
            _publish(downloaded, wheel_dir)
        except OSError as exc:
            raise BuildError(
                f"cannot store downloaded wheels in {wheel_dir}: {exc.strerror or exc}",
                step="pip download",
            ) from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _publish(downloaded: Path, wheel_dir: Path) -> None:
    """Move a finished download to ``wheel_dir`` in one rename.

    If a concurrent download of the same set got there first, its wheels stay (another build
    may be linking them right now) and this copy is dropped with the work directory. Any other
    failure to move is the caller's ``OSError``.
    """
    try:
        downloaded.rename(wheel_dir)
    except OSError:
        if (wheel_dir / _COMPLETE).is_file():
            return
        shutil.rmtree(wheel_dir, ignore_errors=True)  # what a refresh or a crash left half-removed
        downloaded.rename(wheel_dir)


def _run(argv: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(
            f"pip download did not finish within {timeout:.0f} s", step="pip download"
        ) from exc
    except OSError as exc:
        raise BuildError(
            f"cannot run the host's pip ({argv[0]}): {exc.strerror or exc}", step="pip download"
        ) from exc


def hermetic_set(
    pip: HostPip,
    *,
    python_version: str,
    requirements: str,
    runtime: CogRuntime | None,
    artifacts: Sequence[LocalArtifact] = (),
) -> HermeticWheels:
    """Download what a hermetic build installs: the requirements (local artifacts by their host
    paths), the build requirements of source archives among them, and the runtime.

    A local file's content digest is part of what pip is asked (as a comment), so a rebuilt
    artifact or wheel under the same name is downloaded again rather than taken from the cache.

    Raises:
        BuildError: pip failed (no wheel for a package, no network, a conflict…).
    """
    target = WheelTarget(python_version=python_version)
    text = rewrite_requirements(requirements, artifacts, host=True)
    text += "".join(f"\n# {a.relative} sha256={_digest(a.source)}" for a in artifacts)
    found = pip.download(text, target) if requirements.strip() else ()
    sources = [d for d in found if not d.name.endswith(".whl")]
    build: list[str] = [r for d in sources for r in build_requirements(Path(d))]
    build_set = pip.download("\n".join(dict.fromkeys(build)), target) if build else ()
    runtime_set: tuple[Path, ...] = ()
    if runtime is not None:
        runtime_set = pip.download(_runtime_spec(runtime), target)
    return HermeticWheels(requirements=found, runtime=runtime_set, build=build_set)


def _runtime_spec(runtime: CogRuntime) -> str:
    if runtime.source is RuntimeSource.FILE and runtime.path is not None:
        path = Path(runtime.path)
        return f"{path}\n# sha256={_digest(path)}"
    if runtime.source is RuntimeSource.URL:
        return runtime.url
    return ("--pre\n" if runtime.pip_flags else "") + runtime.requirement


def _digest(path: PurePath) -> str:
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise BuildError(f"cannot read {path}: {exc.strerror or exc}", step="pip download") from exc
    return digest.hexdigest()
