"""The prediction service on fakes: inputs checked before anything starts, the container's life,
readiness, GPUs, outputs, interrupts."""

from __future__ import annotations

import base64
import threading
from typing import Any

import pytest

from adapters.memory import Job
from adapters.memory.model_api import failed, succeeded
from application.ports.container_runner import GpuRequest
from application.predictor import TRAIN_COMMAND, PredictionOptions
from domain.errors import (
    ContainerError,
    InputValidationError,
    InvalidInputError,
    InvalidLabelError,
    ProtocolError,
)
from domain.prediction import (
    FlagValue,
    HealthStatus,
    LocalFile,
    Mode,
    OutputFile,
    PredictionStatus,
    parse_input_flags,
)
from tests.unit.application.predictor_world import PNG, SCHEMA, Said, World


def _png_answer(job: Job) -> Any:
    return succeeded(job, "data:image/png;base64," + base64.b64encode(PNG).decode())


def test_a_prediction_sends_typed_inputs_and_files_and_returns_the_decoded_output() -> None:
    world = World()
    world.model.respond = _png_answer
    inputs = parse_input_flags(["image=@photo.png", "size=64", "format=jpeg"])
    prediction = world.predictor.run(world.cog_model(), inputs)
    assert prediction.succeeded
    assert prediction.output == OutputFile(content=PNG, media_type="image/png")
    assert world.sent == [
        {
            "image": "data:image/png;base64," + base64.b64encode(PNG).decode(),
            "size": 64,
            "format": "jpeg",
        }
    ]
    assert world.runner.running == {}  # stopped and removed


def test_the_container_runs_the_image_id_with_cogs_port_and_log_level() -> None:
    world = World()
    world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})
    (container,) = world.runner.started
    assert container.spec.image == world.image.image_id
    assert set(container.spec.ports) == {5000}
    assert container.spec.env == {"COG_LOG_LEVEL": "warning"}
    assert container.spec.gpus is None
    assert container.spec.command is None
    assert world.guarded == 1  # the engine created it while interrupts waited


def test_env_reaches_the_container_and_may_set_the_log_level() -> None:
    world = World()
    options = PredictionOptions(env={"COG_LOG_LEVEL": "debug", "X": "1"})
    world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")}, options)
    assert world.runner.started[0].spec.env == {"COG_LOG_LEVEL": "debug", "X": "1"}


@pytest.mark.parametrize(
    ("flags", "problem"),
    [
        (["image=@photo.png", "siz=64"], 'unknown input "siz" (did you mean "size"?)'),
        (["size=64"], 'missing required input "image"'),
        (["image=@photo.png", "size=5000"], 'invalid input "size": number must be at most 1024'),
        (["image=@photo.png", "format=gif"], 'invalid input "format": must be one of: png, jpeg'),
        (["image=@photo.png", "size=big"], 'invalid input "size": expected integer, got string'),
        (["image=@nowhere.png"], 'input "image": cannot read nowhere.png: No such file'),
    ],
)
def test_wrong_inputs_fail_before_any_container_starts(flags: list[str], problem: str) -> None:
    world = World()
    with pytest.raises(InputValidationError) as info:
        world.predictor.run(world.cog_model(), parse_input_flags(flags))
    assert info.value.problems[0].startswith(problem)
    assert world.runner.started == []


def test_every_problem_comes_in_one_error_files_included() -> None:
    world = World()
    flags = ["image=@nowhere.png", "size=0", "siz=1"]
    with pytest.raises(InputValidationError) as info:
        world.predictor.run(world.cog_model(), parse_input_flags(flags))
    assert [p.split(":")[0] for p in info.value.problems] == [
        'unknown input "siz" (did you mean "size"?); valid inputs are',
        'invalid input "size"',
        'input "image"',
    ]


def test_the_file_of_a_misspelled_input_is_not_looked_for() -> None:
    world = World()
    with pytest.raises(InputValidationError) as info:
        world.predictor.run(world.cog_model(), {"imag": LocalFile("nowhere.png")})
    assert not any("nowhere" in problem for problem in info.value.problems)


def test_prepared_inputs_can_be_checked_first_and_run_later() -> None:
    world = World()
    prepared = world.predictor.prepare(world.cog_model(), {"image": LocalFile("photo.png")})
    assert world.runner.started == []
    assert world.predictor.run(world.cog_model(), prepared).succeeded


# --------------------------------------------------------------------------- readiness


