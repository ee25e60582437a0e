"""`cogmodel build`, `push`, `run` and `serve` against the in-memory backends."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from dependency_injector import providers

from adapters.cli.commands.environment import SERVE_COMMAND
from adapters.memory import InMemoryContainerRunner
from application.ports.container_runner import ContainerSpec, RunResult, VolumeMount
from domain.cogyaml.models import CogConfig
from domain.labels import LABEL_OPENAPI_SCHEMA
from tests.unit.cli.conftest import MODEL_SCHEMA, Cli, simple_loader
from tests.unit.cli.fake_cog import CogServingRunner, FakeModel

TARGET = "127.0.0.1:5000/acme/hello"


def _config(**extra: object) -> CogConfig:
    return CogConfig.model_validate(
        {"build": {"python_version": "3.11"}, "predict": "predict.py:Predictor", **extra}
    )


def test_build_names_the_image_after_the_directory(cli: Cli) -> None:
    run = cli("build")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "Image built as cog-hello-model"
    assert lines[1].startswith("Image ID: sha256:")
    assert cli("inspect", "--local", "cog-hello-model").code == 0


def test_build_tag_wins_over_the_config_image(cli: Cli) -> None:
    cli.load_source = simple_loader(_config(image="from-config"))
    assert cli("build").out.startswith("Image built as from-config\n")
    assert cli("build", "-t", "from-flag:v1").out.startswith("Image built as from-flag:v1\n")


def test_build_options_reach_the_factory(cli: Cli) -> None:
    (cli.cwd / "schema.json").write_text(json.dumps(MODEL_SCHEMA))
    run = cli(
        "build",
        "-t",
        "annotated",
        "--openapi-schema",
        "schema.json",
        "--annotation",
        "org.example.team=vision",
    )
    assert run.code == 0, run.err
    labels = cli("inspect", "--local", "annotated", "--json").json()["labels"]
    assert labels["org.example.team"] == "vision"
    assert json.loads(labels[LABEL_OPENAPI_SCHEMA]) == MODEL_SCHEMA


@pytest.mark.parametrize(
    "argv",
    [
        ["--annotation", "no-equals"],
        ["--secret", "src=only"],
        ["--openapi-schema", "missing.json"],
        ["--dockerfile", "Dockerfile", "--use-cog-base-image"],
        ["--use-cuda-base-image", "maybe"],
        ["-t", "Bad/Name"],
    ],
)
def test_bad_build_flags_exit_2(cli: Cli, argv: list[str]) -> None:
    (cli.cwd / "Dockerfile").write_text("FROM scratch\n")
    run = cli("build", *argv)
    assert run.code == 2, run.err
    assert run.err.count("\n") == 1


def test_a_failed_build_exits_6(cli: Cli) -> None:
    from domain.errors import BuildError

    cli.container.model_factory().fail_next(BuildError("RUN pip install failed", step="RUN"))
    run = cli("build")
    assert run.code == 6
    assert "RUN pip install failed" in run.err


def test_push_builds_and_pushes_and_prints_the_digest(cli: Cli) -> None:
    run = cli("push", TARGET, "--progress", "plain")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == f"Image built as {TARGET}"
    assert lines[2] == f"Pushed {TARGET}:latest"
    digest = lines[3].removeprefix("Digest: ")
    remote = cli("inspect", "--remote", TARGET, "--json").json()
    assert remote["manifest_digest"] == digest


def test_push_takes_the_name_from_the_config(cli: Cli) -> None:
    cli.load_source = simple_loader(_config(image=TARGET))
    assert cli("push").code == 0
    assert cli("inspect", "--remote", TARGET).code == 0


def test_push_without_a_name_is_invalid_input(cli: Cli) -> None:
    run = cli("push")
    assert run.code == 2
    assert "set the 'image' option in cog.yaml" in run.err


def test_push_to_replicate_prints_the_model_page(cli: Cli) -> None:
    run = cli("push", "r8.im/acme/hello")
    assert run.code == 0, run.err
    assert run.out.splitlines()[-1] == "Run it at https://replicate.com/acme/hello"


def _program(spec: ContainerSpec) -> RunResult:
    return RunResult(exit_code=3, stdout="ran " + " ".join(spec.command or ()) + "\n", stderr="")


def test_exec_mounts_the_project_and_returns_the_command_exit_code(cli: Cli) -> None:
    runner: InMemoryContainerRunner = cli.container.container_runner()
    seen: list[ContainerSpec] = []
    runner.program = lambda spec: (seen.append(spec), _program(spec))[1]
    run = cli("exec", "-p", "8888", "-e", "A=1", "python", "train.py", "--epochs", "2")
    assert run.code == 3
    assert run.out == "ran python train.py --epochs 2\n"
    spec = seen[0]
    assert spec.command == ("python", "train.py", "--epochs", "2")
    assert spec.volumes == (VolumeMount(host_path=str(cli.cwd.resolve()), container_path="/src"),)
    assert spec.workdir == "/src"
    assert dict(spec.ports) == {8888: 8888}
    assert dict(spec.port_hosts) == {}  # 127.0.0.1, where the engine publishes
    assert spec.env["A"] == "1"
    assert spec.env["COG_PREDICT_TYPE_STUB"] == "predict.py:Predictor"
    assert [c.removed for c in runner.attached] == [True]
    assert cli("inspect", "--local", "cog-hello-model-base").code == 4  # the dev image: no labels


def test_exec_passes_stdin_to_the_command(cli: Cli) -> None:
    runner: InMemoryContainerRunner = cli.container.container_runner()
    runner.interactive = lambda spec, stdin: RunResult(
        exit_code=0, stdout=stdin.decode().upper(), stderr="to stderr\n"
    )
    run = cli("exec", "cat", stdin="hello\n")
    assert (run.code, run.out) == (0, "HELLO\n")
    assert run.err.endswith("to stderr\n")
    assert runner.attached[0].spec.command == ("cat",)


@pytest.mark.parametrize(
    ("value", "ports", "hosts"),
    [
        ("8000", {8000: 8000}, {}),
        ("0.0.0.0:8000", {8000: 8000}, {8000: "0.0.0.0"}),
        ("[::1]:8000", {8000: 8000}, {8000: "::1"}),
        ("::1:8000", {8000: 8000}, {8000: "::1"}),
    ],
)
def test_exec_publishes_ports_in_cogs_forms(
    cli: Cli, value: str, ports: dict[int, int], hosts: dict[int, str]
) -> None:
    runner: InMemoryContainerRunner = cli.container.container_runner()
    assert cli("exec", "-p", value, "true").code == 0
    spec = runner.attached[0].spec
    assert (dict(spec.ports), dict(spec.port_hosts)) == (ports, hosts)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("", "value cannot be empty"),
        ("[::1", "missing closing bracket for IPv6 address"),
        ("[::1]", "port is required after IPv6 address"),
        ("[::1]8000", "expected ':' after ']'"),
        (":8000", "host cannot be empty"),
        ("0.0.0.0:99999", "port must be between 1 and 65535"),
    ],
)
def test_exec_refuses_a_bad_port_in_cogs_words(cli: Cli, value: str, why: str) -> None:
    run = cli("exec", "-p", value, "true")
    assert run.code == 2
    assert run.err == f'error: invalid port "{value}": {why}\n'


def test_exec_without_a_command_is_invalid_input(cli: Cli) -> None:
    assert cli("exec").code == 2


@pytest.mark.parametrize(
    "argv",
    [["exec", "--dockerfile", "Dockerfile", "python"], ["serve", "--dockerfile", "Dockerfile"]],
)
def test_exec_and_serve_refuse_a_dockerfile_they_could_not_use(cli: Cli, argv: list[str]) -> None:
    (cli.cwd / "Dockerfile").write_text("FROM scratch\n")
    run = cli(*argv)
    assert run.code == 2  # their dev image is always generated from cog.yaml
    assert run.err.count("\n") == 1


def test_serve_publishes_the_port_and_runs_cog_server(cli: Cli) -> None:
    runner = CogServingRunner(cli.local, FakeModel(logs=["serving on 5000"]))
    cli.container.container_runner.override(providers.Object(runner))
    run = cli("serve", "-p", "9000")
    assert run.code == 0, run.err
    spec = runner.specs[0]
    assert dict(spec.ports) == {5000: 9000}
    assert spec.command == SERVE_COMMAND
    assert spec.workdir == "/src"
    assert "http://127.0.0.1:9000" in run.err
    assert runner.running == {}


def test_ctrl_c_stops_serve_cleanly(cli: Cli) -> None:
    def interrupted() -> Iterator[str]:
        yield "serving"
        raise KeyboardInterrupt

    runner = CogServingRunner(cli.local)
    cli.container.container_runner.override(providers.Object(runner))
    runner.model.logs = []
    original = runner.start

    def start(spec: ContainerSpec):  # type: ignore[no-untyped-def]
        served = original(spec)
        served.follow_logs = interrupted  # type: ignore[method-assign]
        return served

    runner.start = start  # type: ignore[method-assign]
    run = cli("serve")
    assert run.code == 0
    assert runner.running == {}


class _RemoteRunner(InMemoryContainerRunner):
    """An engine on another machine: ports are published on its host."""

    @property
    def published_host(self) -> str:
        return "gpu-box.example"

    @property
    def is_local(self) -> bool:
        return False


def test_serve_on_a_remote_engine_warns_that_the_port_is_not_on_this_machine(cli: Cli) -> None:
    runner = _RemoteRunner(cli.local)
    cli.container.container_runner.override(providers.Object(runner))
    run = cli("serve", "-p", "9000")
    assert run.code == 0, run.err
    lines = run.err.splitlines()
    warnings = [line for line in lines if line.startswith("warning: ")]
    assert len(warnings) == 1
    assert "not on this machine" in warnings[0]
    assert "http://gpu-box.example:9000" in run.err
    assert cli("serve").code == 0
    local = InMemoryContainerRunner(cli.local)
    cli.container.container_runner.override(providers.Object(local))
    assert "warning" not in cli("serve").err


def test_exec_of_a_gpu_model_on_an_engine_without_gpus_warns_and_runs_without(cli: Cli) -> None:
    cli.load_source = simple_loader(_config(build={"python_version": "3.11", "gpu": True}))
    runner: InMemoryContainerRunner = cli.container.container_runner()
    runner.gpus_available = False
    runner.program = _program
    run = cli("exec", "python", "x.py")
    assert run.code == 3, run.err
    assert sum(line.startswith("warning: ") for line in run.err.splitlines()) == 1
    assert [c.spec.gpus for c in runner.attached] == [None]
    assert cli("exec", "--gpus", "all", "python", "x.py").code == 6  # asked for: no fallback
