"""DockerfileFactory on in-memory ports: separate weights, SDK sources, local artifacts,
concurrency, schema validation and ``cog_runtime`` (issue 12)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from adapters.dockerfile.separate_weights import MANIFEST
from adapters.dockerfile.weights import SIZE_THRESHOLD
from domain.errors import ConfigError, SchemaError
from domain.labels import LABEL_CONFIG, LABEL_OPENAPI_SCHEMA, LABEL_VERSION
from domain.openapi import SchemaErrorKind
from domain.options import BuildOptions
from domain.reference import parse_ref
from tests.unit.adapters.dockerfile_fakes import World

NO_COG_BASE = BuildOptions(use_cog_base_image=False)
WEIGHTS = BuildOptions(use_cog_base_image=False, separate_weights=True)
ASYNC_PREDICT = """
import cog

class Predictor(cog.BasePredictor):
    @cog.concurrent(max=4)
    async def predict(self, s: str) -> str: ...
"""


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def big_file(path: Path, size: int = SIZE_THRESHOLD) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)  # sparse: large without costing the disk


# --------------------------------------------------------------------------- separate weights


def test_separate_weights_build_a_weights_image_then_a_model_that_copies_from_it(
    world: World,
) -> None:
    big_file(world.project / "models" / "sd.safetensors")
    big_file(world.project / "root.ckpt")
    image = world.factory().build(world.source(), WEIGHTS)
    weights, model = world.builder.requests[0], world.builder.requests[1]
    assert weights.tags == ("index.docker.io/library/cog-my-model-weights:latest",)
    assert weights.dockerfile == (
        "FROM scratch\n\nCOPY src/models /src/models\nCOPY src/root.ckpt /src/root.ckpt"
    )
    assert sorted(weights.files) == ["src/models/sd.safetensors", "src/root.ckpt"]
    assert model.dockerfile.startswith("FROM cog-my-model-weights AS weights\nFROM python:3.11")
    assert "COPY --from=weights /src/models /src/models\n" in model.dockerfile
    assert "COPY --from=weights /src/root.ckpt /src/root.ckpt\n" in model.dockerfile
    assert not any(name.startswith(("src/models", "src/root.ckpt")) for name in model.files)
    assert "src/predict.py" in model.files
    ignored = model.files[".dockerignore"].decode().splitlines()
    assert ignored == ["src/models", "src/models/**/*", "src/root.ckpt"]
    assert image.is_cog_model
    assert json.loads((world.project / MANIFEST).read_text())["files"].keys() == {
        "models/sd.safetensors",
        "root.ckpt",
    }


def test_unchanged_weights_are_not_built_again_changed_ones_are(world: World) -> None:
    big_file(world.project / "models" / "w.bin")
    world.factory().build(world.source(), WEIGHTS)
    builds = len(world.builder.requests)
    world.factory().build(world.source(), WEIGHTS)
    assert all("FROM scratch" not in r.dockerfile for r in world.builder.requests[builds:])
    with (world.project / "models" / "w.bin").open("r+b") as handle:
        handle.write(b"new weights")
    builds = len(world.builder.requests)
    world.factory().build(world.source(), WEIGHTS)
    assert world.builder.requests[builds].dockerfile.startswith("FROM scratch")


def test_a_removed_weights_image_is_built_again(world: World) -> None:
    big_file(world.project / "w.bin")
    world.factory().build(world.source(), WEIGHTS)
    world.local.remove(parse_ref("cog-my-model-weights"), force=True)
    builds = len(world.builder.requests)
    world.factory().build(world.source(), WEIGHTS)
    assert world.builder.requests[builds].dockerfile.startswith("FROM scratch")


def test_without_weights_separate_weights_builds_one_image(world: World) -> None:
    world.factory().build(world.source(), WEIGHTS)
    assert all("FROM scratch" not in r.dockerfile for r in world.builder.requests)
    assert "AS weights" not in world.builder.requests[0].dockerfile


def test_an_ignored_large_file_is_no_weight(world: World) -> None:
    big_file(world.project / "data" / "cache.bin")
    (world.project / ".dockerignore").write_text("data\n")
    world.factory().build(world.source(), WEIGHTS)
    assert "AS weights" not in world.builder.requests[0].dockerfile


# --------------------------------------------------------------------------- SDK sources


def test_cog_sdk_wheel_feeds_the_schemas_sdk_gate(world: World) -> None:
    world.environ["COG_SDK_WHEEL"] = "pypi:0.16.5"
    with pytest.raises(SchemaError) as info:
        world.factory().build(world.source(), NO_COG_BASE)
    assert info.value.kind == SchemaErrorKind.SDK_TOO_OLD
    assert world.builder.requests == []


def test_cog_sdk_wheel_wins_over_sdk_version_everywhere(world: World) -> None:
    cog_yaml = (
        (world.project / "cog.yaml")
        .read_text()
        .replace("build:\n", 'build:\n  sdk_version: "0.16.0"\n')
    )
    world.environ["COG_SDK_WHEEL"] = "pypi:0.18.0-rc1"
    image = world.factory().build(world.source(cog_yaml), NO_COG_BASE)
    assert "pip install --pre cog==0.18.0rc1" in world.builder.requests[0].dockerfile
    assert image.labels[LABEL_VERSION] == "0.18.0rc1"
    assert json.loads(image.labels[LABEL_OPENAPI_SCHEMA])["info"]["version"] == "0.18.0rc1"


def test_the_schema_gate_speaks_before_the_runtimes_minimum_as_in_cog(world: World) -> None:
    cog_yaml = (
        (world.project / "cog.yaml")
        .read_text()
        .replace("build:\n", 'build:\n  sdk_version: "0.15.0"\n')
    )
    with pytest.raises(SchemaError) as info:
        world.factory().build(world.source(cog_yaml), NO_COG_BASE)
    assert info.value.kind == SchemaErrorKind.SDK_TOO_OLD


# --------------------------------------------------------------------------- local artifacts


def test_local_artifacts_are_staged_and_their_lines_rewritten(world: World) -> None:
    (world.project / "dist").mkdir()
    (world.project / "dist" / "local_pkg-0.1.0.tar.gz").write_bytes(b"sdist")
    (world.project / "cog").mkdir()
    (world.project / "cog" / "helper-0.1.0-py3-none-any.whl").write_bytes(b"wheel")
    (world.project / "requirements.txt").write_text(
        "./dist/local_pkg-0.1.0.tar.gz\ncog/helper-0.1.0-py3-none-any.whl\nnumpy==2.1.0\n"
    )
    world.factory().build(world.source(), NO_COG_BASE)
    build = world.builder.requests[0]
    assert build.files["cog/requirements.txt"].decode() == (
        "/tmp/local_package_artifacts/dist/local_pkg-0.1.0.tar.gz\n"
        "/tmp/local_package_artifacts/cog/helper-0.1.0-py3-none-any.whl\n"
        "numpy==2.1.0"
    )
    assert build.files["cog/local_package_artifacts/dist/local_pkg-0.1.0.tar.gz"] == b"sdist"
    assert "RUN pip uninstall -y cog coglet\n" in build.dockerfile


def test_a_missing_local_artifact_fails_before_any_build(world: World) -> None:
    (world.project / "requirements.txt").write_text("./dist/missing-1.0.tar.gz\n")
    with pytest.raises(ConfigError):
        world.factory().build(world.source(), NO_COG_BASE)
    assert world.builder.requests == []


# --------------------------------------------------------------------------- concurrency


def test_the_decorators_concurrency_reaches_the_label_and_the_environment(world: World) -> None:
    (world.project / "predict.py").write_text(ASYNC_PREDICT)
    image = world.factory().build(world.source(), NO_COG_BASE)
    assert json.loads(image.labels[LABEL_CONFIG])["concurrency"] == {"max": 4}
    assert "ENV COG_MAX_CONCURRENCY=4\n" in world.builder.requests[0].dockerfile


def test_concurrency_for_a_sync_predict_is_refused_before_any_build(world: World) -> None:
    cog_yaml = (world.project / "cog.yaml").read_text() + "concurrency:\n  max: 2\n"
    with pytest.raises(ConfigError) as info:
        world.factory().build(world.source(cog_yaml), NO_COG_BASE)
    assert info.value.field == "concurrency.max"
    assert world.builder.requests == []


def test_a_users_dockerfile_gets_cogs_concurrency_environment(world: World) -> None:
    (world.project / "predict.py").write_text(ASYNC_PREDICT)
    (world.project / "Dockerfile").write_text("FROM python:3.11-slim\n")
    options = BuildOptions(dockerfile_file=str(world.project / "Dockerfile"))
    world.factory().build(world.source(), options)
    assert "\nENV COG_MAX_CONCURRENCY=4\n" in world.builder.requests[1].dockerfile


# --------------------------------------------------------------------------- schema, cog_runtime


def test_a_default_outside_its_constraints_fails_before_any_image_is_tagged(world: World) -> None:
    (world.project / "predict.py").write_text(
        "from cog import BasePredictor, Input\n"
        "class Predictor(BasePredictor):\n"
        "    def predict(self, num: int = Input(default=1, ge=2)) -> int: ...\n"
    )
    with pytest.raises(SchemaError) as info:
        world.factory().build(world.source(), NO_COG_BASE)
    assert info.value.kind == SchemaErrorKind.INVALID_SCHEMA
    assert world.builder.requests == []
    with pytest.raises(LookupError):
        world.local.inspect(parse_ref("cog-my-model"))


def test_a_given_schema_file_is_validated_too(world: World, tmp_path: Path) -> None:
    bad = {
        "components": {"schemas": {"Input": {"properties": {"c": {"enum": ["a"], "default": "b"}}}}}
    }
    given = tmp_path / "schema.json"
    given.write_text(json.dumps(bad))
    with pytest.raises(SchemaError):
        world.factory().build(world.source(), BuildOptions(schema_file=str(given)))


def test_cog_runtime_true_is_ignored_with_a_warning_saying_why(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    cog_yaml = (
        (world.project / "cog.yaml")
        .read_text()
        .replace("build:\n", "build:\n  cog_runtime: true\n")
    )
    with caplog.at_level(logging.WARNING):
        world.factory().build(world.source(cog_yaml), NO_COG_BASE)
    (warning,) = [r for r in caplog.records if "cog_runtime" in r.getMessage()]
    assert "ignored" in warning.getMessage()
    assert "pip install cog==0.23.1" in world.builder.requests[0].dockerfile
