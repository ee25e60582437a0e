"""End to end: Cog's builds as Cog builds them today (issue 12) on the real engine.

* A Python 3.13 model (the ``python:3.13-slim`` stand-in, Debian 13), built hermetically with
  ``--separate-weights``, whose requirements are three local package artifacts — an sdist, a zip
  with a space in its name, a wheel under ``cog/`` (the shape of Cog's own
  ``local_python_requirement_artifact`` test) — predicts with every one of them installed and its
  weight file in place, copied from its own weights image.
* The same artifacts in a normal build (pip inside the container, through ``COG_CA_CERT``) on
  ``python:3.11-slim``.
* A default outside its own input's constraints fails ``cogmodel build`` before any image is
  made, with Cog's message.

Two model builds in all, to keep CI short: each proves several things.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from adapters.dockerfile import DockerfileFactory
from application.ports.container_runner import ContainerSpec
from domain.labels import LABEL_PIP_FREEZE
from domain.model import Model
from domain.options import BuildOptions
from domain.reference import ParsedRef, parse_ref
from tests.e2e.cli_support import Cogmodel
from tests.e2e.cog_build_support import Engine, build_options, image_name, load_source, serving
from tests.infra import unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

WEIGHT_SIZE = 11 * 1024 * 1024
ANSWER = f"tar package 0.1.0; zip package 0.2.0; wheel package 0.3.0; weights {WEIGHT_SIZE}"
PREDICT = """\
import os
from importlib.metadata import version

from cog import BasePredictor

from local_pkg import MESSAGE as TAR
from local_wheel_pkg import MESSAGE as WHEEL
from local_zip_pkg import MESSAGE as ZIP


class Predictor(BasePredictor):
    def predict(self) -> str:
        weights = os.path.getsize("weights/model.bin") if os.path.exists("weights") else 0
        return (
            f"{TAR} {version('local-pkg')}; {ZIP} {version('local-zip-pkg')}; "
            f"{WHEEL} {version('local-wheel-pkg')}; weights {weights}"
        )
