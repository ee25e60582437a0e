"""End to end: cogmodel builds the examples, and Cog's own runtime serves them.

``examples/thumbnail`` (typed, constrained inputs and a file output, a requirements file) and
``examples/vocab`` (predict and train) are built once per module through the Resolver, with the
BuildKit builder, hermetically, on the ``python:3.11-slim`` stand-in; each is then run with the
ContainerRunner and spoken to over HTTP exactly as Replicate or ``cog predict`` would.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.dockerfile import DockerfileFactory
from application.ports.container_runner import ContainerSpec
from domain.labels import LABEL_CONFIG, LABEL_OPENAPI_SCHEMA, LABEL_PIP_FREEZE, LABEL_VERSION
from domain.model import Model
from domain.reference import ParsedRef, parse_ref
from domain.source import Source
from tests.e2e.cog_build_support import (
    Engine,
    Server,
    build_options,
    copy_example,
    data_uri_bytes,
    image_name,
    load_source,
    serving,
)

pytestmark = [pytest.mark.e2e, pytest.mark.docker]


def png(width: int, height: int) -> bytes:
    """A red RGB PNG, made by hand (no imaging library on the test side)."""
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def png_size_and_colour(data: bytes) -> tuple[int, int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, _, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


class Built:
    """A model built by the factory, its source, and what the build cost."""

    def __init__(self, model: Model, source: Source, factory: DockerfileFactory, name: str) -> None:
        self.model = model
        self.name = name
        self.source = source
        self.builds = factory.settler.builds
        self.runs = factory.settler.runs

    @property
    def image_id(self) -> str:
        assert self.model.image.image_id is not None
        return self.model.image.image_id


@pytest.fixture(scope="module")
def engine(docker_engine_client: object, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine.make(docker_engine_client, tmp_path_factory.mktemp("wheels"))  # type: ignore[arg-type]


def _build(engine: Engine, example: str, workdir: Path) -> Iterator[Built]:
    project = copy_example(example, workdir)
    source = load_source(project)
    name = image_name(example)
    factory = engine.factory()
    model = engine.resolver(factory).build(source, build_options(name))
    try:
        yield Built(model, source, factory, name)
    finally:
        engine.local.remove(parse_ref(name), force=True)


@pytest.fixture(scope="module")
def thumbnail(
    engine: Engine, python_slim_image: ParsedRef, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    yield from _build(engine, "thumbnail", tmp_path_factory.mktemp("thumbnail"))


@pytest.fixture(scope="module")
def thumbnail_server(engine: Engine, thumbnail: Built) -> Iterator[Server]:
    spec = ContainerSpec(image=thumbnail.model.image.image_id, ports={5000: None})  # type: ignore[arg-type]
    with serving(engine, spec) as server:
        yield server


@pytest.fixture(scope="module")
def vocab(
    engine: Engine, python_slim_image: ParsedRef, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    yield from _build(engine, "vocab", tmp_path_factory.mktemp("vocab"))


# --------------------------------------------------------------------------- thumbnail


def test_the_model_reports_ready(thumbnail_server: Server) -> None:
    status, body = thumbnail_server.get("/health-check")
    assert (status, body["status"]) == (200, "READY")
    assert body["setup"]["status"] == "succeeded"


def test_a_prediction_returns_the_thumbnail_file(thumbnail_server: Server) -> None:
    image = "data:image/png;base64," + base64.b64encode(png(64, 32)).decode()
    status, body = thumbnail_server.post(
        "/predictions", {"input": {"image": image, "size": 16, "grayscale": True}}
    )
    assert (status, body["status"]) == (200, "succeeded"), body
    media_type, content = data_uri_bytes(body["output"])
    assert media_type == "image/png"
    assert png_size_and_colour(content) == (16, 8, 0)  # 16x8, colour type 0 = grey


def test_the_input_constraints_of_the_schema_are_enforced(thumbnail_server: Server) -> None:
    status, body = thumbnail_server.post(
        "/predictions", {"input": {"image": "data:image/png;base64,AA==", "size": 4096}}
    )
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "input", "size"]


def test_the_served_schema_is_the_label(thumbnail: Built, thumbnail_server: Server) -> None:
    status, served = thumbnail_server.get("/openapi.json")
    assert status == 200
    assert served == json.loads(thumbnail.model.image.labels[LABEL_OPENAPI_SCHEMA])
    inputs = served["components"]["schemas"]["Input"]["properties"]
    assert (inputs["size"]["minimum"], inputs["size"]["maximum"]) == (16, 1024)


def test_the_schema_file_in_the_image_is_the_label_byte_for_byte(
    engine: Engine, thumbnail: Built
) -> None:
    result = engine.runner.run(
        ContainerSpec(
            image=thumbnail.model.image.image_id,  # type: ignore[arg-type]
            command=("cat", "/src/.cog/openapi_schema.json"),
        )
    )
    assert result.stdout == thumbnail.model.image.labels[LABEL_OPENAPI_SCHEMA]


def test_src_holds_the_project_and_nothing_the_build_generated(
    engine: Engine, thumbnail: Built
) -> None:
    result = engine.runner.run(
        ContainerSpec(image=thumbnail.model.image.image_id, command=("ls", "-A", "/src"))  # type: ignore[arg-type]
    )
    assert sorted(result.stdout.split()) == [".cog", "cog.yaml", "predict.py", "requirements.txt"]


def test_the_labels_round_trip_into_the_model(thumbnail: Built) -> None:
    labels = thumbnail.model.image.labels
    assert thumbnail.model.config == thumbnail.source.config
    assert thumbnail.model.cog_version == labels[LABEL_VERSION] == "0.23.1"
    assert labels[LABEL_CONFIG].startswith('{"build":{"python_version":"3.11"')
    assert thumbnail.model.schema == json.loads(labels[LABEL_OPENAPI_SCHEMA])
    freeze = labels[LABEL_PIP_FREEZE].splitlines()
    assert {"cog==0.23.1", "coglet==0.23.1", "pillow==13.0.0"} <= set(freeze)


def test_a_first_build_costs_two_builds_and_one_run(thumbnail: Built) -> None:
    assert (thumbnail.builds, thumbnail.runs) == (2, 1)


def test_an_unchanged_rebuild_is_one_build_no_run_and_the_same_image(
    engine: Engine, thumbnail: Built
) -> None:
    factory = engine.factory()
    again = engine.resolver(factory).build(thumbnail.source, build_options(thumbnail.name))
    assert (factory.settler.builds, factory.settler.runs) == (1, 0)
    assert again.image.image_id == thumbnail.image_id


# --------------------------------------------------------------------------- vocab


def test_a_trained_model_trains_and_returns_its_weights_file(engine: Engine, vocab: Built) -> None:
    spec = ContainerSpec(
        image=vocab.model.image.image_id,  # type: ignore[arg-type]
        command=("python", "-m", "cog.server.http", "--x-mode", "train"),
        ports={5000: None},
    )
    with serving(engine, spec) as server:
        corpus = "Cog builds models. Cog serves models. Cog trains!"
        status, body = server.post("/trainings", {"input": {"corpus": corpus, "min_count": 2}})
        assert (status, body["status"]) == (200, "succeeded"), body
        assert body["output"]["words"] == 2
        _, weights = data_uri_bytes(body["output"]["weights"])
        assert json.loads(weights) == {"cog": 3, "models": 2}
        status, served = server.get("/openapi.json")
        assert served == json.loads(vocab.model.image.labels[LABEL_OPENAPI_SCHEMA])
        assert "/trainings" in served["paths"]


def test_the_trainable_model_also_predicts(engine: Engine, vocab: Built) -> None:
    spec = ContainerSpec(image=vocab.model.image.image_id, ports={5000: None})  # type: ignore[arg-type]
    with serving(engine, spec) as server:
        status, body = server.post("/predictions", {"input": {"text": "A cog, a model.", "top": 1}})
        assert (status, body["output"]) == (200, ["cog"]), body
        status, served = server.get("/openapi.json")
        assert served == json.loads(vocab.model.image.labels[LABEL_OPENAPI_SCHEMA])
        assert {"/predictions", "/trainings"} <= served["paths"].keys()
