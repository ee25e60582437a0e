"""The Cog runtime installed in a model image: the ``cog`` package from PyPI.

Today's runtime is the ``cog`` SDK (0.17 and later depend on ``coglet``, the Rust HTTP server that
``python -m cog.server.http`` starts). Which version goes in is decided in this order, as Cog
HEAD decides it: ``build.sdk_version`` in cog.yaml, else the version the factory was configured
with (:data:`DEFAULT_COG_VERSION` unless told otherwise). Versions older than
:data:`MINIMUM_COG_VERSION` are refused, as Cog refuses them. ``cog`` and ``coglet`` lines in the
user's requirements are dropped (with a warning): the runtime is cogmodel's to install, exactly
once, in the version chosen here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Final

from domain.errors import ConfigError

_log = logging.getLogger(__name__)

DEFAULT_COG_VERSION: Final = "0.23.1"
MINIMUM_COG_VERSION: Final = "0.16.0"
PRERELEASE: Final = "prerelease"
_MANAGED: Final = frozenset({"cog", "coglet"})
_RELEASE = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class CogRuntime:
    """The runtime package to install.

    Attributes:
        version: an exact version (``0.23.1``), or ``""`` for the newest release.
        prerelease: allow pre-releases (cog.yaml ``sdk_version: prerelease``).
        package: the distribution name. Default ``cog``.
    """

    version: str = DEFAULT_COG_VERSION
    prerelease: bool = False
    package: str = "cog"

    @property
    def requirement(self) -> str:
        """The pip requirement: ``cog==0.23.1``, or ``cog`` for the newest."""
        return f"{self.package}=={self.version}" if self.version else self.package

    @property
    def pip_flags(self) -> str:
        """``--pre `` when pre-releases are allowed, else ``""``."""
        return "--pre " if self.prerelease or _is_prerelease(self.version) else ""


def resolve_runtime(sdk_version: str, default: CogRuntime) -> CogRuntime:
    """The runtime for a config whose ``build.sdk_version`` is ``sdk_version``.

    Raises:
        ConfigError: ``sdk_version`` is older than :data:`MINIMUM_COG_VERSION`.
    """
    wanted = sdk_version.strip()
    if not wanted:
        return default
    if wanted == PRERELEASE:
        return CogRuntime(version="", prerelease=True, package=default.package)
    if _release(wanted) < _release(MINIMUM_COG_VERSION):
        raise ConfigError(
            "build.sdk_version",
            f"cog SDK {wanted} is older than the minimum supported {MINIMUM_COG_VERSION}",
        )
    return CogRuntime(version=wanted, package=default.package)


def without_managed_packages(requirements: str) -> str:
    """``requirements`` without ``cog``/``coglet`` lines (each dropped with a warning).

    Option lines (``-f``, ``--extra-index-url``…), comments and blank lines are kept.
    """
    kept: list[str] = []
    for line in requirements.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "-")):
            match = _NAME.match(stripped)
            name = match.group(0).split("[")[0].lower() if match else ""
            if name in _MANAGED:
                _log.warning(
                    "%r found in requirements: cogmodel installs the Cog runtime itself; "
                    "set build.sdk_version in cog.yaml to choose its version",
                    stripped,
                )
                continue
        kept.append(line)
    return "\n".join(kept)


def _release(version: str) -> tuple[int, int, int]:
    match = _RELEASE.match(version)
    if match is None:
        return (10**9, 0, 0)  # unparseable: assume modern, as Cog does
    return (int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0))


def _is_prerelease(version: str) -> bool:
    return bool(re.search(r"\d(a|b|rc|dev|\.dev)\d*", version))
