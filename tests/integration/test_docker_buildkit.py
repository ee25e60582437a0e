"""BuildKit specifics: build secrets never leak, and CLIs that cannot build are refused clearly."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from adapters.docker import BuildKitImageBuilder, DockerEngine
from application.ports.image_builder import BuildRequest
from domain.errors import BackendUnavailableError, BuildError, InvalidInputError
from domain.options import BuildSecret
from domain.progress import ProgressEvent
from domain.reference import ParsedRef

pytestmark = pytest.mark.docker

DOCKER_CLI = os.environ.get("COGMODEL_DOCKER_CLI", "/usr/bin/docker")
NEWER_CLI = "/usr/local/bin/docker"  # the client first on PATH on these machines: no buildx


@pytest.fixture
def builder(docker_engine_client: DockerEngine) -> BuildKitImageBuilder:
    return BuildKitImageBuilder(cli=DOCKER_CLI, engine=docker_engine_client)


@pytest.fixture
def secret_value() -> str:
    return f"s3cr3t-{uuid.uuid4().hex}"


def everything_the_engine_keeps(client: docker.DockerClient, image_id: str) -> bytes:
    """Config, history and the exported image (every layer), as bytes to search."""
    inspected = json.dumps(client.api.inspect_image(image_id)).encode()
    history = json.dumps(client.api.history(image_id)).encode()
    exported = b"".join(client.api.get_image(image_id))
    return inspected + history + exported


@dataclass(frozen=True)
class Secrets:
    value: str
    context: Path
    build_secrets: tuple[BuildSecret, ...]


@pytest.fixture
def secrets(secret_value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Secrets:
    """One secret from a file and one from an environment variable, with the same value."""
    context = tmp_path / "context"
    context.mkdir()
    secret_file = tmp_path / "token.txt"
    secret_file.write_text(secret_value)
    monkeypatch.setenv("COGMODEL_TEST_SECRET", secret_value)
    return Secrets(
        value=secret_value,
        context=context,
        build_secrets=(
            BuildSecret(id="file", src=str(secret_file)),
            BuildSecret(id="env", env="COGMODEL_TEST_SECRET"),
        ),
    )


def test_secrets_reach_the_build_and_leave_no_trace(
    builder: BuildKitImageBuilder,
    docker_client: docker.DockerClient,
    busybox_image: ParsedRef,
    secrets: Secrets,
) -> None:
    dockerfile = (
        f"FROM {busybox_image}\n"
        # Prove both secrets were mounted without printing them: keep their checksums.
        "RUN --mount=type=secret,id=file,required=true "
        "--mount=type=secret,id=env,required=true "
        "sha256sum /run/secrets/file /run/secrets/env | cut -d' ' -f1 > /checksums\n"
    )
    events: list[ProgressEvent] = []
    image_id = builder.build(
        BuildRequest(
            context_dir=secrets.context,
            dockerfile=dockerfile,
            secrets=secrets.build_secrets,
            labels={"kind": "secret-test"},
            no_cache=True,
            progress=events.append,
        )
    )
    try:
        checksums = docker_client.containers.run(image_id, ["cat", "/checksums"], remove=True)
        expected = hashlib.sha256(secrets.value.encode()).hexdigest()
        assert checksums.decode().split() == [expected, expected]
        assert secrets.value.encode() not in everything_the_engine_keeps(docker_client, image_id)
        assert not any(secrets.value in event.message for event in events)
    finally:
        docker_client.api.remove_image(image_id, force=True)  # built without cache: new each run


def test_a_failing_build_with_a_secret_does_not_put_it_in_the_error(
    builder: BuildKitImageBuilder, busybox_image: ParsedRef, secret_value: str, tmp_path: Path
) -> None:
    secret_file = tmp_path / "token.txt"
    secret_file.write_text(secret_value)
    dockerfile = (
        f"FROM {busybox_image}\n"
        "RUN --mount=type=secret,id=file test -s /run/secrets/file && exit 9\n"
    )
    with pytest.raises(BuildError) as info:
        builder.build(
            BuildRequest(
                context_dir=tmp_path,
                dockerfile=dockerfile,
                secrets=(BuildSecret(id="file", src=str(secret_file)),),
            )
        )
    assert secret_value not in str(info.value)
    assert not any(secret_value in line for line in info.value.log_tail)


def test_a_secret_from_a_missing_file_is_invalid_input(
    builder: BuildKitImageBuilder, busybox_image: ParsedRef, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInputError):
        builder.build(
            BuildRequest(
                context_dir=tmp_path,
                dockerfile=f"FROM {busybox_image}\n",
                secrets=(BuildSecret(id="x", src=str(tmp_path / "absent")),),
            )
        )


def test_a_secret_from_an_unset_variable_is_invalid_input(
    builder: BuildKitImageBuilder,
    busybox_image: ParsedRef,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COGMODEL_TEST_UNSET", raising=False)
    with pytest.raises(InvalidInputError):
        builder.build(
            BuildRequest(
                context_dir=tmp_path,
                dockerfile=f"FROM {busybox_image}\n",
                secrets=(BuildSecret(id="x", env="COGMODEL_TEST_UNSET"),),
            )
        )


def test_the_default_cli_passes_the_capability_check(builder: BuildKitImageBuilder) -> None:
    builder.check()


def test_a_cli_without_buildkit_is_refused_with_a_clear_message(
    docker_engine_client: DockerEngine, tmp_path: Path
) -> None:
    if shutil.which(NEWER_CLI) is None:
        pytest.skip(f"{NEWER_CLI} (a docker CLI without buildx) is not on this machine")
    builder = BuildKitImageBuilder(cli=NEWER_CLI, engine=docker_engine_client)
    with pytest.raises(BackendUnavailableError) as info:
        builder.build(BuildRequest(context_dir=tmp_path, dockerfile="FROM scratch\n"))
    # What the user reads is the point: which CLI, why, and what to use instead.
    assert info.value.backend == "buildkit"
    assert NEWER_CLI in str(info.value)
    assert "buildx" in str(info.value)
    assert "/usr/bin/docker" in str(info.value)


def test_a_missing_cli_is_refused_with_a_clear_message(
    docker_engine_client: DockerEngine, tmp_path: Path
) -> None:
    builder = BuildKitImageBuilder(cli=tmp_path / "no-docker-here", engine=docker_engine_client)
    with pytest.raises(BackendUnavailableError) as info:
        builder.check()
    assert "no-docker-here" in str(info.value)


# --------------------------------------------------------------------------- the default builder


def test_the_default_builder_is_buildkit_where_the_engine_and_the_cli_support_it(
    docker_engine_client: DockerEngine, caplog: pytest.LogCaptureFixture
) -> None:
    from adapters.docker.auto_builder import PreferBuildKitImageBuilder

    chosen = PreferBuildKitImageBuilder(engine=docker_engine_client)
    assert (chosen.name, chosen.supports_mounts) == ("buildkit", True)
    assert not caplog.records  # nothing to say


def test_without_a_buildkit_cli_the_default_is_classic_said_once(
    docker_engine_client: DockerEngine, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    from adapters.docker.auto_builder import PreferBuildKitImageBuilder

    chosen = PreferBuildKitImageBuilder(
        cli=tmp_path / "no-docker-here", engine=docker_engine_client
    )
    assert (chosen.name, chosen.supports_mounts) == ("classic", False)
    assert chosen.name == "classic"  # asked again: decided once
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert warnings[0].startswith("BuildKit is not available (the docker CLI ")
    assert warnings[0].endswith("building with the classic builder")