@pytest.mark.parametrize(
    "answers",
    [
        (None, HealthStatus.UNKNOWN, HealthStatus.STARTING, HealthStatus.READY),
        (HealthStatus.STARTING, HealthStatus.UNHEALTHY, HealthStatus.BUSY),
    ],
    ids=["starting-then-ready", "busy-counts-as-ready"],
)
def test_the_service_waits_through_the_starting_statuses(answers: tuple[Any, ...]) -> None:
    world = World()
    world.model.health = answers
    assert world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")}).succeeded


@pytest.mark.parametrize("status", [HealthStatus.SETUP_FAILED, HealthStatus.DEFUNCT])
def test_a_failed_setup_is_a_container_error_with_the_last_output(status: HealthStatus) -> None:
    world = World()
    world.model.health = (HealthStatus.STARTING, status)
    with pytest.raises(ContainerError) as info:
        world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})
    assert f"health-check status {status.value}" in str(info.value)
    assert str(info.value).endswith("its last output: setup: done")
    assert info.value.log_tail == ("setup: loading weights", "setup: done")
    assert world.runner.running == {}
    assert world.model.received == []


def test_a_container_that_exits_during_setup_is_a_container_error() -> None:
    world = World()
    world.model.exits_during_setup = True
    world.output_lines = ["Traceback (most recent call last):", "ImportError: no torch"]
    with pytest.raises(ContainerError) as info:
        world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})
    assert "exited before it was ready" in str(info.value)
    assert str(info.value).endswith("ImportError: no torch")


def test_a_model_never_ready_times_out() -> None:
    world = World()
    world.model.health = (HealthStatus.STARTING,)
    options = PredictionOptions(setup_timeout=0.05)
    with pytest.raises(ContainerError) as info:
        world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")}, options)
    assert "not ready within 0.05 s" in str(info.value)
    assert world.runner.running == {}


def test_the_containers_output_is_followed_and_progress_noted() -> None:
    world = World()
    said = Said()
    world.predictor.run(
        world.cog_model(), {"image": LocalFile("photo.png")}, reporter=said.reporter()
    )
    assert said.logs == ["setup: loading weights", "setup: done"]
    assert said.notes == ["Running prediction..."]


# --------------------------------------------------------------------------- schema sources


def test_without_a_schema_label_the_running_models_schema_types_and_checks_the_inputs() -> None:
    world = World(schema=None)
    world.model.schema = SCHEMA
    prediction = world.predictor.run(
        world.cog_model(), parse_input_flags(["image=@photo.png", "size=64"])
    )
    assert prediction.succeeded
    assert world.sent[0]["size"] == 64  # typed by /openapi.json


def test_without_a_schema_label_wrong_inputs_fail_once_the_schema_is_known() -> None:
    world = World(schema=None)
    world.model.schema = SCHEMA
    with pytest.raises(InputValidationError):
        world.predictor.run(world.cog_model(), parse_input_flags(["image=@photo.png", "siz=1"]))
    assert world.model.received == []
    assert world.runner.running == {}


def test_a_model_without_any_schema_gets_the_text_as_given() -> None:
    world = World(schema=None)
    world.predictor.run(
        world.cog_model(), {"size": FlagValue(("64",)), "image": LocalFile("photo.png")}
    )
    assert world.sent[0]["size"] == "64"
    assert str(world.sent[0]["image"]).startswith("data:image/png;base64,")


def test_a_schema_label_of_the_wrong_shape_is_an_invalid_label_naming_the_image() -> None:
    world = World(schema={"components": {"schemas": {"Input": {"properties": []}}}})
    with pytest.raises(InvalidLabelError) as info:
        world.predictor.run(world.cog_model(), {})
    assert info.value.ref == world.image.display_name
    assert world.runner.started == []


def test_a_served_schema_of_the_wrong_shape_is_a_protocol_error() -> None:
    world = World(schema=None)
    world.model.schema = {"components": "nonsense"}
    with pytest.raises(ProtocolError):
        world.predictor.run(world.cog_model(), {})
    assert world.runner.running == {}


# --------------------------------------------------------------------------- answers


def test_a_prediction_that_fails_in_the_model_is_a_result_not_an_error() -> None:
    world = World()
    world.model.respond = lambda job: failed(job, "division by zero")
    prediction = world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})
    assert prediction.status is PredictionStatus.FAILED
    assert prediction.error == "division by zero"


def test_inputs_the_model_refuses_are_invalid_input_and_the_container_is_removed() -> None:
    world = World()

    def refuse(job: Job) -> Any:
        raise InvalidInputError("The inputs you passed could not be validated", reason="422")

    world.model.respond = refuse
    with pytest.raises(InvalidInputError):
        world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})
    assert world.runner.running == {}


