"""OrasRemoteImages against real CNCF Distribution registries (tests/infra/registry.py).

The RemoteImagesContract kit, then what the kit cannot see: all four manifest media types,
requests counted in the registry's own access log, keep-alive connections, the digest cache,
Basic auth with one challenge per registry, and the image id the local engine reports.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from adapters.contract.remote_images import Publish, PublishIndex, RemoteImagesContract
from adapters.registry import DockerCredentials, OrasRemoteImages, RegistryOptions
from domain.errors import AuthenticationError
from domain.platform import Platform, parse_platform
from domain.reference import ParsedRef
from tests.infra import unavailable
from tests.infra.registry import (
    AMD64,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    OCI_INDEX,
    OCI_MANIFEST,
    DistributionRegistry,
    docker_auth_entry,
)

pytestmark = [pytest.mark.registry, pytest.mark.timeout(120)]

ARM64 = parse_platform("linux/arm64/v8")


def _adapter(
    tmp_path: Path, auths: Mapping[str, object] | None = None, **options: object
) -> OrasRemoteImages:
    config = tmp_path / "docker-config.json"
    config.write_text(json.dumps({"auths": dict(auths or {})}))
    return OrasRemoteImages(
        options=RegistryOptions(**options),  # type: ignore[arg-type]
        credentials=DockerCredentials(config),
    )


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[OrasRemoteImages]:
    with _adapter(tmp_path) as adapter:
        yield adapter


class TestOrasRemoteImagesContract(RemoteImagesContract):
    """The shipped contract kit, run against a real Distribution registry."""

    @pytest.fixture
    def backend(self, remote: OrasRemoteImages) -> OrasRemoteImages:
        return remote

    @pytest.fixture
    def publish(self, registry: DistributionRegistry) -> Publish:
        return lambda labels: registry.push_image(labels).ref

    @pytest.fixture
    def publish_index(self, registry: DistributionRegistry) -> PublishIndex:
        def publish(entries: Sequence[tuple[Platform, Mapping[str, str]]]) -> ParsedRef:
            return registry.push_index(entries).ref

        return publish

    @pytest.fixture
    def missing_ref(self, registry: DistributionRegistry) -> ParsedRef:
        return registry.ref(registry.new_repository("cogmodel-missing"), "nope")


# --------------------------------------------------------------------------- media types


@pytest.mark.parametrize("media_type", [OCI_MANIFEST, DOCKER_MANIFEST])
def test_single_image_manifests_of_both_kinds_are_inspected(
    registry: DistributionRegistry, remote: OrasRemoteImages, media_type: str
) -> None:
    pushed = registry.push_image({"kind": media_type}, media_type=media_type)
    image = remote.inspect(pushed.ref)
    assert image.media_type == media_type
    assert image.manifest_digest == pushed.manifest_digest
    assert image.image_id == pushed.config_digest
    assert image.labels == {"kind": media_type}


@pytest.mark.parametrize("media_type", [OCI_INDEX, DOCKER_MANIFEST_LIST])
def test_indexes_of_both_kinds_are_inspected(
    registry: DistributionRegistry, remote: OrasRemoteImages, media_type: str
) -> None:
    pushed = registry.push_index(
        [(ARM64, {"a": "arm"}), (AMD64, {"a": "amd"})], media_type=media_type
    )
    image = remote.inspect(pushed.ref)
    assert image.media_type == media_type
    assert image.manifest_digest == pushed.digest
    assert image.image_id == pushed.images[1].config_digest
    assert image.labels == {"a": "amd"}


# --------------------------------------------------------------------------- requests


def _counted(registry: DistributionRegistry, action) -> list[str]:  # type: ignore[no-untyped-def]
    mark = registry.log_mark()
    action()
    return [f"{e.method} {e.status}" for e in registry.requests_since(mark)]


def test_a_single_image_costs_two_requests_and_a_repeat_by_digest_none(
    registry: DistributionRegistry, remote: OrasRemoteImages
) -> None:
    pushed = registry.push_image({"k": "v"})
    assert _counted(registry, lambda: remote.inspect(pushed.ref)) == ["GET 200", "GET 200"]
    assert _counted(registry, lambda: remote.inspect(pushed.digest_ref)) == []
    assert _counted(registry, lambda: remote.inspect(pushed.ref)) == ["GET 200"]  # tags move


def test_an_index_costs_three_requests_and_a_repeat_by_digest_none(
    registry: DistributionRegistry, remote: OrasRemoteImages
) -> None:
    pushed = registry.push_index([(ARM64, {"a": "arm"}), (AMD64, {"a": "amd"})])
    assert len(_counted(registry, lambda: remote.inspect(pushed.ref))) == 3
    assert _counted(registry, lambda: remote.inspect(pushed.digest_ref)) == []


def test_exists_is_one_head_request(
    registry: DistributionRegistry, remote: OrasRemoteImages
) -> None:
    pushed = registry.push_image({"k": "v"})
    assert _counted(registry, lambda: remote.exists(pushed.ref)) == ["HEAD 200"]


def test_the_disk_cache_serves_a_later_process(
    registry: DistributionRegistry, tmp_path: Path
) -> None:
    pushed = registry.push_image({"k": "disk"})
    with _adapter(tmp_path, disk_cache=True, cache_dir=tmp_path / "cache") as first:
        first.inspect(pushed.digest_ref)
    with _adapter(tmp_path, disk_cache=True, cache_dir=tmp_path / "cache") as later:
        assert _counted(registry, lambda: later.inspect(pushed.digest_ref)) == []
        assert later.inspect(pushed.digest_ref).labels == {"k": "disk"}


def _connections_to(port: int) -> int:
    """TCP connections this process holds open to ``port`` (read from /proc)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        target = os.readlink(f"/proc/self/fd/{fd}") if os.path.islink(f"/proc/self/fd/{fd}") else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for line in Path("/proc/self/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == port and fields[3] == "01" and fields[9] in inodes:
            count += 1
    return count


def test_one_keep_alive_connection_serves_many_inspects(
    registry: DistributionRegistry, remote: OrasRemoteImages
) -> None:
    pushed = [registry.push_image({"n": str(i)}) for i in range(4)]
    port = int(registry.host.rsplit(":", 1)[1])
    before = _connections_to(port)
    for image in pushed:
        assert remote.exists(image.ref)
        remote.inspect(image.ref)
    assert _connections_to(port) - before == 1
    remote.close()
    assert _connections_to(port) == before


# --------------------------------------------------------------------------- Basic auth


def test_basic_auth_registry_is_challenged_once_per_process(
    auth_registry: DistributionRegistry, tmp_path: Path
) -> None:
    pushed = [auth_registry.push_image({"n": str(i)}) for i in range(3)]
    credentials = DockerCredentials(auth_registry.write_docker_config(tmp_path / "docker"))
    with OrasRemoteImages(credentials=credentials) as remote:
        mark = auth_registry.log_mark()
        with ThreadPoolExecutor(max_workers=3) as pool:
            labels = list(pool.map(lambda p: remote.inspect(p.ref).labels["n"], pushed))
        statuses = [e.status for e in auth_registry.requests_since(mark)]
    assert labels == ["0", "1", "2"]
    assert statuses.count(401) == 1
    assert statuses.count(200) == 2 * len(pushed)


def test_basic_auth_registry_without_credentials_is_an_authentication_error(
    auth_registry: DistributionRegistry, remote: OrasRemoteImages
) -> None:
    pushed = auth_registry.push_image({"k": "v"})
    with pytest.raises(AuthenticationError) as info:
        remote.inspect(pushed.ref)
    assert info.value.registry == auth_registry.host


def test_basic_auth_registry_with_a_wrong_password_is_an_authentication_error(
    auth_registry: DistributionRegistry, tmp_path: Path
) -> None:
    pushed = auth_registry.push_image({"k": "v"})
    assert auth_registry.username
    login = docker_auth_entry(auth_registry.host, auth_registry.username, "not-the-password")
    with _adapter(tmp_path, login) as remote, pytest.raises(AuthenticationError):
        remote.inspect(pushed.ref)


# --------------------------------------------------------------------------- the local engine


@pytest.mark.docker
def test_the_image_id_is_the_one_the_local_engine_reports(
    registry: DistributionRegistry, remote: OrasRemoteImages
) -> None:
    docker = shutil.which("docker", path="/usr/bin") or shutil.which("docker")
    if (
        docker is None
        or subprocess.run([docker, "info"], capture_output=True, check=False, timeout=60).returncode
    ):
        unavailable("no Docker Engine to compare image ids with")
    pushed = registry.push_image(
        {"k": "engine"}, repository=registry.new_repository("cogmodel-reg")
    )
    name = str(pushed.ref)
    subprocess.run([docker, "pull", "-q", name], capture_output=True, check=True, timeout=120)
    try:
        local_id = subprocess.run(
            [docker, "image", "inspect", "-f", "{{.Id}}", name],
            capture_output=True,
            check=True,
            text=True,
            timeout=60,
        ).stdout.strip()
    finally:
        subprocess.run([docker, "rmi", name], capture_output=True, check=False, timeout=60)
    assert remote.inspect(pushed.ref).image_id == local_id
