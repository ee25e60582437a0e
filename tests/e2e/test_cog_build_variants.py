"""End to end: the other ways to build — classic builder, a user's Dockerfile, the dev image.

Each builds ``examples/vocab`` (no requirements: the cheapest real model) on the real engine
and then proves the result works with Cog's runtime or carries Cog's labels and schema.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from adapters.dockerfile import DockerfileFactory
from application.ports.container_runner import ContainerSpec, VolumeMount
from domain.errors import ConfigError
from domain.labels import LABEL_HAS_INIT, LABEL_OPENAPI_SCHEMA, LABEL_PIP_FREEZE
from domain.options import BuildOptions, BuildSecret
from domain.progress import ProgressEvent
from domain.reference import ParsedRef, parse_ref
from tests.e2e.cog_build_support import (
    Engine,
    base_options,
    build_options,
    copy_example,
    image_name,
    load_source,
    serving,
)
from tests.infra import unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.docker]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wheels")


@pytest.fixture
def names(engine_for_names: Engine) -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    for name in made:
        engine_for_names.local.remove(parse_ref(name), force=True)


@pytest.fixture(scope="module")
def engine_for_names(docker_engine_client: object, wheels: Path) -> Engine:
    return Engine.make(docker_engine_client, wheels)  # type: ignore[arg-type]


def test_the_classic_builder_builds_a_model_that_serves(
    docker_engine_client: object,
    wheels: Path,
    python_slim_image: ParsedRef,
    tmp_path: Path,
    names: list[str],
) -> None:
    engine = Engine.make(docker_engine_client, wheels, buildkit=False)  # type: ignore[arg-type]
    source = load_source(copy_example("vocab", tmp_path))
    names.append(name := image_name("vocab-classic"))
    model = engine.resolver(engine.factory()).build(source, build_options(name))
    spec = ContainerSpec(image=model.image.image_id, ports={5000: None})  # type: ignore[arg-type]
    with serving(engine, spec) as server:
        status, body = server.post("/predictions", {"input": {"text": "image model cog"}})
        assert (status, body["output"]) == (200, ["cog", "model", "image"]), body
        assert server.get("/openapi.json")[1] == json.loads(
            model.image.labels[LABEL_OPENAPI_SCHEMA]
        )


def with_secret_run(project: Path, command: str) -> Path:
    """Give the project's cog.yaml a ``run`` item that mounts the build secret ``t``."""
    text = (project / "cog.yaml").read_text()
    secret_run = (
        f'  run:\n    - command: "{command}"\n      mounts:\n'
        "        - type: secret\n          id: t\n          target: /run/secrets/t\n"
    )
    (project / "cog.yaml").write_text(
        text.replace('  python_version: "3.11"\n', '  python_version: "3.11"\n' + secret_run)
    )
    return project


def test_the_classic_builder_refuses_run_secrets_before_building(
    docker_engine_client: object, wheels: Path, tmp_path: Path
) -> None:
    engine = Engine.make(docker_engine_client, wheels, buildkit=False)  # type: ignore[arg-type]
    project = with_secret_run(copy_example("vocab", tmp_path), "cat /run/secrets/t")
    with pytest.raises(ConfigError) as info:
        engine.factory().build(load_source(project), build_options(image_name("never")))
    assert info.value.field == "build.run"


def test_a_run_secret_reaches_its_command_and_nothing_else(
    engine_for_names: Engine,
    docker_client: docker.DockerClient,
    python_slim_image: ParsedRef,
    tmp_path: Path,
    names: list[str],
) -> None:
    # The secret's file sits in the project, where Cog would copy it into /src with the rest.
    engine = engine_for_names
    value = f"cogmodel-secret-{uuid.uuid4().hex}"
    project = copy_example("vocab", tmp_path)
    (project / "token.txt").write_text(value)
    # BuildKit caches a RUN by its text, never by its secrets: a new text per run.
    command = f"sha256sum /run/secrets/t | cut -d' ' -f1 > /token.sha256 # {uuid.uuid4().hex}"
    with_secret_run(project, command)
    events: list[ProgressEvent] = []
    factory = DockerfileFactory(
        builder=engine.builder,
        local=engine.local,
        runner=engine.runner,
        host_pip=engine.host_pip,
        environ={},
        progress=events.append,
    )
    names.append(name := image_name("vocab-secret"))
    secret = BuildSecret(id="t", src=str(project / "token.txt"))
    model = engine.resolver(factory).build(
        load_source(project), build_options(name, secrets=(secret,))
    )
    image_id = model.image.image_id
    assert image_id is not None
    seen = engine.runner.run(ContainerSpec(image=image_id, command=("cat", "/token.sha256")))
    assert seen.stdout.strip() == hashlib.sha256(value.encode()).hexdigest()
    listing = engine.runner.run(ContainerSpec(image=image_id, command=("ls", "-A", "/src")))
    assert "token.txt" not in listing.stdout.split()
    assert value not in json.dumps(dict(model.image.labels))
    kept = (
        json.dumps(docker_client.api.inspect_image(image_id)).encode()
        + json.dumps(docker_client.api.history(image_id)).encode()
        + b"".join(docker_client.api.get_image(image_id))  # every layer
    )
    assert value.encode() not in kept
    assert events
    assert not any(value in event.message for event in events)


