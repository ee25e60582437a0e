"""Docker's certs.d rules for one registry, as dockerd reads them, and the sources combined."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from adapters.registry import trust
from adapters.registry.trust import RegistryTrust, TrustSources, tls_context, trust_sources
from domain.errors import InvalidInputError

HOST = "registry.example:5000"


def directory(root: Path, *names: str) -> Path:
    folder = root / HOST
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text(name)
    return root


def test_every_crt_is_a_ca_and_cert_key_pairs_are_client_certificates(tmp_path: Path) -> None:
    root = directory(tmp_path, "ca.crt", "extra.crt", "client.cert", "client.key", "notes.txt")
    found = trust_sources(HOST, ca_bundle=None, certs_dir=root, environ={})
    assert [p.name for p in found.registry_cas] == ["ca.crt", "extra.crt"]
    assert [(c.name, k.name) for c, k in found.client_pairs] == [("client.cert", "client.key")]


@pytest.mark.parametrize("lonely", ["client.cert", "client.key"])
def test_half_a_client_pair_is_an_error(tmp_path: Path, lonely: str) -> None:
    root = directory(tmp_path, "ca.crt", lonely)
    with pytest.raises(InvalidInputError):
        trust_sources(HOST, ca_bundle=None, certs_dir=root, environ={})


def test_no_directory_means_no_registry_cas(tmp_path: Path) -> None:
    found = trust_sources(HOST, ca_bundle=None, certs_dir=tmp_path, environ={})
    assert found.registry_cas == ()
    assert found.registry_dir == tmp_path / HOST


def test_the_bundles_named_by_environment_and_setting_are_added(tmp_path: Path) -> None:
    environ = {"REQUESTS_CA_BUNDLE": "/a.pem", "CURL_CA_BUNDLE": "/b.pem"}
    found = trust_sources(HOST, ca_bundle="/c.pem", certs_dir=tmp_path, environ=environ)
    assert found.extra_bundles == (Path("/a.pem"), Path("/c.pem"))  # CURL_ only without REQUESTS_
    only_curl = trust_sources(
        HOST, ca_bundle=None, certs_dir=tmp_path, environ={"CURL_CA_BUNDLE": "/b.pem"}
    )
    assert only_curl.extra_bundles == (Path("/b.pem"),)


def test_a_registry_name_cannot_leave_the_certificate_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        trust_sources("..", ca_bundle=None, certs_dir=tmp_path, environ={})


def _loaded_bundles(monkeypatch: pytest.MonkeyPatch, sources: TrustSources) -> list[Path]:
    loaded: list[Path] = []
    monkeypatch.setattr(trust, "_load_cas", lambda _context, bundle: loaded.append(bundle))
    tls_context(sources)
    return loaded


def test_a_bundle_that_is_the_system_store_is_not_read_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # REQUESTS_CA_BUNDLE naming the system bundle adds no CA; reading it again only costs time.
    system = tmp_path / "system.pem"
    system.write_text("")
    alias = tmp_path / "alias.pem"
    alias.symlink_to(system)
    other = tmp_path / "registry.pem"
    other.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(system))
    sources = trust_sources(
        HOST,
        ca_bundle=str(other),
        certs_dir=tmp_path,
        environ={"REQUESTS_CA_BUNDLE": str(alias)},
    )
    assert ssl.get_default_verify_paths().cafile == str(system)
    assert _loaded_bundles(monkeypatch, sources) == [other]


def test_registry_trust_makes_one_context_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[TrustSources] = []
    real = trust.tls_context

    def counted(sources: TrustSources) -> ssl.SSLContext:
        made.append(sources)
        return real(sources)

    monkeypatch.setattr(trust, "tls_context", counted)
    registry = RegistryTrust(HOST, ca_bundle=None, certs_dir=tmp_path)
    assert made == []  # nothing is read until an HTTPS connection asks
    assert registry.context() is registry.context()
    assert made == [registry.sources]


def test_the_probe_context_verifies_as_the_real_one_but_trusts_no_ca(tmp_path: Path) -> None:
    probe = trust.probe_context()
    real = tls_context(trust_sources(HOST, ca_bundle=None, certs_dir=tmp_path, environ={}))
    assert probe.verify_mode == real.verify_mode == ssl.CERT_REQUIRED
    assert probe.check_hostname
    assert real.check_hostname
    assert probe.minimum_version == real.minimum_version
    assert probe.cert_store_stats() == {"x509": 0, "crl": 0, "x509_ca": 0}
