"""Paths and numbers on the command line, made hostile (issue 15).

Each is one ``error:`` line with exit code 2, before any container starts (``runner.specs``
counts the containers the fake engine was asked to start), in bounded time: a FIFO has no
writer, so a reader that blocks on it would hang and the timeout fails the test.
"""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from dependency_injector import providers

from adapters.cog_http import CogHttpModelApi
from tests.unit.cli.conftest import Cli, model_labels
from tests.unit.cli.fake_cog import CogServingRunner

pytestmark = pytest.mark.timeout(60)

REF = "127.0.0.1:5000/acme/hello:1"
NOBODY = "~nobodyhere-cogmodel"


@pytest.fixture
def runner(cli: Cli) -> CogServingRunner:
    runner = CogServingRunner(cli.local)
    cli.container.container_runner.override(providers.Object(runner))
    cli.container.model_api.override(providers.Object(CogHttpModelApi()))
    cli.add_local(REF, model_labels())
    return runner


@pytest.fixture
def fifo(cli: Cli) -> str:
    os.mkfifo(cli.cwd / "pipe")
    return "pipe"


@pytest.fixture
def zero(cli: Cli) -> str:
    (cli.cwd / "zero.png").symlink_to("/dev/zero")
    return "zero.png"


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    return lines[0]


@pytest.mark.parametrize("name", ["zero", "fifo"])
def test_an_input_file_that_is_not_a_regular_file(
    cli: Cli, runner: CogServingRunner, name: str, request: pytest.FixtureRequest
) -> None:
    path = request.getfixturevalue(name)
    run = cli("run", REF, "-i", "text=x", "-i", f"photo=@{path}")
    assert run.code == 2
    kind = "a character device" if name == "zero" else "a FIFO"
    assert _one_error_line(run.err) == (
        f'error: input "photo": input file {cli.cwd / path}: not a regular file ({kind})'
    )
    assert runner.specs == []


def test_an_input_file_past_its_limit(
    cli: Cli, runner: CogServingRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.input_files.MAX_INPUT_FILE_BYTES", 4)
    (cli.cwd / "big.png").write_bytes(b"12345")
    run = cli("run", REF, "-i", "text=x", "-i", "photo=@big.png")
    assert run.code == 2
    assert _one_error_line(run.err).endswith(": 5 bytes, larger than 4 bytes (the limit)")
    assert runner.specs == []


def test_a_json_inputs_file_that_is_a_fifo(cli: Cli, runner: CogServingRunner, fifo: str) -> None:
    run = cli("run", REF, "--json", f"@{fifo}")
    assert run.code == 2
    assert _one_error_line(run.err) == (
        'error: Failed to read JSON from file "pipe": not a regular file (a FIFO)'
    )
    assert runner.specs == []


def test_a_json_value_naming_dev_zero(cli: Cli, runner: CogServingRunner, zero: str) -> None:
    run = cli("run", REF, "--json", f'{{"text": "x", "photo": "@{zero}"}}')
    assert run.code == 2
    assert _one_error_line(run.err).endswith("not a regular file (a character device)")
    assert runner.specs == []


@pytest.mark.parametrize(
    "argv",
    [
        ["-i", f"photo=@{NOBODY}/f.png"],
        ["--json", f"@{NOBODY}/inputs.json"],
        ["--json", f'{{"text": "x", "photo": "@{NOBODY}/f.png"}}'],
        ["-o", f"{NOBODY}/out.png"],
    ],
    ids=["input", "json-file", "json-value", "output"],
)
def test_a_home_of_an_unknown_user(cli: Cli, runner: CogServingRunner, argv: list[str]) -> None:
    run = cli("run", REF, "-i", "text=x", *argv) if argv[0] != "--json" else cli("run", REF, *argv)
    assert run.code == 2
    line = _one_error_line(run.err)
    assert line.endswith(
        "cannot expand ~nobodyhere-cogmodel: no user named 'nobodyhere-cogmodel' on this machine"
    )
    assert runner.specs == []


def test_an_unknown_home_in_the_output_is_refused_before_the_project_is_built(
    cli: Cli, runner: CogServingRunner
) -> None:
    run = cli("run", "-i", "text=x", "-o", f"{NOBODY}/out.png")
    assert run.code == 2
    assert _one_error_line(run.err).startswith(f"error: --output {NOBODY}/out.png: ")
    assert "Building" not in run.err
    assert runner.specs == []


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "-inf", "1e400", "4294967296", "x"])
def test_a_setup_timeout_that_is_no_duration_is_a_usage_error(
    cli: Cli, runner: CogServingRunner, value: str
) -> None:
    run = cli("run", REF, "-i", "text=x", f"--setup-timeout={value}")
    assert run.code == 2
    assert _one_error_line(run.err).startswith("error: cogmodel run: argument --setup-timeout: ")
    assert runner.specs == []


