"""`cogmodel predict` through the real process: inputs refused before any container exists,
Cog's `--json` inputs, a remote engine, and a GPU model on an engine without GPUs.

The example model `examples/thumbnail` is built once, with a label no other image has, so its
image id is this module's alone and the engine's events show exactly the containers made of it
(the engine is shared with other test sessions).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import struct
import subprocess
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from domain.reference import ParsedRef
from tests.e2e.cli_support import EXAMPLES, PREFIX, Cogmodel, Result, command
from tests.infra.engine import EngineUnderTest
from tests.infra.remote_engine import RemoteEngine, remote_engine

pytestmark = [pytest.mark.e2e, pytest.mark.docker]
BUILD_TIMEOUT = 900


@dataclass
class Built:
    """A model image built for this module."""

    name: str
    image_id: str
    project: Path


def _png(path: Path, width: int, height: int) -> Path:
    row = b"\x00" + b"\x20\x40\x60" * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    content = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + content + chunk(b"IEND", b""))
    return path


def _png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


@pytest.fixture(scope="module")
def cogmodel(tmp_path_factory: pytest.TempPathFactory) -> Cogmodel:
    return Cogmodel.isolated(tmp_path_factory.mktemp("cli-predict"))


def _build(cogmodel: Cogmodel, where: Path, *, gpu: bool = False) -> Built:
    project = where / "thumbnail"
    shutil.copytree(EXAMPLES / "thumbnail", project)
    extra = []
    if gpu:
        config = project / "cog.yaml"
        config.write_text(config.read_text().replace("build:\n", "build:\n  gpu: true\n"))
        extra = ["--use-cuda-base-image", "false"]  # no CUDA image can be pulled here
    name = f"{PREFIX}-predict-{uuid.uuid4().hex[:8]}"
    label = f"org.cogmodel.e2e={uuid.uuid4().hex}"
    built = cogmodel(
        "build",
        "-t",
        name,
        "--hermetic",
        "--annotation",
        label,
        *extra,
        cwd=project,
        timeout=BUILD_TIMEOUT,
    )
    assert built.code == 0, built.err[-3000:]
    image_id = built.out.splitlines()[1].removeprefix("Image ID: ")
    return Built(name=name, image_id=image_id, project=project)


@pytest.fixture(scope="module")
def thumbnail(
    cogmodel: Cogmodel,
    docker_client: docker.DockerClient,
    python_slim_image: ParsedRef,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Built]:
    built = _build(cogmodel, tmp_path_factory.mktemp("thumbnail"))
    yield built
    with contextlib.suppress(docker.errors.NotFound):
        docker_client.images.remove(built.name, force=True)


def _created(client: docker.DockerClient, image_id: str, since: float) -> int:
    """How many containers of ``image_id`` the engine created from ``since`` until now."""
    events = client.events(
        since=int(since),
        until=int(time.time()) + 1,
        decode=True,
        filters={"type": "container", "event": "create"},
    )
    ids = {image_id, image_id.removeprefix("sha256:")}
    return sum(1 for e in events if e.get("Actor", {}).get("Attributes", {}).get("image") in ids)


@pytest.mark.parametrize(
    "case",
    [
        (
            ["-i", "image=@photo.png", "-i", "siz=64"],
            'error: unknown input "siz" (did you mean "size"?); valid inputs are: format, '
            "grayscale, image, size",
        ),
        (["-i", "size=64"], 'error: missing required input "image"'),
        (
            ["-i", "image=@photo.png", "-i", "size=5000"],
            'error: invalid input "size": number must be at most 1024',
        ),
    ],
    ids=["misspelled", "missing-required", "out-of-range"],
)
def test_wrong_inputs_exit_2_before_any_container_exists(
    cogmodel: Cogmodel,
    thumbnail: Built,
    docker_client: docker.DockerClient,
    tmp_path: Path,
    case: tuple[list[str], str],
) -> None:
    inputs, line = case
    _png(tmp_path / "photo.png", 40, 20)
    since = time.time()
    result = cogmodel("run", thumbnail.name, *inputs, cwd=tmp_path, timeout=120)
    assert result.code == 2, result.err
    assert result.one_error_line()
    assert result.err.splitlines() == [line]  # nothing was started, so nothing else was said
    assert _created(docker_client, thumbnail.image_id, since) == 0


def test_the_events_check_sees_a_container_when_there_is_one(
    cogmodel: Cogmodel, thumbnail: Built, docker_client: docker.DockerClient, tmp_path: Path
) -> None:
    # The check above can fail: a prediction that does start a container is counted.
    _png(tmp_path / "photo.png", 40, 20)
    since = time.time()
    result = cogmodel(
        "run",
        thumbnail.name,
        "-i",
        "image=@photo.png",
        "-i",
        "size=16",
        cwd=tmp_path,
        timeout=300,
    )
    assert result.code == 0, result.err[-3000:]
    assert _created(docker_client, thumbnail.image_id, since) == 1


def test_json_inputs_from_a_file_run_the_model_and_print_the_response(
    cogmodel: Cogmodel, thumbnail: Built, tmp_path: Path
) -> None:
    _png(tmp_path / "photo.png", 60, 30)
    (tmp_path / "inputs.json").write_text(json.dumps({"image": "@photo.png", "size": 30}))
    result = cogmodel("run", thumbnail.name, "--json", "@inputs.json", cwd=tmp_path, timeout=300)
    assert result.code == 0, result.err[-3000:]
    document = result.json()
    assert document["status"] == "succeeded"
    assert _png_size(Path(document["output"])) == (30, 15)


def test_json_inputs_from_stdin(cogmodel: Cogmodel, thumbnail: Built, tmp_path: Path) -> None:
    _png(tmp_path / "photo.png", 20, 40)
    stdin = json.dumps({"image": "@photo.png", "size": 20, "format": "jpeg"})
    result = cogmodel(
        "run",
        thumbnail.name,
        "--json",
        "@-",
        "-o",
        "small",
        cwd=tmp_path,
        timeout=300,
        stdin=stdin,
    )
    assert result.code == 0, result.err[-3000:]
    assert (tmp_path / "small.jpg").read_bytes()[:2] == b"\xff\xd8"


def _in_namespace(cogmodel: Cogmodel, engine: RemoteEngine, argv: list[str], cwd: Path) -> Result:
    done = subprocess.run(
        engine.command([*command(), *argv]),
        env={**cogmodel.env, "DOCKER_HOST": engine.docker_host},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Result(code=done.returncode, out=done.stdout, err=done.stderr)


def test_a_remote_engine_is_reached_at_its_host(
    cogmodel: Cogmodel, thumbnail: Built, docker_engine: EngineUnderTest, tmp_path: Path
) -> None:
    # cogmodel runs in a network namespace whose 127.0.0.1 is not the engine's host: the
    # engine is at tcp://10.213.X.1 (a proxy to its socket), and its published ports are
    # reachable only there. Connecting to 127.0.0.1 (as cogmodel did, and Cog HEAD does)
    # would wait for a model that never answers.
    _png(tmp_path / "photo.png", 50, 50)
    with remote_engine(docker_engine.host) as engine:
        result = _in_namespace(
            cogmodel,
            engine,
            [
                "run",
                thumbnail.name,
                "-i",
                "image=@photo.png",
                "-i",
                "size=25",
                "--setup-timeout",
                "60",
            ],
            tmp_path,
        )
    assert result.code == 0, result.err[-3000:]
    assert _png_size(tmp_path / "output.png") == (25, 25)


def test_wrong_inputs_against_a_remote_engine_exit_2_just_the_same(
    cogmodel: Cogmodel, thumbnail: Built, docker_engine: EngineUnderTest, tmp_path: Path
) -> None:
    with remote_engine(docker_engine.host) as engine:
        result = _in_namespace(cogmodel, engine, ["run", thumbnail.name, "-i", "x=1"], tmp_path)
    assert result.code == 2
    assert result.one_error_line()


def test_a_gpu_model_on_an_engine_without_gpus_warns_and_runs_on_the_cpu(
    cogmodel: Cogmodel,
    docker_client: docker.DockerClient,
    python_slim_image: ParsedRef,
    tmp_path: Path,
) -> None:
    built = _build(cogmodel, tmp_path / "gpu", gpu=True)
    try:
        _png(tmp_path / "photo.png", 30, 30)
        result = cogmodel(
            "run",
            built.name,
            "-i",
            "image=@photo.png",
            "-i",
            "size=16",
            cwd=tmp_path,
            timeout=300,
        )
        assert result.code == 0, result.err[-3000:]
        warnings = [line for line in result.err.splitlines() if line.startswith("warning: ")]
        assert len(warnings) == 1, result.err
        assert "could not give the container a GPU" in warnings[0]
        assert _png_size(tmp_path / "output.png") == (16, 16)
        refused = cogmodel(
            "run",
            built.name,
            "-i",
            "image=@photo.png",
            "--gpus",
            "all",
            cwd=tmp_path,
            timeout=300,
        )
        assert refused.code == 6  # GPUs asked for explicitly are not dropped
        assert refused.one_error_line()
    finally:
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.images.remove(built.name, force=True)
