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
    ImageBuilderContract,
    LocalImagesContract,
    ModelFactoryContract,
    RemoteImagesContract,
)
from adapters.contract.local_images import PublishRemote, PushTarget, Seed
from adapters.contract.remote_images import Publish, PublishIndex
from adapters.memory import (
    InMemoryContainerRunner,
    InMemoryImageBuilder,
    InMemoryLocalImages,
    InMemoryModelFactory,
    InMemoryRemoteImages,
)
from domain.cogyaml.models import CogConfig
from domain.image import Image
from domain.image_source import ImageSource
from domain.platform import Platform, parse_platform
from domain.reference import ParsedRef, parse_ref
from domain.source import Source
from tests.contract.fake_shell import fake_shell

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
        return InMemoryContainerRunner(local, fake_shell)

    @pytest.fixture
    def shell_image(self) -> ParsedRef:
        return BUSYBOX


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