def test_the_largest_setup_timeout_cog_takes_is_taken(cli: Cli, runner: CogServingRunner) -> None:
    runner.model.respond = lambda endpoint, inputs: (200, {"status": "succeeded", "output": "ok"})
    run = cli("run", REF, "-i", "text=x", "--setup-timeout", "4294967295")
    assert run.code == 0, run.err


@pytest.mark.parametrize("value", ["9" * 5000, "99999999999999999999", "count=" + "9" * 5000])
def test_a_gpu_count_no_engine_takes_is_invalid_input(
    cli: Cli, runner: CogServingRunner, value: str
) -> None:
    run = cli("run", REF, "-i", "text=x", "--gpus", value)
    assert run.code == 2
    assert _one_error_line(run.err).startswith("error: invalid --gpus value")
    assert runner.specs == []


@pytest.mark.parametrize("flag", ["--openapi-schema", "--dockerfile"])
@pytest.mark.parametrize("name", ["zero", "fifo", "nobody"])
def test_build_files_on_the_command_line(
    cli: Cli, flag: str, name: str, request: pytest.FixtureRequest
) -> None:
    path = f"{NOBODY}/f" if name == "nobody" else request.getfixturevalue(name)
    run = cli("build", flag, path)
    assert run.code == 2
    line = _one_error_line(run.err)
    assert line.startswith(f"error: {flag} ")
    assert line.endswith({"zero": "(a character device)", "fifo": "(a FIFO)"}.get(name, "machine"))


def test_an_openapi_schema_past_its_limit_is_refused_before_the_build(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.cli.project.MAX_JSON_BYTES", 4)
    (cli.cwd / "schema.json").write_text("{}   ")
    run = cli("build", "--openapi-schema", "schema.json")
    assert run.code == 2
    assert _one_error_line(run.err).endswith(": 5 bytes, larger than 4 bytes (the limit)")


PNG = b"\x89PNG\r\n\x1a\nfake"


def _two_files(keys: tuple[str, ...]) -> Any:
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    return lambda endpoint, inputs: (
        200,
        {"status": "succeeded", "output": dict.fromkeys(keys, url) | {"score": 1}},
    )


def test_file_fields_named_with_slashes_or_nul_stay_files_in_the_output_directory(
    cli: Cli, runner: CogServingRunner
) -> None:
    (cli.cwd / "out").mkdir()
    keys = ("../escape", "a/b", "c\x00d", "%2F")
    runner.model.respond = _two_files(keys)
    run = cli("run", REF, "-i", "text=x", "-o", "out/result")
    assert run.code == 0, run.err
    written = sorted(path.name for path in (cli.cwd / "out").iterdir())
    assert written == sorted(
        f"result.{name}.png" for name in ("..%2Fescape", "a%2Fb", "c%00d", "%252F")
    )
    assert all((cli.cwd / "out" / name).read_bytes() == PNG for name in written)
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["out"]  # nothing beside it
    assert not (cli.cwd / "escape.png").exists()
