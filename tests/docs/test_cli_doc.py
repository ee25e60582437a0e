"""docs/cli.md runs: every ``$ cogmodel …`` example prints exactly what the page shows.

The examples run in-process against the in-memory backends, seeded with the example model
``examples/thumbnail`` as cogmodel would build it (its real config label and its real OpenAPI
schema, generated from predict.py) in a registry ``127.0.0.1:5000``; model containers play the
in-memory Cog model (``adapters/memory/model_api.py``), which returns a thumbnail. Each
```console block is one session in a fresh copy of the project directory, with ``photo.jpg``
and ``inputs.json`` added. In an expected output, ``...`` stands for any text; a comment
``# exit N`` after a command asserts its exit code (otherwise 0). What is compared is what a
terminal shows: stdout and stderr, interleaved as written.
"""

from __future__ import annotations

import io
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from dependency_injector import providers

from adapters.cli.context import Context
from adapters.cli.main import main
from adapters.container import Container, create_container
from adapters.dockerfile import DockerfileFactory
from adapters.filesystem import load_source
from adapters.memory import InMemoryImageBuilder
from adapters.memory.model_api import Job, succeeded
from application.ports.container_runner import ContainerSpec, RunResult
from domain.cogyaml.label import config_to_label
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG, LABEL_OPENAPI_SCHEMA, LABEL_VERSION
from domain.openapi import encode, openapi_schema
from domain.platform import parse_platform
from domain.prediction import PredictionResponse, data_url
from domain.reference import parse_ref

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "cli.md"
EXAMPLE = ROOT / "examples" / "thumbnail"
IMAGE = "127.0.0.1:5000/acme/thumbnail:1"
THUMBNAIL = b"\x89PNG\r\n\x1a\n(a 64x40 thumbnail)"


@dataclass
class Example:
    command: list[str]
    expected: str
    exit_code: int
    line: int
    stdin: str | None = None


def _blocks(text: str) -> list[list[Example]]:
    blocks = []
    for match in re.finditer(r"```console\n(.*?)```", text, flags=re.DOTALL):
        start = text[: match.start()].count("\n") + 2
        examples: list[Example] = []
        for offset, line in enumerate(match.group(1).splitlines()):
            if line.startswith("$ "):
                command, _, comment = line[2:].partition("  # exit ")
                stdin = None
                piped = re.fullmatch(r"echo (\S+) \| (.*)", command)
                if piped is not None:  # `echo WORD | cogmodel …`: WORD on stdin
                    stdin, command = piped.group(1) + "\n", piped.group(2)
                examples.append(
                    Example(shlex.split(command), "", int(comment or 0), start + offset, stdin)
                )
            elif examples:
                examples[-1].expected += line + "\n"
        blocks.append(examples)
    return blocks


def _matches(expected: str, actual: str) -> bool:
    pattern = ".*?".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual, flags=re.DOTALL) is not None


def _labels() -> dict[str, str]:
    source = load_source("cog.yaml", EXAMPLE)
    assert source.config is not None
    predict_py = (EXAMPLE / "predict.py").read_text()
    schema = openapi_schema(predict_py, "Predictor", file="predict.py")
    return {
        LABEL_CONFIG: config_to_label(source.config),
        LABEL_OPENAPI_SCHEMA: encode(schema).decode(),
        LABEL_VERSION: "0.23.1",
    }


def _model(job: Job) -> PredictionResponse:
    return succeeded(job, data_url(THUMBNAIL, "image/png"))


def _program(spec: ContainerSpec) -> RunResult:
    """Model containers say nothing; `run python --version` says its version."""
    said = "Python 3.11.2\n" if spec.command == ("python", "--version") else ""
    return RunResult(exit_code=0, stdout=said, stderr="")


def _world(*, dockerfile_factory: bool = False) -> Container:
    """The memory world; with ``dockerfile_factory``, builds are planned by the real Dockerfile
    factory (on the in-memory engine), so ``debug`` shows the Dockerfile cogmodel generates."""
    container = create_container({"backend": "memory"})
    if dockerfile_factory:
        local = container.local_images()
        container.model_factory.override(
            providers.Object(
                DockerfileFactory(
                    builder=InMemoryImageBuilder(local, name="buildkit", supports_mounts=True),
                    local=local,
                    runner=container.container_runner(),
                    remote=container.remote_images(),
                )
            )
        )
    image = Image(
        reference=parse_ref(IMAGE),
        image_id=None,
        source=ImageSource.REMOTE,
        labels=_labels(),
        platform=parse_platform("linux/amd64"),
    )
    container.remote_images().add(image)
    container.container_runner().program = _program
    container.model_api().model.respond = _model
    return container


def _run(
    container: Container, cwd: Path, argv: list[str], stdin: str | None = None
) -> tuple[int, str]:
    """Exit code and what a terminal shows: stdout and stderr interleaved as written."""
    terminal = io.StringIO()
    context = Context(
        env={},
        stdout=terminal,
        stderr=terminal,
        cwd=cwd,
        container=container,
        stdin=io.StringIO(stdin) if stdin is not None else None,
    )
    code = main(argv, context=context)
    return code, terminal.getvalue()


BLOCKS = _blocks(DOC.read_text())


def test_the_page_documents_every_command() -> None:
    documented = {example.command[1] for block in BLOCKS for example in block}
    commands = {
        "build",
        "push",
        "inspect",
        "pull",
        "run",
        "predict",
        "train",
        "exec",
        "serve",
        "init",
        "login",
        "debug",
        "ref",
    }
    assert commands <= documented


@pytest.mark.parametrize("block", BLOCKS, ids=[f"line-{b[0].line}" for b in BLOCKS if b])
def test_each_example_prints_what_the_page_shows(block: list[Example], tmp_path: Path) -> None:
    project = tmp_path / "thumbnail"
    shutil.copytree(EXAMPLE, project)
    (project / "photo.jpg").write_bytes(b"\xff\xd8\xff(a photo)")
    (project / "inputs.json").write_text('{"image": "@photo.jpg", "size": 64}')
    container = _world(dockerfile_factory=any(e.command[1:2] == ["debug"] for e in block))
    for example in block:
        assert example.command[0] == "cogmodel", f"line {example.line}"
        code, shown = _run(container, project, example.command[1:], example.stdin)
        assert code == example.exit_code, f"line {example.line}: exit {code}\n{shown}"
        assert _matches(example.expected, shown), (
            f"docs/cli.md line {example.line}: {' '.join(example.command)}\n"
            f"--- the page shows\n{example.expected}--- the command printed\n{shown}"
        )
