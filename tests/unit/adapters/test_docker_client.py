"""DockerEngine: which engine, no I/O before first use, and credentials from $DOCKER_CONFIG."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from adapters.docker import (
    BuildKitImageBuilder,
    DockerContainerRunner,
    DockerEngine,
    DockerImageBuilder,
    DockerLocalImages,
)
from adapters.docker.client import DEFAULT_HOST, Publication
from domain.errors import AuthenticationError, InvalidInputError

DEAD = "unix:///nonexistent/cogmodel-test.sock"


def write_config(directory: Path, auths: dict[str, object]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps({"auths": auths}))


def basic(user: str, password: str) -> dict[str, str]:
    return {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_host_comes_from_the_argument_then_docker_host_then_the_default() -> None:
    assert DockerEngine(host="tcp://1.2.3.4:2375", environ={}).host == "tcp://1.2.3.4:2375"
    assert DockerEngine(environ={"DOCKER_HOST": "ssh://me@box"}).host == "ssh://me@box"
    assert DockerEngine(environ={}).host == DEFAULT_HOST


def test_cli_environment_names_the_same_engine() -> None:
    engine = DockerEngine(host="tcp://1.2.3.4:2375", environ={"DOCKER_HOST": "unix:///x"})
    assert engine.environ["DOCKER_HOST"] == "tcp://1.2.3.4:2375"


def test_constructing_adapters_on_a_dead_engine_does_no_io() -> None:
    engine = DockerEngine(host=DEAD, environ={})
    for adapter in (
        DockerLocalImages(engine=engine),
        DockerImageBuilder(engine=engine),
        BuildKitImageBuilder(engine=engine, cli="/nonexistent/docker"),
        DockerContainerRunner(engine=engine),
    ):
        with adapter:
            pass  # entering and closing never connects either


def test_credentials_come_from_docker_config(tmp_path: Path) -> None:
    write_config(tmp_path / "cfg", {"127.0.0.1:5000": basic("alice", "s3cret")})
    engine = DockerEngine(environ={"DOCKER_CONFIG": str(tmp_path / "cfg")})
    auth = engine.registry_auth("127.0.0.1:5000")
    assert (auth["username"], auth["password"]) == ("alice", "s3cret")
    assert engine.registry_auth("127.0.0.1:6000") == {}


def test_hub_credentials_are_found_under_dockers_index_key(tmp_path: Path) -> None:
    write_config(tmp_path, {"https://index.docker.io/v1/": basic("bob", "pw")})
    engine = DockerEngine(config_dir=tmp_path, environ={})
    assert engine.registry_auth("index.docker.io")["username"] == "bob"


def test_docker_config_without_a_file_means_anonymous(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # docker-py alone would fall back to ~/.docker/config.json; the docker CLI does not.
    home = tmp_path / "home"
    write_config(home / ".docker", {"127.0.0.1:5000": basic("home", "user")})
    monkeypatch.setenv("HOME", str(home))
    engine = DockerEngine(environ={"DOCKER_CONFIG": str(tmp_path / "empty")})
    assert engine.registry_auth("127.0.0.1:5000") == {}


def test_a_broken_config_is_an_authentication_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"auths": {"x": "not an object"}}))
    engine = DockerEngine(config_dir=tmp_path, environ={})
    with pytest.raises(AuthenticationError) as info:
        engine.registry_auth("x")
    assert info.value.registry == "x"


def test_credentials_are_read_at_each_call(tmp_path: Path) -> None:
    engine = DockerEngine(config_dir=tmp_path, environ={})
    assert engine.registry_auth("127.0.0.1:5000") == {}
    write_config(tmp_path, {"127.0.0.1:5000": basic("late", "login")})
    assert engine.registry_auth("127.0.0.1:5000")["username"] == "late"


@pytest.mark.parametrize(
    ("host", "bind", "reach", "local"),
    [
        ("unix:///var/run/docker.sock", "127.0.0.1", "127.0.0.1", True),
        ("npipe:////./pipe/docker_engine", "127.0.0.1", "127.0.0.1", True),
        ("tcp://127.0.0.1:2375", "127.0.0.1", "127.0.0.1", True),
        ("tcp://localhost:2375", "127.0.0.1", "127.0.0.1", True),
        ("tcp://[::1]:2375", "127.0.0.1", "127.0.0.1", True),
        ("tcp://10.1.2.3:2376", "0.0.0.0", "10.1.2.3", False),
        ("https://docker.example.com:2376", "0.0.0.0", "docker.example.com", False),
        ("tcp://[fd00::5]:2375", "0.0.0.0", "fd00::5", False),
        ("ssh://me@gpu-box", "0.0.0.0", "gpu-box", False),
        ("ssh://me@gpu-box:2222", "0.0.0.0", "gpu-box", False),
    ],
)
def test_ports_are_published_where_this_machine_reaches_them(
    host: str, bind: str, reach: str, local: bool
) -> None:
    engine = DockerEngine(host=host, environ={})
    assert engine.publication() == Publication(bind=bind, reach=reach, local=local)
    runner = DockerContainerRunner(engine=engine)
    assert (runner.published_host, runner.is_local) == (reach, local)


def test_the_publication_follows_the_engine_address_from_the_environment() -> None:
    engine = DockerEngine(environ={"DOCKER_HOST": "tcp://192.0.2.7:2375"})
    assert engine.publication().reach == "192.0.2.7"


# docker-py's parse_host is the oracle: what it refuses when the client is made, the engine
# refuses when it is constructed (no connection), as invalid input with the password masked.
@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("tcp://127.0.0.1:99999", "Port out of range 0-65535"),  # a bare ValueError in docker-py
        ("tcp://127.0.0.1:port", "Port could not be cast to integer value"),
        ("tcp://alice:s3cret@10.0.0.1:2375", "Invalid bind address format"),
        ("bogus://engine", "Invalid bind address protocol"),
        ("tcp://10.0.0.1:2375/v1?x=1", "Invalid bind address format"),
        ("ssh://me@box/some/path", "Invalid bind address format"),
    ],
)
def test_an_address_docker_py_refuses_is_invalid_input_before_any_connection(
    address: str, reason: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        DockerEngine(environ={"DOCKER_HOST": address})
    message = str(refused.value)
    assert message.startswith("the engine address ")
    assert reason in message
    assert "s3cret" not in message


@pytest.mark.parametrize(
    "address",
    ["tcp://127.0.0.1:2375", "tcp://[::1]:2376", "unix:///run/docker.sock", "ssh://me@box:2222"],
)
def test_an_address_docker_py_takes_is_taken(address: str) -> None:
    assert DockerEngine(environ={"DOCKER_HOST": address}).host == address


def test_a_contexts_address_that_docker_py_refuses_names_the_context(tmp_path: Path) -> None:
    from tests.unit.adapters.test_docker_endpoint import store_context

    store_context(tmp_path, "remote", "tcp://10.0.0.1:70000")
    with pytest.raises(InvalidInputError, match=r"\(Docker context 'remote'\) cannot be used"):
        DockerEngine(context="remote", config_dir=tmp_path, environ={})
