"""OrasRemoteImages on real TLS: a Distribution registry serving HTTPS under a CA made by openssl
during the run (tests/infra/registry.py ``tls_registry``), and the scheme docker and crane pick.

Every registry here is on 127.0.0.1, so every one is insecure-eligible: HTTPS is tried first and
plain HTTP only after HTTPS failed before any answer. The machine's own trust variables
(``SSL_CERT_FILE``, ``REQUESTS_CA_BUNDLE``, …) name the system bundle; each test sets what it
needs and the test CA is in none of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from adapters.contract.remote_images import Publish, PublishIndex, RemoteImagesContract
from adapters.registry import DockerCredentials, OrasRemoteImages, RegistryOptions
from domain.errors import BackendUnavailableError, InvalidInputError
from domain.platform import Platform
from domain.reference import ParsedRef
from tests.infra.registry import DistributionRegistry
from tests.infra.tls import Leaf, TestCA, make_ca

pytestmark = [pytest.mark.registry, pytest.mark.timeout(120)]

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
_TRUST_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@pytest.fixture(autouse=True)
def _plain_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    """No trust variable names anything but what a test sets."""
    for name in _TRUST_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def certs_d(root: Path, registry: str, files: Mapping[str, Path]) -> Path:
    """``root/<registry>/`` holding copies of ``files`` under the names given (Docker's layout)."""
    directory = root / registry
    directory.mkdir(parents=True, exist_ok=True)
    for name, source in files.items():
        (directory / name).write_bytes(source.read_bytes())
    return root


def adapter(tmp_path: Path, **options: object) -> OrasRemoteImages:
    config = tmp_path / "docker-config.json"
    config.write_text(json.dumps({"auths": {}}))
    options.setdefault("certs_dir", tmp_path / "no-certs.d")
    return OrasRemoteImages(
        options=RegistryOptions(**options),  # type: ignore[arg-type]
        credentials=DockerCredentials(config),
    )


# --------------------------------------------------------------------------- the contract


class TestOrasRemoteImagesOnTLS(RemoteImagesContract):
    """The shipped contract kit against a registry that speaks only HTTPS."""

    @pytest.fixture
    def backend(
        self, tls_registry: DistributionRegistry, tls_ca: TestCA, tmp_path: Path
    ) -> Iterator[OrasRemoteImages]:
        trusted = certs_d(tmp_path / "certs.d", tls_registry.host, {"ca.crt": tls_ca.cert})
        with adapter(tmp_path, certs_dir=trusted) as remote:
            yield remote

    @pytest.fixture
    def publish(self, tls_registry: DistributionRegistry) -> Publish:
        return lambda labels: tls_registry.push_image(labels).ref

    @pytest.fixture
    def publish_index(self, tls_registry: DistributionRegistry) -> PublishIndex:
        def publish(entries: Sequence[tuple[Platform, Mapping[str, str]]]) -> ParsedRef:
            return tls_registry.push_index(entries).ref

        return publish

    @pytest.fixture
    def missing_ref(self, tls_registry: DistributionRegistry) -> ParsedRef:
        return tls_registry.ref(tls_registry.new_repository("cogmodel-missing"), "nope")


# --------------------------------------------------------------------------- trust


def test_trusted_through_certs_d(
    tls_registry: DistributionRegistry, tls_ca: TestCA, tmp_path: Path
) -> None:
    pushed = tls_registry.push_image({"via": "certs.d"})
    trusted = certs_d(tmp_path / "certs.d", tls_registry.host, {"ca.crt": tls_ca.cert})
    with adapter(tmp_path, certs_dir=trusted) as remote:
        assert remote.inspect(pushed.ref).labels == {"via": "certs.d"}
        assert remote.scheme(tls_registry.host) == "https"


@pytest.mark.skipif(os.geteuid() != 0, reason="writes /etc/docker/certs.d (needs root)")
def test_trusted_through_the_real_etc_docker_certs_d(
    tls_registry: DistributionRegistry, tls_ca: TestCA, tmp_path: Path
) -> None:
    # The default directory, as dockerd and skopeo read it; only this registry's port is touched.
    pushed = tls_registry.push_image({"via": "/etc/docker/certs.d"})
    directory = Path("/etc/docker/certs.d") / tls_registry.host
    directory.mkdir(parents=True)
    try:
        (directory / "ca.crt").write_bytes(tls_ca.cert.read_bytes())
        with adapter(tmp_path, certs_dir=None) as remote:
            assert remote.inspect(pushed.ref).labels == {"via": "/etc/docker/certs.d"}
    finally:
        (directory / "ca.crt").unlink(missing_ok=True)
        directory.rmdir()


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_trusted_through_an_environment_bundle(
    tls_registry: DistributionRegistry,
    tls_ca: TestCA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    pushed = tls_registry.push_image({"via": variable})
    monkeypatch.setenv(variable, str(tls_ca.cert))
    with adapter(tmp_path) as remote:
        assert remote.inspect(pushed.ref).labels == {"via": variable}


def test_trusted_through_the_configured_bundle(
    tls_registry: DistributionRegistry, tls_ca: TestCA, tmp_path: Path
) -> None:
    pushed = tls_registry.push_image({"via": "ca_bundle"})
    with adapter(tmp_path, ca_bundle=str(tls_ca.cert)) as remote:
        assert remote.inspect(pushed.ref).labels == {"via": "ca_bundle"}


@pytest.mark.parametrize("added_by", ["certs.d", "REQUESTS_CA_BUNDLE", "ca_bundle"])
def test_a_registry_ca_is_added_to_the_system_store_not_put_in_its_place(
    tls_registry: DistributionRegistry,
    tls_ca: TestCA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    added_by: str,
) -> None:
    # The test CA plays the system store (SSL_CERT_FILE); another CA is added for the registry.
    pushed = tls_registry.push_image({"store": "kept"})
    other = make_ca(tmp_path / "other-ca", "another CA")
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_ca.cert))
    options: dict[str, object] = {}
    if added_by == "certs.d":
        options["certs_dir"] = certs_d(tmp_path / "d", tls_registry.host, {"ca.crt": other.cert})
    elif added_by == "ca_bundle":
        options["ca_bundle"] = str(other.cert)
    else:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other.cert))
    with adapter(tmp_path, **options) as remote:
        assert remote.inspect(pushed.ref).labels == {"store": "kept"}


