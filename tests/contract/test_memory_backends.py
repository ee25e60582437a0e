"""Every contract of the kit against the in-memory fakes.

This is the live twin of the example in docs/backends.md: a backend author writes the same
subclasses for their own adapter.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path

import pytest

from adapters.contract import (
    ContainerRunnerContract,
    CredentialStoreContract,
    ImageBuilderContract,
    InputFilesContract,
    LocalImagesContract,
    ModelApiContract,
    ModelFactoryContract,
    RemoteImagesContract,
)
from adapters.contract.input_files import Seed as SeedFile
from adapters.contract.local_images import PublishRemote, PushTarget, Seed
from adapters.contract.remote_images import Publish, PublishIndex
from adapters.memory import (
    InMemoryContainerRunner,
    InMemoryCredentialStore,
    InMemoryImageBuilder,
    InMemoryInputFiles,
    InMemoryLocalImages,
    InMemoryModelApi,
    InMemoryModelFactory,
    InMemoryRemoteImages,
)
from application.ports.container_runner import ContainerSpec
from application.ports.model_api import Address
from domain.cogyaml.models import CogConfig
from domain.image import Image
from domain.image_source import ImageSource
from domain.platform import Platform, parse_platform
from domain.reference import ParsedRef, parse_ref
from domain.source import Source
from tests.contract.fake_shell import fake_interactive_shell, fake_shell
from tests.contract.vocab_model import vocab_model

_names = itertools.count(1)
AMD64 = parse_platform("linux/amd64")
BUSYBOX = parse_ref("contract/busybox:1")


def _with_busybox(local: InMemoryLocalImages) -> InMemoryLocalImages:
    local.add(Image(reference=BUSYBOX, image_id=None, source=ImageSource.LOCAL))
    return local


def _fresh(prefix: str) -> ParsedRef:
    return parse_ref(f"registry.memory.test/contract/{prefix}:v{next(_names)}")


class TestInMemoryRemoteImages(RemoteImagesContract):
    @pytest.fixture
    def backend(self) -> InMemoryRemoteImages:
        return InMemoryRemoteImages()

    @pytest.fixture
    def publish(self, backend: InMemoryRemoteImages) -> Publish:
        def publish(labels: Mapping[str, str]) -> ParsedRef:
            image = Image(
                reference=_fresh("single"),
                image_id=None,
                source=ImageSource.REMOTE,
                labels=labels,
                platform=AMD64,
            )
            return backend.add(image)

        return publish

    @pytest.fixture
    def publish_index(self, backend: InMemoryRemoteImages) -> PublishIndex:
        def publish_index(entries: list[tuple[Platform, Mapping[str, str]]]) -> ParsedRef:
            images = [
                Image(
                    reference=None,
                    image_id=None,
                    source=ImageSource.REMOTE,
                    labels=labels,
                    platform=platform,
                )
                for platform, labels in entries
            ]
            return backend.add_index(_fresh("index"), images)

        return publish_index  # type: ignore[return-value]

    @pytest.fixture
    def missing_ref(self) -> ParsedRef:
        return _fresh("missing")


class TestInMemoryLocalImages(LocalImagesContract):
    @pytest.fixture
    def registry(self) -> InMemoryRemoteImages:
        return InMemoryRemoteImages()

    @pytest.fixture
    def backend(self, registry: InMemoryRemoteImages) -> InMemoryLocalImages:
        return InMemoryLocalImages(registry=registry)

    @pytest.fixture
    def seed(self, backend: InMemoryLocalImages) -> Seed:
        def seed(labels: Mapping[str, str], name: ParsedRef | None = None) -> ParsedRef:
            ref = name or parse_ref(f"contract/local-{next(_names)}:latest")
            backend.add(
                Image(reference=ref, image_id=None, source=ImageSource.LOCAL, labels=labels)
            )
            return ref

        return seed

    @pytest.fixture
    def missing_ref(self) -> ParsedRef:
        return parse_ref(f"contract/missing-{next(_names)}:latest")

    @pytest.fixture
    def publish_remote(self, registry: InMemoryRemoteImages) -> PublishRemote:
        def publish_remote(labels: Mapping[str, str]) -> ParsedRef:
            image = Image(
                reference=_fresh("pull"),
                image_id=None,
                source=ImageSource.REMOTE,
                labels=labels,
                platform=AMD64,
            )
            return registry.add(image)

        return publish_remote

    @pytest.fixture
    def push_target(self) -> PushTarget:
        return lambda: _fresh("push")


class TestInMemoryImageBuilder(ImageBuilderContract):
    runs_commands = False  # RUN lines are modelled, not executed: build args are not evaluated

    @pytest.fixture(params=[True, False], ids=["buildkit-like", "classic-like"])
    def supports_mounts(self, request: pytest.FixtureRequest) -> bool:
        return bool(request.param)

    @pytest.fixture
    def local_images(self) -> InMemoryLocalImages:
        return _with_busybox(InMemoryLocalImages())

    @pytest.fixture
    def builder(
        self, local_images: InMemoryLocalImages, supports_mounts: bool
    ) -> InMemoryImageBuilder:
        return InMemoryImageBuilder(local_images, supports_mounts=supports_mounts)

    @pytest.fixture
    def base_image(self) -> ParsedRef:
        return BUSYBOX


class TestInMemoryContainerRunner(ContainerRunnerContract):
    serves_network = False  # programs stand in for processes; nothing listens

    @pytest.fixture
    def local(self) -> InMemoryLocalImages:
        return _with_busybox(InMemoryLocalImages())

    @pytest.fixture
    def runner(self, local: InMemoryLocalImages) -> InMemoryContainerRunner:
        runner = InMemoryContainerRunner(local, fake_shell)
        runner.interactive = fake_interactive_shell
        runner.gpus_available = False  # as the engine on these machines
        return runner

    @pytest.fixture
    def shell_image(self) -> ParsedRef:
        return BUSYBOX


class TestInMemoryModelApi(ModelApiContract):
    @pytest.fixture
    def runner(self) -> InMemoryContainerRunner:
        return InMemoryContainerRunner(_with_busybox(InMemoryLocalImages()))

    @pytest.fixture
    def api(self, runner: InMemoryContainerRunner) -> InMemoryModelApi:
        return InMemoryModelApi(runner, vocab_model())

    def _serving(self, runner: InMemoryContainerRunner) -> Address:
        container = runner.start(ContainerSpec(image=BUSYBOX, ports={5000: None}))
        return Address(runner.published_host, container.host_port(5000))

    @pytest.fixture
    def model(self, runner: InMemoryContainerRunner) -> Address:
        return self._serving(runner)

    @pytest.fixture
    def trainer(self, runner: InMemoryContainerRunner) -> Address:
        return self._serving(runner)

    @pytest.fixture
    def silent(self) -> Address:
        return Address("127.0.0.1", 9)


class TestInMemoryInputFiles(InputFilesContract):
    @pytest.fixture
    def files(self) -> InMemoryInputFiles:
        return InMemoryInputFiles()

    @pytest.fixture
    def seed(self, files: InMemoryInputFiles) -> SeedFile:
        def seed(name: str, content: bytes) -> str:
            if name.endswith("/"):
                files.add(f"{name}inside.txt", b"")
                return name.rstrip("/")
            files.add(f"seeded/{name}", content)
            return f"seeded/{name}"

        return seed


class TestInMemoryModelFactory(ModelFactoryContract):
    @pytest.fixture
    def local_images(self) -> InMemoryLocalImages:
        return InMemoryLocalImages()

    @pytest.fixture
    def factory(self, local_images: InMemoryLocalImages) -> InMemoryModelFactory:
        return InMemoryModelFactory(local_images)

    @pytest.fixture
    def project(self, tmp_path: Path) -> Source:
        return Source.from_config(CogConfig(predict="predict.py:Predictor"), tmp_path)


class TestInMemoryCredentialStore(CredentialStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryCredentialStore:
        return InMemoryCredentialStore()

    @pytest.fixture
    def lookup(self, store: InMemoryCredentialStore) -> object:
        return store.lookup
