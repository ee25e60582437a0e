"""`cogmodel predict` and `train`: container lifecycle, inputs, outputs, failures, Ctrl-C."""

from __future__ import annotations

import base64
import signal
import threading
from typing import Any

import pytest
from dependency_injector import providers

from adapters.cog_http import CogHttpModelApi
from application.ports.container_runner import ContainerSpec, GpuRequest, RunningContainer
from application.predictor import TRAIN_COMMAND
from domain.errors import ImageNotFoundError
from domain.image_source import ImageSource
from domain.labels import LABEL_HAS_INIT
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


def _file_output(endpoint: str, inputs: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    return 200, {"status": "succeeded", "output": url}


def test_predict_runs_the_image_and_prints_a_string_output(
    cli: Cli, runner: CogServingRunner
) -> None:
    image = cli.add_local(REF, model_labels())
    run = cli("run", REF, "-i", "text=hi")
    assert run.code == 0, run.err
    assert run.out == 'predictions: {"text": "hi"}\n'
    assert "Starting Docker image" in run.err
    assert "setup: done" in run.err
    assert runner.specs[0].image == image.image_id  # exactly the image that was inspected
    assert runner.specs[0].command is None
    assert runner.specs[0].init is True  # the image does not say it brings its own init
    assert runner.running == {}


def test_an_image_with_its_own_init_gets_no_second_one(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, {**model_labels(), LABEL_HAS_INIT: "true"})
    run = cli("run", REF, "-i", "text=hi")
    assert run.code == 0, run.err
    assert runner.specs[0].init is False  # tini is PID 1; Docker's init would make it warn


def test_inputs_are_typed_by_the_schema_and_files_sent_as_data_urls(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())
    (cli.cwd / "photo.png").write_bytes(PNG)
    run = cli(
        "predict",
        REF,
        "-i",
        'text="hello there"',
        "-i",
        "times=3",
        "-i",
        "loud=true",
        "-i",
        "photo=@photo.png",
    )
    assert run.code == 0, run.err
    endpoint, inputs = runner.model.received[0]
    assert endpoint == "predictions"
    assert inputs == {
        "text": "hello there",
        "times": 3,
        "loud": True,
        "photo": "data:image/png;base64," + base64.b64encode(PNG).decode(),
    }


def test_a_value_of_the_wrong_type_is_invalid_input(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels())
    assert cli("run", REF, "-i", "times=three").code == 2
    assert runner.specs == []  # rejected before any container started


def test_a_missing_input_file_is_invalid_input(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels())
    assert cli("run", REF, "-i", "photo=@nowhere.png").code == 2


def test_a_file_output_is_written_to_disk(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels())
    runner.model.respond = _file_output
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 0, run.err
    assert (cli.cwd / "output.png").read_bytes() == PNG
    assert run.out == ""
    assert "Written output to:" in run.err
    named = cli("run", REF, "-i", "text=x", "-o", "result.bin")
    assert named.code == 0
    assert (cli.cwd / "result.bin").read_bytes() == PNG


def test_an_unwritable_output_path_exits_2_before_any_container_starts(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())
    runner.model.respond = _file_output
    run = cli("run", REF, "-i", "text=x", "-o", "no-such-dir/out.png")
    assert run.code == 2
    assert run.err.splitlines()[-1].startswith("error: Output path is not writable: no such")
    assert runner.specs == []  # checked first (Cog since its PR #1389)
    assert not (cli.cwd / "no-such-dir").exists()


def test_an_output_that_cannot_be_written_after_the_run_exits_2_and_removes_the_container(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())

    def output_and_block_the_path(endpoint: str, inputs: dict[str, Any]) -> Any:
        (cli.cwd / "out.png").mkdir()  # the path becomes a directory while the model runs
        return _file_output(endpoint, inputs)

    runner.model.respond = output_and_block_the_path
    run = cli("run", REF, "-i", "text=x", "-o", "out.png")
    assert run.code == 2
    assert run.err.splitlines()[-1].startswith("error: cannot write output to")
    assert runner.running == {}


def test_an_existing_directory_as_output_gets_the_file_inside_as_in_cog(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())
    runner.model.respond = _file_output
    (cli.cwd / "results").mkdir()
    assert cli("run", REF, "-i", "text=x", "-o", "results").code == 0
    assert (cli.cwd / "results" / "output.png").read_bytes() == PNG


def test_the_default_output_name_taken_by_a_directory_exits_2_before_starting(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())
    (cli.cwd / "output").mkdir()
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 2
    assert 'Default output name "output" conflicts with directory' in run.err
    assert runner.specs == []


def test_json_response_prints_the_response_with_file_paths(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())
    runner.model.respond = _file_output
    document = cli("run", REF, "-i", "text=x", "--json-response").json()
    assert document["status"] == "succeeded"
    assert document["output"] == str(cli.cwd / "output.png")


def test_inputs_the_model_refuses_exit_2_and_name_the_input(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())
    runner.model.respond = lambda endpoint, inputs: (
        422,
        {"detail": [{"loc": ["body", "input", "text"], "msg": "field required"}]},
    )
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 2
    assert "text: field required" in run.err
    assert runner.running == {}


def test_a_failed_prediction_exits_6(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels())
    runner.model.respond = lambda endpoint, inputs: (
        200,
        {"status": "failed", "error": "division by zero", "output": None},
    )
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 6
    assert run.err.splitlines()[-1].startswith("error: ")
    assert "division by zero" in run.err
    assert runner.running == {}


def test_setup_failure_exits_6_and_removes_the_container(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())
    runner.model.health = ["STARTING", "SETUP_FAILED"]
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 6
    assert "setup failed" in run.err
    assert runner.running == {}
    assert all(served.stopped.is_set() for served in runner.served)


def test_a_container_that_exits_during_setup_exits_6(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels())
    runner.model.exits_at_start = True
    runner.model.logs = ["Traceback (most recent call last):", "ImportError: no torch"]
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 6
    assert "ImportError: no torch" in run.err.splitlines()[-1]


def test_a_container_whose_logs_are_gone_still_fails_with_exit_6(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())
    runner.model.exits_at_start = True
    runner.model.logs_error = ImageNotFoundError("gone", ImageSource.LOCAL)  # engine's 404
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 6
    assert "the model container exited" in run.err.splitlines()[-1]
    assert runner.running == {}


def test_a_bug_while_reading_the_logs_is_not_passed_off_as_a_model_failure(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels())
    runner.model.exits_at_start = True
    runner.model.logs_error = RuntimeError("bug in the runner")
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 1
    assert runner.running == {}


def test_a_slow_setup_times_out(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels())
    runner.model.health = ["STARTING"]
    run = cli("run", REF, "-i", "text=x", "--setup-timeout", "0.3")
    assert run.code == 6
    assert "not ready within 0.3 s" in run.err
    assert runner.running == {}


SIGNALS = [(signal.SIGINT, 130, "error: interrupted"), (signal.SIGTERM, 143, "error: terminated")]


@pytest.mark.parametrize(("signum", "code", "line"), SIGNALS, ids=["ctrl-c", "sigterm"])
def test_ctrl_c_during_a_prediction_stops_and_removes_the_container(
    cli: Cli, runner: CogServingRunner, signum: signal.Signals, code: int, line: str
) -> None:
    cli.add_local(REF, model_labels())
    release = threading.Event()

    def slow(endpoint: str, inputs: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        main_thread = threading.main_thread().ident
        assert main_thread is not None
        # The signal is delivered to the main thread, which is blocked reading the response.
        threading.Timer(0.2, signal.pthread_kill, args=(main_thread, signum)).start()
        release.wait(5)
        return 200, {"status": "succeeded", "output": "late"}

    runner.model.respond = slow
    try:
        run = cli("run", REF, "-i", "text=x")
    finally:
        release.set()
    assert run.code == code
    assert run.err.splitlines()[-1] == line
    assert runner.running == {}
    assert all(served.stopped.is_set() for served in runner.served)


def test_an_image_name_with_equals_is_a_forgotten_dash_i(cli: Cli) -> None:
    run = cli("run", "text=hello")
    assert run.code == 2
    assert "Did you forget `-i`?" in run.err


def test_predict_pulls_an_image_the_engine_does_not_have(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_remote(REF, model_labels())
    run = cli("run", REF, "-i", "text=x", "--progress", "plain")
    assert run.code == 0, run.err
    assert f"Pulled {REF}" in run.err  # the pull's progress, on stderr
    assert cli("inspect", "--local", REF).code == 0


def test_a_gpu_model_asks_for_gpus_and_env_flags_reach_the_container(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels(build={"python_version": "3.11", "gpu": True}))
    assert cli("run", REF, "-i", "text=x", "-e", "DEBUG=1").code == 0
    assert runner.specs[0].gpus == GpuRequest.ALL
    assert runner.specs[0].env == {"COG_LOG_LEVEL": "warning", "DEBUG": "1"}
    for flag in ("0", "none"):
        assert cli("run", REF, "-i", "text=x", "--gpus", flag).code == 0
        assert runner.specs[-1].gpus is None
    assert cli("run", REF, "-i", "text=x", "--gpus", "device=0,1").code == 0
    assert runner.specs[-1].gpus == GpuRequest(device_ids=("0", "1"))
    assert cli("run", REF, "-i", "text=x", "--gpus", '"device=2"').code == 0
    assert runner.specs[-1].gpus == GpuRequest(device_ids=("2",))
    assert cli("run", REF, "-i", "text=x", "--gpus", "3").code == 0
    assert runner.specs[-1].gpus == GpuRequest(count=3)
    started = len(runner.specs)
    bad = cli("run", REF, "-i", "text=x", "--gpus", "some")
    assert bad.code == 2
    assert bad.err.startswith("error: invalid --gpus value 'some'")
    assert len(runner.specs) == started


def test_a_gpu_model_on_an_engine_without_gpus_warns_once_and_runs_on_the_cpu(
    cli: Cli, runner: CogServingRunner
) -> None:
    cli.add_local(REF, model_labels(build={"python_version": "3.11", "gpu": True}))
    runner.gpus_available = False
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 0, run.err
    warnings = [line for line in run.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1
    assert "without a GPU" in warnings[0]
    assert [spec.gpus for spec in runner.specs] == [None]
    refused = cli("run", REF, "-i", "text=x", "--gpus", "all")  # asked for: no fallback
    assert refused.code == 6


def test_predict_without_an_image_builds_the_project(cli: Cli, runner: CogServingRunner) -> None:
    runner.model.schema = MODEL_SCHEMA
    run = cli("run", "-i", "text=x", "-i", "times=2", "--progress", "plain")
    assert run.code == 0, run.err
    assert "Image built as cog-hello-model" in run.err  # plain: the build is always shown
    assert runner.model.received[0][1] == {"text": "x", "times": 2}  # typed by /openapi.json
    assert cli("inspect", "--local", "cog-hello-model").code == 0


def test_train_posts_to_trainings_in_train_mode(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels(train="train.py:train"))
    runner.model.respond = _file_output
    run = cli("train", REF, "-i", "text=x")
    assert run.code == 0, run.err
    assert runner.specs[0].command == TRAIN_COMMAND
    assert runner.model.received[0][0] == "trainings"
    assert (cli.cwd / "weights.png").read_bytes() == PNG


def test_no_output_is_reported(cli: Cli, runner: CogServingRunner) -> None:
    cli.add_local(REF, model_labels())
    runner.model.respond = lambda endpoint, inputs: (200, {"status": "succeeded", "output": None})
    run = cli("run", REF, "-i", "text=x")
    assert run.code == 0
    assert "No output generated" in run.err


@pytest.mark.parametrize(("signum", "code", "line"), SIGNALS, ids=["ctrl-c", "sigterm"])
def test_ctrl_c_while_the_container_starts_is_held_until_it_can_be_removed(
    cli: Cli, runner: CogServingRunner, signum: signal.Signals, code: int, line: str
) -> None:
    cli.add_local(REF, model_labels())
    original = runner.start

    def interrupted_start(spec: ContainerSpec) -> RunningContainer:
        started = original(spec)  # the engine has made the container ...
        signal.raise_signal(signum)  # ... and the signal comes before the handle is ours
        return started

    runner.start = interrupted_start  # type: ignore[method-assign]
    run = cli("run", REF, "-i", "text=x")
    assert run.code == code
    assert run.err.splitlines()[-1] == line
    assert runner.running == {}
    assert runner.model.received == []
