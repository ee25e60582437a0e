"""ModelApiContract against the real Cog HTTP adapter and the real Cog runtime.

The example model ``examples/vocab`` is built (hermetic, on the python:3.11-slim stand-in) and
run twice on the real engine: serving predictions, and in Cog's train mode. The fake's twin is
``TestInMemoryModelApi`` in tests/contract/test_memory_backends.py.
"""

from __future__ import annotations

import contextlib
import socket
import time
import uuid
from collections.abc import Iterator

import pytest

from adapters.cog_http import CogHttpModelApi
from adapters.contract import ModelApiContract
from adapters.docker import DockerContainerRunner, DockerEngine
from application.ports.container_runner import ContainerSpec
from application.ports.model_api import Address
from application.predictor import COG_PORT, TRAIN_COMMAND
from domain.errors import ImageNotFoundError
from domain.model import Model
from domain.prediction import HealthStatus
from domain.reference import ParsedRef, parse_ref
from tests.e2e.cog_build_support import PREFIX, Engine, build_options, copy_example, load_source

pytestmark = [pytest.mark.e2e, pytest.mark.docker]
READY_TIMEOUT = 120.0


@pytest.fixture(scope="module")
def vocab(
    docker_engine_client: DockerEngine,
    python_slim_image: ParsedRef,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Model]:
    engine = Engine.make(docker_engine_client, tmp_path_factory.mktemp("wheels"))
    project = copy_example("vocab", tmp_path_factory.mktemp("vocab"))
    name = f"{PREFIX}/model-api-{uuid.uuid4().hex[:10]}"
    model = engine.resolver(engine.factory()).build(load_source(project), build_options(name))
    yield model
    with contextlib.suppress(ImageNotFoundError):
        engine.local.remove(parse_ref(name), force=True)


def _serving(
    runner: DockerContainerRunner, model: Model, command: tuple[str, ...] | None
) -> Iterator[Address]:
    image = model.image.image_id
    assert image is not None
    spec = ContainerSpec(
        image=image, command=command, ports={COG_PORT: None}, init=not model.image.has_init
    )
    api = CogHttpModelApi()
    with runner.start(spec) as container:
        address = Address(runner.published_host, container.host_port(COG_PORT))
        deadline = time.monotonic() + READY_TIMEOUT
        while api.health(address) is not HealthStatus.READY:
            assert container.is_running(), container.logs()[-3000:]
            assert time.monotonic() < deadline, container.logs()[-3000:]
            time.sleep(0.2)
        yield address


@pytest.fixture(scope="module")
def predicting(docker_engine_client: DockerEngine, vocab: Model) -> Iterator[Address]:
    yield from _serving(DockerContainerRunner(engine=docker_engine_client), vocab, None)


@pytest.fixture(scope="module")
def training(docker_engine_client: DockerEngine, vocab: Model) -> Iterator[Address]:
    runner = DockerContainerRunner(engine=docker_engine_client)
    yield from _serving(runner, vocab, TRAIN_COMMAND)


class TestCogHttpModelApi(ModelApiContract):
    @pytest.fixture
    def api(self) -> CogHttpModelApi:
        return CogHttpModelApi()

    @pytest.fixture
    def model(self, predicting: Address) -> Address:
        return predicting

    @pytest.fixture
    def trainer(self, training: Address) -> Address:
        return training

    @pytest.fixture
    def silent(self) -> Address:
        with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
            probe.bind(("127.0.0.1", 0))
            return Address("127.0.0.1", int(probe.getsockname()[1]))


def test_the_served_schema_is_the_label_schema(predicting: Address, vocab: Model) -> None:
    # The runtime serves the schema the build wrote (coglet reads .cog/openapi_schema.json):
    # checking inputs against the label before the model starts checks what the model checks.
    served = CogHttpModelApi().openapi(predicting)
    assert served is not None
    assert vocab.schema is not None
    assert served["components"] == vocab.schema["components"]
