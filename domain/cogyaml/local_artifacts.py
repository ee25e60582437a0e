"""Local package artifacts in requirements: ``./dist/pkg-1.0.tar.gz``, ``wheels/x.whl``.

Cog HEAD (``requirements.ParseLocalArtifactRequirement``) accepts a requirement line that is a
path to a wheel or a source archive (``.whl``, ``.zip``, ``.tar.gz``, ``.tgz``, ``.tar.bz2``,
``.tar.xz``, any case): either a local path (absolute, ``./``, ``../``) or a bare relative path
with one of those suffixes (``cog/helper.whl``, ``local zip pkg-0.2.0.zip``). It refuses, before
any build, the local forms it cannot stage: ``file:`` URLs, ``name @ ./path``, local
``-r``/``-f``/``--requirement``/``--find-links`` options, inline options or hashes on an
artifact, environment markers and extras on an artifact, and a local path that is no archive.
URLs and VCS requirements are never local.

>>> parse_local_artifact("  ./dist/pkg-0.1.0.tar.gz  ")
'./dist/pkg-0.1.0.tar.gz'
>>> parse_local_artifact("torch[all]==2.5.1") is None
True
"""

from __future__ import annotations

import re
from typing import Final, NoReturn

from domain.errors import ConfigError

__all__ = ["is_local_artifact", "parse_local_artifact"]

_FIELD: Final = "build.python_requirements"
_NAME = re.compile(r"[a-zA-Z0-9_\-.]+(?:\[[^\]]+\])?")
_SUFFIXES: Final = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
_LOCAL_OPTIONS: Final = ("--find-links", "--requirement", "-f", "-r")
_SPACE: Final = " \t\n\v\f\r"  # Go's strings.TrimSpace, for the ASCII text of these lines


def parse_local_artifact(line: str) -> str | None:
    """The path ``line`` names when it is a local package artifact, else ``None``.

    Raises:
        ConfigError: a local form Cog does not support (field ``build.python_requirements``,
            Cog's message).
    """
    line = line.strip(_SPACE)
    if not line:
        return None
    if _is_file_url(line):
        _fail(f"local file URL requirements are not supported: {line}")
    _check_direct_reference(line)
    if line.startswith("-"):
        option = _unsupported_local_option(line)
        if option:
            _fail(f'local requirements option "{option}" is not supported: {line}')
        return None
    if _has_inline_option(line):
        _fail(
            f"local package artifact requirements do not support inline options or hashes: {line}"
        )
    if _is_remote(line):
        return None
    _check_markers_and_extras(line)
    if not _is_local_path(line) and not _has_suffix(line):
        return None
    if not _has_suffix(line):
        _fail(f'local package requirement "{line}" is not a supported wheel or source archive')
    return line


def _check_direct_reference(line: str) -> None:
    name, at, target = line.partition("@")
    if at:
        spaced = name != name.strip(_SPACE) or target != target.strip(_SPACE)
        name, target = name.strip(_SPACE), target.strip(_SPACE)
        if name and _package_name(name) == name:
            if _is_file_url(target):
                _fail(f"local file URL requirements are not supported: {line}")
            if _is_local_path(target) or (spaced and _is_artifact(target)):
                _fail(
                    "local direct reference requirements (`name @ path`) are not supported; "
                    f"list the path directly instead: {line}"
                )


def _check_markers_and_extras(line: str) -> None:
    base, semicolon, _ = line.partition(";")
    if semicolon and _is_artifact(base.strip(_SPACE)):
        _fail(
            f"environment markers are not supported on local package artifact requirements: {line}"
        )
    base, bracket, _ = line.partition("[")
    if bracket and line.endswith("]") and _is_artifact(base.strip(_SPACE)):
        _fail(f"extras are not supported on local package artifact requirements: {line}")


def is_local_artifact(line: str) -> bool:
    """Whether ``line`` is a local artifact, or a local form Cog refuses (Cog's
    ``isLocalPackageArtifactRequirement``): never a package name to look versions up in."""
    try:
        return parse_local_artifact(line) is not None
    except ConfigError:
        return True


def _fail(reason: str) -> NoReturn:
    raise ConfigError(_FIELD, reason)


def _package_name(text: str) -> str:
    match = _NAME.match(text)
    return match.group(0) if match else ""


def _unsupported_local_option(line: str) -> str:
    for option in _LOCAL_OPTIONS:
        value = _option_value(line, option)
        if value and (_is_file_url(value) or not _is_remote(value)):
            return option
    return ""


def _option_value(line: str, option: str) -> str | None:
    """The value of ``option`` at the start of ``line`` (``None`` when it is not there)."""
    if not line.startswith(option) or line == option:
        return None
    rest = line[len(option) :]
    if option.startswith("--"):
        if rest[0] == "=":
            rest = rest[1:]
        elif rest[0] not in " \t":
            return None
    return rest.strip(_SPACE)


def _has_inline_option(line: str) -> bool:
    for i, char in enumerate(line):
        if char not in " \t":
            continue
        rest = line[i:].lstrip(" \t")
        if not _is_artifact(line[:i].strip(_SPACE)):
            continue
        if rest.startswith("--"):
            return True
        if any(_option_value(rest, option) is not None for option in ("-f", "-r")):
            return True
    return False


def _is_artifact(path: str) -> bool:
    return not _is_remote(path) and (_is_local_path(path) or _has_suffix(path))


def _is_remote(line: str) -> bool:
    return "://" in line or line.startswith("git+")


def _is_file_url(line: str) -> bool:
    return line.lower().startswith("file:")


def _is_local_path(line: str) -> bool:
    return line.startswith(("/", "./", "../"))


def _has_suffix(path: str) -> bool:
    return path.lower().endswith(_SUFFIXES)
