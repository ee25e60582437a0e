"""Input files in a dict: path to bytes. Passes InputFilesContract."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from application.ports.input_files import InputFiles
from domain.errors import InvalidInputError
from domain.prediction.values import InputFile

_MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".json": "application/json",
}


class InMemoryInputFiles:
    """Files by path; a path that names a directory (a prefix of a file's path) is refused."""

    def __init__(self, files: Mapping[str, bytes] | None = None) -> None:
        self.files: dict[str, bytes] = dict(files or {})

    def add(self, path: str, content: bytes) -> None:
        """Put a file at ``path``."""
        self.files[path] = content

    def read(self, path: str) -> InputFile:
        """See :meth:`application.ports.input_files.InputFiles.read`."""
        if path not in self.files:
            reason = "Is a directory" if self._is_directory(path) else "No such file or directory"
            raise InvalidInputError(f"cannot read {path}: {reason}", reason="unreadable input file")
        name = posixpath.basename(path)
        media_type = _MEDIA_TYPES.get(
            posixpath.splitext(name)[1].lower(), "application/octet-stream"
        )
        return InputFile(name=name, content=self.files[path], media_type=media_type)

    def _is_directory(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return any(known.startswith(prefix) for known in self.files)


_: type[InputFiles] = InMemoryInputFiles
