"""Pull and push through the real engine and real Distribution registries, failures included."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest
import requests

from adapters.docker import DockerEngine, DockerLocalImages
from domain.errors import (
    AuthenticationError,
    BackendUnavailableError,
    ImageNotFoundError,
    InvalidInputError,
    PlatformNotFoundError,
)
from domain.image_source import ImageSource
from domain.platform import parse_platform
from domain.progress import ProgressEvent
from domain.reference import ParsedRef, parse_ref
from tests.infra.images import LocalNames, labelled_image
from tests.infra.registry import DistributionRegistry

pytestmark = [pytest.mark.docker, pytest.mark.registry]


def images_with_config(docker_engine_client: DockerEngine, config_dir: Path) -> DockerLocalImages:
    """The adapter on the engine under test, reading credentials from ``config_dir``."""
    engine = DockerEngine(host=docker_engine_client.host, config_dir=config_dir)
    return DockerLocalImages(engine=engine)


def login(config_dir: Path, registry: str, username: str, password: str) -> Path:
    """What ``docker login`` leaves behind: an auths entry in config.json."""
    config_dir.mkdir(parents=True, exist_ok=True)
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    (config_dir / "config.json").write_text(json.dumps({"auths": {registry: {"auth": token}}}))
    return config_dir


@pytest.fixture
def anonymous(docker_engine_client: DockerEngine, tmp_path: Path) -> Iterator[DockerLocalImages]:
    with images_with_config(docker_engine_client, tmp_path / "no-config") as images:
        yield images


@pytest.fixture
def local_ref(
    docker_client: docker.DockerClient, busybox_image: ParsedRef, local_names: LocalNames
) -> ParsedRef:
    return labelled_image(docker_client, busybox_image, local_names.fresh("push"), {"k": "v"})


TagAs = Callable[[ParsedRef], None]


@pytest.fixture
def tag_as(docker_client: docker.DockerClient, local_ref: ParsedRef) -> TagAs:
    """Give the local test image a second name, as ``docker tag`` does (setup, not the port)."""

    def tag(target: ParsedRef) -> None:
        assert target.tag is not None
        docker_client.api.tag(str(local_ref), target.name, tag=target.tag)

    return tag


def target_in(registry: DistributionRegistry, local_names: LocalNames) -> ParsedRef:
    ref = registry.ref(registry.new_repository("cogmodel-docker-test"), "v1")
    local_names.add(f"{ref.registry}/{ref.repository}:{ref.tag}")
    return ref


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --------------------------------------------------------------------------- pull


def test_pull_reports_progress_and_returns_the_image(
    anonymous: DockerLocalImages, registry: DistributionRegistry, local_names: LocalNames
) -> None:
    pushed = registry.push_image({"run.cog.version": "0.16.0"})
    local_names.add(f"{pushed.ref.registry}/{pushed.ref.repository}:latest")
    events: list[ProgressEvent] = []
    image = anonymous.pull(pushed.ref, progress=events.append)
    assert image.image_id == pushed.config_digest
    assert image.labels["run.cog.version"] == "0.16.0"
    assert image.reference == pushed.ref
    assert events


def test_pull_by_digest(
    anonymous: DockerLocalImages, registry: DistributionRegistry, local_names: LocalNames
) -> None:
    pushed = registry.push_image({"k": "by-digest"})
    local_names.add(f"{pushed.ref.registry}/{pushed.ref.repository}@{pushed.manifest_digest}")
    image = anonymous.pull(pushed.digest_ref)
    assert image.image_id == pushed.config_digest
    assert any(entry.endswith(str(pushed.manifest_digest)) for entry in image.repo_digests)


def test_pull_chooses_the_platform_from_an_index(
    anonymous: DockerLocalImages, registry: DistributionRegistry, local_names: LocalNames
) -> None:
    arm = parse_platform("linux/arm64/v8")
    index = registry.push_index(
        [(parse_platform("linux/amd64"), {"p": "amd"}), (arm, {"p": "arm"})]
    )
    local_names.add(f"{index.ref.registry}/{index.ref.repository}:{index.ref.tag}")
    image = anonymous.pull(index.ref, platform=parse_platform("linux/arm64"))
    assert image.platform == arm
    assert image.labels["p"] == "arm"


def test_pull_of_a_platform_the_index_lacks_is_platform_not_found(
    anonymous: DockerLocalImages, registry: DistributionRegistry
) -> None:
    index = registry.push_index([(parse_platform("linux/amd64"), {"p": "amd"})])
    with pytest.raises(PlatformNotFoundError) as info:
        anonymous.pull(index.ref, platform=parse_platform("linux/s390x"))
    assert info.value.location is ImageSource.REMOTE
    assert info.value.available == ("linux/amd64",)


def test_pull_of_a_single_platform_image_for_another_platform_is_platform_not_found(
    anonymous: DockerLocalImages, registry: DistributionRegistry, local_names: LocalNames
) -> None:
    pushed = registry.push_image({"k": "arm-only"}, platform=parse_platform("linux/arm64"))
    local_names.add(f"{pushed.ref.registry}/{pushed.ref.repository}:latest")
    with pytest.raises(PlatformNotFoundError) as info:
        anonymous.pull(pushed.ref, platform=parse_platform("linux/amd64"))
    assert info.value.available == ("linux/arm64",)


def test_pull_of_a_missing_tag_is_not_found_in_the_registry(
    anonymous: DockerLocalImages, registry: DistributionRegistry
) -> None:
    pushed = registry.push_image({"k": "exists"})
    missing = registry.ref(pushed.repository, "no-such-tag")
    with pytest.raises(ImageNotFoundError) as info:
        anonymous.pull(missing)
    assert info.value.location is ImageSource.REMOTE
    assert info.value.ref == str(missing)


def test_pull_without_credentials_from_a_registry_that_needs_them_is_an_auth_error(
    anonymous: DockerLocalImages, auth_registry: DistributionRegistry
) -> None:
    pushed = auth_registry.push_image({"k": "private"})
    with pytest.raises(AuthenticationError) as info:
        anonymous.pull(pushed.ref)
    assert info.value.registry == auth_registry.host


def test_pull_with_credentials_from_docker_config_works(
    docker_engine_client: DockerEngine,
    auth_registry: DistributionRegistry,
    local_names: LocalNames,
    tmp_path: Path,
) -> None:
    assert auth_registry.username is not None
    assert auth_registry.password is not None
    config = login(
        tmp_path / "cfg", auth_registry.host, auth_registry.username, auth_registry.password
    )
    pushed = auth_registry.push_image({"k": "private"})
    local_names.add(f"{pushed.ref.registry}/{pushed.ref.repository}:latest")
    with images_with_config(docker_engine_client, config) as images:
        image = images.pull(pushed.ref)
    assert image.labels["k"] == "private"


def test_pull_from_a_registry_nobody_serves_is_unavailable(anonymous: DockerLocalImages) -> None:
    with pytest.raises(BackendUnavailableError) as info:
        anonymous.pull(parse_ref(f"127.0.0.1:{closed_port()}/nobody/home:1"))
    assert info.value.backend == "registry"


# --------------------------------------------------------------------------- push


def test_push_returns_the_digest_the_registry_serves(
    anonymous: DockerLocalImages,
    registry: DistributionRegistry,
    tag_as: TagAs,
    local_names: LocalNames,
) -> None:
    target = target_in(registry, local_names)
    tag_as(target)
    events: list[ProgressEvent] = []
    digest = anonymous.push(target, progress=events.append)
    served = requests.head(
        f"{registry.url}/v2/{target.repository}/manifests/{target.tag}",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"},
        timeout=10,
    )
    assert served.headers["Docker-Content-Digest"] == digest
    assert any(event.item for event in events)


def test_push_without_credentials_is_an_auth_error(
    anonymous: DockerLocalImages,
    auth_registry: DistributionRegistry,
    tag_as: TagAs,
    local_names: LocalNames,
) -> None:
    target = target_in(auth_registry, local_names)
    tag_as(target)
    with pytest.raises(AuthenticationError) as info:
        anonymous.push(target)
    assert info.value.registry == auth_registry.host


def test_push_with_refused_credentials_is_an_auth_error(
    docker_engine_client: DockerEngine,
    auth_registry: DistributionRegistry,
    tag_as: TagAs,
    local_names: LocalNames,
    tmp_path: Path,
) -> None:
    config = login(tmp_path / "cfg", auth_registry.host, "cogmodel", "wrong-password")
    target = target_in(auth_registry, local_names)
    with images_with_config(docker_engine_client, config) as images:
        tag_as(target)
        with pytest.raises(AuthenticationError):
            images.push(target)


def test_push_with_credentials_from_docker_config_works(
    docker_engine_client: DockerEngine,
    auth_registry: DistributionRegistry,
    tag_as: TagAs,
    local_names: LocalNames,
    tmp_path: Path,
) -> None:
    assert auth_registry.username is not None
    assert auth_registry.password is not None
    config = login(
        tmp_path / "cfg", auth_registry.host, auth_registry.username, auth_registry.password
    )
    target = target_in(auth_registry, local_names)
    with images_with_config(docker_engine_client, config) as images:
        tag_as(target)
        assert images.push(target).algorithm == "sha256"


def test_push_to_a_registry_nobody_serves_is_unavailable(
    anonymous: DockerLocalImages, tag_as: TagAs, local_names: LocalNames
) -> None:
    target = parse_ref(local_names.add(f"127.0.0.1:{closed_port()}/nobody/home:1"))
    tag_as(target)
    with pytest.raises(BackendUnavailableError):
        anonymous.push(target)


def test_push_by_digest_is_invalid_input(anonymous: DockerLocalImages) -> None:
    with pytest.raises(InvalidInputError):
        anonymous.push(parse_ref(f"127.0.0.1:5000/a/b@sha256:{'0' * 64}"))
