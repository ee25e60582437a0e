"""`cogmodel predict` and `train`: inputs (-i, --json) checked before any container starts."""

from __future__ import annotations

import base64

import pytest
from dependency_injector import providers

from adapters.cog_http import CogHttpModelApi
from tests.builders import cog_labels
from tests.unit.cli.conftest import MODEL_SCHEMA, Cli, model_labels
from tests.unit.cli.fake_cog import CogServingRunner

REF = "127.0.0.1:5000/acme/hello:1"
PNG = b"\x89PNG\r\n\x1a\nfake"


@pytest.fixture
def runner(cli: Cli) -> CogServingRunner:
    """Model containers are fake Cog servers, reached over HTTP by the real Cog HTTP adapter."""
    runner = CogServingRunner(cli.local)
    cli.container.container_runner.override(providers.Object(runner))
    cli.container.model_api.override(providers.Object(CogHttpModelApi()))
    return runner


@pytest.mark.parametrize(
    ("flags", "line"),
    [
        (
            ["tex=hi"],
            'error: input validation failed: (1) unknown input "tex" (did you mean "text"?)',
        ),
        (["times=2"], 'error: missing required input "text"'),
        (["text=hi", "times=11"], 'error: invalid input "times": number must be at most 10'),
        (["text=hi", "loud=maybe"], 'error: invalid input "loud": expected boolean, got string'),
        (["text=hi", "photo=@nowhere.png"], 'error: input "photo": input file '),
    ],
    ids=["misspelled", "missing", "out-of-range", "wrong-type", "unreadable-file"],
)
def test_wrong_inputs_exit_2_before_any_container_starts(
    cli: Cli, runner: CogServingRunner, flags: list[str], line: str
) -> None:
    cli.add_local(REF, model_labels())
    argv = [arg for flag in flags for arg in ("-i", flag)]
    run = cli("run", REF, *argv)
    assert run.code == 2
    assert run.err.splitlines()[-1].startswith(line), run.err
    assert len(run.err.splitlines()) == 1  # nothing started, nothing else said
    assert runner.specs == []


def test_json_inputs_are_cogs_and_print_the_response(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels())
    (cli.cwd / "photo.png").write_bytes(PNG)
    run = cli("run", REF, "--json", '{"text": "hi", "times": 2, "photo": "@photo.png"}')
    assert run.code == 0, run.err
    assert runner.model.received[0][1] == {
        "text": "hi",
        "times": 2,
        "photo": "data:image/png;base64," + base64.b64encode(PNG).decode(),
    }
    assert run.json()["status"] == "succeeded"  # with --json, the response is printed (Cog)


def test_json_inputs_come_from_a_file_or_stdin(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels())
    (cli.cwd / "inputs.json").write_text('{"text": "from a file"}')
    assert cli("run", REF, "--json", "@inputs.json").code == 0
    assert cli("run", REF, "--json", "@-", stdin='{"text": "from stdin"}').code == 0
    assert cli("run", REF, "--json", "-", stdin='{"text": "dash"}').code == 0
    sent = [inputs["text"] for _, inputs in runner.model.received]
    assert sent == ["from a file", "from stdin", "dash"]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["--json", '{"text": "x"}', "-i", "times=2"], "error: Must use one of --json or --input"),
        (["--json", "@missing.json"], 'error: Failed to read JSON from file "missing.json"'),
        (["--json", "[1, 2]"], "error: Failed to parse JSON: the inputs must be a JSON object"),
        (["--json", "{nope"], "error: Failed to parse JSON: "),
        (["--json", '{"txt": "x"}'], 'error: input validation failed: (1) unknown input "txt"'),
    ],
)
def test_bad_json_inputs_exit_2_before_anything_starts(
    cli: Cli, runner: CogServingRunner, argv: list[str], line: str
) -> None:
    cli.add_local(REF, model_labels())
    run = cli("run", REF, *argv)
    assert run.code == 2
    assert run.err.splitlines()[-1].startswith(line), run.err
    assert runner.specs == []


def test_train_checks_inputs_against_the_training_schema(
    cli: Cli, runner: CogServingRunner
) -> None:
    schema = {
        **MODEL_SCHEMA,
        "components": {
            "schemas": {
                **MODEL_SCHEMA["components"]["schemas"],
                "TrainingInput": {
                    "type": "object",
                    "required": ["corpus"],
                    "properties": {"corpus": {"type": "string"}},
                },
            }
        },
    }
    cli.add_local(REF, cog_labels(config={"train": "train.py:train"}, schema=schema))
    run = cli("train", REF, "-i", "text=x")
    assert run.code == 2
    assert 'unknown input "text"' in run.err
    assert 'missing required input "corpus"' in run.err
    assert runner.specs == []


PREDICT_PY = """
from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(self, text: str = Input(), times: int = Input(default=1, ge=1)) -> str:
        return text * times
"""


def test_without_an_image_the_inputs_are_checked_before_the_build(
    cli: Cli, runner: CogServingRunner
) -> None:
    (cli.cwd / "predict.py").write_text(PREDICT_PY)
    run = cli("run", "-i", "text=hi", "-i", "time=2")
    assert run.code == 2
    assert run.err.splitlines() == [
        'error: unknown input "time" (did you mean "times"?); valid inputs are: text, times'
    ]
    assert cli("inspect", "--local", "cog-hello-model").code == 3  # nothing was built
    assert runner.specs == []


def test_a_source_the_schema_cannot_be_generated_from_is_left_to_the_build(
    cli: Cli, runner: CogServingRunner
) -> None:
    runner.model.schema = MODEL_SCHEMA  # no predict.py here: the built model has no schema
    run = cli("run", "-i", "text=x")
    assert run.code == 0, run.err
    assert cli("inspect", "--local", "cog-hello-model").code == 0  # built
