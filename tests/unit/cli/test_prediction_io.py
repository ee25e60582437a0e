"""Outputs to disk as Cog's `predict` writes them, and --json inputs from a file or stdin.

(How -i text is typed by the schema is the domain's: tests/unit/domain/prediction/.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli.prediction_io import (
    json_inputs,
    local_paths,
    output_destination,
    render,
    save_files,
)
from domain.errors import InvalidInputError
from domain.prediction import LocalFile, OutputFile

PNG = OutputFile(content=b"\x89PNG", media_type="image/png")


def test_json_inputs_come_from_text_a_file_or_stdin(tmp_path: Path) -> None:
    (tmp_path / "in.json").write_text('{"a": 1}')
    assert json_inputs('{"a": 2}', cwd=tmp_path, stdin_text=None) == {"a": 2}
    assert json_inputs("@in.json", cwd=tmp_path, stdin_text=None) == {"a": 1}
    assert json_inputs("@-", cwd=tmp_path, stdin_text='{"a": 3}') == {"a": 3}


def test_a_json_file_that_cannot_be_read_is_invalid_input_in_cogs_words(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        json_inputs("@nope.json", cwd=tmp_path, stdin_text=None)
    assert str(info.value) == 'Failed to read JSON from file "nope.json": No such file or directory'


def test_file_paths_are_made_absolute_from_the_working_directory(tmp_path: Path) -> None:
    inputs = local_paths({"a": LocalFile("x.png"), "b": [LocalFile("/abs.png")], "c": 1}, tmp_path)
    assert inputs == {"a": LocalFile(str(tmp_path / "x.png")), "b": [LocalFile("/abs.png")], "c": 1}


def test_the_output_path_is_checked_as_cog_checks_it(tmp_path: Path) -> None:
    assert output_destination(tmp_path, None, "output") == tmp_path / "output"
    assert output_destination(tmp_path, "out.png", "output") == tmp_path / "out.png"
    (tmp_path / "results").mkdir()
    assert output_destination(tmp_path, "results", "output") == tmp_path / "results" / "output"
    with pytest.raises(InvalidInputError, match="no such directory"):
        output_destination(tmp_path, "missing/out.png", "output")
    (tmp_path / "output").mkdir()
    with pytest.raises(InvalidInputError, match='Default output name "output" conflicts'):
        output_destination(tmp_path, None, "output")


def test_a_file_gets_the_extension_of_its_media_type(tmp_path: Path) -> None:
    assert save_files(PNG, tmp_path / "out") == (str(tmp_path / "out.png"), [tmp_path / "out.png"])
    assert (tmp_path / "out.png").read_bytes() == b"\x89PNG"
    kept, _ = save_files(PNG, tmp_path / "named.bin")
    assert kept == str(tmp_path / "named.bin")  # an extension given is kept, as Cog keeps it


def test_a_list_of_files_is_numbered(tmp_path: Path) -> None:
    files = [OutputFile(content=bytes([i]), media_type="image/png") for i in range(2)]
    output, written = save_files(files, tmp_path / "out")
    assert written == [tmp_path / "out.0.png", tmp_path / "out.1.png"]
    assert output == [str(path) for path in written]
    assert (tmp_path / "out.1.png").read_bytes() == bytes([1])


def test_an_unwritable_destination_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        save_files(PNG, tmp_path / "missing-dir" / "out.txt")


def test_when_one_file_of_a_list_fails_none_is_left(tmp_path: Path) -> None:
    (tmp_path / "out.1.png").mkdir()  # the second file cannot be written
    with pytest.raises(InvalidInputError):
        save_files([PNG, PNG], tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.1.png"]


# Writes under a file-size limit (as a full disk would stop them), in a child process.
_LIMITED_WRITE = """
import resource, signal, sys
from pathlib import Path
from adapters.cli.prediction_io import write_file
from domain.errors import InvalidInputError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
try:
    write_file(Path(sys.argv[1]), b"new" * 100_000)
except InvalidInputError:
    sys.exit(2)
"""


def test_a_write_that_fails_midway_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"earlier result")
    child = subprocess.run(
        [sys.executable, "-c", _LIMITED_WRITE, str(target)], capture_output=True, check=False
    )
    assert child.returncode == 2, child.stderr
    assert target.read_bytes() == b"earlier result"
    assert list(tmp_path.iterdir()) == [target]


def test_plain_values_are_left_alone(tmp_path: Path) -> None:
    assert save_files({"a": 1}, tmp_path / "out") == ({"a": 1}, [])


def test_the_file_field_of_an_object_is_saved_at_the_destination(tmp_path: Path) -> None:
    output = {"weights": OutputFile(content=b"{}", media_type="application/json"), "words": 3}
    saved, written = save_files(output, tmp_path / "weights")
    assert written == [tmp_path / "weights.json"]
    assert saved == {"weights": str(tmp_path / "weights.json"), "words": 3}


def test_several_file_fields_are_saved_by_name(tmp_path: Path) -> None:
    text = OutputFile(content=b"1", media_type="text/plain")
    saved, written = save_files({"a": text, "b": text}, tmp_path / "out")
    assert saved == {"a": str(written[0]), "b": str(written[1])}
    assert written == [tmp_path / "out.a.txt", tmp_path / "out.b.txt"]


def test_a_file_deeper_in_the_output_is_shown_as_its_data_url(tmp_path: Path) -> None:
    output = [{"image": PNG}]
    saved, written = save_files(output, tmp_path / "out")
    assert written == []
    assert saved == [{"image": "data:image/png;base64,iVBORw=="}]
    assert render({"x": PNG}) == '{\n  "x": "data:image/png;base64,iVBORw=="\n}'
