"""DockerLocalImages against the real engine: the contract kit, and Docker's own naming rules."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import docker
import docker.errors
import pytest

from adapters.contract.local_images import LocalImagesContract, PublishRemote, PushTarget, Seed
from adapters.docker import DockerEngine, DockerLocalImages
from domain.digest import ImageId
from domain.errors import BackendError, ImageNotFoundError
from domain.image_source import ImageSource
from domain.platform import Platform
from domain.reference import ParsedRef, parse_ref
from tests.infra.images import LocalNames, labelled_image
from tests.infra.registry import DistributionRegistry

pytestmark = [pytest.mark.docker, pytest.mark.registry]

PREFIX = "cogmodel-docker-test"


class TestDockerLocalImages(LocalImagesContract):
    @pytest.fixture
    def backend(self, docker_engine_client: DockerEngine) -> DockerLocalImages:
        return DockerLocalImages(engine=docker_engine_client)

    @pytest.fixture
    def seed(
        self, docker_client: docker.DockerClient, busybox_image: ParsedRef, local_names: LocalNames
    ) -> Seed:
        def make(labels: Mapping[str, str], name: ParsedRef | None = None) -> ParsedRef:
            text = local_names.fresh("seed") if name is None else f"{name.name}:{name.tag}"
            return labelled_image(docker_client, busybox_image, text, labels)

        return make

    @pytest.fixture
    def missing_ref(self, local_names: LocalNames) -> ParsedRef:
        return parse_ref(local_names.fresh("missing"))

    @pytest.fixture
    def publish_remote(
        self, registry: DistributionRegistry, local_names: LocalNames
    ) -> PublishRemote:
        def publish(labels: Mapping[str, str]) -> ParsedRef:
            ref = registry.push_image(labels).ref
            # Once pulled, it is a local name too.
            local_names.add(f"{ref.registry}/{ref.repository}:{ref.tag}")
            return ref

        return publish

    @pytest.fixture
    def push_target(self, registry: DistributionRegistry, local_names: LocalNames) -> PushTarget:
        def target() -> ParsedRef:
            ref = registry.ref(registry.new_repository(PREFIX), "v1")
            local_names.add(f"{ref.registry}/{ref.repository}:{ref.tag}")
            return ref

        return target

    # ------------------------------------------------------------------ Docker-specific

    def test_hub_names_resolve_as_the_daemon_spells_them(
        self, backend: DockerLocalImages, docker_client: docker.DockerClient, seed: Seed
    ) -> None:
        image = backend.inspect(seed({"k": "hub"}))
        assert image.image_id is not None
        familiar = f"{PREFIX}-official-{uuid.uuid4().hex[:8]}"
        docker_client.api.tag(str(image.image_id), familiar, "latest")
        try:
            canonical = parse_ref(f"index.docker.io/library/{familiar}:latest")
            found = backend.inspect(canonical)
            assert found.image_id == image.image_id
            assert found.reference == canonical
            assert f"{familiar}:latest" in found.repo_tags
        finally:
            docker_client.api.remove_image(f"{familiar}:latest")

    def test_a_short_id_means_the_id_even_when_it_is_also_a_name(
        self, backend: DockerLocalImages, docker_client: docker.DockerClient, seed: Seed
    ) -> None:
        # The engine's own lookup would answer with the image *named* "<prefix>:latest".
        wanted = backend.inspect(seed({"k": "wanted"}))
        impostor = backend.inspect(seed({"k": "impostor"}))
        assert wanted.image_id is not None
        assert impostor.image_id is not None
        prefix = wanted.image_id.hex[:12]
        docker_client.api.tag(str(impostor.image_id), prefix, "latest")
        try:
            assert backend.inspect_id(ImageId(prefix)).image_id == wanted.image_id
        finally:
            docker_client.api.remove_image(f"{prefix}:latest")

    def test_platform_and_names_are_reported(self, backend: DockerLocalImages, seed: Seed) -> None:
        ref = seed({"k": "platform"})
        image = backend.inspect(ref)
        assert image.platform == Platform(os="linux", architecture="amd64")
        assert image.repo_tags == (f"{ref.repository}:{ref.tag}",)

    def test_a_short_id_can_name_the_image_to_remove(
        self, backend: DockerLocalImages, seed: Seed
    ) -> None:
        image = backend.inspect(seed({"k": "by-id"}))
        assert image.image_id is not None
        backend.remove(ImageId(image.image_id.short()), force=True)
        with pytest.raises(ImageNotFoundError):
            backend.inspect_id(ImageId(image.image_id))

    def test_removing_an_image_a_container_uses_needs_force(
        self, backend: DockerLocalImages, docker_client: docker.DockerClient, seed: Seed
    ) -> None:
        ref = seed({"k": "in-use"})
        container = docker_client.api.create_container(f"{ref.repository}:{ref.tag}", "true")
        try:
            with pytest.raises(BackendError) as info:
                backend.remove(ref)
            assert type(info.value) is BackendError  # a conflict: neither a miss nor an outage
            assert backend.inspect(ref).reference == ref
        finally:
            docker_client.api.remove_container(container["Id"], force=True)

    def test_missing_id_is_not_found_locally(self, backend: DockerLocalImages) -> None:
        with pytest.raises(ImageNotFoundError) as info:
            backend.inspect_id(ImageId("fffffffffffffffe"))
        assert info.value.location is ImageSource.LOCAL
        assert info.value.ref == "fffffffffffffffe"