def test_a_users_dockerfile_is_built_verbatim_and_gets_cogs_labels_and_schema(
    engine_for_names: Engine, python_slim_image: ParsedRef, tmp_path: Path, names: list[str]
) -> None:
    engine = engine_for_names
    project = copy_example("vocab", tmp_path)
    dockerfile = tmp_path / "Dockerfile.custom"
    dockerfile.write_text("FROM python:3.11-slim\nWORKDIR /src\nCOPY . /src\nRUN echo custom\n")
    names.append(name := image_name("vocab-custom"))
    options = build_options(name, dockerfile_file=str(dockerfile))
    model = engine.resolver(engine.factory()).build(load_source(project), options)
    assert LABEL_HAS_INIT not in model.image.labels  # its entrypoint is the user's business
    assert "pip==" not in model.image.labels[LABEL_PIP_FREEZE]  # pip freeze hides pip
    result = engine.runner.run(
        ContainerSpec(
            image=model.image.image_id,  # type: ignore[arg-type]
            command=("cat", "/src/.cog/openapi_schema.json"),
        )
    )
    assert result.stdout == model.image.labels[LABEL_OPENAPI_SCHEMA]


def test_the_dev_image_serves_the_mounted_project(
    engine_for_names: Engine, python_slim_image: ParsedRef, tmp_path: Path, names: list[str]
) -> None:
    engine = engine_for_names
    project = copy_example("vocab", tmp_path)
    names.append(name := image_name("vocab-base"))
    model = engine.resolver(engine.factory()).build_base(load_source(project), base_options(name))
    assert LABEL_OPENAPI_SCHEMA not in model.image.labels
    listing = engine.runner.run(
        ContainerSpec(image=model.image.image_id, command=("ls", "-A", "/src"))  # type: ignore[arg-type]
    )
    assert listing.stdout.split() == []  # no project inside: it is mounted at run time
    spec = ContainerSpec(
        image=model.image.image_id,  # type: ignore[arg-type]
        ports={5000: None},
        volumes=(VolumeMount(host_path=str(project), container_path="/src"),),
    )
    with serving(engine, spec) as server:
        status, body = server.post("/predictions", {"input": {"text": "model image", "top": 5}})
        assert (status, body["output"]) == (200, ["model", "image"]), body
        served = server.get("/openapi.json")[1]
        assert served == json.loads((project / ".cog" / "openapi_schema.json").read_text())


def test_with_cog_ca_cert_the_build_installs_from_pypi_inside_the_container(
    docker_engine_client: object,
    wheels: Path,
    python_slim_image: ParsedRef,
    tmp_path: Path,
    names: list[str],
) -> None:
    # Outbound HTTPS here is re-signed by a CA only the host trusts; handing the host's bundle
    # to the build (Cog's COG_CA_CERT) is the non-hermetic way to reach the index.
    bundle = Path("/etc/ssl/certs/ca-certificates.crt")
    if not bundle.is_file():
        unavailable(f"{bundle} not found: apt-get install ca-certificates")
    engine = Engine.make(docker_engine_client, wheels)  # type: ignore[arg-type]
    factory = DockerfileFactory(
        builder=engine.builder,
        local=engine.local,
        runner=engine.runner,
        environ={"COG_CA_CERT": str(bundle)},
    )
    names.append(name := image_name("vocab-ca"))
    source = load_source(copy_example("vocab", tmp_path))
    model = engine.resolver(factory).build(
        source, BuildOptions(image_name=name, use_cog_base_image=False)
    )
    assert "cog==0.23.1" in model.image.labels[LABEL_PIP_FREEZE].splitlines()
    spec = ContainerSpec(image=model.image.image_id, ports={5000: None})  # type: ignore[arg-type]
    with serving(engine, spec) as server:
        assert server.post("/predictions", {"input": {"text": "cog"}})[1]["output"] == ["cog"]
