"""Every file a build reads from the project or the command line, made hostile.

cog.yaml, its requirements file, the predictor's sources, ``--openapi-schema``,
``--dockerfile``, ``.dockerignore`` and ``COG_CA_CERT`` each as a symlink to ``/dev/zero``
(never ends), a FIFO (no writer: a blocking read hangs) and a file past its limit: each is a
typed input error (exit code 2) naming the file and the problem, in bounded time. Before
issue 15's second pass the symlink was a ``MemoryError`` (exit 1) and the FIFO hung forever.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.docker.endpoint import context_dir_name, resolve_endpoint
from adapters.dockerfile import planning, user_dockerfile
from adapters.dockerfile.cacert import read_ca_cert
from adapters.dockerfile.context import _project_patterns
from adapters.dockerfile.model_schema import model_schema
from adapters.dockerfile.wheel_source import parse_wheel_value
from adapters.filesystem import load_source
from adapters.registry.credentials import DockerCredentials
from adapters.registry.login import DockerConfigCredentialStore
from domain.cogyaml.models import CogConfig
from domain.errors import (
    AuthenticationError,
    ConfigError,
    InvalidInputError,
    InvalidJsonError,
    SchemaError,
)
from domain.limits import MAX_COG_YAML_BYTES, MAX_JSON_DEPTH, MAX_SOURCE_BYTES
from domain.options import BuildOptions
from domain.source import Source

pytestmark = pytest.mark.timeout(30)

Hostile = Callable[[Path], None]


def _zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


HOSTILE = pytest.mark.parametrize(
    ("make", "words"),
    [(_zero, "not a regular file (a character device)"), (_fifo, "not a regular file (a FIFO)")],
    ids=["dev-zero", "fifo"],
)


@HOSTILE
def test_cog_yaml(tmp_path: Path, make: Hostile, words: str) -> None:
    make(tmp_path / "cog.yaml")
    with pytest.raises(ConfigError) as info:
        load_source(start_dir=tmp_path)
    assert str(info.value) == f"cannot read {tmp_path / 'cog.yaml'}: {words}"


def test_a_cog_yaml_past_its_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    (tmp_path / "cog.yaml").write_bytes(b"#" * (MAX_COG_YAML_BYTES + 1))
    with pytest.raises(ConfigError) as info:
        load_source(start_dir=tmp_path)
    assert str(info.value).endswith("larger than 1 MiB (the limit)")


@HOSTILE
def test_the_requirements_file(tmp_path: Path, make: Hostile, words: str) -> None:
    (tmp_path / "cog.yaml").write_text(
        "build:\n  python_version: '3.11'\n  python_requirements: requirements.txt\n"
    )
    make(tmp_path / "requirements.txt")
    with pytest.raises(ConfigError) as info:
        load_source(start_dir=tmp_path)
    assert f"open {tmp_path / 'requirements.txt'}: {words}" in str(info.value)


def _project(tmp_path: Path) -> Source:
    config = CogConfig.model_validate(
        {"build": {"python_version": "3.11"}, "predict": "predict.py:Predictor"}
    )
    return Source(config=config, project_dir=tmp_path)


@HOSTILE
def test_the_predictor_source(tmp_path: Path, make: Hostile, words: str) -> None:
    make(tmp_path / "predict.py")
    with pytest.raises(SchemaError) as info:
        planning.predictor_info(_project(tmp_path))
    assert str(info.value) == f"predict.py: {words}"


@HOSTILE
def test_a_project_file_the_predictor_imports(tmp_path: Path, make: Hostile, words: str) -> None:
    (tmp_path / "predict.py").write_text(
        "from cog import BasePredictor\nfrom helpers import Thing\n\n"
        "class Predictor(BasePredictor):\n    def predict(self, x: Thing) -> str:\n"
        "        return ''\n"
    )
    make(tmp_path / "helpers.py")
    with pytest.raises(SchemaError) as info:
        planning.predictor_info(_project(tmp_path))
    assert words in str(info.value)


def test_a_predictor_source_past_its_limit_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "predict.py").write_bytes(b"#" * (MAX_SOURCE_BYTES + 1))
    with pytest.raises(SchemaError) as info:
        planning.predictor_info(_project(tmp_path))
    assert info.value.kind == "limit_exceeded"
    assert str(info.value).endswith("larger than 256 KiB (the limit)")


def _schema_build(tmp_path: Path, schema: Path) -> str:
    options = BuildOptions(schema_file=str(schema))
    return model_schema(_project(tmp_path), options, {}, "0.16.8")


@HOSTILE
def test_an_openapi_schema_file(tmp_path: Path, make: Hostile, words: str) -> None:
    make(tmp_path / "schema.json")
    with pytest.raises(InvalidInputError) as info:
        _schema_build(tmp_path, tmp_path / "schema.json")
    assert str(info.value).endswith(words)


def test_an_openapi_schema_nested_5000_deep_is_invalid_json_not_a_recursion_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "schema.json").write_text('{"a":' * 5000 + "1" + "}" * 5000)
    with pytest.raises(InvalidJsonError) as info:
        _schema_build(tmp_path, tmp_path / "schema.json")
    assert f"{MAX_JSON_DEPTH}" in str(info.value)


def test_a_schema_in_the_environment_goes_through_the_same_reader(tmp_path: Path) -> None:
    _fifo(tmp_path / "schema.json")
    environ = {"COG_OPENAPI_SCHEMA": str(tmp_path / "schema.json")}
    with pytest.raises(InvalidInputError) as info:
        model_schema(_project(tmp_path), BuildOptions(), environ, "0.16.8")
    assert str(info.value).endswith("(a FIFO)")


@HOSTILE
def test_a_dockerfile(tmp_path: Path, make: Hostile, words: str) -> None:
    make(tmp_path / "Dockerfile")
    with pytest.raises(InvalidInputError) as info:
        user_dockerfile.read_dockerfile(tmp_path / "Dockerfile")
    assert str(info.value) == f"--dockerfile {tmp_path / 'Dockerfile'}: {words}"


@HOSTILE
def test_a_dockerignore(tmp_path: Path, make: Hostile, words: str) -> None:
    make(tmp_path / ".dockerignore")
    with pytest.raises(InvalidInputError) as info:
        _project_patterns(tmp_path)
    assert str(info.value).endswith(words)


@HOSTILE
def test_a_ca_certificate_file(tmp_path: Path, make: Hostile, words: str) -> None:
    make(tmp_path / "ca.crt")
    with pytest.raises(InvalidInputError) as info:
        read_ca_cert(str(tmp_path / "ca.crt"))
    assert str(info.value) == f"COG_CA_CERT: failed to read file {tmp_path / 'ca.crt'}: {words}"


def test_a_wheel_in_the_home_of_an_unknown_user_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_wheel_value("~nobodyhere-cogmodel/cog.whl", variable="COG_SDK_WHEEL", cwd=tmp_path)
    assert str(info.value).startswith("COG_SDK_WHEEL ~nobodyhere-cogmodel/cog.whl: cannot expand")


# The Docker config a user keeps (``$DOCKER_CONFIG/config.json``, a context's ``meta.json``):
# a FIFO hung the reader, and a document 5,000 levels deep was a RecursionError (exit 1).

DEEP = '{"a":' * 5000 + "1" + "}" * 5000


def _spoil(path: Path, make: Hostile | str) -> None:
    if callable(make):
        make(path)
    else:
        path.write_text(DEEP)


@pytest.mark.parametrize("make", [_fifo, _zero, "deep"], ids=["fifo", "dev-zero", "deep"])
def test_the_docker_config_read_for_credentials(tmp_path: Path, make: Hostile | str) -> None:
    path = tmp_path / "config.json"
    _spoil(path, make)
    with pytest.raises(AuthenticationError):
        DockerCredentials(path).get("r.io")
    with pytest.raises(AuthenticationError):
        DockerConfigCredentialStore(path).store("r.io", "u", "p")


@pytest.mark.parametrize("make", [_fifo, _zero, "deep"], ids=["fifo", "dev-zero", "deep"])
def test_the_docker_config_and_context_read_for_the_engine(
    tmp_path: Path, make: Hostile | str
) -> None:
    path = tmp_path / "config.json"
    _spoil(path, make)
    with pytest.raises(InvalidInputError):
        resolve_endpoint(host=None, context=None, environ={}, config_dir=tmp_path)
    path.unlink()
    meta = tmp_path / "contexts" / "meta" / context_dir_name("remote") / "meta.json"
    meta.parent.mkdir(parents=True)
    _spoil(meta, make)
    with pytest.raises(InvalidInputError):
        resolve_endpoint(host=None, context="remote", environ={}, config_dir=tmp_path)


@HOSTILE
def test_a_wheel_that_is_not_a_regular_file(tmp_path: Path, make: Hostile, words: str) -> None:
    make(tmp_path / "cog-0.1-py3-none-any.whl")
    with pytest.raises(InvalidInputError) as info:
        parse_wheel_value("cog-0.1-py3-none-any.whl", variable="COG_SDK_WHEEL", cwd=tmp_path)
    assert str(info.value).endswith(words)
