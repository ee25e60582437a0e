"""Finding credentials in Docker's config.json as the docker CLI does: $DOCKER_CONFIG, auths
keyed by host or URL, credsStore and credHelpers run as real docker-credential-* programs."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from adapters.registry.credentials import Credential, DockerCredentials, default_docker_config
from domain.errors import AuthenticationError
from tests.infra.registry import docker_auth_entry


def _config(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory on PATH for docker-credential-* programs."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def _helper(folder: Path, name: str, script: str) -> None:
    path = folder / f"docker-credential-{name}"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_docker_config_env_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    assert default_docker_config() == tmp_path / "config.json"
    monkeypatch.delenv("DOCKER_CONFIG")
    assert default_docker_config() == Path.home() / ".docker" / "config.json"


def test_inline_auth_is_found_by_host(tmp_path: Path) -> None:
    creds = DockerCredentials(
        _config(tmp_path, {"auths": docker_auth_entry("r.io:5000", "u", "p:w")})
    )
    assert creds.get("r.io:5000") == Credential(username="u", password="p:w")
    assert creds.get("other.io") is None


def test_auths_keyed_by_url_match_their_host(tmp_path: Path) -> None:
    entry = docker_auth_entry("https://r.io/v1/", "u", "p")
    assert DockerCredentials(_config(tmp_path, {"auths": entry})).get("r.io") is not None


def test_docker_hub_uses_its_historic_key(tmp_path: Path) -> None:
    entry = docker_auth_entry("https://index.docker.io/v1/", "u", "p")
    assert DockerCredentials(_config(tmp_path, {"auths": entry})).get("index.docker.io") is not None


def test_username_and_password_fields_are_accepted(tmp_path: Path) -> None:
    doc = {"auths": {"r.io": {"username": "u", "password": "p"}}}
    assert DockerCredentials(_config(tmp_path, doc)).get("r.io") == Credential(
        username="u", password="p"
    )


def test_the_secret_is_not_in_the_repr() -> None:
    assert "hunter2" not in repr(Credential(username="u", password="hunter2"))


def test_cred_helpers_win_over_inline_auths(tmp_path: Path, helpers: Path) -> None:
    _helper(
        helpers,
        "acme",
        'read host; printf \'{"ServerURL":"%s","Username":"h","Secret":"s"}\' "$host"',
    )
    doc = {"auths": docker_auth_entry("r.io", "inline", "x"), "credHelpers": {"r.io": "acme"}}
    assert DockerCredentials(_config(tmp_path, doc)).get("r.io") == Credential(
        username="h", password="s"
    )


def test_creds_store_is_asked_with_the_host(tmp_path: Path, helpers: Path) -> None:
    log = tmp_path / "asked"
    _helper(helpers, "store", f'cat > {log}; echo \'{{"Username":"s","Secret":"t"}}\'')
    creds = DockerCredentials(_config(tmp_path, {"credsStore": "store"}))
    assert creds.get("r.io") == Credential(username="s", password="t")
    assert log.read_text() == "r.io"


def test_a_helper_answers_once_per_host(tmp_path: Path, helpers: Path) -> None:
    count = tmp_path / "count"
    _helper(helpers, "store", f'echo x >> {count}; echo \'{{"Username":"s","Secret":"t"}}\'')
    creds = DockerCredentials(_config(tmp_path, {"credsStore": "store"}))
    creds.get("r.io")
    creds.get("r.io")
    assert len(count.read_text().splitlines()) == 1


def test_an_identity_token_from_a_helper_is_kept_as_such(tmp_path: Path, helpers: Path) -> None:
    _helper(helpers, "store", 'echo \'{"Username":"<token>","Secret":"refresh"}\'')
    found = DockerCredentials(_config(tmp_path, {"credsStore": "store"})).get("r.io")
    assert found is not None
    assert found.identity_token == "refresh"


@pytest.mark.parametrize(
    "script", ["echo 'credentials not found in native keychain'; exit 1", "echo garbage"]
)
def test_a_failing_helper_falls_back_to_inline_auths(
    tmp_path: Path, helpers: Path, script: str
) -> None:
    _helper(helpers, "store", script)
    doc = {"credsStore": "store", "auths": docker_auth_entry("r.io", "u", "p")}
    assert DockerCredentials(_config(tmp_path, doc)).get("r.io") == Credential(
        username="u", password="p"
    )


def test_a_missing_helper_means_no_credentials(tmp_path: Path, helpers: Path) -> None:
    doc = {"credHelpers": {"r.io": "not-installed-anywhere"}}
    assert DockerCredentials(_config(tmp_path, doc)).get("r.io") is None


def test_a_slow_helper_is_cut_off(tmp_path: Path, helpers: Path) -> None:
    _helper(helpers, "slow", "sleep 5")
    creds = DockerCredentials(_config(tmp_path, {"credsStore": "slow"}), helper_timeout=0.3)
    assert creds.get("r.io") is None


def test_a_missing_config_file_means_no_credentials(tmp_path: Path) -> None:
    assert DockerCredentials(tmp_path / "absent.json").get("r.io") is None


@pytest.mark.parametrize("text", ["{not json", "[]"])
def test_a_broken_config_file_is_reported_when_credentials_are_needed(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "config.json"
    creds = DockerCredentials(path)  # nothing is read yet
    path.write_text(text)
    with pytest.raises(AuthenticationError):
        creds.get("r.io")


def test_a_bad_inline_auth_is_ignored(tmp_path: Path) -> None:
    doc = {"auths": {"r.io": {"auth": "%%%not-base64"}}}
    assert DockerCredentials(_config(tmp_path, doc)).get("r.io") is None
