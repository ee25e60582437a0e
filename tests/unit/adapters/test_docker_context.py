"""The classic builder's context tar: fixed Dockerfile name, .dockerignore honoured and extended."""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path

import pytest

from adapters.docker.context import DOCKERFILE_NAME, context_archive
from domain.errors import InvalidInputError


def members(context: Path, dockerfile: str = "FROM scratch\n") -> dict[str, bytes]:
    with context_archive(context, dockerfile) as archive, tarfile.open(fileobj=archive) as tar:
        return {
            member.name: (tar.extractfile(member).read() if member.isfile() else b"")  # type: ignore[union-attr]
            for member in tar.getmembers()
        }


def test_dockerfile_travels_under_a_fixed_name(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    files = members(tmp_path, "FROM busybox\n")
    assert files[DOCKERFILE_NAME] == b"FROM busybox\n"
    assert files["a.txt"] == b"a"


def test_without_a_dockerignore_one_hides_itself_and_the_dockerfile(tmp_path: Path) -> None:
    ignore = members(tmp_path)[".dockerignore"].decode().split()
    assert set(ignore) == {".dockerignore", DOCKERFILE_NAME}


def test_an_existing_dockerignore_is_honoured_and_extended(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("# comment\nsecret.txt\nbuild/\n")
    (tmp_path / "secret.txt").write_text("no")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.bin").write_text("no")
    (tmp_path / "keep.txt").write_text("yes")
    files = members(tmp_path)
    assert "secret.txt" not in files
    assert "build/out.bin" not in files
    assert files["keep.txt"] == b"yes"
    sent = files[".dockerignore"].decode()
    assert sent.startswith("# comment\nsecret.txt\nbuild/\n")
    assert sent.split()[-1] == DOCKERFILE_NAME


def test_the_same_context_gives_the_same_archive_content(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")

    def fingerprint() -> str:
        return hashlib.sha256(repr(sorted(members(tmp_path).items())).encode()).hexdigest()

    assert fingerprint() == fingerprint()


def test_a_missing_context_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        context_archive(tmp_path / "absent", "FROM scratch\n")