def test_a_training_runs_in_train_mode_against_the_training_schema() -> None:
    world = World()
    world.model.respond = lambda job: succeeded(
        job, {"weights": "data:application/json;base64,e30=", "words": 0}
    )
    prediction = world.predictor.run(world.cog_model(), {"corpus": "a b"}, mode=Mode.TRAIN)
    assert world.runner.started[0].spec.command == TRAIN_COMMAND
    assert world.model.received[0].mode is Mode.TRAIN
    assert prediction.output == {
        "weights": OutputFile(content=b"{}", media_type="application/json"),
        "words": 0,
    }
    with pytest.raises(InputValidationError):
        world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")}, mode=Mode.TRAIN)


def test_a_string_output_that_only_looks_like_a_url_stays_a_string() -> None:
    world = World(
        schema={
            **SCHEMA,
            "components": {
                "schemas": {**SCHEMA["components"]["schemas"], "Output": {"type": "string"}}
            },
        }
    )
    world.model.respond = lambda job: succeeded(job, "data: 1, 2, 3")
    prediction = world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})
    assert prediction.output == "data: 1, 2, 3"


def test_a_malformed_file_output_is_a_protocol_error() -> None:
    world = World()
    world.model.respond = lambda job: succeeded(job, "data:image/png;base64,!!!")
    with pytest.raises(ProtocolError):
        world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})


# --------------------------------------------------------------------------- GPUs


def test_a_gpu_model_gets_every_gpu() -> None:
    world = World(build={"python_version": "3.11", "gpu": True})
    world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})
    assert world.runner.started[0].spec.gpus == GpuRequest.ALL


def test_a_gpu_model_on_an_engine_without_gpus_warns_and_runs_without() -> None:
    world = World(build={"python_version": "3.11", "gpu": True})
    world.runner.gpus_available = False
    said = Said()
    prediction = world.predictor.run(
        world.cog_model(), {"image": LocalFile("photo.png")}, reporter=said.reporter()
    )
    assert prediction.succeeded
    assert [c.spec.gpus for c in world.runner.started] == [None]
    assert len(said.warnings) == 1
    assert "running the model without a GPU" in said.warnings[0]
    assert world.guarded == 2


def test_gpus_the_caller_asked_for_are_not_silently_dropped() -> None:
    world = World()
    world.runner.gpus_available = False
    options = PredictionOptions(gpus=GpuRequest(device_ids=("0", "1")))
    with pytest.raises(ContainerError):
        world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")}, options)
    assert world.runner.running == {}


def test_asking_for_no_gpu_overrides_the_models_config() -> None:
    world = World(build={"python_version": "3.11", "gpu": True})
    options = PredictionOptions(gpus=GpuRequest.NONE)
    world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")}, options)
    assert world.runner.started[0].spec.gpus is None


def test_device_ids_and_counts_reach_the_runner() -> None:
    world = World()
    for request in (GpuRequest(device_ids=("0", "1")), GpuRequest(count=2)):
        options = PredictionOptions(gpus=request)
        world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")}, options)
    assert [c.spec.gpus for c in world.runner.started] == [
        GpuRequest(device_ids=("0", "1")),
        GpuRequest(count=2),
    ]


# --------------------------------------------------------------------------- interrupts


def test_an_interrupt_during_the_prediction_cancels_it_and_removes_the_container() -> None:
    world = World()
    cancelled = threading.Event()

    def slow(job: Job) -> Any:
        raise KeyboardInterrupt  # Ctrl-C while the answer is awaited

    world.model.respond = slow
    original = world.api.cancel

    def cancel(address: Any, job_id: str, *, mode: Mode = Mode.PREDICT) -> bool:
        cancelled.set()
        return original(address, job_id, mode=mode)

    world.api.cancel = cancel  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})
    assert cancelled.is_set()
    assert world.runner.running == {}


def test_a_cancelled_job_answers_canceled() -> None:
    world = World()

    def wait_for_cancel(job: Job) -> Any:
        threading.Timer(0.05, lambda: world.api.cancel(_address(world), job.id)).start()
        job.cancelled.wait(5)
        return succeeded(job, None)

    world.model.respond = wait_for_cancel
    prediction = world.predictor.run(world.cog_model(), {"image": LocalFile("photo.png")})
    assert prediction.status is PredictionStatus.CANCELED


def _address(world: World) -> Any:
    from application.ports.model_api import Address

    container = next(iter(world.runner.running.values()))
    return Address(world.runner.published_host, container.host_port(5000))
