"""LocalInputFiles: the input files a user names, read from this machine's file system.

A relative path is relative to ``base_dir`` (default: the process's working directory when the
file is read); ``~`` is the user's home, as Cog expands it. The media type is guessed from the
file name (``mimetypes``), ``application/octet-stream`` when unknown, as ``cog predict`` does.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from application.ports.input_files import InputFiles
from domain.errors import InvalidInputError
from domain.prediction.values import InputFile


class LocalInputFiles:
    """:class:`~application.ports.input_files.InputFiles` on the local file system.

    Args:
        base_dir: what relative paths are relative to. Default: the working directory.
    """

    def __init__(self, *, base_dir: str | os.PathLike[str] | None = None) -> None:
        self._base_dir = Path(base_dir) if base_dir is not None else None

    def read(self, path: str) -> InputFile:
        """See :meth:`application.ports.input_files.InputFiles.read`."""
        full = Path(path).expanduser()
        if self._base_dir is not None:
            full = self._base_dir / full
        try:
            if full.is_dir():
                raise IsADirectoryError(21, "Is a directory")
            content = full.read_bytes()
        except OSError as exc:
            raise InvalidInputError(
                f"cannot read {path}: {exc.strerror or exc}", reason="unreadable input file"
            ) from exc
        media_type = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
        return InputFile(name=full.name, content=content, media_type=media_type)


_: type[InputFiles] = LocalInputFiles
