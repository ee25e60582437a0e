"""A predictor's source files, read from the project for the static schema generator.

One reader for the build (``adapters.dockerfile.planning``) and for the CLI's check of inputs
before a build, so both see the same file under the same limit.
"""

from __future__ import annotations

from pathlib import Path

from adapters.host_files import read_file
from domain.errors import HostFileError, SchemaError
from domain.limits import MAX_SOURCE_BYTES

_LIMIT_EXCEEDED = "limit_exceeded"  # domain.openapi.SchemaErrorKind.LIMIT_EXCEEDED's value


def read_project_source(project: Path, path: str) -> str | None:
    """The text of the predictor source ``path`` (project-relative), ``None`` when there is no
    such file.

    Read through :func:`adapters.host_files.read_file`: a regular file (symlinks followed) of
    at most ``MAX_SOURCE_BYTES``; a FIFO or a device is refused unread.

    Raises:
        SchemaError: the file cannot be read, is not a regular file (kind ``""``), is past the
            limit (``LIMIT_EXCEEDED``), or is not UTF-8 text.
    """
    try:
        return read_file(project / path, what="source file", limit=MAX_SOURCE_BYTES).decode()
    except HostFileError as exc:
        if exc.problem == "missing":
            return None
        kind = _LIMIT_EXCEEDED if exc.problem == "too_large" else ""
        raise SchemaError(exc.reason, file=path, kind=kind) from exc  # "predict.py: <reason>"
    except UnicodeDecodeError as exc:
        raise SchemaError(f"cannot read {path}: not UTF-8 text", file=path) from exc
