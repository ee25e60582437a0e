"""``--separate-weights``: which project files are model weights, found by size as Cog finds them.

Cog's ``weights.FindWeights`` (0447eb11; ``weightslegacy`` at HEAD) walks the project and calls
a file a weight when it is at least 10 MiB (:data:`SIZE_THRESHOLD`), is not under ``.cog``,
``.git`` or ``__pycache__`` (a prefix of the path, as text), has none of the code, image,
video, audio or log suffixes of :data:`IGNORED_SUFFIXES`, and is in no ``.git`` directory. The
weights are then grouped: a file at the top of the project stays a file; a file deeper down
stands for its directory, a directory inside another weight directory is dropped, and a
directory is dropped altogether (its files are then ordinary project files) when a code file
(``.py``, ``.ipynb``) lies under it — where "under" is Cog's text prefix test, so ``models``
also counts ``models2/x.py``. Directories come sorted by depth then name, files in walk order.

:func:`find_weights` is the pure rule, over ``(path, size)`` pairs; :func:`project_files`
walks a project the way the engine sees it (``.dockerignore`` applied, symlinks not followed),
and :func:`weights_manifest` is Cog's CRC32 manifest, which decides whether the weights image
needs building again.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from adapters.dockerfile.dockerignore import IgnorePattern, can_skip_directory, is_excluded

SIZE_THRESHOLD: Final = 10 * 1024 * 1024
IGNORED_PREFIXES: Final = (".cog", ".git", "__pycache__")
IGNORED_SUFFIXES: Final = (
    *(".py", ".ipynb", ".whl"),
    *(".jpg", ".jpeg", ".png", ".webp", ".svg", ".gif", ".avif", ".heic"),
    *(".mp4", ".mov", ".avi", ".wmv", ".mkv", ".webm"),
    *(".mp3", ".wav", ".ogg", ".flac", ".aac", ".m4a"),
    ".log",
)
_CODE: Final = (".py", ".ipynb")
_CHUNK: Final = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightPaths:
    """The weight directories and top-level weight files of a project (``/``-separated)."""

    dirs: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def paths(self) -> tuple[str, ...]:
        """Directories, then files: the order of Cog's ``COPY`` lines."""
        return (*self.dirs, *self.files)

    @property
    def exclude_patterns(self) -> tuple[str, ...]:
        """What the model image's context leaves out: ``d``, ``d/**/*`` per directory, then
        each file (Cog's ``weightsExcludePatterns``)."""
        return (*(p for d in self.dirs for p in (d, f"{d}/**/*")), *self.files)


def find_weights(files: Iterable[tuple[str, int]]) -> WeightPaths:
    """The weights among ``files``: ``(path relative to the project, size in bytes)`` pairs.

    >>> find_weights([("models/a/x.bin", 2**24), ("models/b.bin", 2**24), ("root.bin", 2**24)])
    WeightPaths(dirs=('models',), files=('root.bin',))
    """
    weights: list[str] = []
    code: list[str] = []
    for path, size in files:
        if ".git" in path.split("/")[:-1]:
            continue
        if _extension(path) in _CODE:
            code.append(path)
            continue
        if size < SIZE_THRESHOLD or path.startswith(IGNORED_PREFIXES):
            continue
        if path.endswith(IGNORED_SUFFIXES):
            continue
        weights.append(path)
    weights.sort(key=lambda p: (len(p.split("/")), p.split("/")))
    dirs: list[str] = []
    top: list[str] = []
    for path in weights:
        directory = path.rpartition("/")[0]
        if not directory:
            top.append(path)
        elif not any(f"{directory}/".startswith(f"{d}/") for d in dirs):
            dirs.append(directory)
    kept = tuple(d for d in dirs if not any(c.startswith(d) for c in code))
    return WeightPaths(dirs=kept, files=tuple(top))


def project_files(root: Path, patterns: Sequence[IgnorePattern] = ()) -> list[tuple[str, int]]:
    """Every file under ``root`` the engine would receive, with its size (``lstat``: a symlink
    is never followed, so it is never a weight, though ``x.py`` still counts as code).

    The project's ``.cog`` and every ``.git`` directory are not walked: nothing in them can be a
    weight or count as code for Cog either.
    """
    found: list[tuple[str, int]] = []
    pending = [(root, "")]
    while pending:
        directory, relative = pending.pop()
        with os.scandir(directory) as scan:
            for entry in scan:
                name = f"{relative}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    walked = entry.name != ".git" and name != ".cog"
                    if walked and not can_skip_directory(patterns, name):
                        pending.append((Path(entry.path), f"{name}/"))
                elif not is_excluded(patterns, name):
                    found.append((name, entry.stat(follow_symlinks=False).st_size))
    return found


def weights_manifest(root: Path, weights: WeightPaths) -> dict[str, dict[str, dict[str, str]]]:
    """Cog's manifest of the weight files: ``{"files": {path: {"crc32": <hex>}}}``.

    The CRC32 is written as Cog writes it: its four bytes little-endian, in hex.
    """
    entries: dict[str, dict[str, str]] = {}
    for path in weights.files:
        entries[path] = {"crc32": _crc32(root / path)}
    for directory in weights.dirs:
        for current, _, names in os.walk(root / directory):
            for name in names:
                full = Path(current, name)
                if full.is_file():
                    entries[full.relative_to(root).as_posix()] = {"crc32": _crc32(full)}
    return {"files": entries}


def manifest_text(manifest: dict[str, dict[str, dict[str, str]]]) -> str:
    """The manifest as Go's ``json.Encoder`` writes it: compact, keys sorted, a final newline."""
    return json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n"


def _crc32(path: Path) -> str:
    value = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            value = zlib.crc32(chunk, value)
    return value.to_bytes(4, "little").hex()


def _extension(path: str) -> str:
    """Go's ``filepath.Ext``: from the last dot of the last element."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""
