"""What a source archive needs to be built: its ``[build-system] requires`` (PEP 517/518).

A hermetic build installs a local source archive (``./dist/pkg-1.0.tar.gz``) with ``pip
install --no-index``; pip builds it in an isolated environment whose build requirements must
then be in the downloaded set too. They are read from the archive's top-level
``pyproject.toml``; without one, or without a ``[build-system]`` table, pip falls back to
setuptools (and older pips to ``wheel`` as well), so that is what is downloaded.
"""

from __future__ import annotations

import tarfile
import tomllib
import zipfile
from pathlib import Path
from typing import Final

FALLBACK: Final = ("setuptools>=40.8.0", "wheel")
"""pip's legacy build requirements, used when the archive declares none."""
_LIMIT: Final = 1 << 20  # a pyproject.toml is small; never read more from an archive


def build_requirements(archive: Path) -> tuple[str, ...]:
    """The build requirements of the source archive ``archive`` (``.tar.*``, ``.tgz``, ``.zip``).

    An archive that cannot be read, or whose ``pyproject.toml`` is malformed, gets the
    fallback: pip will report the real problem when it builds it.
    """
    text = _pyproject(archive)
    if text is None:
        return FALLBACK
    try:
        table = tomllib.loads(text).get("build-system")
    except tomllib.TOMLDecodeError:
        return FALLBACK
    if not isinstance(table, dict) or "requires" not in table:
        return FALLBACK
    requires = table["requires"]
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        return FALLBACK
    return tuple(requires)


def _pyproject(archive: Path) -> str | None:
    """The text of ``<top>/pyproject.toml`` (or ``pyproject.toml``) in the archive, if any."""
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zipped:
                name = _shallowest(zipped.namelist())
                return zipped.read(name)[:_LIMIT].decode() if name else None
        with tarfile.open(archive) as tarred:
            name = _shallowest(tarred.getnames())
            member = tarred.extractfile(name) if name else None
            return member.read(_LIMIT).decode() if member else None
    except (OSError, tarfile.TarError, zipfile.BadZipFile, UnicodeDecodeError, KeyError):
        return None


def _shallowest(names: list[str]) -> str | None:
    candidates = [
        n for n in names if n.removeprefix("./").count("/") <= 1 and n.endswith("pyproject.toml")
    ]
    candidates = [n for n in candidates if n.rsplit("/", 1)[-1] == "pyproject.toml"]
    return min(candidates, key=lambda n: n.count("/"), default=None)
