"""The one way cogmodel reads a file a user names on this machine, and expands ``~``.

Every file cogmodel reads from a project or the command line (cog.yaml, the requirements file,
the predictor's sources, ``--openapi-schema``, ``--dockerfile``, ``.dockerignore``, input files,
``--json @FILE``) goes through :func:`read_file`, which:

* follows symlinks, then refuses anything that is not a regular file (a directory, a FIFO, a
  character or block device, a socket) before reading a byte: ``/dev/zero`` never ends and a
  FIFO with no writer blocks forever. The path is checked with ``stat`` first, then opened with
  ``O_NONBLOCK`` (so a FIFO swapped in between cannot block the open) and checked again on the
  open descriptor (so what is read is what was checked);
* refuses a file past its limit (a constant of :mod:`domain.limits`) from its size, and stops
  reading one byte past the limit in case the file grows while it is read: memory stays bounded
  by the limit whatever the file does.

:func:`expand_home` is ``Path.expanduser`` whose failure (``~nosuchuser``) is an input error.
Both raise :class:`~domain.errors.HostFileError` (exit code 2), whose ``problem`` says what is
wrong and whose message names the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from domain.errors import HostFileError
from domain.json_text import read_json
from domain.limits import KIB, MAX_IGNORE_FILE_BYTES, MAX_JSON_BYTES, MIB

_CHUNK = 1 * MIB
_IGNORE_LIMIT = MAX_IGNORE_FILE_BYTES

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_file(path: str | os.PathLike[str], *, what: str, limit: int) -> bytes:
    """The whole content of the regular file at ``path`` (symlinks followed), at most ``limit``
    bytes.

    ``what`` names the file's role in messages (``cog.yaml``, ``--dockerfile``).

    Raises:
        HostFileError: ``problem`` is ``"missing"`` (no such file, or a dangling symlink),
            ``"not_regular"``, ``"too_large"`` or ``"unreadable"``.
    """
    shown = os.fspath(path)
    check_file(path, what=what, limit=limit)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError as exc:
        raise HostFileError(what, shown, "missing", _describe(exc)) from exc
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise HostFileError(what, shown, "unreadable", _describe(exc)) from exc
    try:
        status = os.fstat(descriptor)
    except OSError as exc:
        os.close(descriptor)
        raise HostFileError(what, shown, "unreadable", _describe(exc)) from exc
    try:
        _check_size(status, what, shown, limit)  # what was opened is what was checked
        return _read_at_most(descriptor, limit, what, shown)
    except OSError as exc:
        raise HostFileError(what, shown, "unreadable", _describe(exc)) from exc
    finally:
        os.close(descriptor)


def read_json_file(path: str | os.PathLike[str], *, what: str) -> object | None:
    """The JSON document in the file at ``path`` (a Docker ``config.json``, a context's
    ``meta.json``), ``None`` when there is no such file; empty text is ``{}``.

    Read with :func:`read_file` up to ``MAX_JSON_BYTES`` and decoded with
    :func:`domain.json_text.read_json` (depth and structure bounded).

    Raises:
        HostFileError: not a regular file, too large, unreadable.
        InvalidJsonError: not JSON within the limits.
    """
    try:
        data = read_file(path, what=what, limit=MAX_JSON_BYTES)
    except HostFileError as exc:
        if exc.problem == "missing":
            return None
        raise
    if not data.strip():
        return {}
    return read_json(data, what=f"{what} {os.fspath(path)}")


def read_ignore_file(directory: Path) -> str | None:
    """The text of ``directory/.dockerignore`` (invalid UTF-8 replaced, as before), or
    ``None`` when there is none; at most ``MAX_IGNORE_FILE_BYTES``.

    Raises:
        HostFileError: it is there but not a regular file, too large or unreadable.
    """
    try:
        data = read_file(directory / ".dockerignore", what=".dockerignore", limit=_IGNORE_LIMIT)
    except HostFileError as exc:
        if exc.problem == "missing":
            return None
        raise
    return data.decode("utf-8", errors="replace")


def check_file(path: str | os.PathLike[str], *, what: str, limit: int) -> None:
    """Refuse ``path`` early, without reading it, for what :func:`read_file` would refuse
    later: no such file, not a regular file (symlinks followed), or past ``limit`` bytes.

    Raises:
        HostFileError: as :func:`read_file`.
    """
    shown = os.fspath(path)
    try:
        status = os.stat(path)
    except FileNotFoundError as exc:
        raise HostFileError(what, shown, "missing", _describe(exc)) from exc
    except (OSError, ValueError) as exc:
        raise HostFileError(what, shown, "unreadable", _describe(exc)) from exc
    _check_size(status, what, shown, limit)


def expand_home(text: str, *, what: str) -> Path:
    """``Path(text).expanduser()``: ``~`` is this user's home, ``~name`` that user's.

    Raises:
        HostFileError: ``problem`` ``"no_home"``: the home cannot be found (``~name`` names no
            user on this machine, or ``$HOME`` is unset and the user has no entry).
    """
    try:
        return Path(text).expanduser()
    except RuntimeError as exc:  # pathlib's only signal for an unknown user
        user = text[1:].split("/", 1)[0]
        detail = f"no user named {user!r} on this machine" if user else "no home directory"
        raise HostFileError(what, text, "no_home", f"cannot expand ~{user}: {detail}") from exc


def size_text(size: int) -> str:
    """``size`` bytes in the unit a reader expects: ``1 MiB``, ``256 KiB``, ``100 bytes``."""
    for unit, name in ((MIB, "MiB"), (KIB, "KiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size} bytes"


def _check_size(status: os.stat_result, what: str, shown: str, limit: int) -> None:
    _check_regular(status.st_mode, what, shown)
    if status.st_size > limit:
        raise _too_large(what, shown, limit, size=status.st_size)


def _check_regular(mode: int, what: str, shown: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    raise HostFileError(what, shown, "not_regular", f"not a regular file ({kind})")


def _read_at_most(descriptor: int, limit: int, what: str, shown: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := os.read(descriptor, min(_CHUNK, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:  # it grew while being read
            raise _too_large(what, shown, limit, size=None)
    return b"".join(chunks)


def _too_large(what: str, shown: str, limit: int, *, size: int | None) -> HostFileError:
    if size is None:
        detail = f"grew past {size_text(limit)} while being read (the limit)"
    else:
        detail = f"{size} bytes, larger than {size_text(limit)} (the limit)"
    return HostFileError(what, shown, "too_large", detail, limit=limit)


def _describe(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
