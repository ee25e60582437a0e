"""Messages a user can act on, through the real `cogmodel` (issue 16, item 4).

Each mistake a user makes, or each failure they meet, gets one line that says what went wrong
in their terms and what to do: the file and line of a cog.yaml problem, the flag to use, the
form to write. Nothing here builds an image: the checks come before any build.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest

from tests.builders import SCHEMA, cog_labels
from tests.e2e.cli_support import Cogmodel
from tests.infra.registry import DistributionRegistry

pytestmark = [pytest.mark.docker, pytest.mark.registry]

# What a user should never read: a Python class name, or an adapter's name as a prefix.
CLASS_NAME = re.compile(r"\b(gaierror|[A-Z][a-zA-Z]+(Error|Exception))\b")
ADAPTER_PREFIX = re.compile(r"error: (docker|registry|model|buildkit|build): ")

FILE_SCHEMA = {
    **SCHEMA,
    "components": {
        "schemas": {
            "Input": {
                "type": "object",
                "required": ["image"],
                "properties": {
                    "image": {"type": "string", "format": "uri", "x-order": 0},
                    "size": {"type": "integer", "default": 8, "x-order": 1},
                },
            },
            "Output": {"type": "string"},
            "TrainingInput": {
                "type": "object",
                "required": ["corpus"],
                "properties": {"corpus": {"type": "string", "x-order": 0}},
            },
            "TrainingOutput": {"type": "object", "properties": {"weights": {"type": "string"}}},
        }
    },
}


@pytest.fixture
def cogmodel(tmp_path: Path) -> Cogmodel:
    return Cogmodel.isolated(tmp_path)


def _project(tmp_path: Path, cog_yaml: str) -> Path:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "cog.yaml").write_text(cog_yaml)
    (project / "predict.py").write_text("from cog import BasePredictor\n")
    return project


def _plain(err: str) -> bool:
    return CLASS_NAME.search(err) is None and ADAPTER_PREFIX.search(err) is None


def test_a_local_tag_that_does_not_exist_says_so_before_what_the_registry_said(
    cogmodel: Cogmodel, registry: DistributionRegistry
) -> None:
    refused = cogmodel("inspect", "127.0.0.1:1/acme/nosuch:1")
    assert refused.code == 6
    assert refused.err == (
        "error: image 127.0.0.1:1/acme/nosuch:1 not found locally; asking the registry: "
        "cannot reach 127.0.0.1:1: connection refused\n"
    )
    unresolved = cogmodel("inspect", "registry.invalid/acme/nosuch:1")
    assert unresolved.err.endswith("cannot reach registry.invalid: name does not resolve\n")
    missing = cogmodel("inspect", str(registry.ref(registry.new_repository(), "v1")))
    assert missing.code == 3
    assert missing.err.startswith("error: image ")
    assert " not found locally, nor in the registry" in missing.err
    for result in (refused, unresolved, missing):
        assert result.one_error_line()
        assert _plain(result.err), result.err


def test_an_engine_that_is_down_is_said_in_plain_words_and_suggests_remote(
    cogmodel: Cogmodel,
) -> None:
    result = cogmodel("inspect", "acme/model:1", env={"DOCKER_HOST": "unix:///nonexistent"})
    assert result.code == 6
    assert result.err == (
        "error: cannot reach the Docker Engine at unix:///nonexistent (no socket at that "
        "path); check that dockerd is running there and that DOCKER_HOST names it; to look in "
        "the registry only, use inspect --remote\n"
    )
    assert _plain(result.err)


def test_an_engine_address_out_of_range_is_invalid_input_not_an_internal_error(
    cogmodel: Cogmodel,
) -> None:
    result = cogmodel("inspect", "acme/model:1", env={"DOCKER_HOST": "tcp://127.0.0.1:99999"})
    assert result.code == 2
    assert result.err == (
        "error: the engine address tcp://127.0.0.1:99999 cannot be used: "
        "Port out of range 0-65535\n"
    )


@pytest.mark.parametrize(
    ("cog_yaml", "message"),
    [
        (
            'build:\n  pyhton_version: "3.11"\npredict: "predict.py:Predictor"\n',
            "error: cog.yaml:2: build: Additional property pyhton_version is not allowed "
            "(did you mean python_version?)",
        ),
        (
            'build:\n  python_version: "3.11"\n   gpu: true\n',
            "error: cog.yaml:3: did not find expected key (while parsing a block mapping, "
            "from line 2)",
        ),
        (
            'build:\n  gpu: false\n  python_version: "3.8"\npredict: "predict.py:Predictor"\n',
            'error: cog.yaml:3: invalid build.python_version "3.8": minimum supported Python '
            "version is 3.10",
        ),
    ],
    ids=["unknown-key", "yaml-syntax", "python-too-old"],
)
def test_cog_yaml_problems_name_the_file_and_the_line(
    cogmodel: Cogmodel, tmp_path: Path, cog_yaml: str, message: str
) -> None:
    project = _project(tmp_path, cog_yaml)
    for command in (["build"], ["debug"], ["exec", "python"]):
        result = cogmodel(*command, cwd=project)
        assert result.code == 2, (command, result.err)
        assert result.err.splitlines() == [message], command


def test_a_secret_on_the_classic_builder_names_the_flag_that_works(
    cogmodel: Cogmodel, tmp_path: Path
) -> None:
    project = _project(tmp_path, 'build:\n  python_version: "3.11"\npredict: "predict.py:P"\n')
    (project / "token.txt").write_text("s3cret")
    result = cogmodel(
        "build", "--builder", "classic", "--secret", "id=token,src=token.txt", cwd=project
    )
    assert result.code == 2
    assert result.one_error_line()
    assert "--builder buildkit" in result.err.splitlines()[-1]


def test_a_port_in_use_says_pick_another_before_anything_is_built(
    cogmodel: Cogmodel, tmp_path: Path
) -> None:
    project = _project(tmp_path, 'build:\n  python_version: "3.11"\npredict: "predict.py:P"\n')
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for argv in (["exec", "-p", str(port), "python"], ["serve", "-p", str(port)]):
            result = cogmodel(*argv, cwd=project)
            assert result.code == 2, result.err
            assert result.err == (
                f"error: port {port} is already in use on 127.0.0.1: pick another -p\n"
            )


@pytest.fixture
def local_model(
    cogmodel: Cogmodel, registry: DistributionRegistry, local_names: object
) -> tuple[str, str]:
    """A Cog model in the local engine with a file input and a trainer, and its image id."""
    labels = cog_labels(
        config={"build": {"python_version": "3.11"}, "predict": "p.py:P", "train": "t.py:t"},
        schema=FILE_SCHEMA,
    )
    pushed = registry.push_image(labels)
    local_names.add(str(pushed.ref))  # type: ignore[attr-defined]
    assert cogmodel("pull", str(pushed.ref)).code == 0
    return str(pushed.ref), pushed.config_digest


def test_a_file_input_given_without_at_shows_the_at_form(
    cogmodel: Cogmodel, local_model: tuple[str, str]
) -> None:
    ref, _ = local_model
    result = cogmodel("run", ref, "-i", "image=photo.png")
    assert result.code == 2
    assert result.err == (
        'error: invalid input "image": expected a file or a URL, got string "photo.png"; to '
        "send a file, put @ before its path: -i image=@photo.png\n"
    )


def test_train_on_a_model_without_a_trainer_says_so_before_starting(
    cogmodel: Cogmodel, registry: DistributionRegistry, local_names: object
) -> None:
    pushed = registry.push_image(cog_labels(schema=FILE_SCHEMA))  # config: no train:
    local_names.add(str(pushed.ref))  # type: ignore[attr-defined]
    result = cogmodel("train", str(pushed.ref), "-i", "corpus=x")
    assert result.code == 2
    assert result.one_error_line()
    assert "cannot be trained: its run.cog.config label sets no train:" in result.err


def test_inspect_takes_a_short_id_and_shows_the_training(
    cogmodel: Cogmodel, local_model: tuple[str, str]
) -> None:
    _, image_id = local_model
    short = image_id.removeprefix("sha256:")[:12]
    result = cogmodel("inspect", short)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[1] == f"Image ID         {image_id}"
    assert "Training inputs" in lines
    assert "  corpus: string (required)" in lines
    assert lines[-1] == "Training output  object with weights"


def test_debug_is_taken_anywhere_on_the_line(cogmodel: Cogmodel) -> None:
    env = {"DOCKER_HOST": "unix:///nonexistent"}
    for argv in (
        ["--debug", "inspect", "--local", "a/b:1"],
        ["inspect", "a/b:1", "--local", "--debug"],
    ):
        result = cogmodel(*argv, env=env)
        assert result.code == 6
        assert "caused by:" in result.err


def test_version_names_the_cog_runtime_builds_install(cogmodel: Cogmodel) -> None:
    result = cogmodel("--version")
    assert re.fullmatch(
        r"cogmodel \S+ \(builds install the Cog runtime \d+\.\d+\.\d+\)\n", result.out
    )


COMMANDS = [
    "build",
    "debug",
    "init",
    "login",
    "run",
    "predict",
    "push",
    "exec",
    "serve",
    "train",
    "inspect",
    "pull",
    "ref",
]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_ends_with_examples(cogmodel: Cogmodel, command: str | None) -> None:
    result = cogmodel(*([command] if command else []), "--help")
    assert result.code == 0
    _, marker, examples = result.out.rpartition("\nExamples:\n")
    assert marker, result.out
    lines = examples.splitlines()
    assert all(line.startswith("  ") for line in lines if line)  # nothing after the examples
    assert any(line.startswith("  cogmodel ") for line in lines)


def test_files_that_never_end_or_never_open_are_one_line_each_through_the_real_command(
    cogmodel: Cogmodel, tmp_path: Path
) -> None:
    """Issue 15: a cog.yaml linked to /dev/zero was a MemoryError (exit 1) after eating memory,
    and a FIFO hung for ever; ``-o ~nosuchuser/…`` was a RuntimeError. Each is exit 2."""
    zero = tmp_path / "zero"
    zero.mkdir()
    (zero / "cog.yaml").symlink_to("/dev/zero")
    built = cogmodel("build", cwd=zero, timeout=60)
    assert built.code == 2
    assert built.err == (
        f"error: cannot read {zero / 'cog.yaml'}: not a regular file (a character device)\n"
    )
    fifo = tmp_path / "fifo"
    fifo.mkdir()
    os.mkfifo(fifo / "cog.yaml")
    hung = cogmodel("build", cwd=fifo, timeout=60)
    assert hung.code == 2
    assert hung.err == f"error: cannot read {fifo / 'cog.yaml'}: not a regular file (a FIFO)\n"
    nobody = cogmodel("run", "acme/model:1", "-o", "~nobodyhere-cogmodel/out", timeout=60)
    assert nobody.code == 2
    assert nobody.err == (
        "error: --output ~nobodyhere-cogmodel/out: cannot expand ~nobodyhere-cogmodel: no user "
        "named 'nobodyhere-cogmodel' on this machine\n"
    )
