"""The main job through the real `cogmodel`: build, push, inspect, run (predict), train, exec,
serve.

Real everything: the engine, a Distribution registry, the Cog runtime in the image (hermetic
builds on the python:3.11-slim stand-in). The example projects are copied to a temporary
directory; every image and container made here is removed at the end.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import socket
import struct
import time
import urllib.error
import urllib.request
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from domain.reference import ParsedRef
from tests.e2e.cli_support import EXAMPLES, PREFIX, Cogmodel
from tests.infra.registry import DistributionRegistry

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.registry]
BUILD_TIMEOUT = 900


@dataclass
class Project:
    """An example project copied out, and the image built from it."""

    path: Path
    image: str
    image_id: str


def _png(path: Path, width: int = 320, height: int = 200) -> Path:
    rows = b"".join(
        b"\x00" + b"".join(bytes((x % 256, y % 256, 90)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _containers_of(
    client: docker.DockerClient, image_id: str, marker: str | None = None
) -> list[object]:
    """Containers of the image; with ``marker``, only those given ``-e E2E_MARKER=marker``.

    The engine is shared: other test sessions may run containers of the same image id, and a
    container removed between the listing and its inspection is gone, not an error.
    """
    found = client.containers.list(all=True, filters={"ancestor": image_id}, ignore_removed=True)
    if marker is None:
        return list(found)
    wanted = f"E2E_MARKER={marker}"
    return [c for c in found if wanted in (c.attrs.get("Config", {}).get("Env") or [])]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-models")


@pytest.fixture(scope="module")
def cogmodel(workdir: Path) -> Cogmodel:
    return Cogmodel.isolated(workdir / "home")


@pytest.fixture(scope="module")
def names(docker_client: docker.DockerClient) -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    for name in made:
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.images.remove(name, force=True)


def _build(
    cogmodel: Cogmodel, workdir: Path, example: str, names: list[str], python_slim: ParsedRef
) -> Project:
    path = workdir / example
    shutil.copytree(EXAMPLES / example, path)
    image = f"{PREFIX}-{example}-{uuid.uuid4().hex[:8]}"
    names.append(image)
    result = cogmodel("build", "-t", image, "--hermetic", cwd=path, timeout=BUILD_TIMEOUT)
    assert result.code == 0, result.err[-3000:]
    lines = result.out.splitlines()
    assert lines[0] == f"Image built as {image}"
    return Project(path=path, image=image, image_id=lines[1].removeprefix("Image ID: "))


@pytest.fixture(scope="module")
def thumbnail(
    cogmodel: Cogmodel, workdir: Path, names: list[str], python_slim_image: ParsedRef
) -> Project:
    return _build(cogmodel, workdir, "thumbnail", names, python_slim_image)


@pytest.fixture(scope="module")
def vocab(
    cogmodel: Cogmodel, workdir: Path, names: list[str], python_slim_image: ParsedRef
) -> Project:
    return _build(cogmodel, workdir, "vocab", names, python_slim_image)


def test_push_then_inspect_remotely_then_predict(
    cogmodel: Cogmodel,
    thumbnail: Project,
    registry: DistributionRegistry,
    names: list[str],
    tmp_path: Path,
) -> None:
    target = str(registry.ref(registry.new_repository(PREFIX), "v1"))
    names.append(target)
    pushed = cogmodel("push", target, "--hermetic", cwd=thumbnail.path, timeout=BUILD_TIMEOUT)
    assert pushed.code == 0, pushed.err[-3000:]
    digest = pushed.out.splitlines()[-1].removeprefix("Digest: ")
    remote = cogmodel("inspect", "--remote", "--json", target).json()
    assert remote["manifest_digest"] == digest
    assert remote["digest"] == thumbnail.image_id  # the same image id as the local build
    assert remote["openapi_schema"]["components"]["schemas"]["Input"]["required"] == ["image"]

    photo = _png(tmp_path / "photo.png")
    result = cogmodel(
        "run",
        target,
        "-i",
        f"image=@{photo}",
        "-i",
        "size=64",
        "-o",
        "small.png",
        cwd=tmp_path,
        timeout=300,
    )
    assert result.code == 0, result.err[-3000:]
    assert max(_png_size(tmp_path / "small.png")) == 64
    assert "Written output to:" in result.err


def test_predict_json_response_and_rejected_inputs(
    cogmodel: Cogmodel, thumbnail: Project, tmp_path: Path
) -> None:
    photo = _png(tmp_path / "photo.png", 40, 20)
    result = cogmodel(
        "run",
        thumbnail.image,
        "-i",
        f"image=@{photo}",
        "-i",
        "size=16",
        "--json-response",
        cwd=tmp_path,
        timeout=300,
    )
    assert result.code == 0, result.err[-3000:]
    document = result.json()
    assert document["status"] == "succeeded"
    assert Path(document["output"]).suffix == ".png"
    too_big = cogmodel(
        "run",
        thumbnail.image,
        "-i",
        f"image=@{photo}",
        "-i",
        "size=5000",
        cwd=tmp_path,
        timeout=300,
    )
    assert too_big.code == 2, too_big.err[-2000:]
    assert too_big.one_error_line()
    assert too_big.err.splitlines() == ['error: invalid input "size": number must be at most 1024']


def test_run_without_an_image_builds_the_project(
    cogmodel: Cogmodel, thumbnail: Project, names: list[str], tmp_path: Path
) -> None:
    names.append("cog-thumbnail")
    photo = _png(tmp_path / "photo.png", 50, 50)
    result = cogmodel(
        "run",
        "--hermetic",
        "--progress",
        "plain",  # the build is always shown, cached or not
        "-i",
        f"image=@{photo}",
        "-i",
        "size=25",
        "-o",
        str(tmp_path / "out"),
        cwd=thumbnail.path,
        timeout=BUILD_TIMEOUT,
    )
    assert result.code == 0, result.err[-3000:]
    assert "Image built as cog-thumbnail" in result.err
    assert _png_size(tmp_path / "out.png") == (25, 25)


@pytest.mark.parametrize(
    "stop",
    [(signal.SIGINT, 130, "error: interrupted"), (signal.SIGTERM, 143, "error: terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_an_interrupt_during_setup_leaves_no_container(
    cogmodel: Cogmodel,
    thumbnail: Project,
    docker_client: docker.DockerClient,
    tmp_path: Path,
    stop: tuple[signal.Signals, int, str],
) -> None:
    signum, code, line = stop
    photo = _png(tmp_path / "photo.png", 10, 10)
    marker = uuid.uuid4().hex
    process = cogmodel.popen(
        "run",
        thumbnail.image,
        "-i",
        f"image=@{photo}",
        "-e",
        f"E2E_MARKER={marker}",
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 60
    mine = _containers_of(docker_client, thumbnail.image_id, marker)
    while not mine and time.monotonic() < deadline:
        time.sleep(0.05)
        mine = _containers_of(docker_client, thumbnail.image_id, marker)
    assert mine, "no container was started"
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert err.splitlines()[-1] == line
    assert _containers_of(docker_client, thumbnail.image_id, marker) == []


def test_train_saves_the_weights(cogmodel: Cogmodel, vocab: Project, tmp_path: Path) -> None:
    result = cogmodel(
        "train",
        vocab.image,
        "-i",
        "corpus=the cat and the hat",
        "-o",
        str(tmp_path / "weights"),
        cwd=tmp_path,
        timeout=300,
    )
    assert result.code == 0, result.err[-3000:]
    weights = json.loads((tmp_path / "weights.json").read_text())
    assert weights["the"] == 2
    assert json.loads(result.out)["words"] == len(weights)


def test_exec_mounts_the_project_and_returns_the_exit_code(
    cogmodel: Cogmodel, vocab: Project, names: list[str]
) -> None:
    names.append("cog-vocab-base")
    result = cogmodel(
        "exec",
        "--hermetic",
        "python",
        "-c",
        "import os, sys; print(sorted(os.listdir('.'))); sys.exit(3)",
        cwd=vocab.path,
        timeout=BUILD_TIMEOUT,
    )
    assert result.code == 3, result.err[-3000:]
    assert "'cog.yaml'" in result.out
    assert "'train.py'" in result.out


def test_serve_answers_until_ctrl_c(
    cogmodel: Cogmodel, vocab: Project, names: list[str], docker_client: docker.DockerClient
) -> None:
    names.append("cog-vocab-base")
    port = _free_port()
    marker = uuid.uuid4().hex
    process = cogmodel.popen(
        "serve", "--hermetic", "-p", str(port), "-e", f"E2E_MARKER={marker}", cwd=vocab.path
    )
    status = None
    deadline = time.monotonic() + BUILD_TIMEOUT
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/health-check", timeout=2
                ) as r:
                    status = json.loads(r.read())["status"]
                if status == "READY":
                    break
            except (urllib.error.URLError, ConnectionError, ValueError):
                pass
            time.sleep(0.2)
        assert status == "READY", process.stderr.read() if process.poll() is not None else ""
        body = json.dumps({"input": {"text": "hello"}}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/predictions",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert json.loads(answer.read())["status"] in ("succeeded", "failed")
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-3000:]
    base = docker_client.images.get("cog-vocab-base")
    assert _containers_of(docker_client, base.id, marker) == []
