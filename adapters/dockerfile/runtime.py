"""The Cog runtime installed in a model image: the ``cog`` SDK, from PyPI, a URL or a wheel file.

Today's runtime is the ``cog`` SDK (0.17 and later depend on ``coglet``, the Rust HTTP server that
``python -m cog.server.http`` starts). Which one goes in is decided in this order, as Cog HEAD
decides it (``resolveCogWheelConfigs``):

1. ``$COG_SDK_WHEEL`` (Cog HEAD), else ``$COG_WHEEL`` (Cog at 0447eb11): ``pypi``,
   ``pypi:<version>``, an ``http(s)://`` URL, or a wheel file (a directory means the one
   ``cog-*.whl`` in it); see :mod:`adapters.dockerfile.wheel_source`;
2. ``build.sdk_version`` in cog.yaml (``prerelease`` means the newest pre-release);
3. the version the factory was configured with (:data:`DEFAULT_COG_VERSION` unless told
   otherwise).

A version may be written as semver (``0.17.0-alpha1``): it is installed as its PEP 440 form
(``cog==0.17.0a1``) with ``--pre``, as Cog does. A PyPI pin older than
:data:`MINIMUM_COG_VERSION` is refused with Cog's message. ``cog`` and ``coglet`` lines in the
user's requirements are dropped (with Cog's warning): the runtime is installed exactly once, in
the version chosen here.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Final

from adapters.dockerfile.wheel_source import (
    COG_SDK_WHEEL,
    COG_WHEEL,
    WheelChoice,
    parse_wheel_value,
)
from domain.cogyaml.local_artifacts import is_local_artifact
from domain.cogyaml.models import CogConfig
from domain.errors import ConfigError, InvalidInputError
from domain.options import DEFAULT_COG_VERSION

_log = logging.getLogger(__name__)

MINIMUM_COG_VERSION: Final = "0.16.0"
PRERELEASE: Final = "prerelease"
_MANAGED: Final = frozenset({"cog", "coglet"})
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
# Cog's wheels.semverPreReleaseRe and pep440PreReleaseRe, and BaseVersionRe.
_SEMVER_PRE = re.compile(r"-alpha(\d+)|-beta(\d+)|-rc(\d+)|-dev(\d*)")
_PEP440_PRE = re.compile(r"\d(a|b|rc|\.dev)\d")
_BASE_VERSION = re.compile(r"^(\d+\.\d+\.\d+)")
_COG_RUNTIME_IGNORED: Final = (
    "build.cog_runtime: true is ignored: at Cog 0.x it installed the coglet-alpha runtime "
    "(cog-runtime 0.1.0b10, from GitHub); the cog SDK 0.17 and later that cogmodel installs "
    "runs on coglet already, and Cog HEAD no longer accepts the key"
)
_PRERELEASE_WARNING: Final = (
    'sdk_version "prerelease" installs the latest pre-release SDK. Pin to a specific version '
    "for reproducible production builds."
)


class RuntimeSource(enum.Enum):
    """Where the runtime package comes from."""

    PYPI = "pypi"
    URL = "url"
    FILE = "file"


@dataclass(frozen=True, slots=True, kw_only=True)
class CogRuntime:
    """The runtime package to install.

    Attributes:
        version: for PyPI, an exact version (``0.23.1``, ``0.17.0-alpha1``), or ``""`` for the
            newest release.
        prerelease: allow pre-releases (cog.yaml ``sdk_version: prerelease``).
        package: the distribution name. Default ``cog``.
        url: a wheel URL to install instead of PyPI.
        path: a wheel file on this machine to install instead of PyPI.
    """

    version: str = DEFAULT_COG_VERSION
    prerelease: bool = False
    package: str = "cog"
    url: str = ""
    path: PurePath | None = None

    @property
    def source(self) -> RuntimeSource:
        """PyPI, a URL or a file."""
        if self.path is not None:
            return RuntimeSource.FILE
        return RuntimeSource.URL if self.url else RuntimeSource.PYPI

    @property
    def requirement(self) -> str:
        """What pip installs: ``cog==0.17.0a1``, ``cog``, the URL, or ``/tmp/<wheel file>``."""
        if self.source is RuntimeSource.FILE:
            return f"/tmp/{self.artifact_name}"  # noqa: S108 - a path inside the image
        if self.source is RuntimeSource.URL:
            return self.url
        return f"{self.package}=={semver_to_pep440(self.version)}" if self.version else self.package

    @property
    def pip_flags(self) -> str:
        """``--pre `` for a PyPI pre-release (pinned or not), else ``""``."""
        if self.source is not RuntimeSource.PYPI:
            return ""
        return "--pre " if self.prerelease or is_prerelease(self.version) else ""

    @property
    def artifact_name(self) -> str:
        """The wheel's file name for a URL or a file, else ``""``."""
        if self.path is not None:
            return self.path.name
        return self.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] if self.url else ""

    @property
    def is_coglet(self) -> bool:
        """A URL or file naming a coglet wheel (Cog then sets ``R8_COG_VERSION=coglet``)."""
        return "coglet" in (self.url if self.url else self.artifact_name)

    @property
    def label_version(self) -> str:
        """The runtime's version as ``run.cog.version`` shows it, ``""`` when not known yet.

        A PyPI pin in its PEP 440 form; for a URL or file, the version in a ``cog-<v>-…whl``
        file name. ``""`` (unpinned, or a file name that says nothing) means: read it from the
        image's ``pip freeze``.
        """
        if self.source is RuntimeSource.PYPI:
            return semver_to_pep440(self.version)
        parts = self.artifact_name.split("-")
        if len(parts) >= 5 and parts[0].lower() == self.package and parts[-1].endswith(".whl"):
            return parts[1]
        return ""


