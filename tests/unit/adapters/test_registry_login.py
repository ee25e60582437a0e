"""Saving credentials as ``docker login`` does: into Docker's config.json, or through the
credential helper it names (real docker-credential-* programs); read back by the registry
client's own reader, so what ``login`` writes is what ``push``/``inspect --remote`` use."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from adapters.contract.credential_store import CredentialStoreContract, Lookup
from adapters.registry.credentials import DockerCredentials
from adapters.registry.login import HUB_KEY, DockerConfigCredentialStore
from domain.errors import AuthenticationError

# A credential helper that keeps one JSON file per server under $HELPER_STORE.
_HELPER = """#!/usr/bin/env python3
import hashlib, json, os, sys
folder = os.environ["HELPER_STORE"]
def path(server):
    return os.path.join(folder, hashlib.sha256(server.encode()).hexdigest())
if sys.argv[1] == "store":
    document = json.load(sys.stdin)
    with open(path(document["ServerURL"]), "w") as out:
        json.dump({"Username": document["Username"], "Secret": document["Secret"]}, out)
elif sys.argv[1] == "get":
    server = sys.stdin.read().strip()
    if not os.path.exists(path(server)):
        print("credentials not found in native keychain")
        sys.exit(1)
    print(open(path(server)).read())
"""


def _lookup(path: Path) -> Lookup:
    def read(registry: str) -> tuple[str, str] | None:
        found = DockerCredentials(path).get(registry)
        return None if found is None else (found.username, found.password)

    return read


class TestDockerConfigFile(CredentialStoreContract):
    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        return tmp_path / "docker" / "config.json"

    @pytest.fixture
    def store(self, path: Path) -> DockerConfigCredentialStore:
        return DockerConfigCredentialStore(path)

    @pytest.fixture
    def lookup(self, path: Path) -> Lookup:
        return _lookup(path)


class TestDockerCredentialHelper(CredentialStoreContract):
    @pytest.fixture
    def path(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        folder = tmp_path / "bin"
        folder.mkdir()
        helper = folder / "docker-credential-kept"
        helper.write_text(_HELPER)
        helper.chmod(helper.stat().st_mode | stat.S_IEXEC)
        (tmp_path / "kept").mkdir()
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("HELPER_STORE", str(tmp_path / "kept"))
        path = tmp_path / "config.json"
        path.write_text(json.dumps({"credsStore": "kept"}))
        return path

    @pytest.fixture
    def store(self, path: Path) -> DockerConfigCredentialStore:
        return DockerConfigCredentialStore(path)

    @pytest.fixture
    def lookup(self, path: Path) -> Lookup:
        return _lookup(path)


def test_the_rest_of_the_config_is_kept_and_the_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"auths": {"other.example": {"auth": "eDp5"}}, "detachKeys": "x"}))
    where = DockerConfigCredentialStore(path).store("registry.example", "alice", "pw")
    assert where == str(path)
    config = json.loads(path.read_text())
    assert config["detachKeys"] == "x"
    assert config["auths"]["other.example"] == {"auth": "eDp5"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_docker_hub_is_saved_under_the_key_the_docker_cli_uses(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    DockerConfigCredentialStore(path).store("docker.io", "alice", "pw")
    assert list(json.loads(path.read_text())["auths"]) == [HUB_KEY]


def test_a_config_that_is_not_json_is_an_authentication_error(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text("{not json")
    with pytest.raises(AuthenticationError):
        DockerConfigCredentialStore(path).store("registry.example", "alice", "pw")
    assert path.read_text() == "{not json"  # left as it was


def test_a_missing_helper_is_an_authentication_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"credHelpers": {"registry.example": "nowhere-to-be-found"}}))
    with pytest.raises(AuthenticationError, match="docker-credential-nowhere-to-be-found"):
        DockerConfigCredentialStore(path).store("registry.example", "alice", "pw")
