"""Podman, the second certified engine: the Docker adapters' contracts against Podman's API.

The same adapters (docker-py under ``adapters/docker``) are pointed at ``podman system service``
(tests/infra/podman.py); nothing in them knows it is Podman. Where Podman differs from Docker
Engine, docs/decisions/0028-podman-second-engine.md lists how; the checks below the contracts
pin the differences that touch the adapters.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from pathlib import Path

import docker
import pytest

from adapters.contract.container_runner import ContainerRunnerContract
from adapters.contract.image_builder import ImageBuilderContract
from adapters.contract.local_images import LocalImagesContract, PublishRemote, PushTarget, Seed
from adapters.docker import (
    DockerContainerRunner,
    DockerEngine,
    DockerImageBuilder,
    DockerLocalImages,
)
from application.ports.container_runner import ContainerSpec
from application.ports.image_builder import BuildRequest
from domain.errors import BuildError, ImageNotFoundError
from domain.reference import ParsedRef, parse_ref
from tests.infra.images import LocalNames, labelled_image
from tests.infra.registry import DistributionRegistry

pytestmark = [pytest.mark.podman, pytest.mark.registry]

PREFIX = "cogmodel-podman-test"


class TestPodmanLocalImages(LocalImagesContract):
    @pytest.fixture
    def backend(self, podman_engine_client: DockerEngine) -> DockerLocalImages:
        return DockerLocalImages(engine=podman_engine_client)

    @pytest.fixture
    def seed(
        self,
        podman_client: docker.DockerClient,
        podman_busybox_image: ParsedRef,
        podman_local_names: LocalNames,
    ) -> Seed:
        def make(labels: Mapping[str, str], name: ParsedRef | None = None) -> ParsedRef:
            text = podman_local_names.fresh("seed") if name is None else f"{name.name}:{name.tag}"
            return labelled_image(podman_client, podman_busybox_image, text, labels)

        return make

    @pytest.fixture
    def missing_ref(self, podman_local_names: LocalNames) -> ParsedRef:
        return parse_ref(podman_local_names.fresh("missing"))

    @pytest.fixture
    def publish_remote(
        self, registry: DistributionRegistry, podman_local_names: LocalNames
    ) -> PublishRemote:
        def publish(labels: Mapping[str, str]) -> ParsedRef:
            ref = registry.push_image(labels).ref
            podman_local_names.add(f"{ref.registry}/{ref.repository}:{ref.tag}")
            return ref

        return publish

    @pytest.fixture
    def push_target(
        self, registry: DistributionRegistry, podman_local_names: LocalNames
    ) -> PushTarget:
        def target() -> ParsedRef:
            ref = registry.ref(registry.new_repository(PREFIX), "v1")
            podman_local_names.add(f"{ref.registry}/{ref.repository}:{ref.tag}")
            return ref

        return target

    def test_names_are_reported_fully_qualified(
        self, backend: DockerLocalImages, seed: Seed
    ) -> None:
        # Docker says "name:tag" for a Docker Hub name; Podman always qualifies it.
        ref = seed({"k": "names"})
        assert backend.inspect(ref).repo_tags == (f"docker.io/{ref.repository}:{ref.tag}",)


class TestPodmanClassicBuilder(ImageBuilderContract):
    @pytest.fixture
    def builder(self, podman_engine_client: DockerEngine) -> DockerImageBuilder:
        return DockerImageBuilder(engine=podman_engine_client)

    @pytest.fixture
    def local_images(self, podman_engine_client: DockerEngine) -> DockerLocalImages:
        return DockerLocalImages(engine=podman_engine_client)

    @pytest.fixture
    def base_image(self, podman_busybox_image: ParsedRef) -> ParsedRef:
        return podman_busybox_image


class TestPodmanContainerRunner(ContainerRunnerContract):
    @pytest.fixture
    def runner(self, podman_engine_client: DockerEngine) -> DockerContainerRunner:
        return DockerContainerRunner(engine=podman_engine_client)

    @pytest.fixture
    def shell_image(self, podman_busybox_image: ParsedRef) -> ParsedRef:
        return podman_busybox_image


# --------------------------------------------------------------------------- differences


def test_a_failed_create_warns_of_nothing_and_leaves_nothing(
    podman_engine_client: DockerEngine,
    podman_client: docker.DockerClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Podman answered the clean-up's 404 in a way that read "image (unnamed) not found locally".
    runner = DockerContainerRunner(engine=podman_engine_client)
    before = {c["Id"] for c in podman_client.api.containers(all=True)}
    missing = parse_ref(f"{PREFIX}/never-built-{uuid.uuid4().hex[:8]}:t")
    with (
        caplog.at_level(logging.WARNING, logger="adapters.docker.containers"),
        pytest.raises(ImageNotFoundError),
    ):
        runner.start(ContainerSpec(image=missing, command=("true",)))
    assert [r for r in caplog.records if r.name == "adapters.docker.containers"] == []
    assert {c["Id"] for c in podman_client.api.containers(all=True)} == before


def test_a_build_error_names_buildahs_step(
    podman_engine_client: DockerEngine, podman_busybox_image: ParsedRef, tmp_path: Path
) -> None:
    builder = DockerImageBuilder(engine=podman_engine_client)
    request = BuildRequest(
        context_dir=tmp_path,
        dockerfile=f"FROM {podman_busybox_image}\nRUN echo fine\nRUN echo last-words; exit 7\n",
    )
    with pytest.raises(BuildError) as info:
        builder.build(request)
    assert info.value.step.startswith("STEP 3/3: RUN")
    assert "last-words" in info.value.log_tail


def test_the_default_builder_on_podman_is_classic_and_says_why(
    podman_engine_client: DockerEngine, caplog: pytest.LogCaptureFixture
) -> None:
    from adapters.docker.auto_builder import PreferBuildKitImageBuilder

    chosen = PreferBuildKitImageBuilder(engine=podman_engine_client)
    assert chosen.name == "classic"
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        "BuildKit is not available (the engine is Podman, whose builds are Buildah's); "
        "building with the classic builder"
    ]
