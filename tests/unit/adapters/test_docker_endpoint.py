"""Which engine: DOCKER_HOST, then DOCKER_CONTEXT, then currentContext, as the docker CLI says.

Context stores are written here by hand in the CLI's layout; tests/integration/
test_docker_contexts.py checks the same resolution against the docker CLI itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.docker import DockerEngine
from adapters.docker.endpoint import (
    DEFAULT_HOST,
    cli_environ,
    context_dir_name,
    resolve_endpoint,
)
from domain.errors import InvalidInputError


def store_context(
    config: Path, name: str, host: str, *, tls: tuple[str, ...] = (), skip_verify: bool = False
) -> Path:
    meta = config / "contexts" / "meta" / context_dir_name(name)
    meta.mkdir(parents=True)
    endpoint = {"Host": host, "SkipTLSVerify": skip_verify}
    document = {"Name": name, "Metadata": {}, "Endpoints": {"docker": endpoint}}
    (meta / "meta.json").write_text(json.dumps(document))
    tls_dir = config / "contexts" / "tls" / context_dir_name(name) / "docker"
    if tls:
        tls_dir.mkdir(parents=True)
        for file in tls:
            (tls_dir / file).write_text(f"{file} of {name}\n")
    return tls_dir


def use(config: Path, name: str) -> None:
    (config / "config.json").write_text(json.dumps({"auths": {}, "currentContext": name}))


def resolve(config: Path, **environ: str):  # type: ignore[no-untyped-def]
    return resolve_endpoint(host=None, context=None, environ=environ, config_dir=config)


def test_the_store_is_keyed_by_the_sha256_of_the_name() -> None:
    # echo -n remote | sha256sum
    expected = "b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a"
    assert context_dir_name("remote") == expected


def test_without_anything_the_default_socket() -> None:
    endpoint = resolve(Path("/nonexistent"))
    assert (endpoint.host, endpoint.context, endpoint.origin) == (
        DEFAULT_HOST,
        "default",
        "default",
    )
    assert endpoint.tls is None


def test_docker_host_beats_docker_context_and_current_context(tmp_path: Path) -> None:
    store_context(tmp_path, "a", "tcp://a.example:2375")
    use(tmp_path, "a")
    endpoint = resolve(tmp_path, DOCKER_HOST="tcp://h.example:2375", DOCKER_CONTEXT="a")
    assert (endpoint.host, endpoint.context) == ("tcp://h.example:2375", "default")


def test_docker_context_beats_current_context(tmp_path: Path) -> None:
    store_context(tmp_path, "a", "tcp://a.example:2375")
    store_context(tmp_path, "b", "tcp://b.example:2375")
    use(tmp_path, "a")
    assert resolve(tmp_path, DOCKER_CONTEXT="b").host == "tcp://b.example:2375"
    assert resolve(tmp_path).host == "tcp://a.example:2375"
    assert resolve(tmp_path).origin == "currentContext"


def test_empty_variables_count_as_unset(tmp_path: Path) -> None:
    store_context(tmp_path, "a", "tcp://a.example:2375")
    use(tmp_path, "a")
    assert resolve(tmp_path, DOCKER_HOST="", DOCKER_CONTEXT="").host == "tcp://a.example:2375"


def test_the_default_context_by_name_is_the_default_endpoint(tmp_path: Path) -> None:
    use(tmp_path, "default")
    assert resolve(tmp_path).host == DEFAULT_HOST
    assert resolve(tmp_path, DOCKER_CONTEXT="default").host == DEFAULT_HOST


@pytest.mark.parametrize("where", ["DOCKER_CONTEXT", "currentContext"])
def test_a_missing_context_is_an_error_not_the_default_socket(tmp_path: Path, where: str) -> None:
    if where == "currentContext":
        use(tmp_path, "gone")
        environ = {}
    else:
        environ = {"DOCKER_CONTEXT": "gone"}
    with pytest.raises(InvalidInputError) as info:
        resolve(tmp_path, **environ)
    assert info.value.reason == "unknown Docker context"


def test_a_context_without_a_docker_endpoint_is_an_error(tmp_path: Path) -> None:
    meta = tmp_path / "contexts" / "meta" / context_dir_name("k8s")
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": "k8s", "Endpoints": {}}))
    with pytest.raises(InvalidInputError):
        resolve(tmp_path, DOCKER_CONTEXT="k8s")


def test_a_config_that_does_not_parse_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(InvalidInputError):
        resolve(tmp_path)


def test_a_contexts_tls_material_is_found_in_its_tls_directory(tmp_path: Path) -> None:
    tls_dir = store_context(
        tmp_path, "secure", "tcp://s.example:2376", tls=("ca.pem", "cert.pem", "key.pem")
    )
    tls = resolve(tmp_path, DOCKER_CONTEXT="secure").tls
    assert tls is not None
    assert (tls.ca_cert, tls.client_cert, tls.client_key) == (
        tls_dir / "ca.pem",
        tls_dir / "cert.pem",
        tls_dir / "key.pem",
    )
    assert tls.verify


def test_a_context_without_tls_files_speaks_plain_tcp(tmp_path: Path) -> None:
    store_context(tmp_path, "plain", "tcp://p.example:2375")
    assert resolve(tmp_path, DOCKER_CONTEXT="plain").tls is None


def test_skip_tls_verify_is_the_users_own_setting(tmp_path: Path) -> None:
    store_context(tmp_path, "lax", "tcp://l.example:2376", skip_verify=True)
    tls = resolve(tmp_path, DOCKER_CONTEXT="lax").tls
    assert tls is not None
    assert not tls.verify


def test_a_socket_context_never_uses_tls(tmp_path: Path) -> None:
    store_context(tmp_path, "sock", "unix:///run/other.sock", tls=("ca.pem",))
    endpoint = resolve(tmp_path, DOCKER_CONTEXT="sock")
    assert endpoint.is_socket
    assert endpoint.tls is None


def test_the_default_context_takes_tls_from_the_environment(tmp_path: Path) -> None:
    endpoint = resolve(
        tmp_path, DOCKER_HOST="tcp://t.example:2376", DOCKER_TLS_VERIFY="1", DOCKER_CERT_PATH="/c"
    )
    assert endpoint.tls is not None
    assert endpoint.tls.ca_cert == Path("/c/ca.pem")
    assert endpoint.tls.verify
    lax = resolve(tmp_path, DOCKER_HOST="tcp://t.example:2376", DOCKER_CERT_PATH="/c")
    assert lax.tls is not None
    assert not lax.tls.verify


def test_host_and_context_together_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        resolve_endpoint(host="tcp://x:1", context="a", environ={}, config_dir=tmp_path)


def test_an_explicit_host_or_context_beats_the_environment(tmp_path: Path) -> None:
    store_context(tmp_path, "a", "tcp://a.example:2375")
    environ = {"DOCKER_HOST": "tcp://h.example:2375"}
    given = resolve_endpoint(host="tcp://g:1", context=None, environ=environ, config_dir=tmp_path)
    assert given.host == "tcp://g:1"
    named = resolve_endpoint(host=None, context="a", environ=environ, config_dir=tmp_path)
    assert named.host == "tcp://a.example:2375"


def test_a_docker_cli_is_pointed_at_the_same_engine_and_tls(tmp_path: Path) -> None:
    tls_dir = store_context(
        tmp_path, "secure", "tcp://s.example:2376", tls=("ca.pem", "cert.pem", "key.pem")
    )
    endpoint = resolve(tmp_path, DOCKER_CONTEXT="secure")
    env = cli_environ(endpoint, {"DOCKER_CONTEXT": "secure", "PATH": "/bin"})
    assert env["DOCKER_HOST"] == "tcp://s.example:2376"
    assert env["DOCKER_CERT_PATH"] == str(tls_dir)
    assert env["DOCKER_TLS_VERIFY"] == "1"
    assert "DOCKER_CONTEXT" not in env
    assert env["PATH"] == "/bin"


def test_docker_engine_exposes_the_resolved_endpoint(tmp_path: Path) -> None:
    store_context(tmp_path, "a", "tcp://a.example:2375")
    use(tmp_path, "a")
    engine = DockerEngine(config_dir=tmp_path, environ={})
    assert engine.host == engine.endpoint.host == "tcp://a.example:2375"
    assert engine.endpoint.context == "a"
    assert engine.environ["DOCKER_HOST"] == "tcp://a.example:2375"
