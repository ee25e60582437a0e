"""InputFilesContract: behaviour every InputFiles backend must show.

Subclass it in a ``Test*`` class and override ``files`` (the backend) and ``seed`` (puts a file
with given name and bytes where the backend reads, and returns the path to read it by; a name
ending in ``/`` makes a directory instead).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from application.ports.input_files import InputFiles
from domain.errors import InvalidInputError

Seed = Callable[[str, bytes], str]


class InputFilesContract:
    """Behaviour every InputFiles backend must show."""

    @pytest.fixture
    def files(self) -> InputFiles:
        """The backend under test."""
        raise NotImplementedError("override the 'files' fixture to return your InputFiles")

    @pytest.fixture
    def seed(self) -> Seed:
        """Puts a file (or, for a name ending in '/', a directory); returns its path."""
        raise NotImplementedError("override 'seed' to put a file where the backend reads")

    def test_a_file_comes_back_whole_with_its_name(self, files: InputFiles, seed: Seed) -> None:
        content = bytes(range(256)) * 4
        read = files.read(seed("photo.png", content))
        assert (read.name, read.content) == ("photo.png", content)

    def test_the_media_type_is_guessed_from_the_name(self, files: InputFiles, seed: Seed) -> None:
        assert files.read(seed("a.png", b"x")).media_type == "image/png"
        assert files.read(seed("notes.txt", b"x")).media_type == "text/plain"

    def test_an_unknown_kind_of_file_is_octet_stream(self, files: InputFiles, seed: Seed) -> None:
        assert files.read(seed("blob.zzz-unknown", b"x")).media_type == "application/octet-stream"

    def test_a_missing_file_is_invalid_input(self, files: InputFiles, seed: Seed) -> None:
        with pytest.raises(InvalidInputError):
            files.read(seed("there.txt", b"x") + ".missing")

    def test_a_directory_is_invalid_input(self, files: InputFiles, seed: Seed) -> None:
        with pytest.raises(InvalidInputError):
            files.read(seed("folder/", b""))
