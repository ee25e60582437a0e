"""LocalInputFiles: the input files a user names, read from this machine's file system.

A relative path is relative to ``base_dir`` (default: the process's working directory when the
file is read); ``~`` is the user's home, as Cog expands it. Each file is a regular file (symlinks
followed) of at most ``MAX_INPUT_FILE_BYTES`` (decision 0040). The media type is guessed from the
file name (``mimetypes``), ``application/octet-stream`` when unknown, as ``cog predict`` does.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from adapters.host_files import expand_home, read_file
from application.ports.input_files import InputFiles
from domain.limits import MAX_INPUT_FILE_BYTES
from domain.prediction.values import InputFile


class LocalInputFiles:
    """:class:`~application.ports.input_files.InputFiles` on the local file system.

    Args:
        base_dir: what relative paths are relative to. Default: the working directory.
    """

    def __init__(self, *, base_dir: str | os.PathLike[str] | None = None) -> None:
        self._base_dir = Path(base_dir) if base_dir is not None else None

    def read(self, path: str) -> InputFile:
        """See :meth:`application.ports.input_files.InputFiles.read`.

        The file is read through :func:`adapters.host_files.read_file`: a regular file
        (symlinks followed) of at most ``MAX_INPUT_FILE_BYTES``.

        Raises:
            HostFileError: no such file, not a regular file (a FIFO, ``/dev/zero``), past the
                limit, unreadable, or ``~user`` names no user.
        """
        full = expand_home(path, what="input file")
        if self._base_dir is not None:
            full = self._base_dir / full
        content = read_file(full, what="input file", limit=MAX_INPUT_FILE_BYTES)
        media_type = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
        return InputFile(name=full.name, content=content, media_type=media_type)


_: type[InputFiles] = LocalInputFiles