def semver_to_pep440(version: str) -> str:
    """A semver pre-release as PEP 440 (Cog's ``SemverToPEP440``); other text is unchanged.

    >>> [semver_to_pep440(v) for v in ("0.17.0-alpha1", "0.17.0-rc2", "0.17.0-dev1", "0.17.0")]
    ['0.17.0a1', '0.17.0rc2', '0.17.0.dev1', '0.17.0']
    """

    def convert(match: re.Match[str]) -> str:
        text = match.group(0)[1:].replace("alpha", "a", 1).replace("beta", "b", 1)
        return f".{text}" if text.startswith("dev") else text

    return _SEMVER_PRE.sub(convert, version)


def is_prerelease(version: str) -> bool:
    """Whether ``version`` names a pre-release, in semver or PEP 440 form (Cog's rule)."""
    return bool(_SEMVER_PRE.search(version) or _PEP440_PRE.search(version))


def resolve_runtime(
    sdk_version: str,
    default: CogRuntime,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> CogRuntime:
    """The runtime for a config whose ``build.sdk_version`` is ``sdk_version``.

    ``environ`` is where ``COG_SDK_WHEEL`` and ``COG_WHEEL`` are read (default: neither set);
    relative wheel paths are resolved from ``cwd`` (default: the current directory).

    Raises:
        ConfigError: ``build.sdk_version`` pins a version below :data:`MINIMUM_COG_VERSION`.
        InvalidInputError: a wheel variable pins such a version, or names a missing file, or a
            directory without exactly one ``cog-*.whl``.
    """
    environ = environ or {}
    for variable in (COG_SDK_WHEEL, COG_WHEEL):
        value = environ.get(variable, "").strip()
        if value:
            choice = parse_wheel_value(value, variable=variable, cwd=cwd or Path.cwd())
            runtime = _from_choice(choice, default)
            if runtime.source is RuntimeSource.PYPI and runtime.version:
                problem = _below_minimum(runtime.version)
                if problem:
                    raise InvalidInputError(problem, reason="SDK below the minimum")
            return runtime
    wanted = sdk_version.strip()
    if not wanted:
        return default
    if wanted == PRERELEASE:
        _log.warning(_PRERELEASE_WARNING)
        return CogRuntime(version="", prerelease=True, package=default.package)
    problem = _below_minimum(wanted)
    if problem:
        raise ConfigError("build.sdk_version", problem)
    return CogRuntime(version=wanted, package=default.package)


def warn_if_cog_runtime(config: CogConfig) -> None:
    """Say why cog.yaml's ``build.cog_runtime: true`` changes nothing (docs/decisions/0024)."""
    if config.build.cog_runtime:
        _log.warning(_COG_RUNTIME_IGNORED)


def without_managed_packages(requirements: str, runtime: CogRuntime | None = None) -> str:
    """``requirements`` without ``cog``/``coglet`` lines (each dropped with Cog's warning).

    Option lines (``-f``, ``--extra-index-url``…), comments, blank lines and local package
    artifacts (``cog/helper.whl`` is a file, not the ``cog`` package) are kept.
    """
    kept: list[str] = []
    for line in requirements.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "-")) and not is_local_artifact(stripped):
            match = _NAME.match(stripped)
            name = match.group(0).split("[")[0].lower() if match else ""
            if name in _MANAGED:
                _log.warning(
                    "'%s' found in requirements — overriding with %s. Remove it from "
                    "requirements and use build.sdk_version in cog.yaml or %s to control the "
                    "version.",
                    stripped,
                    _override(name, runtime),
                    COG_SDK_WHEEL if name == "cog" else "COGLET_WHEEL",
                )
                continue
        kept.append(line)
    return "\n".join(kept)


def _from_choice(choice: WheelChoice, default: CogRuntime) -> CogRuntime:
    if choice.path is not None:
        return CogRuntime(version="", package=default.package, path=choice.path)
    if choice.url:
        return CogRuntime(version="", package=default.package, url=choice.url)
    if choice.default:
        return default
    return CogRuntime(version=choice.version, package=default.package)


def _below_minimum(version: str) -> str:
    """Cog's ``ValidateSDKVersion`` message when ``version`` is too old, else ``""``."""
    found = _BASE_VERSION.match(version)
    parsed = _parse(found.group(1) if found else version)
    if parsed is None or parsed >= _parse_required(MINIMUM_COG_VERSION):
        return ""  # unparseable: left to pip, as Cog leaves it
    return f"cog version {version} is below the minimum required version {MINIMUM_COG_VERSION}"


def _parse(text: str) -> tuple[int, int, int] | None:
    """Cog's loose version parse: up to three integers, ``+metadata`` ignored."""
    parts = text.split("+", 1)[0].split(".")
    if len(parts) > 3 or not all(part.isdigit() and part.isascii() for part in parts):
        return None
    numbers = [int(part) for part in parts] + [0] * (3 - len(parts))
    return numbers[0], numbers[1], numbers[2]


def _parse_required(text: str) -> tuple[int, int, int]:
    parsed = _parse(text)
    assert parsed is not None
    return parsed


def _override(name: str, runtime: CogRuntime | None) -> str:
    """What the build installs instead, in the words of Cog's warning."""
    if runtime is None:
        return "latest from PyPI"  # nothing is installed: Cog's words for an unresolved source
    if name != "cog":
        return f"latest {name} from PyPI"  # coglet comes with cog, in the version cog asks for
    if runtime.source is RuntimeSource.URL:
        return runtime.url
    if runtime.source is RuntimeSource.FILE:
        return str(runtime.path)
    if runtime.version:
        return f"cog=={semver_to_pep440(runtime.version)} from PyPI"
    return "latest pre-release cog from PyPI" if runtime.prerelease else "latest cog from PyPI"