def test_an_untrusted_certificate_is_a_clear_unavailable_error_and_no_downgrade(
    tls_registry: DistributionRegistry, tmp_path: Path
) -> None:
    pushed = tls_registry.push_image({"k": "v"})
    with adapter(tmp_path) as remote:
        with pytest.raises(BackendUnavailableError) as info:
            remote.inspect(pushed.ref)
        assert remote.scheme(tls_registry.host) == "https"  # never retried over plain HTTP
    assert "\n" not in str(info.value)
    assert tls_registry.host in str(info.value)


def test_the_command_line_says_how_to_trust_it_in_one_line(
    tls_registry: DistributionRegistry, tmp_path: Path
) -> None:
    pushed = tls_registry.push_image({"k": "v"})
    environ = {k: v for k, v in os.environ.items() if k not in _TRUST_VARIABLES}
    environ["DOCKER_CONFIG"] = str(tmp_path)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cogmodel"), "inspect", "--remote", str(pushed.ref)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 6
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert tls_registry.host in lines[0]
    assert f"/etc/docker/certs.d/{tls_registry.host}/ca.crt" in lines[0]


def test_mutual_tls_with_a_client_certificate_from_certs_d(
    mtls_registry: DistributionRegistry, tls_ca: TestCA, tls_client: Leaf, tmp_path: Path
) -> None:
    pushed = mtls_registry.push_image({"mutual": "tls"})
    with_ca = {"ca.crt": tls_ca.cert}
    without_client = certs_d(tmp_path / "a", mtls_registry.host, with_ca)
    with (
        adapter(tmp_path, certs_dir=without_client) as remote,
        pytest.raises(BackendUnavailableError),
    ):
        remote.inspect(pushed.ref)
    client = {**with_ca, "client.cert": tls_client.cert, "client.key": tls_client.key}
    with adapter(tmp_path, certs_dir=certs_d(tmp_path / "b", mtls_registry.host, client)) as remote:
        assert remote.inspect(pushed.ref).labels == {"mutual": "tls"}


def test_a_client_certificate_without_its_key_is_invalid_input(
    tls_registry: DistributionRegistry, tls_client: Leaf, tmp_path: Path
) -> None:
    pushed = tls_registry.push_image({"k": "v"})
    broken = certs_d(tmp_path / "certs.d", tls_registry.host, {"client.cert": tls_client.cert})
    with adapter(tmp_path, certs_dir=broken) as remote, pytest.raises(InvalidInputError):
        remote.inspect(pushed.ref)


# --------------------------------------------------------------------------- scheme


def test_a_tls_registry_on_loopback_is_reached_over_https(
    tls_registry: DistributionRegistry, tls_ca: TestCA, tmp_path: Path
) -> None:
    pushed = tls_registry.push_image({"k": "v"})
    assert pushed.ref.scheme == "http"  # go-containerregistry's parsing rule, unchanged
    with adapter(tmp_path, ca_bundle=str(tls_ca.cert)) as remote:
        assert remote.scheme(tls_registry.host) is None
        assert remote.exists(pushed.ref)
        assert remote.scheme(tls_registry.host) == "https"


def test_an_http_registry_on_loopback_still_works_and_is_remembered(
    registry: DistributionRegistry, tmp_path: Path
) -> None:
    first, second = registry.push_image({"n": "1"}), registry.push_image({"n": "2"})
    with adapter(tmp_path) as remote:
        assert remote.inspect(first.ref).labels == {"n": "1"}
        assert remote.scheme(registry.host) == "http"
        mark = registry.log_mark()
        assert remote.inspect(second.ref).labels == {"n": "2"}
        assert [e.status for e in registry.requests_since(mark)] == [200, 200]
        assert remote.scheme(registry.host) == "http"


def test_an_https_answer_is_kept_even_when_https_later_fails(
    tls_registry: DistributionRegistry, tls_ca: TestCA, tmp_path: Path
) -> None:
    pushed = tls_registry.push_image({"k": "v"})
    with adapter(tmp_path, ca_bundle=str(tls_ca.cert)) as remote:
        remote.inspect(pushed.ref)
        assert remote.scheme(tls_registry.host) == "https"
        remote.close()  # the next request opens a new connection, still over HTTPS
        assert remote.exists(pushed.ref)
        assert remote.scheme(tls_registry.host) == "https"
