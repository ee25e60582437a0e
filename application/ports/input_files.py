"""Port: reading the files a caller names as inputs (``-i image=@photo.png``)."""

from __future__ import annotations

from typing import Protocol

from domain.prediction.values import InputFile


class InputFiles(Protocol):
    """Files on the caller's side, read to be sent to a model."""

    def read(self, path: str) -> InputFile:
        """The file at ``path`` (relative paths and ``~`` as the backend defines them), with
        its media type guessed from its name (``application/octet-stream`` when unknown).

        Raises:
            InvalidInputError: no such file, not a regular file, or it cannot be read.
        """
        ...