"""
REQUIREMENTS = (
    "./dist/local_pkg-0.1.0.tar.gz\n"
    "./dist/local zip pkg-0.2.0.zip\n"
    "cog/local_wheel_pkg-0.3.0-py3-none-any.whl\n"
)


def _setup_py(name: str, package: str, version: str) -> bytes:
    return (
        f"from setuptools import setup\n"
        f"setup(name={name!r}, version={version!r}, packages=[{package!r}])\n"
    ).encode()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def vendored_project(root: Path, python: str, *, weights: bool) -> Path:
    """A project whose only requirements are three local artifacts, made here from source."""
    project = root / f"vendored-{python}"
    (project / "dist").mkdir(parents=True)
    (project / "cog").mkdir()
    with tarfile.open(project / "dist" / "local_pkg-0.1.0.tar.gz", "w:gz") as tar:
        _add(tar, "local_pkg-0.1.0/setup.py", _setup_py("local-pkg", "local_pkg", "0.1.0"))
        _add(tar, "local_pkg-0.1.0/local_pkg/__init__.py", b'MESSAGE = "tar package"\n')
    with zipfile.ZipFile(project / "dist" / "local zip pkg-0.2.0.zip", "w") as archive:
        archive.writestr("setup.py", _setup_py("local-zip-pkg", "local_zip_pkg", "0.2.0"))
        archive.writestr("local_zip_pkg/__init__.py", 'MESSAGE = "zip package"\n')
    info = "local_wheel_pkg-0.3.0.dist-info"
    with zipfile.ZipFile(project / "cog" / "local_wheel_pkg-0.3.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("local_wheel_pkg/__init__.py", 'MESSAGE = "wheel package"\n')
        wheel.writestr(
            f"{info}/METADATA", "Metadata-Version: 2.1\nName: local-wheel-pkg\nVersion: 0.3.0\n"
        )
        wheel.writestr(
            f"{info}/WHEEL",
            "Wheel-Version: 1.0\nGenerator: cogmodel-test\n"
            "Root-Is-Purelib: true\nTag: py3-none-any\n",
        )
        wheel.writestr(f"{info}/RECORD", "")
    (project / "requirements.txt").write_text(REQUIREMENTS)
    (project / "predict.py").write_text(PREDICT)
    (project / "cog.yaml").write_text(
        f'build:\n  python_version: "{python}"\n  python_requirements: requirements.txt\n'
        'predict: "predict.py:Predictor"\n'
    )
    if weights:
        (project / "weights").mkdir()
        (project / "weights" / "model.bin").write_bytes(bytes(range(256)) * (WEIGHT_SIZE // 256))
    return project


@pytest.fixture(scope="module")
def engine(docker_engine_client: object, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine.make(docker_engine_client, tmp_path_factory.mktemp("wheels"))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def py313(
    engine: Engine, python313_slim_image: ParsedRef, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Model, str]]:
    project = vendored_project(tmp_path_factory.mktemp("py313"), "3.13", weights=True)
    name = image_name("vendored-313")
    options = build_options(name, separate_weights=True)
    try:
        yield engine.resolver(engine.factory()).build(load_source(project), options), name
    finally:
        for made in (name, f"{name}-weights"):
            engine.local.remove(parse_ref(made), force=True)


def _predict(engine: Engine, model: Model) -> object:
    spec = ContainerSpec(image=model.image.image_id, ports={5000: None})  # type: ignore[arg-type]
    with serving(engine, spec) as server:
        status, body = server.post("/predictions", {"input": {}})
    assert (status, body["status"]) == (200, "succeeded"), body
    return body["output"]


def test_a_python_313_model_with_local_artifacts_and_separate_weights_predicts(
    engine: Engine, py313: tuple[Model, str]
) -> None:
    model, _ = py313
    assert _predict(engine, model) == ANSWER
    freeze = model.image.labels[LABEL_PIP_FREEZE]
    assert "local-wheel-pkg @ file:///tmp/local_package_artifacts/cog/" in freeze
    result = engine.runner.run(
        ContainerSpec(image=model.image.image_id, command=("python", "--version"))  # type: ignore[arg-type]
    )
    assert result.stdout.startswith("Python 3.13.")


def test_the_weights_are_their_own_image_and_their_own_layer_of_the_model(
    engine: Engine, py313: tuple[Model, str]
) -> None:
    model, name = py313
    assert engine.resolver(engine.factory()).inspect(parse_ref(name)).image.image_id == (
        model.image.image_id
    )  # one Cog model, inspected as any other
    weights = engine.local.inspect(parse_ref(f"{name}-weights"))
    assert not weights.is_cog_model
    history = docker.from_env().api.history(model.image.image_id)
    # BuildKit records `COPY --from=weights /src/weights /src/weights` as `COPY /src/weights …`.
    copies = [h for h in history if "/src/weights /src/weights" in (h.get("CreatedBy") or "")]
    assert [h["Size"] >= WEIGHT_SIZE for h in copies] == [True]
    source_layer = next(h for h in history if "COPY src /src" in (h.get("CreatedBy") or ""))
    assert 0 < source_layer["Size"] < WEIGHT_SIZE


def test_local_artifacts_install_inside_the_container_in_a_normal_build(
    docker_engine_client: object,
    engine: Engine,
    python_slim_image: ParsedRef,
    tmp_path: Path,
) -> None:
    bundle = Path("/etc/ssl/certs/ca-certificates.crt")
    if not bundle.is_file():
        unavailable(f"{bundle} not found: apt-get install ca-certificates")
    factory = DockerfileFactory(
        builder=engine.builder,
        local=engine.local,
        runner=engine.runner,
        environ={"COG_CA_CERT": str(bundle)},
    )
    project = vendored_project(tmp_path, "3.11", weights=False)
    name = image_name("vendored-311")
    try:
        model = engine.resolver(factory).build(
            load_source(project), BuildOptions(image_name=name, use_cog_base_image=False)
        )
        assert _predict(engine, model) == ANSWER.replace(str(WEIGHT_SIZE), "0")
    finally:
        engine.local.remove(parse_ref(name), force=True)


def test_a_default_outside_its_constraints_fails_the_build_before_any_image(
    docker_engine_client: object, tmp_path: Path
) -> None:
    project = tmp_path / "bad-default"
    project.mkdir()
    (project / "cog.yaml").write_text('build:\n  python_version: "3.13"\npredict: "predict.py:P"\n')
    (project / "predict.py").write_text(
        "from cog import BasePredictor, Input\n"
        "class P(BasePredictor):\n"
        "    def predict(self, num: int = Input(default=1, ge=2)) -> int:\n"
        "        return num\n"
    )
    name = image_name("bad-default")
    cogmodel = Cogmodel.isolated(tmp_path / "home")
    result = cogmodel("build", "-t", name, cwd=project)
    assert result.code == 2, result.err
    assert result.one_error_line()
    assert result.err.splitlines()[-1] == (
        'error: Model schema is invalid: invalid components: schema "Input": '
        "invalid default: number must be at least 2"
    )
    with pytest.raises(LookupError):
        Engine.make(docker_engine_client, tmp_path).local.inspect(parse_ref(name))  # type: ignore[arg-type]
