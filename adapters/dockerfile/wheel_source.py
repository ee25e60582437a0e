"""``$COG_SDK_WHEEL`` (Cog HEAD) and ``$COG_WHEEL`` (Cog at 0447eb11): where the SDK comes from.

Both take Cog HEAD's forms (``ParseWheelValue``), trimmed:

* ``pypi`` (any case): the newest release from PyPI; ``pypi:<version>``: that version;
* ``http://…`` or ``https://…``: a wheel URL;
* anything else is a path, relative to the current directory: a wheel file, or a directory
  holding exactly one ``cog-*.whl``.

``$COG_WHEEL`` also takes the keywords of Cog at 0447eb11, which named wheels embedded in the
Cog CLI: ``cog`` and ``cog-dataclass`` (the SDK; today's SDK is the dataclass one) and
``coglet``/``coglet-alpha`` (the Python coglet runtime, superseded by the SDK's Rust coglet).
Each means "the runtime the build would install anyway"; the coglet ones say so in a warning.
``$COG_SDK_WHEEL`` wins when both are set, as only it exists at Cog HEAD.
"""

from __future__ import annotations

import logging
import os.path
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from adapters.host_files import check_file, expand_home
from domain.errors import InvalidInputError
from domain.limits import MAX_WHEEL_BYTES

_log = logging.getLogger(__name__)

COG_SDK_WHEEL: Final = "COG_SDK_WHEEL"
COG_WHEEL: Final = "COG_WHEEL"
_PATTERN: Final = "cog-*.whl"
_LEGACY_KEYWORDS: Final = frozenset({"cog", "cog-dataclass", "coglet", "coglet-alpha"})


@dataclass(frozen=True, slots=True, kw_only=True)
class WheelChoice:
    """What a wheel variable asks for: a PyPI version (``""`` = newest), a URL, a file, or
    the build's default runtime."""

    version: str = ""
    url: str = ""
    path: Path | None = None
    default: bool = False


def parse_wheel_value(value: str, *, variable: str, cwd: Path) -> WheelChoice:
    """The choice ``value`` (of ``variable``) makes; a path is checked and made absolute.

    >>> parse_wheel_value(" PyPI:0.17.0-alpha1 ", variable="COG_SDK_WHEEL", cwd=Path("/"))
    WheelChoice(version='0.17.0-alpha1', url='', path=None, default=False)

    Raises:
        InvalidInputError: the path does not exist, or a directory holds no ``cog-*.whl`` or
            more than one.
    """
    text = value.strip()
    lowered = text.lower()
    if lowered == "pypi":
        return WheelChoice()
    if lowered.startswith("pypi:"):
        return WheelChoice(version=text[5:])
    if text.startswith(("https://", "http://")):
        return WheelChoice(url=text)
    if variable == COG_WHEEL and lowered in _LEGACY_KEYWORDS:
        if lowered.startswith("coglet"):
            _log.warning(
                "%s=%s names Cog 0.x's Python coglet runtime, which the cog SDK 0.17 and later "
                "replaced with its own Rust coglet: the build's cog SDK is installed instead",
                variable,
                text,
            )
        return WheelChoice(default=True)
    return WheelChoice(path=_wheel_path(cwd / expand_home(text, what=variable), variable))


def _wheel_path(path: Path, variable: str) -> Path:
    path = Path(os.path.normpath(path))  # Go's filepath.Abs: cleaned, symlinks kept
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError:
        exists = is_dir = False
    if not exists:
        raise InvalidInputError(f"{variable}: path not found: {path}", reason="no such wheel")
    if not is_dir:
        # A FIFO or a device would hang (or never end) the digest and the copy that follow.
        check_file(path, what=variable, limit=MAX_WHEEL_BYTES)
        return path
    matches = sorted(path.glob(_PATTERN))
    if not matches:
        raise InvalidInputError(
            f"{variable}: no wheel matching '{_PATTERN}' found in {path}", reason="no wheel"
        )
    if len(matches) > 1:
        raise InvalidInputError(
            f"{variable}: multiple wheels matching '{_PATTERN}' in {path} — specify the exact "
            "file path",
            reason="several wheels",
        )
    return matches[0]
