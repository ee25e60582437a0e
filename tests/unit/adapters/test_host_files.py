"""The one reader of files a user names: regular files only, bounded, in bounded time.

Real files, real symlinks to ``/dev/zero``, real FIFOs (no writer ever opens them: a reader
that blocks on one hangs, and the timeout turns that into a failure).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adapters.host_files import check_file, expand_home, read_file, read_ignore_file, size_text
from domain.errors import HostFileError, InvalidInputError

pytestmark = pytest.mark.timeout(20)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.fixture
def zero(tmp_path: Path) -> Path:
    path = tmp_path / "zero"
    path.symlink_to("/dev/zero")
    return path


def test_a_regular_file_within_its_limit_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x" * 100)
    assert read_file(tmp_path / "f", what="cog.yaml", limit=100) == b"x" * 100


def test_a_symlink_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"hello")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_file(tmp_path / "link", what="cog.yaml", limit=100) == b"hello"


def test_a_symlink_to_dev_zero_is_refused_unread(zero: Path) -> None:
    with pytest.raises(HostFileError) as info:
        read_file(zero, what="cog.yaml", limit=1024)
    assert info.value.problem == "not_regular"
    assert str(info.value) == f"cog.yaml {zero}: not a regular file (a character device)"
    assert isinstance(info.value, InvalidInputError)  # exit code 2


def test_a_fifo_is_refused_without_blocking(fifo: Path) -> None:
    with pytest.raises(HostFileError) as info:
        read_file(fifo, what="--dockerfile", limit=1024)
    assert info.value.problem == "not_regular"
    assert str(info.value).endswith("not a regular file (a FIFO)")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HostFileError) as info:
        read_file(tmp_path, what="input file", limit=1024)
    assert info.value.problem == "not_regular"
    assert "(a directory)" in str(info.value)


def test_a_file_past_its_limit_is_refused_with_the_limit_named(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * (1024 + 1))
    with pytest.raises(HostFileError) as info:
        read_file(tmp_path / "big", what="cog.yaml", limit=1024)
    assert info.value.problem == "too_large"
    assert info.value.limit == 1024
    assert str(info.value).endswith(": 1025 bytes, larger than 1 KiB (the limit)")


def test_missing_and_dangling_are_missing(tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for path in (tmp_path / "nowhere", tmp_path / "dangling"):
        with pytest.raises(HostFileError) as info:
            read_file(path, what="cog.yaml", limit=10)
        assert info.value.problem == "missing"


def test_a_nul_in_the_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(HostFileError) as info:
        read_file(f"{tmp_path}/a\x00b", what="input file", limit=10)
    assert info.value.problem == "unreadable"


def test_check_file_refuses_what_read_file_refuses_without_reading(
    tmp_path: Path, fifo: Path, zero: Path
) -> None:
    (tmp_path / "big").write_bytes(b"x" * 11)
    (tmp_path / "ok").write_bytes(b"x" * 10)
    check_file(tmp_path / "ok", what="--openapi-schema", limit=10)
    for path, problem in (
        (fifo, "not_regular"),
        (zero, "not_regular"),
        (tmp_path / "big", "too_large"),
        (tmp_path / "nope", "missing"),
    ):
        with pytest.raises(HostFileError) as info:
            check_file(path, what="--openapi-schema", limit=10)
        assert info.value.problem == problem


def test_an_unknown_user_in_a_tilde_path_is_an_input_error() -> None:
    with pytest.raises(HostFileError) as info:
        expand_home("~nobodyhere-cogmodel/f.png", what="--output")
    assert info.value.problem == "no_home"
    assert str(info.value) == (
        "--output ~nobodyhere-cogmodel/f.png: cannot expand ~nobodyhere-cogmodel: no user "
        "named 'nobodyhere-cogmodel' on this machine"
    )


def test_a_known_tilde_expands_as_before(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert expand_home("~/x", what="--output") == tmp_path / "x"
    assert expand_home("plain/x", what="--output") == Path("plain/x")


def test_a_dockerignore_that_is_a_fifo_is_refused_and_none_is_none(tmp_path: Path) -> None:
    assert read_ignore_file(tmp_path) is None
    os.mkfifo(tmp_path / ".dockerignore")
    with pytest.raises(HostFileError) as info:
        read_ignore_file(tmp_path)
    assert info.value.problem == "not_regular"


def test_sizes_are_shown_in_the_unit_of_the_limit() -> None:
    assert [size_text(n) for n in (1024 * 1024, 256 * 1024, 100)] == [
        "1 MiB",
        "256 KiB",
        "100 bytes",
    ]
