"""Inputs from -i flags and outputs to disk, as Cog's `predict` does them."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli.prediction_io import decode_data_url, parse_inputs, save_files
from domain.errors import InvalidInputError, ProtocolError
from tests.unit.cli.conftest import MODEL_SCHEMA

LIST_SCHEMA = {
    "components": {
        "schemas": {
            "Input": {
                "properties": {
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "sizes": {"type": "array", "items": {"type": "integer"}},
                    "ratio": {"type": "number"},
                    "options": {"type": "object"},
                }
            },
            "Output": {"type": "array", "items": {"type": "string", "format": "uri"}},
        }
    }
}


def test_repeated_names_make_a_list_typed_by_the_items(tmp_path: Path) -> None:
    inputs = parse_inputs(["sizes=1", "sizes=2", "tags=a"], LIST_SCHEMA, cwd=tmp_path)
    assert inputs == {"sizes": [1, 2], "tags": ["a"]}


def test_a_json_array_is_taken_as_the_list(tmp_path: Path) -> None:
    assert parse_inputs(['tags=["a", "b"]'], LIST_SCHEMA, cwd=tmp_path) == {"tags": ["a", "b"]}


def test_numbers_and_objects(tmp_path: Path) -> None:
    inputs = parse_inputs(["ratio=2", 'options={"k": 1}'], LIST_SCHEMA, cwd=tmp_path)
    assert inputs == {"ratio": 2, "options": {"k": 1}}
    assert parse_inputs(["ratio=0.5"], LIST_SCHEMA, cwd=tmp_path) == {"ratio": 0.5}


def test_without_a_schema_values_stay_strings(tmp_path: Path) -> None:
    assert parse_inputs(["times=3"], None, cwd=tmp_path) == {"times": "3"}


@pytest.mark.parametrize("flag", ["novalue", "=x", "times=3.5", "loud=maybe"])
def test_bad_flags_are_invalid_input(tmp_path: Path, flag: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_inputs([flag], MODEL_SCHEMA, cwd=tmp_path)


def test_a_file_is_sent_as_a_data_url_with_its_type(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi")
    url = parse_inputs(["text=@notes.txt"], MODEL_SCHEMA, cwd=tmp_path)["text"]
    assert url == "data:text/plain;base64," + base64.b64encode(b"hi").decode()


def test_data_urls_decode_base64_and_percent_forms() -> None:
    assert decode_data_url("data:text/plain;base64,aGk=") == (b"hi", "text/plain")
    assert decode_data_url("data:,a%20b") == (b"a b", "text/plain")
    with pytest.raises(ProtocolError):  # the model's answer is malformed: exit 6, not 2
        decode_data_url("data:text/plain;base64,%%%")


def test_a_list_of_files_is_numbered(tmp_path: Path) -> None:
    urls = ["data:image/png;base64," + base64.b64encode(bytes([i])).decode() for i in range(2)]
    output, written = save_files(urls, LIST_SCHEMA, tmp_path / "out")
    assert written == [tmp_path / "out.0.png", tmp_path / "out.1.png"]
    assert output == [str(path) for path in written]
    assert (tmp_path / "out.1.png").read_bytes() == bytes([1])


def test_an_unwritable_destination_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        save_files("data:,x", None, tmp_path / "missing-dir" / "out.txt")


def test_when_one_file_of_a_list_fails_none_is_left(tmp_path: Path) -> None:
    urls = ["data:text/plain,first", "data:text/plain;base64,%%%"]
    with pytest.raises(ProtocolError):
        save_files(urls, LIST_SCHEMA, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


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
    assert save_files({"a": 1}, None, tmp_path / "out") == ({"a": 1}, [])


def test_the_file_field_of_an_object_is_saved_at_the_destination(tmp_path: Path) -> None:
    output = {"weights": "data:application/json;base64,e30=", "words": 3}
    saved, written = save_files(output, None, tmp_path / "weights", mode="train")
    assert written == [tmp_path / "weights.json"]
    assert saved == {"weights": str(tmp_path / "weights.json"), "words": 3}


def test_several_file_fields_are_saved_by_name(tmp_path: Path) -> None:
    output = {"a": "data:text/plain,1", "b": "data:text/plain,2"}
    saved, written = save_files(output, None, tmp_path / "out")
    assert saved == {"a": str(written[0]), "b": str(written[1])}
    assert written == [tmp_path / "out.a.txt", tmp_path / "out.b.txt"]
