"""OrasRemoteImages against a misbehaving registry: every fault ends in the right domain error,
within a bounded time (oras-py alone would retry each hard failure for ~131 s).

Content faults, size and time bounds, status codes and rate limits. Auth, redirects and index
nesting are in test_registry_fault_auth.py.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.registry import DockerCredentials, OrasRemoteImages, RegistryOptions
from domain.digest import Digest
from domain.errors import (
    BackendUnavailableError,
    ImageNotFoundError,
    IntegrityError,
    PlatformNotFoundError,
    ProtocolError,
)
from domain.image_source import ImageSource
from domain.platform import parse_platform
from tests.infra.registry import image_manifest
from tests.integration.fault_registry import (
    FaultRegistry,
    declared_but_short,
    endless,
    gzip_bomb,
    html_error,
    json_error,
    manifest_handler,
    respond,
    sequence,
    silent,
    trickle,
)

pytestmark = pytest.mark.timeout(30)

# Small bounds so that every fault resolves in a few seconds.
FAST = RegistryOptions(connect_timeout=1, read_timeout=1, deadline=3, max_retry_wait=2)


@pytest.fixture
def fault() -> Iterator[FaultRegistry]:
    with FaultRegistry() as server:
        yield server


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[OrasRemoteImages]:
    # An empty Docker config: the developer's own credentials never take part.
    credentials = DockerCredentials(tmp_path / "config.json")
    with OrasRemoteImages(options=FAST, credentials=credentials) as adapter:
        yield adapter


# --------------------------------------------------------------------------- integrity


def test_a_correct_image_is_inspected(fault: FaultRegistry, remote: OrasRemoteImages) -> None:
    image = fault.serve_image(labels={"run.cog.version": "0.16.0"})
    inspected = remote.inspect(image.ref)
    assert inspected.labels["run.cog.version"] == "0.16.0"
    assert inspected.image_id == Digest.of(image.config)


def test_tag_manifest_unlike_its_docker_content_digest_is_an_integrity_error(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    lie = Digest.of(b"something else")
    fault.routes[image.manifest_path] = manifest_handler(image.manifest, digest=lie)
    with pytest.raises(IntegrityError) as info:
        remote.inspect(image.ref)
    assert info.value.expected == lie
    assert info.value.actual == image.digest


def test_manifest_fetched_by_digest_with_other_content_is_an_integrity_error(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    other = fault.serve_image(repository="faulty/other", labels={"other": "1"})
    fault.routes[image.digest_path] = manifest_handler(other.manifest, digest=image.digest)
    with pytest.raises(IntegrityError) as info:
        remote.inspect(fault.ref(f"faulty/image@{image.digest}"))
    assert info.value.expected == image.digest


def test_config_blob_with_other_content_is_an_integrity_error(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.config_path] = respond(200, image.config.replace(b'"k"', b'"K"'))
    with pytest.raises(IntegrityError) as info:
        remote.inspect(image.ref)
    assert info.value.expected == Digest.of(image.config)


def test_a_bad_docker_content_digest_header_is_a_protocol_error(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = manifest_handler(image.manifest, digest="md5:abc")
    with pytest.raises(ProtocolError):
        remote.inspect(image.ref)


# --------------------------------------------------------------------------- malformed content


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html>not json</html>", "text/html"),
        (b'{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json"}', None),
        (b'{"schemaVersion": 2, "config": {"digest": "sha256:00", "size": 1}}', None),
        (b'{"schemaVersion": 1, "name": "x", "fsLayers": []}', None),
        (b'{"schemaVersion": 2, "mediaType": "application/vnd.cncf.helm.chart"}', None),
    ],
    ids=["html", "no-config", "bad-digest", "schema1", "unknown-media-type"],
)
def test_malformed_or_unsupported_manifests_are_protocol_errors(
    fault: FaultRegistry, remote: OrasRemoteImages, body: bytes, content_type: str | None
) -> None:
    image = fault.serve_image()
    headers = {"Content-Type": content_type} if content_type else {}
    fault.routes[image.manifest_path] = respond(200, body, headers)
    with pytest.raises(ProtocolError):
        remote.inspect(image.ref)


@pytest.mark.parametrize(
    "config",
    [b"not json", b'{"config": {"Labels": {"n": 1}}}', b'{"config": {"Labels": ["a"]}}'],
    ids=["not-json", "number-label", "list-labels"],
)
def test_malformed_configs_are_protocol_errors(
    fault: FaultRegistry, remote: OrasRemoteImages, config: bytes
) -> None:
    image = fault.serve_image()
    manifest = image_manifest(config, [])
    fault.routes[image.manifest_path] = manifest_handler(manifest)
    fault.routes[f"/v2/faulty/image/blobs/{Digest.of(config)}"] = respond(200, config)
    with pytest.raises(ProtocolError):
        remote.inspect(image.ref)


def test_single_image_for_another_platform_names_its_own(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image(platform=parse_platform("linux/arm/v7"))
    with pytest.raises(PlatformNotFoundError) as info:
        remote.inspect(image.ref, platform=parse_platform("linux/amd64"))
    assert info.value.available == ("linux/arm/v7",)


# --------------------------------------------------------------------------- size and time


def test_a_declared_oversized_manifest_is_refused_before_reading(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = declared_but_short(b"{", 5 * 1024 * 1024)
    with pytest.raises(ProtocolError):
        remote.inspect(image.ref)


def test_an_endless_manifest_is_cut_at_the_cap(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = endless()
    with pytest.raises(ProtocolError):
        remote.inspect(image.ref)


def test_a_compressed_manifest_is_capped_after_decompression(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = gzip_bomb(8 * 1024 * 1024)
    with pytest.raises(ProtocolError):
        remote.inspect(image.ref)


def test_an_oversized_config_descriptor_is_refused_without_fetching(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    doc = json.loads(image.manifest)
    doc["config"]["size"] = 5 * 1024 * 1024
    manifest = json.dumps(doc).encode()
    fault.routes[image.manifest_path] = manifest_handler(manifest)
    with pytest.raises(ProtocolError):
        remote.inspect(image.ref)
    assert fault.requests_to(image.config_path) == []


def test_a_truncated_body_is_a_protocol_error(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = declared_but_short(image.manifest[:40], len(image.manifest))
    with pytest.raises(ProtocolError):
        remote.inspect(image.ref)


def test_a_trickling_body_ends_at_the_deadline(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = trickle(image.manifest, every=0.3)
    started = time.monotonic()
    with pytest.raises(BackendUnavailableError):
        remote.inspect(image.ref)
    assert time.monotonic() - started < FAST.deadline + 1


def test_a_silent_registry_ends_at_the_read_timeout(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = silent(20)
    started = time.monotonic()
    with pytest.raises(BackendUnavailableError):
        remote.inspect(image.ref)
    assert time.monotonic() - started < FAST.read_timeout + 1


def test_a_closed_port_is_backend_unavailable_at_once(remote: OrasRemoteImages) -> None:
    with FaultRegistry() as gone:
        ref = gone.ref("nobody/home:1")
    started = time.monotonic()
    with pytest.raises(BackendUnavailableError):
        remote.inspect(ref)
    assert time.monotonic() - started < 1


# --------------------------------------------------------------------------- status codes


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_with_html_fail_at_once_without_retries(
    fault: FaultRegistry, remote: OrasRemoteImages, status: int
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = html_error(status)
    started = time.monotonic()
    with pytest.raises(BackendUnavailableError) as info:
        remote.inspect(image.ref)
    assert time.monotonic() - started < 1
    assert len(fault.requests_to(image.manifest_path)) == 1
    assert "<html>" not in str(info.value)


def test_manifest_unknown_is_image_not_found(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    ref = fault.ref("faulty/absent:v1")
    with pytest.raises(ImageNotFoundError) as info:
        remote.inspect(ref)
    assert info.value.location is ImageSource.REMOTE
    assert info.value.ref == str(ref)


def test_a_head_404_without_body_means_the_image_does_not_exist(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    fault.routes["/v2/faulty/absent/manifests/v1"] = respond(404)
    assert remote.exists(fault.ref("faulty/absent:v1")) is False


def test_a_missing_config_blob_is_a_protocol_error(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.config_path] = json_error(404, "BLOB_UNKNOWN")
    with pytest.raises(ProtocolError):
        remote.inspect(image.ref)


@pytest.mark.parametrize(("status", "code"), [(429, "TOOMANYREQUESTS"), (503, "UNAVAILABLE")])
def test_rate_limit_is_retried_after_retry_after(
    fault: FaultRegistry, remote: OrasRemoteImages, status: int, code: str
) -> None:
    image = fault.serve_image()
    limited = json_error(status, code, {"Retry-After": "1"})
    fault.routes[image.manifest_path] = sequence(limited, manifest_handler(image.manifest))
    started = time.monotonic()
    assert remote.inspect(image.ref).labels == {"k": "v"}
    assert 1 <= time.monotonic() - started < 2.5
    assert len(fault.requests_to(image.manifest_path)) == 2


def test_endless_rate_limiting_gives_up_after_bounded_retries(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    options = RegistryOptions(deadline=5, max_retry_wait=1, max_rate_limit_retries=2)
    image = fault.serve_image()
    fault.routes[image.manifest_path] = json_error(429, "TOOMANYREQUESTS", {"Retry-After": "0"})
    credentials = DockerCredentials(tmp_path / "c")
    with (
        OrasRemoteImages(options=options, credentials=credentials) as remote,
        pytest.raises(BackendUnavailableError),
    ):
        remote.inspect(image.ref)
    assert len(fault.requests_to(image.manifest_path)) == 3


def test_a_retry_after_beyond_what_we_wait_fails_at_once(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = json_error(429, "TOOMANYREQUESTS", {"Retry-After": "3600"})
    started = time.monotonic()
    with pytest.raises(BackendUnavailableError):
        remote.inspect(image.ref)
    assert time.monotonic() - started < 1


def test_oras_retrying_request_path_is_never_taken(
    fault: FaultRegistry, remote: OrasRemoteImages, monkeypatch: pytest.MonkeyPatch
) -> None:
    # oras-py's do_request/get_manifest retry any failure five times with sleeps of 3-83 s.
    import oras.provider

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("oras' retrying request path was used")

    monkeypatch.setattr(oras.provider.Registry, "do_request", refuse)
    monkeypatch.setattr(oras.provider.Registry, "get_manifest", refuse)
    image = fault.serve_image()
    assert remote.inspect(image.ref).labels == {"k": "v"}
    fault.routes[image.manifest_path] = html_error(500)
    with pytest.raises(BackendUnavailableError):
        remote.inspect(image.ref)


def test_plain_http_only_where_the_reference_or_the_options_say_so(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    image = fault.serve_image()
    https_ref = dataclasses.replace(image.ref, scheme="https")  # as for a non-local name
    credentials = DockerCredentials(tmp_path / "c")
    with (
        OrasRemoteImages(options=FAST, credentials=credentials) as strict,
        pytest.raises(BackendUnavailableError),
    ):
        strict.inspect(https_ref)  # TLS to a plain-HTTP server fails; no silent downgrade
    insecure = dataclasses.replace(FAST, insecure_registries=frozenset({fault.host}))
    with OrasRemoteImages(options=insecure, credentials=credentials) as lenient:
        assert lenient.inspect(https_ref).labels == {"k": "v"}


def test_cookies_a_registry_sets_are_never_sent_back(
    fault: FaultRegistry, remote: OrasRemoteImages
) -> None:
    # Some registries take a cookie for a browser's and start CSRF checks (Harbor).
    served = fault.serve_image()
    cookie = {"Set-Cookie": "sid=abc; Path=/", "Content-Type": "application/json"}
    fault.routes[served.manifest_path] = respond(200, served.manifest, cookie)
    fault.routes[served.config_path] = respond(200, served.config, {"Set-Cookie": "x=1; Path=/"})
    remote.inspect(served.ref)
    remote.cache.clear_memory()
    remote.inspect(served.ref)
    assert len(fault.seen) == 4
    assert not any("Cookie" in seen.headers for seen in fault.seen)
